"""Unknown jargon: acronyms, code-like identifiers and rare words that no glossary covers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from wordfreq import zipf_frequency

from glossary.tokens import Token
from translator.facts import Fact

_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Z0-9&/]{1,7}s?$")
#: Below this Zipf frequency (about once per 30 million words) a word counts as rare.
RARE_ZIPF = 2.3


@lru_cache(maxsize=65536)
def is_jargon_word(word: str) -> bool:
    """An acronym, or a long word that everyday English hardly uses."""
    if _ACRONYM.match(word):
        return True
    return len(word) >= 5 and word.isalpha() and zipf_frequency(word.lower(), "en") < RARE_ZIPF


def unknown_jargon(tokens: Sequence[Token], covered: Sequence[bool], facts: Iterable[Fact]) -> tuple[list[str], int]:
    """Jargon nobody explained, in order of first use, and how many words of the text it takes."""
    found: dict[str, None] = {}
    count = 0
    for token, is_covered in zip(tokens, covered, strict=True):
        if not is_covered and is_jargon_word(token.text):
            found.setdefault(token.text)
            count += 1
    for fact in facts:
        if fact.kind == "identifier":
            found.setdefault(fact.text)
            count += 1
    return list(found), count

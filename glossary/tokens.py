"""Tokenization and the lemma keys that make matching case- and inflection-insensitive."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from itertools import repeat
from operator import add
from typing import NamedTuple, cast

from wordfreq import zipf_frequency

# spaCy's numeric layer (thinc) imports torch when it can (lemminflect imports spaCy too): 1.5 s on
# every start of the CLI or a worker, for a tokenizer that never uses it. While they load, `import
# torch` fails, which thinc expects; the model stage imports torch for real when it needs it. Where
# torch is loaded already, nothing changes.
_HIDE_TORCH = "torch" not in sys.modules
if _HIDE_TORCH:
    sys.modules["torch"] = None  # type: ignore[assignment]
try:
    import spacy
    from lemminflect import getAllInflections, getAllInflectionsOOV, getAllLemmas, getAllLemmasOOV
    from spacy.attrs import IDX, LENGTH
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
finally:
    if _HIDE_TORCH:
        del sys.modules["torch"]

#: A word this frequent in English (about once per 300,000 words) is no acronym when written
#: with a capital first letter only ('Ads').
COMMON_ZIPF = 3.5
ACRONYM_PLURAL = re.compile(r"^([A-Z][A-Z0-9]+)s$")
#: Tokens that carry no meaning for matching: "on-call" matches "on call".
SKIPPED = frozenset({"-", "–"})
#: Particles of phrasal verbs ('fence it off'); the last word of nouns written like them ('stand-up',
#: 'hang-ups', 'sign-ins').
PARTICLES = frozenset("up in out off on down over back away".split())
#: spaCy splits contractions ("can't" -> "ca", "n't"); these map the pieces back to words.
CONTRACTIONS = {"ca": "can", "n't": "not", "wo": "will", "'re": "be", "'m": "be", "'ve": "have", "'ll": "will"}
CAPS_PREFIX = "^"


class Token(NamedTuple):
    """A token's text and its character offsets in the text it came from."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def tokenizer() -> Language:
    """spaCy's rule-based English tokenizer; no statistical model, so nothing to download.

    One rule added: a full stop after a lower-case letter and a capital is split off ("the IdP." ->
    "IdP", "."; "via IaC."), which spaCy's rules keep on the word as if it were an abbreviation."""
    nlp = spacy.blank("en")
    suffixes = [*(nlp.Defaults.suffixes or ()), r"(?<=[a-z][A-Z])\."]
    cast("Tokenizer", nlp.tokenizer).suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    return nlp


#: spaCy's tokenizer takes time quadratic in the length of a run without spaces (60,000 colons:
#: minutes), so runs this long are split by a plain regular expression instead.
LONG_RUN = 64
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_RUN_PARTS = re.compile(r"\w+|[^\w\s]+")


def tokenize(text: str) -> list[Token]:
    """Split text into tokens with character offsets."""
    tokens: list[Token] = []
    cursor = 0
    for run in _LONG_RUN.finditer(text):
        tokens.extend(_spacy_tokens(text[cursor: run.start()], cursor))
        tokens.extend(Token(m.group(), m.start(), m.end()) for m in _RUN_PARTS.finditer(text, run.start(), run.end()))
        cursor = run.end() + text.startswith(" ", run.end())  # spaCy folds one space into the token before
    tokens.extend(_spacy_tokens(text[cursor:], cursor))
    return tokens


def _spacy_tokens(text: str, offset: int) -> list[Token]:
    # Offsets and lengths in one array, and the tokens built by C loops (map), not a Python one.
    flat = cast("list[int]", tokenizer().make_doc(text).to_array([IDX, LENGTH]).ravel().tolist())
    starts = flat[0::2]
    ends = list(map(add, starts, flat[1::2]))
    words = list(map(text.__getitem__, map(slice, starts, ends)))
    if offset:
        starts = [start + offset for start in starts]
        ends = [end + offset for end in ends]
    return list(map(tuple.__new__, repeat(Token), zip(words, starts, ends, strict=True)))


def is_acronym(word: str) -> bool:
    """All capitals (digits allowed), at most four letters: DNS, K8S, SLA, P1."""
    letters = sum(c.isalpha() for c in word)
    return 2 <= len(word) <= 6 and 1 <= letters <= 4 and word.upper() == word and word[0].isalpha()


@lru_cache(maxsize=65536)
def lemmas(lower: str) -> dict[str, tuple[str, ...]]:
    """Lemmas by part of speech; for words the dictionary lacks, lemminflect's suffix rules."""
    found: dict[str, tuple[str, ...]] = getAllLemmas(lower)
    if found or not lower.isalpha():
        return found
    found = dict(getAllLemmasOOV(lower, "NOUN"))
    verbs = getAllLemmasOOV(lower, "VERB")
    if lower.endswith(("ed", "ing", "s")) or lower in verbs.get("VERB", ()):  # not 'optimizer' -> 'optimize'
        found.update(verbs)
    # The rules guess 'synce' for 'syncing' and 'autoscal' for 'autoscaled': the word less its
    # ending ('sync', 'autoscale') is a candidate as well.
    for ending in ("ing", "ed"):
        if lower.endswith(ending):
            stem = lower[: -len(ending)]
            extra = tuple(candidate for candidate in (stem, stem + "e") if len(candidate) >= 3)
            found["VERB"] = tuple(dict.fromkeys((*found.get("VERB", ()), *extra)))
    return found


@lru_cache(maxsize=16384)
def verb_forms(lemma: str) -> dict[str, tuple[str, ...]]:
    """Every inflection of a verb by Penn tag (VBD, VBN, VBG, VBZ...)."""
    forms: dict[str, tuple[str, ...]] = getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, "VERB")
    return forms


@lru_cache(maxsize=65536)
def in_dictionary(lower: str) -> bool:
    """Whether the dictionary knows the word ('deploy'), not only its suffix rules ('kube')."""
    return bool(getAllLemmas(lower))


def _is_english(lower: str) -> bool:
    return in_dictionary(lower) or zipf_frequency(lower, "en") >= COMMON_ZIPF


@lru_cache(maxsize=65536)
def is_noun(lower: str) -> bool:
    """A word the dictionary lists as a noun and not as an adverb ('nodes'; not 'and', 'more')."""
    listed = getAllLemmas(lower)
    return "NOUN" in listed and "ADV" not in listed


@lru_cache(maxsize=65536)
def is_past_participle(lower: str) -> bool:
    """'revoked', 'spiked', 'queued', 'ran': a verb's past form that is no noun form of its lemma."""
    found = lemmas(lower)
    return not found.get("NOUN") and any(
        lower in verb_forms(lemma).get("VBD", ()) + verb_forms(lemma).get("VBN", ()) for lemma in found.get("VERB", ()))


@lru_cache(maxsize=65536)
def token_keys(word: str) -> tuple[str, ...]:
    """Every key a text token can match: its lower case, its lemmas, and caps-marked forms.

    Glossary acronyms ("SLA") carry the caps mark, so they match "SLA"/"SLAs" but not a
    lower-case word that happens to share the letters. The word as written comes first, so that
    where two entries fit, the one spelled so wins over a lemma ("IDS" over "ID").
    """
    lower = word.lower()
    exact = CONTRACTIONS.get(lower, lower)
    keys = {exact}
    plural = ACRONYM_PLURAL.match(word)
    if plural:
        keys.add(plural.group(1).lower())
    elif word.isalpha():
        keys.update(lemma for forms in lemmas(lower).values() for lemma in forms)
    # Capitals may mark an acronym ('LAG', 'Sev2', and 'SLAs', where "IDs" is the plural of ID, not
    # the acronym IDS), but not an English word that opens a sentence or a name: 'Lag' is no 'LAG',
    # nor the common word 'Ads' (which the dictionary lacks) the plural of 'AD'.
    if plural:
        keys.add(CAPS_PREFIX + plural.group(1).lower())
    elif word != lower and not (word[1:].islower() and word.isalpha() and _is_english(lower)):
        keys.update(CAPS_PREFIX + key for key in list(keys))
    first = [key for key in (CAPS_PREFIX + exact, exact) if key in keys]
    return (*first, *sorted(keys.difference(first)))


@lru_cache(maxsize=65536)
def pattern_key(word: str) -> str:
    """The single key a glossary term's token is stored under."""
    lower = word.lower()
    if is_acronym(word):
        return CAPS_PREFIX + lower
    plural = ACRONYM_PLURAL.match(word)
    if plural and not any(c.isdigit() for c in plural.group(1)):  # "PCs"; "K8s" is a word, not K8 twice
        return CAPS_PREFIX + plural.group(1).lower()
    lower = CONTRACTIONS.get(lower, lower)
    if not word.isalpha():
        return lower
    found = lemmas(lower)
    if not found or any(lower in forms for forms in found.values()):
        return lower
    if lower.endswith("ing") and "NOUN" not in found:
        return lower  # "staging" names a thing; it should not match every "stage"
    for pos in ("NOUN", "VERB", "ADJ"):
        if pos in found:
            return found[pos][0]
    return next(iter(found.values()))[0]


def pattern_keys(term: str) -> tuple[str, ...]:
    """The key sequence a glossary term is stored under."""
    return tuple(pattern_key(t.text) for t in tokenize(term) if t.text not in SKIPPED)

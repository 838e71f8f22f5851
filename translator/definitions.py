"""Acronyms a text defines for itself: 'Chia Network Inc (CNI)', 'CNI (Chia Network Inc)'.

Such an acronym means what the text says, whatever the glossary holds for it: a writer's own
'CNI' is their company, not a container networking add-on."""

from __future__ import annotations

import re

from glossary import Entry

_BRACKETED = re.compile(r"\(([^()\n]{2,80})\)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}(?=s?$)")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&']*")
#: Small words an acronym often leaves out: 'Bank of England (BoE)', 'Time To Live (TTL)' either way.
_SMALL = frozenset("of and the for to in on a an at by with &".split())
_REACH = 8  # words an acronym may stand for
_BEFORE_CHARS = 120  # how far before a bracket those words are looked for
_STEM = 5  # letters that show two words are one: network, networking


def local_acronyms(text: str) -> dict[str, str]:
    """Each acronym the text spells out, with the words it stands for there."""
    found: dict[str, str] = {}
    for m in _BRACKETED.finditer(text):
        inside = m.group(1).strip()
        before = text[max(0, m.start() - _BEFORE_CHARS): m.start()]  # not the whole text up to each bracket
        short = _ACRONYM.match(inside)
        if short:  # 'Chia Network Inc (CNI)'
            words, from_end = _WORD.findall(before)[-_REACH:], True
        else:  # 'CNI (Chia Network Inc)'
            short = _ACRONYM.match(before.rstrip()[-9:].split()[-1]) if before.strip() else None
            words, from_end = _WORD.findall(inside)[:_REACH], False
        long = _spelled_out(short.group(), words, from_end) if short else None
        if short and long:
            found.setdefault(short.group(), long)
    return found


def _spelled_out(short: str, words: list[str], from_end: bool) -> str | None:
    """The run of ``words`` (the last ones, or the first ones) whose initials spell ``short``."""
    letters = short.replace("&", "").lower()
    for k in range(1, len(words) + 1):
        run = words[-k:] if from_end else words[:k]
        for initials in (_initials(run, skip_small=False), _initials(run, skip_small=True)):
            if initials == letters:
                return " ".join(run)
    return None


def _initials(words: list[str], *, skip_small: bool) -> str:
    parts = [p for w in words for p in re.split(r"[-/]", w) if p]
    return "".join(p[0].lower() for p in parts if not (skip_small and p.lower() in _SMALL))


def means_otherwise(long: str, entry: Entry) -> bool:
    """True when the text's own long form is not what the glossary entry stands for: each word of it
    must begin like a word of the entry's spellings or explanation ('Networking' and 'network') for
    the two to agree."""
    known = {word[:_STEM] for word in _WORD.findall(" ".join((*entry.forms, entry.explanation)).lower())}
    return any(word[:_STEM] not in known for word in _WORD.findall(long.lower()) if word not in _SMALL)

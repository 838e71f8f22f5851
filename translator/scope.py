"""Business -> IT: after the sentence that raises a need, one added sentence names the technical
work it implies ("IT scope: load testing, autoscaling."), from the request concepts
(glossary.concepts). Terms the draft already states are not repeated."""

from __future__ import annotations

import re
from collections.abc import Sequence

from glossary.concepts import Concept, ConceptHit, find_concepts
from translator.edits import Edit
from translator.result import TermChange

LAYER = "builtin"
LEAD = "IT scope: "
#: A sentence's end: . ! or ? (and any closing quote or bracket) before the end or a next word
#: that is not lower case ("e.g. the" goes on), or a line break.
_SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s*\Z|\s+(?![a-z]))|\n")


def scope_edits(masked: str, protected: Sequence[tuple[int, int]], draft_terms: Sequence[str],
                concepts: tuple[Concept, ...] | None = None) -> tuple[list[Edit], list[TermChange]]:
    """An insertion after each sentence whose cues raised `concepts` (default: the built-in ones),
    and a ledger line per concept.

    `draft_terms` are the texts the rewrite already puts in; a concept term found in them (or in
    the request) is not added again, and a concept with nothing left to add is dropped."""
    stated = " ".join([masked, *draft_terms]).lower()
    by_sentence: dict[tuple[int, bool], list[tuple[ConceptHit, list[str]]]] = {}
    for hit in find_concepts(masked, concepts):
        new = [t for t in hit.concept.terms if not _states(stated, t)]
        if new:
            stated += " " + " ".join(new).lower()
            by_sentence.setdefault(_insertion_point(masked, protected, hit.end), []).append((hit, new))
    edits: list[Edit] = []
    ledger: list[TermChange] = []
    for (at, closed), items in sorted(by_sentence.items()):
        sentence = ("" if closed else ".") + " " + LEAD + "; ".join(", ".join(new) for _, new in items) + "."
        edits.append(Edit(at, at, sentence))
        ledger.extend(
            TermChange(source=masked[hit.start:hit.end], target=", ".join(new), start=hit.start, end=hit.end,
                       layer=LAYER, note=hit.concept.explanation)
            for hit, new in items
        )
    return edits, ledger


def _states(text: str, term: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(term.lower()), text) is not None


def _insertion_point(masked: str, protected: Sequence[tuple[int, int]], position: int) -> tuple[int, bool]:
    """Just after the end of the sentence holding `position`, and whether it closes with a full
    stop (or ! or ?): after that punctuation, or else after the sentence's last word, when a line
    break, a protected part or the end of the text comes first."""
    limit = next((start for start, _ in protected if start >= position), len(masked))
    end = _SENTENCE_END.search(masked, position, limit)
    if end is not None and end.group() != "\n":
        return end.end(), True
    at = end.start() if end is not None else limit
    while at > position and masked[at - 1].isspace():
        at -= 1
    return at, False

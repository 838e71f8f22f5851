"""Business -> IT: after the sentence that raises a need, one added sentence names the technical
work it implies ("IT scope: load testing, autoscaling."), from the request concepts
(glossary.concepts). Terms the draft already states are not repeated. With an embedder, a sentence
whose cues raised nothing may get the concept nearest in meaning, marked as a suggestion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from glossary.concepts import Concept, ConceptHit, builtin_concepts, find_concepts
from models.base import Embedder
from translator.edits import Edit
from translator.result import TermChange

LAYER = "builtin"
LEAD = "IT scope: "
SUGGESTED_LEAD = "IT scope (suggested): "
_SCOPE = re.compile(r"IT scope(?: \(suggested\))?: (.*?)\.?$")
#: The cosine similarity between a sentence and a concept above which the concept is suggested:
#: chosen on held-out sets A and B, where about seven in ten suggestions at this level fit.
SUGGEST_MIN = 0.5
#: A sentence's end: . ! or ? (and any closing quote or bracket) before the end or a next word
#: that is not lower case ("e.g. the" goes on), or a line break.
_SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s*\Z|\s+(?![a-z]))|\n")


def scope_edits(masked: str, protected: Sequence[tuple[int, int]], draft_terms: Sequence[str],
                concepts: tuple[Concept, ...] | None = None,
                embedder: Embedder | None = None,
                warnings: list[str] | None = None) -> tuple[list[Edit], list[TermChange]]:
    """An insertion after each sentence whose cues raised `concepts` (default: the built-in ones),
    or to which `embedder` finds one near in meaning, and a ledger line per concept.

    `draft_terms` are the texts the rewrite already puts in; a concept term found in them (or in
    the request) is not added again, and a concept with nothing left to add is dropped. Where the
    embedder fails, the cue scope stands and the failure goes to `warnings` (raised without them)."""
    concepts = builtin_concepts() if concepts is None else concepts
    hits = find_concepts(masked, concepts)
    if embedder is not None:
        try:
            hits += suggest_concepts(masked, concepts, {h.concept.name for h in hits}, embedder)
        except Exception as exc:  # a failing model never fails a request
            if warnings is None:
                raise
            warnings.append(f"The embedder failed ({exc}); no IT scope was suggested.")
    stated = " ".join([masked, *draft_terms]).lower()
    by_sentence: dict[tuple[int, bool, bool], list[tuple[ConceptHit, list[str]]]] = {}
    for hit in hits:
        new = [t for t in hit.concept.terms if not _states(stated, t)]
        if new:
            stated += " " + " ".join(new).lower()
            at, closed = _insertion_point(masked, protected, hit.end)
            by_sentence.setdefault((at, hit.suggested, closed), []).append((hit, new))
    edits: list[Edit] = []
    ledger: list[TermChange] = []
    ended: set[int] = set()  # insertion points whose sentence an earlier scope sentence already closed
    for (at, suggested, closed), items in sorted(by_sentence.items()):
        lead = SUGGESTED_LEAD if suggested else LEAD
        sentence = ("" if closed or at in ended else ".") + " " + lead + "; ".join(", ".join(new) for _, new in items)
        sentence += "."
        ended.add(at)
        edits.append(Edit(at, at, sentence))
        ledger.extend(
            TermChange(source=masked[hit.start:hit.end], target=", ".join(new), start=hit.start, end=hit.end,
                       layer=LAYER, note=("Suggested by meaning: " if suggested else "") + hit.concept.explanation)
            for hit, new in items
        )
    return edits, ledger


def scope_terms(sentence: str) -> str | None:
    """The terms an added scope sentence names, or None for any other sentence."""
    found = _SCOPE.match(sentence)
    return found.group(1) if found else None


def suggest_concepts(masked: str, concepts: tuple[Concept, ...], fired: set[str],
                     embedder: Embedder) -> list[ConceptHit]:
    """For each sentence, the concept nearest in meaning when it is near enough and not `fired`
    already, as a hit over the sentence."""
    spans = _sentence_spans(masked)
    if not spans:
        return []
    similarity = np.matmul(embedder.embed([masked[a:b] for a, b in spans]), _prototypes(embedder, concepts).T)
    hits = []
    for (start, end), row in zip(spans, similarity, strict=True):
        best = int(np.argmax(row))
        if row[best] >= SUGGEST_MIN and concepts[best].name not in fired:
            fired.add(concepts[best].name)
            hits.append(ConceptHit(concepts[best], start, end, suggested=True))
    return hits


_PROTOTYPES: WeakKeyDictionary[Embedder, tuple[tuple[Concept, ...], npt.NDArray[np.float32]]] = WeakKeyDictionary()


def _prototypes(embedder: Embedder, concepts: tuple[Concept, ...]) -> npt.NDArray[np.float32]:
    """Each concept, in words, as the embedder sees it (computed once per embedder and concept set)."""
    kept = _PROTOTYPES.get(embedder)
    if kept is None or kept[0] is not concepts:
        kept = _PROTOTYPES[embedder] = (concepts, embedder.embed([f"{c.name}: {c.explanation}" for c in concepts]))
    return kept[1]


def _sentence_spans(masked: str) -> list[tuple[int, int]]:
    """Where each sentence of three words or more lies (its words, without the end mark)."""
    spans, start = [], 0
    for end in [*(m.start() for m in _SENTENCE_END.finditer(masked)), len(masked)]:
        piece = masked[start:end]
        if len(piece.split()) >= 3:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = end + 1
    return spans


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

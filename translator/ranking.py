"""LM-ranked renderings: where a term has several fitting renderings, a causal LM picks the most
fluent, sentence by sentence, with a small beam. Only the spots that differ are scored, each
against the shared prefix of its sentence, which the scorer computes once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from models.base import Scorer
from translator.rewrite import Edit, Plan, Spot, apply

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class _State:
    score: float
    choices: tuple[int, ...]


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _render(text: str, edits: Sequence[Edit], start: int, end: int) -> str:
    """text[start:end] with the edits that lie inside it applied."""
    inside = [Edit(e.start - start, e.end - start, e.text) for e in edits if start <= e.start and e.end <= end]
    return apply(text[start:end], inside)


def rank(text: str, plan: Plan, scorer: Scorer, beam: int = 2) -> int:
    """Re-choose each spot's candidate by fluency; returns how many choices changed."""
    fixed = sorted(plan.fixed, key=lambda e: e.start)
    changed = 0
    for start, end in _sentences(text):
        spots = [s for s in plan.spots if start <= s.start and s.end <= end]
        if not any(len(s.candidates) > 1 for s in spots):
            continue
        best = _beam(text, fixed, spots, start, end, scorer, beam)
        for spot, choice in zip(spots, best.choices, strict=True):
            changed += choice != spot.chosen
            spot.chosen = choice
    return changed


def _beam(text: str, fixed: Sequence[Edit], spots: Sequence[Spot], start: int, end: int, scorer: Scorer,
          width: int) -> _State:
    states = [_State(0.0, ())]
    for index, spot in enumerate(spots):
        follow_end = spots[index + 1].start if index + 1 < len(spots) else end
        tail = _render(text, fixed, spot.end, follow_end)
        expanded = []
        for state in states:
            chosen = [Edit(s.start, s.end, s.candidates[c]) for s, c in zip(spots, state.choices, strict=False)]
            prefix = _render(text, sorted([*fixed, *chosen], key=lambda e: e.start), start, spot.start)
            if len(spot.candidates) == 1:
                expanded.append(_State(state.score, (*state.choices, 0)))
                continue
            scores = scorer.score_continuations(prefix, [c + tail for c in spot.candidates])
            expanded.extend(_State(state.score + s, (*state.choices, i)) for i, s in enumerate(scores))
        states = sorted(expanded, key=lambda s: s.score, reverse=True)[:width]
    return states[0]

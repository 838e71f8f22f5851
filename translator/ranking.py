"""LM-ranked renderings: where a term has several fitting renderings, a causal LM picks the most
fluent. Only the spots that differ are scored, each in a short window of its own sentence: the few
words before the spot are the shared prefix, each candidate with the words after it a continuation,
and all spots of a text go to the scorer together (its prefixes in one batch, its continuations in
another)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.base import Scorer
from translator.rewrite import Edit, Plan, apply

LEFT_WORDS, RIGHT_WORDS = 6, 3
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")


def _render(text: str, edits: Sequence[Edit], start: int, end: int) -> str:
    """text[start:end] with the edits that lie inside it applied."""
    inside = [Edit(e.start - start, e.end - start, e.text) for e in edits if start <= e.start and e.end <= end]
    return apply(text[start:end], inside)


def _window(text: str, fixed: Sequence[Edit], start: int, end: int) -> tuple[str, str]:
    """Up to a few words either side of a spot, within its sentence, with fixed edits applied."""
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - 200), start)]
    left_from = breaks[-1] if breaks else max(0, start - 200)
    after = _SENTENCE_BREAK.search(text, end, end + 200)
    right_to = after.start() + 1 if after else min(len(text), end + 200)
    left = _render(text, fixed, left_from, start).split(" ")
    right = _render(text, fixed, end, right_to).split(" ")
    return " ".join(left[-LEFT_WORDS - 1:]), " ".join(right[: RIGHT_WORDS + 1])


def rank(text: str, plan: Plan, scorer: Scorer) -> int:
    """Re-choose each spot's candidate by fluency in context; returns how many choices changed."""
    fixed = sorted(plan.fixed, key=lambda e: e.start)
    spots = [s for s in plan.spots if len(s.candidates) > 1]
    if not spots:
        return 0
    windows = []
    for spot in spots:
        left, right = _window(text, fixed, spot.start, spot.end)
        windows.append((left, [f"{candidate}{right}".rstrip() for candidate in spot.candidates]))
    changed = 0
    for spot, scores in zip(spots, scorer.score_continuations(windows), strict=True):
        best = max(range(len(scores)), key=scores.__getitem__)
        changed += best != spot.chosen
        spot.chosen = best
    return changed

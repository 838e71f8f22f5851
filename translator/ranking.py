"""LM-ranked renderings: where a term has several fitting renderings, a causal LM picks the most
fluent. Only the spots that differ are scored, each in a short window of its own sentence, and all
windows of a text go to the scorer in one batch, so ranking costs one forward pass per text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.base import Scorer
from translator.rewrite import Edit, Plan, apply

LEFT_WORDS, RIGHT_WORDS = 6, 4
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
    windows, owners = [], []
    for index, spot in enumerate(spots):
        left, right = _window(text, fixed, spot.start, spot.end)
        for candidate in spot.candidates:
            windows.append(f"{left}{candidate}{right}".strip())
            owners.append(index)
    scores = scorer.score(windows)
    changed = 0
    for index, spot in enumerate(spots):
        mine = [score for owner, score in zip(owners, scores, strict=True) if owner == index]
        best = max(range(len(mine)), key=mine.__getitem__)
        changed += best != spot.chosen
        spot.chosen = best
    return changed

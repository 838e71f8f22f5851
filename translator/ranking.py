"""LM-ranked renderings: where a term has several fitting renderings, a causal LM picks the most
fluent. Only the spots that differ are scored, each in its own sentence: the sentence up to the spot
is the prefix, each candidate with the few words after it a continuation. The spots of a text go to
the scorer together (up to SPOTS_PER_CALL at a time), and the spots of one sentence share the start
of their prefixes, so the scorer runs a sentence's words once however many spots it has."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence

from models.base import Scorer
from translator.edits import Edit, apply
from translator.rewrite import Plan

RIGHT_WORDS = 3
#: How much more fluent (log-likelihood per token) another rendering must be to replace the one the
#: glossary prefers: a near tie keeps the author's choice. On 72 dev and postmortem texts (and 100
#: others) 0.2 gives outputs as fluent as 0, with fewer changes and no higher grade level.
MIN_GAIN = 0.2
#: Spots scored in one call: a long text is ranked a call at a time, so that a deadline can stop it.
SPOTS_PER_CALL = 32
#: How far a window reaches either side of its spot when its sentence goes on further.
REACH_CHARS = 300
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")


def _render(text: str, edits: Sequence[Edit], start: int, end: int) -> str:
    """text[start:end] with the edits that lie inside it applied."""
    inside = [Edit(e.start - start, e.end - start, e.text) for e in edits if start <= e.start and e.end <= end]
    return apply(text[start:end], inside)


def _window(text: str, fixed: Sequence[Edit], start: int, end: int) -> tuple[str, str]:
    """A spot's sentence up to the spot, and a few words after it, with the fixed edits applied."""
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - REACH_CHARS), start)]
    if breaks:
        left_from = breaks[-1]
    elif start <= REACH_CHARS:
        left_from = 0
    else:  # from a word start
        left_from = text.find(" ", start - REACH_CHARS, start) + 1 or start - REACH_CHARS
    after = _SENTENCE_BREAK.search(text, end, end + REACH_CHARS)
    right_to = after.start() + 1 if after else min(len(text), end + REACH_CHARS)
    right = _render(text, fixed, end, right_to).split(" ")
    return _render(text, fixed, left_from, start), " ".join(right[: RIGHT_WORDS + 1])


def rank(text: str, plan: Plan, scorer: Scorer, deadline: float = math.inf) -> int:
    """Re-choose each spot's candidate by fluency in context, SPOTS_PER_CALL spots at a time while
    ``time.monotonic()`` is before ``deadline``. Returns how many spots were left unranked: they
    keep the glossary's choice."""
    fixed = sorted(plan.fixed, key=lambda e: e.start)
    spots = [s for s in plan.spots if len(s.candidates) > 1]
    for first in range(0, len(spots), SPOTS_PER_CALL):
        if time.monotonic() >= deadline:
            return len(spots) - first
        batch = spots[first:first + SPOTS_PER_CALL]
        windows = []
        for spot in batch:
            left, right = _window(text, fixed, spot.start, spot.end)
            windows.append((left, [f"{candidate}{right}".rstrip() for candidate in spot.candidates]))
        for spot, scores in zip(batch, scorer.score_continuations(windows), strict=True):
            best = max(range(len(scores)), key=scores.__getitem__)
            if scores[best] - scores[spot.chosen] >= MIN_GAIN:
                spot.chosen = best
    return 0

"""An edit to a text, and applying a sorted list of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


def apply(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits, sorted by position, to `text`."""
    pieces = []
    cursor = 0
    for edit in edits:
        pieces.append(text[cursor: edit.start])
        pieces.append(edit.text)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)

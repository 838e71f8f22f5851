"""Splitting a document into what may be translated and what is protected.

Protected parts (markup, code, link targets, quoted replies) are blanked out in a *masked*
copy of the text that keeps every offset, so the rest of the pipeline works on plain words
and its edits apply to the original string, leaving protected bytes untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Format(str, Enum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


#: Each scan stops at the next opener or a bound, so that a 60 KB run of "<" or "](" takes
#: linear time, not quadratic.
_MARKDOWN_PROTECTED = re.compile(
    r"^(```|~~~)[^\n]*\n(?:(?!^\1).)*?^\1[ \t]*$"  # fenced code
    r"|`[^`\n]{1,1000}`"  # inline code
    r"|\]\([^()\s]*(?:\s\"[^\"\n]*\")?\)"  # link target
    r"|<[^<>\n]+>"  # autolinks and raw HTML
    r"|^ {4,}[^\n]*$",  # indented code
    re.MULTILINE | re.DOTALL,
)
_HTML_PROTECTED = re.compile(
    r"<!--(?:[^<]|<(?!!--))*?-->|<(script|style|pre|code)\b[^<>]*>(?:[^<]|<(?!\1\b))*?</\1\s*>|<[^<>]*>|&#?\w{1,32};",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Document:
    """The original text, its masked copy, and the protected character spans."""

    text: str
    masked: str
    protected: tuple[tuple[int, int], ...]
    format: Format

    def escape(self, replacement: str) -> str:
        """Make inserted text safe for the document's format."""
        if self.format is Format.HTML:
            return replacement.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return replacement


def parse(text: str, fmt: Format = Format.TEXT, extra: Sequence[tuple[int, int]] = ()) -> Document:
    """Find the protected parts of `text` for its format, add the `extra` spans (such as an
    email's quoted thread), and blank them all in the masked copy."""
    pattern = {Format.MARKDOWN: _MARKDOWN_PROTECTED, Format.HTML: _HTML_PROTECTED}.get(fmt)
    found = [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []
    spans = merge_spans([*found, *extra])
    return Document(text, mask(text, spans), spans, fmt)


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def mask(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """`text` with each span replaced by spaces (newlines kept, so sentences still split)."""
    if not spans:
        return text
    pieces = []
    cursor = 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)

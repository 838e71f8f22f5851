"""Protected parts of an email draft: the quoted reply thread and the signature.

`protected_spans` finds the character spans that must come back byte-identical when a draft is
rewritten. HTML is tokenized with `html.parser` (exact offsets, tolerant of broken markup); the
rules then work on visible *lines* (plain-text lines, or runs of HTML text between block tags).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from contextlib import suppress
from html.parser import HTMLParser
from typing import Any, Literal, NamedTuple

from translator.document import Format
from translator.pipeline import translate
from translator.result import Translation

Span = tuple[int, int]
_Kind = Literal["start", "end", "empty", "text", "other"]

_HIDDEN = frozenset({"head", "script", "style", "template", "title"})
_BREAKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt", "footer", "form", "h1", "h2"}
    | {"h3", "h4", "h5", "h6", "header", "hr", "html", "li", "ol", "p", "pre", "section", "table", "tbody", "td"}
    | {"tfoot", "th", "thead", "tr", "ul"}
)
_QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix"})
_SIGNATURE_CLASSES = frozenset({"gmail_signature", "gmail_signature_prefix", "moz-signature"})
_TO_END_ID = re.compile(r"(?:x_)*(?:divrplyfwdmsg|appendonsend)")
_SIGNATURE_ID = re.compile(r"(?:x_)*signature")

_ATTRIBUTION = re.compile(r"On\b(?=.*\d).{0,250}\bwrote:", re.IGNORECASE)
_THREAD_START = re.compile(
    r"_{10,}|-{2,} ?(?:Original Message|Forwarded message) ?-{2,}|Begin forwarded message:", re.IGNORECASE
)
_FROM_HEADER = re.compile(r"\*?From:\*?\s*\S", re.IGNORECASE)
_SENT_HEADER = re.compile(r"\*?(?:Sent|Date):", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"(?:(?:best|kind|warm|warmest|many|with kind) regards|regards|best(?: wishes)?|all the best|cheers|sincerely"
    r"|yours (?:sincerely|truly)|(?:many )?thanks(?: again| so much| a lot| in advance)?|thank you(?: again| so much)?)"
    r"\s*[,.!]?",
    re.IGNORECASE,
)
_PROSE_END = re.compile(r"(?:\b[a-z]{2,}[.:]|[?!])$")
_MAX_SIGNATURE_LINES = 8
_MAX_SIGNATURE_LINE_CHARS = 80
_MAX_SIGNATURE_LINE_WORDS = 10
_HEADER_LOOKAHEAD = 4


class _Line(NamedTuple):
    """A visible line: its text (HTML: decoded, whitespace collapsed) and its raw offsets in the body."""

    text: str
    start: int
    end: int


class _Token(NamedTuple):
    """One HTML token with its raw offsets; `text` is decoded visible text (empty for tags and hidden text)."""

    kind: _Kind
    tag: str
    attrs: dict[str, str]
    text: str
    start: int
    end: int


class _Spans:
    """Sorted, merged spans with offset look-ups."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.items: list[Span] = []
        for start, end in sorted(s for s in spans if s[0] < s[1]):
            if self.items and start <= self.items[-1][1]:
                self.items[-1] = (self.items[-1][0], max(end, self.items[-1][1]))
            else:
                self.items.append((start, end))
        self._starts = [start for start, _ in self.items]

    def covers(self, offset: int) -> bool:
        index = bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self.items[index][1]

    def next_start(self, offset: int, default: int) -> int:
        index = bisect_right(self._starts, offset)
        return self._starts[index] if index < len(self._starts) else default


def protected_spans(body: str, fmt: Literal["html", "text"]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans of `body` that must not change: the quoted thread and the signature.

    `fmt` is "html" for HTML drafts; anything else is read as plain text.
    """
    extend: Callable[[int], int]
    if fmt == "html":
        tokens = _tokenize(body)
        lines = _html_lines(tokens)
        quoted = _Spans(_element_spans(tokens, len(body)))
        starts = [token.start for token in tokens]

        def extend(offset: int) -> int:
            return _extend_back(tokens, starts, offset)

    else:
        lines = _text_lines(body)
        quoted = _Spans(_quoted_runs(lines))

        def extend(offset: int) -> int:
            return offset

    visible = [line for line in lines if line.text.strip()]
    threaded = _Spans([*quoted.items, *_thread_spans(visible, quoted, len(body), extend)])
    return _Spans([*threaded.items, *_sign_off_spans(visible, threaded, len(body), extend)]).items


def _text_lines(body: str) -> list[_Line]:
    """Plain-text lines without their line endings; `end` includes the ending."""
    return [_Line(m.group().rstrip("\r\n"), m.start(), m.end()) for m in re.finditer(r"[^\n]*\n|[^\n]+", body)]


def _quoted_runs(lines: Sequence[_Line]) -> list[Span]:
    """Each run of consecutive lines starting with ">"."""
    runs: list[Span] = []
    for line in lines:
        if not line.text.startswith(">"):
            continue
        if runs and runs[-1][1] == line.start:
            runs[-1] = (runs[-1][0], line.end)
        else:
            runs.append((line.start, line.end))
    return runs


def _thread_spans(visible: Sequence[_Line], quoted: _Spans, size: int, extend: Callable[[int], int]) -> list[Span]:
    """Attributions, thread headers and signature delimiters; all but a quote's attribution run to the end."""
    found: list[Span] = []
    for index, line in enumerate(visible):
        if quoted.covers(line.start):
            continue
        last = _attribution_end(visible, index)
        if last is not None and last + 1 < len(visible) and quoted.covers(visible[last + 1].start):
            found.append((extend(line.start), visible[last + 1].start))
        elif last is not None or _starts_thread(visible, index) or line.text.rstrip() == "--":
            found.append((extend(line.start), size))
            break
    return found


def _attribution_end(visible: Sequence[_Line], index: int) -> int | None:
    """Index of the last line of an "On <date>, <name> wrote:" attribution starting at `index` (may wrap)."""
    if not visible[index].text.lstrip().lower().startswith("on "):
        return None
    for last in range(index, min(index + 3, len(visible))):
        joined = " ".join(line.text.strip() for line in visible[index : last + 1])
        if _ATTRIBUTION.fullmatch(joined):
            return last
    return None


def _starts_thread(visible: Sequence[_Line], index: int) -> bool:
    """A separator, an "Original Message" line, or a "From: ... Sent:/Date:" header block."""
    text = visible[index].text.strip()
    if _THREAD_START.fullmatch(text):
        return True
    following = visible[index + 1 : index + 1 + _HEADER_LOOKAHEAD]
    return bool(_FROM_HEADER.match(text)) and any(_SENT_HEADER.match(line.text.strip()) for line in following)


def _sign_off_spans(visible: Sequence[_Line], taken: _Spans, size: int, extend: Callable[[int], int]) -> list[Span]:
    """From a sign-off line ("Best regards,") to the end of its unprotected stretch of the message."""
    segments: dict[int, list[_Line]] = {}
    for line in visible:
        if not taken.covers(line.start):
            segments.setdefault(taken.next_start(line.start, size), []).append(line)
    found: list[Span] = []
    for end, segment in segments.items():
        sign_off = _sign_off_line(segment)
        if sign_off is not None:
            found.append((extend(sign_off.start), end))
    return found


def _sign_off_line(segment: Sequence[_Line]) -> _Line | None:
    """The first sign-off line followed only by a few short, signature-like lines."""
    for index in range(max(0, len(segment) - _MAX_SIGNATURE_LINES - 1), len(segment)):
        rest = segment[index + 1 :]
        if _SIGN_OFF.fullmatch(segment[index].text.strip()) and all(_signature_like(x.text.strip()) for x in rest):
            return segment[index]
    return None


def _signature_like(text: str) -> bool:
    """Short and not ending like a sentence: a name, title, company, phone, address or link."""
    if _SIGN_OFF.fullmatch(text):
        return True
    short = len(text) <= _MAX_SIGNATURE_LINE_CHARS and len(text.split()) <= _MAX_SIGNATURE_LINE_WORDS
    return short and not _PROSE_END.search(text)


class _Tokenizer(HTMLParser):
    """Collects tokens with exact start offsets; text inside head/script/style/title is hidden."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[_Kind, str, dict[str, str], str, int]] = []
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", body))]
        self._hidden = 0

    def _add(self, kind: _Kind, tag: str = "", attrs: dict[str, str] | None = None, text: str = "") -> None:
        line, column = self.getpos()
        offset = self._line_starts[line - 1] + column
        self.found.append((kind, tag, attrs or {}, "" if self._hidden else text, offset))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs={name: value or "" for name, value in attrs})
        self._hidden += tag in _HIDDEN

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("empty", tag, attrs={name: value or "" for name, value in attrs})

    def handle_endtag(self, tag: str) -> None:
        self._hidden = max(0, self._hidden - (tag in _HIDDEN))
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("text", text=data)

    def handle_entityref(self, name: str) -> None:
        self._add("text", text=html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._add("text", text=html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def _tokenize(body: str) -> list[_Token]:
    """HTML tokens covering `body`; each ends where the next starts. Never raises on broken markup."""
    parser = _Tokenizer(body)
    with suppress(Exception):  # html.parser may still fail on pathological input: keep what was read
        parser.feed(body)
        parser.close()
    found = [item for item in parser.found if 0 <= item[4] <= len(body)]
    found.sort(key=lambda item: item[4])
    ends = [item[4] for item in found[1:]] + [len(body)] * bool(found)
    return [
        _Token(kind, tag, attrs, text, start, end)
        for (kind, tag, attrs, text, start), end in zip(found, ends, strict=True)
    ]


def _html_lines(tokens: Sequence[_Token]) -> list[_Line]:
    """Visible text between block-level tags; offsets span the first to the last non-blank text token."""
    lines: list[_Line] = []
    parts: list[str] = []
    bounds: list[int] = []
    for token in [*tokens, _Token("start", "br", {}, "", -1, -1)]:
        if token.kind == "text":
            parts.append(token.text)
            if token.text.strip():
                bounds += [token.start, token.end]
        elif token.tag in _BREAKS:
            if bounds:
                lines.append(_Line(" ".join("".join(parts).split()), bounds[0], bounds[-1]))
            parts, bounds = [], []
    return lines


def _element_spans(tokens: Sequence[_Token], size: int) -> list[Span]:
    """Quote and signature elements, and Outlook reply headers (those run to the end).

    An element ends at its balanced end tag, or at the end of the body if unclosed; each span starts at the opening
    tags and <hr>/<br> separators right before the element.
    """
    starts = [token.start for token in tokens]
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        rule = _element_rule(tokens[index])
        if rule is None:
            index += 1
            continue
        last = _closing_index(tokens, index) if rule == "element" else len(tokens)
        end = tokens[last].end if last < len(tokens) else size
        spans.append((_extend_back(tokens, starts, tokens[index].start), end))
        index = last + 1
    return spans


def _element_rule(token: _Token) -> Literal["element", "to_end"] | None:
    """How a start tag is protected: the element alone, everything to the end, or not at all."""
    if token.kind not in ("start", "empty"):
        return None
    element_id = token.attrs.get("id", "").strip().lower()
    if _TO_END_ID.fullmatch(element_id):
        return "to_end"
    classes = set(token.attrs.get("class", "").lower().split())
    if (
        token.tag == "blockquote"
        or classes & (_QUOTE_CLASSES | _SIGNATURE_CLASSES)
        or _SIGNATURE_ID.fullmatch(element_id)
    ):
        return "element"
    return None


def _closing_index(tokens: Sequence[_Token], index: int) -> int:
    """Index of the end tag balancing the start tag at `index`, counting only same-name tags; len if unclosed."""
    if tokens[index].kind == "empty":
        return index
    tag = tokens[index].tag
    depth = 0
    for position in range(index, len(tokens)):
        token = tokens[position]
        if token.tag == tag and token.kind in ("start", "end"):
            depth += 1 if token.kind == "start" else -1
            if depth == 0:
                return position
    return len(tokens)


def _extend_back(tokens: Sequence[_Token], starts: Sequence[int], offset: int) -> int:
    """Move `offset` back over the opening tags, separators and comments right before it (not to leading whitespace)."""
    index = bisect_left(starts, offset)
    if index >= len(tokens) or starts[index] != offset:
        return offset
    first = index
    while first > 0 and _skippable(tokens[first - 1]):
        first -= 1
    while first < index and tokens[first].kind == "text":
        first += 1
    return tokens[first].start


def _skippable(token: _Token) -> bool:
    """Whether a token may lead into a protected part: whitespace, an opening tag, a separator or a comment."""
    if token.kind == "text":
        return not token.text.strip()
    return token.kind in ("start", "empty", "other") or token.tag in ("br", "hr")


def translate_email(
    body: str,
    fmt: Literal["html", "text"],
    subject: str | None = None,
    **options: Any,
) -> tuple[str | None, Translation | None, Translation]:
    """Translate a draft's new text, leaving its quoted thread and signature byte-identical.

    Returns the new subject, the subject's Translation (None without a subject) and the body's."""
    body_result = translate(body, format=Format(fmt), protected=protected_spans(body, fmt), **options)
    subject_result = translate(subject, **options) if subject and subject.strip() else None
    return (subject_result.text if subject_result else subject), subject_result, body_result

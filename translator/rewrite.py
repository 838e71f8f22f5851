"""Deterministic rewrite: each glossary match becomes a rendering that fits its place."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from glossary import Match, Mode, PartOfSpeech
from glossary.tokens import Token, token_keys
from translator import agreement
from translator.facts import Fact
from translator.result import TermChange

_STOPWORDS = frozenset("a an the of to in on for and or with our we is are was were be by at it this that".split())
_LINE_START = re.compile(r"\n[ \t]*(?:[-*•]|\d+[.)])?[ \t]*$")
_ARTICLES = frozenset({"a", "an"})
SPELLED_OUT_NOTE = "Written out in full."


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


@dataclass
class Plan:
    """The edits to make and the term ledger that explains them."""

    edits: list[Edit] = field(default_factory=list)
    ledger: list[TermChange] = field(default_factory=list)
    #: Characters of jargon left in place (explain mode), for the 'after' jargon share.
    kept_jargon: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)


def content_keys(words: Sequence[str]) -> set[str]:
    """Lemma keys of the words that carry meaning (no articles, prepositions...)."""
    return {key for w in words if w.lower() not in _STOPWORDS for key in token_keys(w)}


def _context_words(tokens: Sequence[Token], first: int, last: int, window: int = 3) -> set[str]:
    around = [*tokens[max(0, first - window): first], *tokens[last + 1: last + 1 + window]]
    return content_keys([t.text for t in around])


def choose_rendering(renderings: Sequence[str], context: set[str], used: Mapping[str, int], repeat: bool) -> str:
    """Pick the rendering that fits here: preferred first, but not one that echoes a
    neighbouring word ('payments payment system'), nor one already used for another term;
    on a repeated mention the shortest reads best."""
    shortest = min(len(r) for r in renderings)

    def score(index: int) -> float:
        rendering = renderings[index]
        words = content_keys(rendering.split())
        value = -0.1 * index - 1.0 * len(words & context) - 0.5 * min(used.get(rendering, 0), 1)
        return value + (0.2 if repeat and len(rendering) == shortest else 0.0)

    return renderings[max(range(len(renderings)), key=score)]


def plan(
    text: str,
    tokens: Sequence[Token],
    matches: Sequence[Match],
    facts: Sequence[Fact],
    *,
    explain: bool = False,
) -> Plan:
    """Decide every edit: renderings for matches, written-out durations for facts."""
    result = Plan()
    used: dict[str, int] = {}
    seen_entries: set[int] = set()
    previous: tuple[int, str] = (-10, "")  # last token and text of the previous replacement
    for match in matches:
        entry = match.entry
        original = text[match.start: match.end]
        if entry.mode is Mode.KEEP:
            continue
        if entry.mode is Mode.FORBID:
            result.forbidden.append(original)
        if explain and entry.mode is Mode.REPLACE and entry.explanation:
            replacement = f"{original} ({entry.explanation[:1].lower()}{entry.explanation[1:].rstrip('.')})"
            result.kept_jargon.append(original)
        else:
            context = _context_words(tokens, match.first, match.last)
            if match.first - previous[0] <= 3:  # a neighbour that was itself just replaced
                context |= content_keys(previous[1].split())
            rendering = choose_rendering(entry.renderings, context, used, id(entry) in seen_entries)
            used[rendering] = used.get(rendering, 0) + 1
            replacement = _agree(rendering, match, tokens, text)
        seen_entries.add(id(entry))
        previous = (match.last, replacement)
        result.edits.append(Edit(match.start, match.end, replacement))
        _fix_article(result, tokens, match, replacement)
        result.ledger.append(TermChange(
            source=original, target=replacement, start=match.start, end=match.end,
            layer=match.layer, note=entry.explanation,
        ))
    for fact in facts:
        if fact.plain is not None:
            result.edits.append(Edit(fact.start, fact.end, fact.plain))
            result.ledger.append(TermChange(
                source=fact.text, target=fact.plain, start=fact.start, end=fact.end,
                layer="builtin", note=SPELLED_OUT_NOTE,
            ))
    result.edits.sort(key=lambda e: e.start)
    result.ledger.sort(key=lambda t: t.start)
    return result


def _agree(rendering: str, match: Match, tokens: Sequence[Token], text: str) -> str:
    """Inflect the rendering like the matched words, and capitalise it at a sentence start."""
    pos = match.entry.pos
    if pos is PartOfSpeech.NOUN and agreement.is_plural_noun(tokens[match.last].text):
        rendering = agreement.pluralize(rendering)
    elif pos is PartOfSpeech.VERB:
        previous = tokens[match.first - 1].text if match.first else ""
        tag = agreement.verb_tag(tokens[match.first].text, previous)
        if tag:
            rendering = agreement.inflect_verb(rendering, tag)
    if text[match.start].isupper() and at_sentence_start(text, match.start):
        rendering = agreement.capitalize_first(rendering)
    return rendering


def at_sentence_start(text: str, index: int) -> bool:
    """True when only spaces, a bullet or a sentence end stand between `index` and the
    previous sentence."""
    window = ("\n" if index <= 12 else "") + text[max(0, index - 12): index]
    return window.rstrip(" \t").endswith((".", "!", "?")) or bool(_LINE_START.search(window))


def _fix_article(result: Plan, tokens: Sequence[Token], match: Match, replacement: str) -> None:
    """'a API' -> 'an interface' needs the article before the term to change too."""
    if not match.first:
        return
    article = tokens[match.first - 1]
    if article.text.lower() not in _ARTICLES:
        return
    fixed = agreement.article_for(replacement, article.text)
    if fixed != article.text:
        result.edits.append(Edit(article.start, article.end, fixed))


_CLAUSE_BREAK = re.compile(r"(?<=[A-Za-z0-9)%])[ \t]*;[ \t]+(?=[a-z])")


def split_sentences(text: str, masked: str) -> str:
    """Shorter sentences read more easily: '...; we scaled' -> '... We scaled'.

    Only semicolons between clauses in translatable text (found in `masked`) are touched."""
    pieces = []
    cursor = 0
    for match in _CLAUSE_BREAK.finditer(masked):
        pieces.append(text[cursor: match.start()])
        pieces.append(". " + text[match.end()].upper())
        cursor = match.end() + 1
    pieces.append(text[cursor:])
    return "".join(pieces)


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

"""Properties of translator.translate, checked on generated inputs (hypothesis, bounded counts).

- Any Unicode text up to the size limit is translated or refused with a documented error code.
- Every locked fact survives, and no number is invented.
- A text with no jargon comes back unchanged.
- HTML in gives well-formed HTML out, with the same tags (and attributes) in the same order.
"""

from __future__ import annotations

import html
from functools import cache
from html.parser import HTMLParser

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glossary import Direction, Mode, builtin_entries
from glossary.concepts import builtin_concepts
from translator import Format, TranslatorError, analyze, translate

#: The codes validate_text documents; anything else escaping translate is a bug.
DOCUMENTED_CODES = {"empty_text", "text_too_large", "binary_input"}
SIZE_LIMIT = 8 * 1024

FACTS = (
    "14:05 UTC", "09:30", "v2.3.1", "1.24.3", "40%", "99.95%", "$1.2 million", "€300", "3,200 rps", "512 MiB",
    "CVE-2024-3094", "INC-4821", "#1234", "10.0.0.12", "10.0.0.0/16", "api.example.com", "db-01.prod.internal",
    "checkout-svc", "payment_gateway", "42m", "2.3s", "48h", "90 minutes", "3 days", "Q3", "2024-05-01",
    "March 4", "Friday", "8 vCPUs", "1.5k", "200ms", "12", "7", "0.5", "1,200", "https://status.example.com/x",
    "`kubectl get pods`", "ops@example.com", "/var/log/app.log", "config.yaml", "P1",
)
#: Everyday words, before the ones the glossaries know are filtered out.
EVERYDAY = (
    "the a our team people morning evening week month plan idea letter house garden family friend friends table "
    "chair window door road city river tree trees book books story music song dinner lunch coffee tea water "
    "happy quiet green blue warm cold small large bright gentle kind good new old early late often always never "
    "walked talked read wrote sang smiled laughed cooked painted visited opened closed liked loved brought "
    "carried found kept gave made met saw sat stood thought told wanted watched worked "
    "with from into over under near behind before after during about around through "
    "cat dog bird sun moon rain snow park beach holiday birthday picture flower flowers apple bread cake kitchen "
    "sofa bicycle uncle aunt cousin"
).split()
TAGS = ("p", "div", "span", "b", "i", "em", "strong", "li", "h2", "blockquote")


@cache
def jargon() -> tuple[str, ...]:
    """Sources of built-in entries that rewrite IT text."""
    return tuple(sorted(
        e.source for e in builtin_entries()
        if e.mode is Mode.REPLACE and e.direction.serves(Direction.IT_TO_BUSINESS)
    ))[::7]


@cache
def cue_words() -> frozenset[str]:
    return frozenset(p.split()[0].lower() for c in builtin_concepts() for group in c.cues for p in group)


def cue_word(word: str) -> bool:
    """True when a request concept's cue phrase may start with `word` ('slow*' takes 'slowly')."""
    return any(word.lower() == cue or (cue.endswith("*") and word.lower().startswith(cue[:-1])) for cue in cue_words())


@cache
def plain_words() -> tuple[str, ...]:
    """Everyday words that no glossary layer matches, no check flags as jargon and no request concept
    takes as a cue, in either direction."""
    keep = []
    for word in EVERYDAY:
        found = [analyze(f"{word} {word}", direction=d) for d in Direction if d is not Direction.BOTH]
        if all(not a.known and not a.unknown_jargon and not a.facts for a in found) and not cue_word(word):
            keep.append(word)
    assert len(keep) > 40, keep
    return tuple(keep)


def it_text(printable: bool = False) -> st.SearchStrategy[str]:
    """IT-ish prose: jargon, facts, plain words and stray Unicode (`printable`: no control characters),
    with punctuation."""
    stray = st.text(st.characters(exclude_categories=("Cc", "Cs")) if printable else st.characters(), max_size=12)
    piece = st.one_of(
        st.sampled_from(jargon()), st.sampled_from(FACTS), st.sampled_from(EVERYDAY), stray,
        st.sampled_from([",", ";", ".", " and", " because", ", which", "\n", "-", ":", "("]),
    )
    return st.lists(piece, min_size=1, max_size=40).map(" ".join)


def unicode_text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), it_text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))


def check(result_text: str, missing: list[str], added: list[str]) -> None:
    assert missing == [], f"locked facts lost: {missing}\n{result_text!r}"
    assert added == [], f"numbers invented: {added}\n{result_text!r}"


PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(text=unicode_text(), direction=st.sampled_from([Direction.IT_TO_BUSINESS, Direction.BUSINESS_TO_IT]),
       fmt=st.sampled_from(list(Format)))
def test_any_unicode_is_translated_or_refused_with_a_documented_code(text: str, direction: Direction,
                                                                     fmt: Format) -> None:
    try:
        result = translate(text, direction=direction, format=fmt, max_bytes=SIZE_LIMIT)
    except TranslatorError as exc:
        assert exc.code in DOCUMENTED_CODES, exc.code
        return
    check(result.text, result.facts.missing, result.facts.added)


@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(piece=it_text(), fill=st.floats(0.5, 1.2), fmt=st.sampled_from(list(Format)))
def test_texts_up_to_the_size_limit(piece: str, fill: float, fmt: Format) -> None:
    """Texts near the limit are translated whole; past it they get text_too_large, never anything else."""
    unit = piece + "\n"
    size = len(unit.encode("utf-8", "surrogatepass"))
    text = unit * max(1, int(SIZE_LIMIT * fill) // size)
    try:
        result = translate(text, format=fmt, max_bytes=SIZE_LIMIT)
    except TranslatorError as exc:
        assert exc.code in DOCUMENTED_CODES, exc.code
        over = len(text.encode("utf-8", "surrogatepass")) > SIZE_LIMIT
        assert (exc.code == "text_too_large") == over
        return
    check(result.text, result.facts.missing, result.facts.added)


@PROPERTY
@given(text=it_text(), direction=st.sampled_from([Direction.IT_TO_BUSINESS, Direction.BUSINESS_TO_IT]),
       explain=st.booleans())
def test_locked_facts_survive_and_no_number_is_invented(text: str, direction: Direction, explain: bool) -> None:
    try:
        result = translate(text, direction=direction, explain=explain, max_bytes=SIZE_LIMIT)
    except TranslatorError as exc:
        assert exc.code in DOCUMENTED_CODES
        return
    check(result.text, result.facts.missing, result.facts.added)
    for fact in result.facts.locked:
        assert fact in text


@st.composite
def plain_text(draw: st.DrawFn) -> str:
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(plain_words()), min_size=1, max_size=15))
        sentences.append(" ".join([words[0].capitalize(), *words[1:]]) + draw(st.sampled_from([".", "!", "?"])))
    return draw(st.sampled_from([" ", "\n", "\n\n"])).join(sentences)


@PROPERTY
@given(text=plain_text(), direction=st.sampled_from([Direction.IT_TO_BUSINESS, Direction.BUSINESS_TO_IT]),
       fmt=st.sampled_from(list(Format)))
def test_text_without_jargon_comes_back_unchanged(text: str, direction: Direction, fmt: Format) -> None:
    result = translate(text, direction=direction, format=fmt)
    assert result.text == text
    assert result.terms == []


class Tags(HTMLParser):
    """The sequence of tags, and whether they nest properly."""

    VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr"})

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.sequence: list[tuple[str, str, tuple[tuple[str, str | None], ...]]] = []
        self.open: list[str] = []
        self.balanced = True
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sequence.append(("start", tag, tuple(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sequence.append(("startend", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.sequence.append(("end", tag, ()))
        if not self.open or self.open.pop() != tag:
            self.balanced = False

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.balanced = False


def escaped_text() -> st.SearchStrategy[str]:
    return it_text(printable=True).map(lambda t: html.escape(t, quote=False))


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attr: str, inner: list[str]) -> str:
        attrs = f' class="{html.escape(attr)}"' if attr else ""
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"

    link = st.builds(lambda href, inner: f'<a href="{html.escape(href)}">{"".join(inner)}</a>',
                     st.sampled_from(["https://example.com/a?b=1&c=2", "/status", "#top"]),
                     st.lists(children, max_size=3))
    return st.one_of(
        st.builds(render, st.sampled_from(TAGS), st.sampled_from(["", "note", "api gateway 42"]),
                  st.lists(children, max_size=4)),
        link,
        st.just("<br>"), st.just('<img src="x.png" alt="deploy 5">'), st.just("<!-- latency 40% -->"),
        st.builds(lambda t: f"<code>{html.escape(t)}</code>", st.sampled_from(FACTS + jargon()[:20])),
    )


HTML_DOCS = st.recursive(escaped_text(), element, max_leaves=12).filter(lambda h: "<" in h)


@PROPERTY
@given(source=HTML_DOCS, direction=st.sampled_from([Direction.IT_TO_BUSINESS, Direction.BUSINESS_TO_IT]))
def test_html_in_gives_well_formed_html_with_the_same_tags(source: str, direction: Direction) -> None:
    before = Tags(source)
    assert before.balanced  # the generator's own promise
    try:
        result = translate(source, direction=direction, format=Format.HTML, max_bytes=SIZE_LIMIT)
    except TranslatorError as exc:
        assert exc.code in DOCUMENTED_CODES
        assume(False)
        return
    after = Tags(result.text)
    assert after.sequence == before.sequence, result.text
    assert after.balanced and not after.open, result.text
    check(result.text, result.facts.missing, result.facts.added)

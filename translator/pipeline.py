"""The translation pipeline: document -> fact lock -> glossary match -> rewrite -> verify."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from pydantic import BaseModel, Field, model_validator

from glossary import Direction, Entry, Layer, LayerStack, Match, Matcher, Mode, builtin_layer
from glossary.layers import REQUEST
from glossary.tokens import Token, tokenize
from models.base import Embedder, Generator, Scorer
from translator import agreement, guard, ranking, readability, rewrite, scope
from translator import brief as briefs
from translator.definitions import local_acronyms, means_otherwise
from translator.document import Document, Format, parse
from translator.edits import Edit, apply
from translator.errors import InputTooLarge, TranslatorError
from translator.facts import Fact, find_facts, verify
from translator.jargon import unknown_jargon
from translator.result import (
    Analysis,
    FactsReport,
    KnownTerm,
    Readability,
    ReadabilityScore,
    Translation,
)
from translator.suggest import suggest

DEFAULT_MAX_BYTES = 64 * 1024
ENGINE_GLOSSARY = "glossary"
ENGINE_MODEL = "model"
_STATUS_CODE = re.compile(r"[1-5]\d\d")
_WORD_BEFORE = re.compile(r"(?<![\w-])[A-Z][A-Za-z]{0,9}[ -]?\Z")
_COUNT_BEFORE = re.compile(r"(?<![\w.,])(\d[\d,]*)[ \t]+\Z")


@dataclass(frozen=True)
class ModelStage:
    """The optional transformer stage: a scorer ranks renderings, a generator rewrites the draft
    behind the guard, an embedder helps classify brief sentences. Any of them may be None."""

    scorer: Scorer | None = None
    generator: Generator | None = None
    embedder: Embedder | None = None
    #: Seconds the scorer may spend ranking, and the generator rewriting, in one request.
    time_limit_s: float = 8.0


class RewriteMode(str, Enum):
    AUTO = "auto"
    GLOSSARY = "glossary"
    MODEL = "model"


class TermOverride(BaseModel):
    """A request-level term: the highest override layer."""

    source: str = Field(min_length=1, max_length=200)
    target: str = Field(default="", max_length=200)
    mode: Mode = Mode.REPLACE
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _usable(self) -> TermOverride:
        # Checked here, so that a term the glossary cannot use is a 422 for the request, not a crash later.
        if not self.source.strip():
            raise ValueError("source must not be blank")
        if self.mode is not Mode.KEEP and not self.target.strip():
            raise ValueError(f"a '{self.mode.value}' term needs a target")
        return self

    def to_entry(self) -> Entry:
        target = self.target.strip()
        return Entry(
            source=self.source,
            renderings=(target,) if target else (),
            explanation=self.note or "Set by this request.",
            category="request",
            direction=Direction.BOTH,
            mode=self.mode,
        )


def validate_text(text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Reject what cannot be translated, with a stable code and a plain message."""
    if not text or not text.strip():
        raise TranslatorError("empty_text", "The text is empty: paste or send some text to translate.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InputTooLarge("text_too_large", f"The text is {size} bytes; the limit is {max_bytes} bytes.")
    if "\x00" in text or _CONTROL.search(text):
        raise TranslatorError("binary_input", "The text contains control characters: it looks like a binary file.")


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\ud800-\udfff]")


class _Timer:
    """Milliseconds per stage: `with timer.stage("rewrite"): ...` adds to that stage's time (stages do not nest)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._name = ""
        self._start = 0.0

    def stage(self, name: str) -> _Timer:
        self._name, self._start = name, time.perf_counter()
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        elapsed = (time.perf_counter() - self._start) * 1000
        self.timings[self._name] = round(self.timings.get(self._name, 0.0) + elapsed, 3)


class _Analysed:
    """What both translate and analyze need: the document, its facts, tokens and matches."""

    def __init__(self, text: str, direction: Direction, fmt: Format, layers: Sequence[Layer], timer: _Timer,
                 max_bytes: int, protected: Sequence[tuple[int, int]] = ()) -> None:
        validate_text(text, max_bytes)
        with timer.stage("document"):
            self.document: Document = parse(text, fmt, protected)
            self.tokens: list[Token] = tokenize(self.document.masked)
        self.matcher = Matcher(LayerStack.of(layers), direction)
        with timer.stage("fact_lock"):
            self.facts: list[Fact] = find_facts(
                self.document.masked, is_term=self._spelled_as_term, spell_out=direction is Direction.IT_TO_BUSINESS
            )
            self.facts = [f for f in self.facts if not self._spells_term(f)]
            if direction is Direction.IT_TO_BUSINESS:
                self.facts = [self._status_explained(f) if f.kind == "status" else f for f in self.facts]
            covered = _covered(self.tokens, self.facts)
        with timer.stage("glossary"):
            self.matches: list[Match] = self._match(self.document.masked, self.tokens, covered)
            self.unknown, self.unknown_words = unknown_jargon(self.tokens, covered, self.facts)
        self.jargon_words = sum(
            readability.word_count(self.document.masked[m.start: m.end])
            for m in self.matches if m.entry.is_jargon
        )

    def _match(self, text: str, tokens: Sequence[Token], covered: list[bool]) -> list[Match]:
        """Glossary matches outside facts and names; marks the tokens they cover in ``covered``. An acronym
        the text spells out as something else than the glossary's meaning is left as written. A match that
        reaches into a name ('events topic' in 'orders-events topic') gives way to one that does not ('topic')."""
        matches = self.matcher.find(tokens, covered)
        names = list(covered)  # grows each round, so that no name's token is given back to a term
        while inside := [m for m in matches if _inside_compound(text, m.start, m.end)]:
            for m in inside:  # the name's own token at either edge of the match is no term's
                names[m.first] |= _inside_compound(text, m.start, tokens[m.first].end)
                names[m.last] |= _inside_compound(text, tokens[m.last].start, m.end)
            matches = self.matcher.find(tokens, names)
        defined = local_acronyms(text) if "(" in text else {}
        for m in matches:
            for k in range(m.first, m.last + 1):
                covered[k] = True
        return [m for m in matches if not _defined_otherwise(text[m.start: m.end], m.entry, defined)]

    def jargon_in(self, text: str) -> dict[str, str]:
        """The jargon in a plain ``text`` (the glossary entries to replace or forbid that match, style
        words aside, and unknown jargon), each as written, by a key that ignores inflection and case ('retries' and
        'Retry' are one entry): the guard compares a model's rewrite with the draft by it."""
        tokens = tokenize(text)
        facts = find_facts(text, is_term=self._spelled_as_term, spell_out=False)
        covered = _covered(tokens, facts)
        matches = self._match(text, tokens, covered)
        found = {f"entry:{m.entry.source.lower()}": text[m.start:m.end]
                 for m in matches if m.entry.is_jargon}
        found |= {f"word:{word.lower()}": word for word in unknown_jargon(tokens, covered, facts)[0]}
        return found

    def jargon_added_to(self, draft: str) -> Callable[[str], list[str]]:
        """For a rewrite of ``draft``: the jargon the rewrite has and the draft had not."""
        before = self.jargon_in(draft).keys()
        return lambda rewritten: [word for key, word in self.jargon_in(rewritten).items() if key not in before]

    def _spells_term(self, fact: Fact) -> bool:
        """'Sev-1', 'SEV 2', 'P-1': a number that, with the capitalised word before it, is a glossary
        term as written; the term is matched and replaced, so the number is not locked on its own."""
        if fact.kind != "number":
            return False
        word = _WORD_BEFORE.search(self.document.masked, max(0, fact.start - 12), fact.start)
        return word is not None and self._spelled_as_term(self.document.masked[word.start(): fact.end])

    def _status_explained(self, fact: Fact) -> Fact:
        """An HTTP status code in the words of the glossary's entry for it, the code kept:
        '502s' -> 'relay failures (HTTP 502)'. As written where no entry replaces it."""
        code = _STATUS_CODE.search(fact.text)
        match = self.matcher.lookup(f"{code.group()} error") if code else None
        if code is None or match is None or match.entry.mode is not Mode.REPLACE:
            return fact
        rendering = match.entry.renderings[0]
        count = _COUNT_BEFORE.search(self.document.masked, max(0, fact.start - 24), fact.start)
        if fact.text.endswith("s") or (count is not None and count.group(1) != "1"):  # '502s', '12,000 HTTP 499'
            rendering = agreement.pluralize(rendering)
        return replace(fact, plain=f"{rendering} (HTTP {code.group()})", note=match.entry.explanation,
                       layer=match.layer)

    def _spelled_as_term(self, word: str) -> bool:
        """'OOM-killed', 'on-call' and 'IoCs' are glossary terms as spelled (or with a plural 's');
        'auth-service' is a system's name even though the glossary knows 'auth service'."""
        match = self.matcher.lookup(word)
        lower = word.lower()
        return match is not None and any(lower in (form.lower(), form.lower() + "s") for form in match.entry.forms)

    def score(self) -> ReadabilityScore:
        stats = readability.stats(self.document.masked)
        return ReadabilityScore(
            grade=stats.grade, jargon_pct=readability.jargon_pct(self.jargon_words + self.unknown_words, stats.words)
        )


def _defined_otherwise(written: str, entry: Entry, defined: dict[str, str]) -> bool:
    long = defined.get(written.removesuffix("s"))
    return long is not None and means_otherwise(long, entry)


def _inside_compound(text: str, start: int, end: int) -> bool:
    """'router' in 'order-router' is part of a name, not a term on its own."""
    before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
    after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum()
    return before or after


def _covered(tokens: Sequence[Token], facts: Sequence[Fact]) -> list[bool]:
    """Which tokens overlap a locked fact (both lists are in text order)."""
    covered = [False] * len(tokens)
    f = 0
    for i, token in enumerate(tokens):
        while f < len(facts) and facts[f].end <= token.start:
            f += 1
        if f < len(facts) and facts[f].start < token.end:
            covered[i] = True
    return covered


def layers_for(terms: Sequence[TermOverride], glossaries: Sequence[Layer]) -> list[Layer]:
    """Request terms > the organisation's glossaries in the order given > built-in."""
    request = Layer(REQUEST, tuple(t.to_entry() for t in terms))
    return [request, *glossaries, builtin_layer()]


def translate(
    text: str,
    *,
    direction: Direction = Direction.IT_TO_BUSINESS,
    format: Format = Format.TEXT,
    terms: Sequence[TermOverride] = (),
    glossaries: Sequence[Layer] = (),
    rewrite_mode: RewriteMode = RewriteMode.AUTO,
    brief: bool = False,
    explain: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    protected: Sequence[tuple[int, int]] = (),
    models: ModelStage | None = None,
) -> Translation:
    """Translate `text` in `direction`, with every change explained.

    `protected` spans (such as an email's quoted thread) come back byte-identical. With `models`,
    a scorer ranks renderings and a generator may rewrite the draft, but only behind the guard:
    whatever the models do, the deterministic draft is the fallback and the facts are checked."""
    timer = _Timer()
    analysed = _Analysed(text, direction, format, layers_for(terms, glossaries), timer, max_bytes, protected)
    document = analysed.document
    models = models or ModelStage()
    warnings: list[str] = []
    engine = ENGINE_GLOSSARY
    with timer.stage("rewrite"):
        plan = rewrite.plan(document.masked, analysed.tokens, analysed.matches, analysed.facts, explain=explain,
                            split_clauses=direction is Direction.IT_TO_BUSINESS)
        if direction is Direction.BUSINESS_TO_IT:
            embedder = models.embedder if rewrite_mode is not RewriteMode.GLOSSARY else None
            drafted = [s.text for s in plan.spots]
            added, lines = scope.scope_edits(document.masked, document.protected, drafted, embedder=embedder,
                                             warnings=warnings)
            plan.fixed.extend(added)
            plan.fixed_ledger.extend(lines)
    if models.scorer is not None and rewrite_mode is not RewriteMode.GLOSSARY:
        with timer.stage("rank"):
            try:
                unranked = ranking.rank(document.masked, plan, models.scorer,
                                        deadline=time.monotonic() + models.time_limit_s)
            except Exception as exc:  # a failing model never fails a request
                warnings.append(f"The fluency scorer failed ({exc}); renderings were not ranked.")
            else:
                if unranked:
                    warnings.append(f"The fluency scorer ran out of time ({models.time_limit_s:g} s); {unranked} "
                                    "terms keep the glossary's preferred rendering.")
    edits = [Edit(e.start, e.end, document.escape(e.text)) for e in plan.edits()]
    output = apply(document.text, edits)
    wants_model = rewrite_mode is RewriteMode.MODEL or (rewrite_mode is RewriteMode.AUTO and models.generator)
    if wants_model and models.generator is None:
        warnings.append("No text generator is configured; the glossary rewrite is returned.")
    elif wants_model and models.generator is not None and (format is not Format.TEXT or protected):
        warnings.append("The model rewrite applies to plain text only; the glossary rewrite is returned.")
    elif wants_model and models.generator is not None:
        with timer.stage("generate"):
            must_keep = [document.masked[m.start:m.end] for m in analysed.matches if m.entry.mode is Mode.KEEP]
            added_jargon, concepts = None, []
            if direction is Direction.IT_TO_BUSINESS:  # no jargon back in
                added_jargon = analysed.jargon_added_to(output)
            else:  # the precise terms the glossary put in stay in
                concepts = [change.target for change in plan.ledger() if change.target]
            outcome = guard.rewrite(output, text, analysed.facts, models.generator, forbidden=plan.forbidden,
                                    kept=must_keep, added_jargon=added_jargon, concepts=concepts,
                                    time_limit_s=models.time_limit_s)
        if outcome.accepted:
            output, engine = outcome.text, ENGINE_MODEL
        else:
            warnings.append("The model rewrite was not used (" + "; ".join(outcome.reasons) + "); "
                            "the glossary rewrite is returned.")
    with timer.stage("verify"):
        out_masked = parse(output, format, _shifted(protected, edits)).masked
        check = verify(analysed.facts, document.masked, out_masked)
        warnings.extend(_forbidden_warnings(plan.forbidden, out_masked))
        if check.missing:
            warnings.append("Some locked facts are missing from the output: " + ", ".join(check.missing))
        if check.added:
            warnings.append("The output states numbers the input did not: " + ", ".join(check.added))
        after = readability.stats(out_masked)
        kept = sum(readability.word_count(k) for k in plan.kept_jargon) + analysed.unknown_words
        after_score = ReadabilityScore(grade=after.grade, jargon_pct=readability.jargon_pct(kept, after.words))
    summary = None
    if brief:
        with timer.stage("brief"):
            summary = briefs.build(direction, out_masked, document.masked, analysed.unknown, models.embedder)
    return Translation(
        text=output,
        brief=summary,
        direction=direction,
        engine=engine,
        terms=plan.ledger(),
        facts=FactsReport(locked=check.locked, missing=check.missing, added=check.added),
        unknown_jargon=analysed.unknown,
        readability=Readability(before=analysed.score(), after=after_score),
        warnings=warnings,
        timings_ms=timer.timings,
    )


def _shifted(spans: Sequence[tuple[int, int]], edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Where protected spans of the input lie in the output (edits never touch them)."""
    shifted = []
    for start, end in spans:
        delta = sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= start)
        shifted.append((start + delta, end + delta))
    return shifted


def _forbidden_warnings(forbidden: Sequence[str], output: str) -> list[str]:
    warnings = [f"Deprecated term replaced: '{term}'." for term in dict.fromkeys(forbidden)]
    still = [t for t in dict.fromkeys(forbidden) if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", output, re.I)]
    if still:
        warnings.append("Deprecated terms are still present: " + ", ".join(still))
    return warnings


def analyze(
    text: str,
    *,
    direction: Direction = Direction.IT_TO_BUSINESS,
    format: Format = Format.TEXT,
    terms: Sequence[TermOverride] = (),
    glossaries: Sequence[Layer] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    models: ModelStage | None = None,
) -> Analysis:
    """Find jargon (known and unknown), facts and readability, without rewriting. With an embedder,
    each unknown term also gets the nearest glossary entries as suggestions."""
    timer = _Timer()
    layers = layers_for(terms, glossaries)
    analysed = _Analysed(text, direction, format, layers, timer, max_bytes)
    suggestions: dict[str, list[str]] = {}
    embedder = models.embedder if models else None
    if embedder is not None and analysed.unknown:
        with timer.stage("suggest"):
            try:
                suggestions = suggest(analysed.unknown, layers, direction, embedder)
            except Exception:  # a failing model never fails a request
                suggestions = {}
    masked = analysed.document.masked
    known = [
        KnownTerm(
            term=masked[m.start: m.end], start=m.start, end=m.end, entry=m.entry.source, mode=m.entry.mode,
            renderings=list(m.entry.renderings), explanation=m.entry.explanation, category=m.entry.category,
            layer=m.layer,
        )
        for m in analysed.matches
    ]
    return Analysis(
        direction=direction,
        known=known,
        unknown_jargon=analysed.unknown,
        suggestions=suggestions,
        facts=list(dict.fromkeys(f.text for f in analysed.facts)),
        readability=analysed.score(),
        timings_ms=timer.timings,
    )

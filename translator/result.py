"""The typed results of the pipeline; their JSON is the HTTP contract's response shape."""

from __future__ import annotations

from pydantic import BaseModel, Field

from glossary import Direction, Mode


class TermChange(BaseModel):
    """One changed term: where it was in the input, what replaced it, which layer, and why."""

    source: str
    target: str
    start: int
    end: int
    layer: str
    note: str


class FactsReport(BaseModel):
    locked: list[str]
    missing: list[str]
    added: list[str]


class ReadabilityScore(BaseModel):
    grade: float
    jargon_pct: float


class Readability(BaseModel):
    before: ReadabilityScore
    after: ReadabilityScore


class Translation(BaseModel):
    """A translated text with everything needed to trust it."""

    text: str
    brief: str | None = None
    direction: Direction
    engine: str
    terms: list[TermChange]
    facts: FactsReport
    unknown_jargon: list[str]
    readability: Readability
    warnings: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)


class KnownTerm(BaseModel):
    """A glossary term found by analysis, with what it would become."""

    term: str
    start: int
    end: int
    entry: str
    mode: Mode
    renderings: list[str]
    explanation: str
    category: str
    layer: str


class Analysis(BaseModel):
    """Jargon found, known and unknown, facts and readability, without rewriting."""

    direction: Direction
    known: list[KnownTerm]
    unknown_jargon: list[str]
    #: For each unknown term, the nearest glossary entries by meaning (needs the embedder).
    suggestions: dict[str, list[str]] = Field(default_factory=dict)
    facts: list[str]
    readability: ReadabilityScore
    timings_ms: dict[str, float] = Field(default_factory=dict)

"""Request concepts: what a business request is about, recognised from cue words anywhere in it.

A glossary entry maps one phrase; a concept needs the whole request. "500,000 fans at once" and
"last time the site fell over" each say little, but together they ask for load testing and
autoscaling. A concept fires when every one of its cue groups has a hit in the text (any phrase of
a group will do), and names the technical work it implies. Data: data/concepts/*.yaml (format in
data/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glossary.builtin import GlossaryFileError

CONCEPTS_DIR = Path(__file__).parent / "data" / "concepts"


class Concept(BaseModel):
    """A need that a business request implies, and the technical terms that name it for IT."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    #: Technical terms, most telling first; the ones the draft does not already state are added.
    terms: tuple[str, ...] = Field(min_length=1)
    explanation: str = Field(min_length=1)
    #: Every group needs a hit. Phrases match whole words, case-insensitively; a trailing '*'
    #: matches any ending ('crash*': crash, crashes, crashed).
    cues: tuple[tuple[str, ...], ...] = Field(min_length=1)

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(_group_pattern(group) for group in self.cues)

    def find(self, text: str) -> tuple[int, int] | None:
        """The span of the first group's first hit, when every group has a hit in `text`."""
        hits = [pattern.search(text) for pattern in self.patterns]
        if not all(hits):
            return None
        first = hits[0]
        assert first is not None
        return first.start(), first.end()


def _group_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((_phrase_pattern(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


def _phrase_pattern(phrase: str) -> str:
    stem = phrase.strip().endswith("*")
    words = phrase.strip().rstrip("*").split()
    body = r"\s+".join(re.escape(w).replace("'", "['’]") for w in words)
    return body + (r"[\w'’-]*" if stem else r"(?![\w-])")


@dataclass(frozen=True)
class ConceptHit:
    concept: Concept
    start: int
    end: int


def find_concepts(text: str, concepts: tuple[Concept, ...] | None = None) -> list[ConceptHit]:
    """The concepts `text` implies, in the order of their first cue."""
    hits = []
    for concept in builtin_concepts() if concepts is None else concepts:
        span = concept.find(text)
        if span is not None:
            hits.append(ConceptHit(concept, *span))
    return sorted(hits, key=lambda h: h.start)


def load_concepts(path: Path) -> list[Concept]:
    """Read one concept file: a mapping with a 'concepts' list."""
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GlossaryFileError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("concepts"), list):
        raise GlossaryFileError(f"{path.name}: expected a mapping with a 'concepts' list")
    concepts = []
    for number, raw in enumerate(document["concepts"], start=1):
        try:
            concepts.append(Concept.model_validate(raw))
        except ValidationError as exc:
            name = raw.get("name", "?") if isinstance(raw, dict) else "?"
            raise GlossaryFileError(f"{path.name}: concept {number} ({name}): {exc}") from exc
    return concepts


@lru_cache(maxsize=1)
def builtin_concepts() -> tuple[Concept, ...]:
    """Every built-in concept, read once per process."""
    return tuple(c for path in sorted(CONCEPTS_DIR.glob("*.yaml")) for c in load_concepts(path))

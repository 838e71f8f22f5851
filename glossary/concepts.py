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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glossary.builtin import GlossaryFileError, read_yaml

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
        first = hits[0]
        return (first.start(), first.end()) if first is not None and all(hits) else None


def _group_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((_phrase_pattern(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


def _phrase_pattern(phrase: str) -> str:
    """A cue as a pattern: any white space between its words, and any ending where a word ends in '*'
    ('crash*', 'keel* over')."""
    return r"\s+".join(_word_pattern(w) for w in phrase.split())


def _word_pattern(word: str) -> str:
    body = re.escape(word.rstrip("*")).replace("'", "['’]")
    return body + (r"[\w'’-]*" if word.endswith("*") else r"(?![\w-])")


@dataclass(frozen=True)
class ConceptHit:
    concept: Concept
    start: int
    end: int
    #: Found by sentence similarity (an embedder), not by cue words.
    suggested: bool = False


#: Words as cue phrases begin: hyphens and apostrophes kept inside ('wi-fi', "can't").
_WORD = re.compile(r"[\w'-]+")
_Group = tuple[int, int]  # (concept, cue group)


@dataclass(frozen=True)
class _Index:
    """Which cue groups a phrase can start at each word: a request's words name the few concepts
    worth a pattern search (most groups of most concepts have no hit in a given request)."""

    concepts: tuple[Concept, ...]
    by_word: dict[str, frozenset[_Group]]
    #: First words that are also stems ('crash*'), looked up by each beginning of each word.
    by_stem: dict[str, frozenset[_Group]]
    #: Groups with a phrase whose first word a word split would not find ('ci/cd'): always searched.
    always: frozenset[_Group]

    @classmethod
    def of(cls, concepts: tuple[Concept, ...]) -> _Index:
        by_word: dict[str, set[_Group]] = {}
        by_stem: dict[str, set[_Group]] = {}
        always = set()
        for c, concept in enumerate(concepts):
            for g, phrases in enumerate(concept.cues):
                for phrase in phrases:
                    words = phrase.strip().lower().replace("’", "'").split()
                    head = words[0].rstrip("*")
                    if _WORD.fullmatch(head) is None:
                        always.add((c, g))
                    elif len(words) == 1 and words[0].endswith("*"):
                        by_stem.setdefault(head, set()).add((c, g))
                    else:
                        by_word.setdefault(head, set()).add((c, g))
        return cls(concepts, {k: frozenset(v) for k, v in by_word.items()},
                   {k: frozenset(v) for k, v in by_stem.items()}, frozenset(always))

    def possible(self, text: str) -> set[_Group]:
        """The groups that may have a hit in `text`."""
        words = set(_WORD.findall(text.lower().replace("’", "'")))
        words.update(w.split("'", 1)[0] for w in list(words) if "'" in w)  # "wi-fi's" holds "wi-fi"
        found = set(self.always)
        for word in words:
            found.update(self.by_word.get(word, ()))
            for n in range(1, len(word) + 1):
                found.update(self.by_stem.get(word[:n], ()))
        return found


def find_concepts(text: str, concepts: tuple[Concept, ...] | None = None) -> list[ConceptHit]:
    """The concepts `text` implies (default: the built-in ones), in the order of their first cue."""
    index = _builtin_index() if concepts is None else _Index.of(concepts)
    possible = index.possible(text)
    groups: dict[int, int] = {}
    for c, _ in possible:
        groups[c] = groups.get(c, 0) + 1
    hits = []
    for c in sorted(groups):
        concept = index.concepts[c]
        if groups[c] == len(concept.cues):
            span = concept.find(text)
            if span is not None:
                hits.append(ConceptHit(concept, *span))
    return sorted(hits, key=lambda h: h.start)


def load_concepts(path: Path) -> list[Concept]:
    """Read one concept file: a mapping with a 'concepts' list."""
    document = read_yaml(path)
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


@lru_cache(maxsize=1)
def _builtin_index() -> _Index:
    return _Index.of(builtin_concepts())


def preload() -> None:
    """Read the built-in concepts and compile their cue patterns (about half a second), so that
    the first business-to-IT request does not wait for it."""
    for concept in _builtin_index().concepts:
        _ = concept.patterns

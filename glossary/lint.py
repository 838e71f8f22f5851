"""Glossary lint: duplicates, conflicts, jargon inside renderings, invented numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.concepts import Concept
from glossary.entry import Direction, Entry, Mode, SensedEntry
from glossary.layers import Layer, LayerStack
from glossary.matcher import Matcher
from glossary.tokens import pattern_keys, tokenize

_DIGITS = re.compile(r"\d+")
_NUMBER_WORDS = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.IGNORECASE)
MAX_EXPLANATION_WORDS = 30


@dataclass(frozen=True)
class Problem:
    """One lint finding about an entry."""

    source: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.code}: {self.message}"


def lint(entries: Sequence[Entry]) -> list[Problem]:
    """Every problem in a set of entries; an empty list means the glossary is clean."""
    problems = _duplicates(entries)
    for entry in entries:
        problems.extend(_entry_problems(entry))
    problems.extend(_jargon_in_renderings(entries))
    return problems


def _duplicates(entries: Sequence[Entry]) -> list[Problem]:
    problems = []
    owners: dict[tuple[Direction, tuple[str, ...], tuple[str, ...]], Entry] = {}
    for entry in entries:
        directions = [Direction.IT_TO_BUSINESS, Direction.BUSINESS_TO_IT]
        for form in entry.forms:
            keys = pattern_keys(form)
            for direction in directions:
                if not entry.direction.serves(direction):
                    continue
                # A sense for the texts that hold its context words stands beside the general entry.
                context = entry.context if isinstance(entry, SensedEntry) else ()
                other = owners.setdefault((direction, keys, context), entry)
                if other is entry:
                    continue
                same = other.renderings == entry.renderings and other.mode is entry.mode
                code = "duplicate" if same else "conflict"
                problems.append(Problem(entry.source, code, f"'{form}' is also an entry or alias of '{other.source}' "
                                                          f"({direction.value})"))
    return list(dict.fromkeys(problems))


def _too_long(explanation: str) -> bool:
    return len(explanation.split()) > MAX_EXPLANATION_WORDS or "\n" in explanation


def _long_explanation(name: str) -> Problem:
    return Problem(name, "long-explanation", f"keep it to one line of at most {MAX_EXPLANATION_WORDS} words")


def _entry_problems(entry: Entry) -> list[Problem]:
    problems = []
    if not entry.explanation:
        problems.append(Problem(entry.source, "no-explanation", "every entry needs a one-line explanation"))
    elif _too_long(entry.explanation):
        problems.append(_long_explanation(entry.source))
    source_digits = {d for form in entry.forms for d in _DIGITS.findall(form)}
    source_words = {w.lower() for form in entry.forms for w in _NUMBER_WORDS.findall(form)}
    for rendering in entry.renderings:
        invented = set(_DIGITS.findall(rendering)) - source_digits
        invented |= {w.lower() for w in _NUMBER_WORDS.findall(rendering)} - source_words - source_digits_as_words(
            source_digits)
        if invented:
            problems.append(Problem(entry.source, "invented-number",
                                    f"rendering '{rendering}' states {sorted(invented)} that the term does not"))
    # Explain mode puts the explanation into the text: it may state no figure the term does not.
    if invented := set(_DIGITS.findall(entry.explanation)) - source_digits:
        problems.append(Problem(entry.source, "invented-number",
                                f"the explanation states {sorted(invented)} that the term does not"))
    if entry.mode is Mode.KEEP and entry.renderings:
        problems.append(Problem(entry.source, "keep-with-renderings", "a keep entry is never rendered"))
    return problems


def lint_concepts(concepts: Sequence[Concept]) -> list[Problem]:
    """Request concepts: unique names, one-line explanations, no numbers in the terms they add."""
    problems = []
    seen: set[str] = set()
    for concept in concepts:
        if concept.name.lower() in seen:
            problems.append(Problem(concept.name, "duplicate", "another request concept has this name"))
        seen.add(concept.name.lower())
        if _too_long(concept.explanation):
            problems.append(_long_explanation(concept.name))
        broken = [t for t in concept.terms if t.count("(") != t.count(")")]
        if broken:  # a comma inside brackets in a YAML flow list splits the term: [a (b, c)]
            problems.append(Problem(concept.name, "broken-term", f"terms {broken} have unbalanced brackets"))
        invented = [t for t in concept.terms if _DIGITS.search(t) or _NUMBER_WORDS.search(t)]
        if invented:
            problems.append(Problem(concept.name, "invented-number", f"terms {invented} state a number"))
    return problems


def source_digits_as_words(digits: set[str]) -> set[str]:
    words = "zero one two three four five six seven eight nine ten eleven twelve".split()
    return {words[int(d)] for d in digits if d.isdigit() and int(d) < len(words)}


def _jargon_in_renderings(entries: Sequence[Entry]) -> list[Problem]:
    """Plain-language renderings must not hide other IT jargon. Business-to-IT renderings keep
    the business wording on purpose ("slow (high latency)"), so only the IT-to-business side is checked."""
    problems = []
    layer = Layer("lint", tuple(entries))
    for direction in (Direction.IT_TO_BUSINESS,):
        matcher = Matcher(LayerStack.of([layer]), direction)
        for entry in layer.for_direction(direction):
            for rendering in entry.renderings:
                tokens = tokenize(rendering)
                for match in matcher.find(tokens, [False] * len(tokens)):
                    if match.entry is not entry and match.entry.mode is not Mode.KEEP:
                        problems.append(Problem(entry.source, "jargon-in-rendering",
                                                f"rendering '{rendering}' uses the glossary term "
                                                f"'{rendering[match.start:match.end]}' ({direction.value})"))
    return list(dict.fromkeys(problems))

"""Moving entries between `Entry` and `EntryRow`, and planning imports and restores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glossary.entry import Direction, Entry, Mode, PartOfSpeech
from glossary.io import ImportProblems, duplicate_source
from glossary.store.models import EntryRow
from glossary.store.records import ImportReport


def source_key(source: str) -> str:
    """Sources are unique per glossary regardless of case."""
    return source.casefold()


def entry_of(row: EntryRow) -> Entry:
    return Entry(
        source=row.source,
        aliases=tuple(row.aliases),
        renderings=tuple(row.renderings),
        explanation=row.explanation,
        category=row.category,
        direction=Direction(row.direction),
        mode=Mode(row.mode),
        pos=PartOfSpeech(row.pos),
    )


def fill(row: EntryRow, entry: Entry) -> None:
    """Copy `entry` into `row` (its id, glossary and version are left alone)."""
    row.source = entry.source
    row.source_key = source_key(entry.source)
    row.aliases = list(entry.aliases)
    row.renderings = list(entry.renderings)
    row.explanation = entry.explanation
    row.category = entry.category
    row.direction = entry.direction.value
    row.mode = entry.mode.value
    row.pos = entry.pos.value
    row.search = "\n".join((entry.source, *entry.aliases, *entry.renderings, entry.explanation)).casefold()


def dump(entry: Entry) -> dict[str, Any]:
    return entry.model_dump(mode="json")


@dataclass
class Plan:
    """The changes that make a glossary's entries match an incoming list."""

    add: list[Entry] = field(default_factory=list)
    update: list[tuple[EntryRow, Entry]] = field(default_factory=list)
    remove: list[EntryRow] = field(default_factory=list)
    unchanged: int = 0

    @property
    def report(self) -> ImportReport:
        return ImportReport(len(self.add), len(self.update), self.unchanged, len(self.remove))


def plan(current: Sequence[EntryRow], incoming: Sequence[Entry], *, replace: bool) -> Plan:
    """Match by source key: new sources are added, changed ones updated; `replace` removes the rest."""
    by_key = {row.source_key: row for row in current}
    seen: dict[str, int] = {}
    problems = []
    result = Plan()
    for number, entry in enumerate(incoming, start=1):
        key = source_key(entry.source)
        if key in seen:
            problems.append(duplicate_source(number, entry.source, seen[key]))
            continue
        seen[key] = number
        row = by_key.get(key)
        if row is None:
            result.add.append(entry)
        elif entry_of(row) != entry:
            result.update.append((row, entry))
        else:
            result.unchanged += 1
    if problems:
        raise ImportProblems(problems)
    if replace:
        result.remove = [row for key, row in by_key.items() if key not in seen]
    return result

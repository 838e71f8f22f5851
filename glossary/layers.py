"""Override layers: request terms > the organisation's glossaries in order > the built-in glossary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from glossary.entry import Direction, Entry

BUILTIN = "builtin"
REQUEST = "request"


def glossary_label(name: str) -> str:
    """The ledger label of an organisation glossary layer."""
    return f"glossary:{name}"


@dataclass(frozen=True, eq=False)
class Layer:
    """A named set of entries; `label` is what the term ledger reports when one of them fires.

    Layers compare by identity, so a compiled layer can be cached for as long as it lives.
    """

    label: str
    entries: tuple[Entry, ...]

    def for_direction(self, direction: Direction) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.direction.serves(direction))


@dataclass(frozen=True)
class LayerStack:
    """Layers in priority order, highest first."""

    layers: tuple[Layer, ...]

    @classmethod
    def of(cls, layers: Iterable[Layer]) -> LayerStack:
        return cls(tuple(layer for layer in layers if layer.entries))

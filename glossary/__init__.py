"""Terminology: glossary entries, the built-in glossary, override layers and the matcher."""

from glossary.builtin import builtin_entries, builtin_layer
from glossary.entry import Direction, Entry, Mode, PartOfSpeech
from glossary.layers import Layer, LayerStack
from glossary.matcher import Match, Matcher

__all__ = [
    "Direction",
    "Entry",
    "Layer",
    "LayerStack",
    "Match",
    "Matcher",
    "Mode",
    "PartOfSpeech",
    "builtin_entries",
    "builtin_layer",
]

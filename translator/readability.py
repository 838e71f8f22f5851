"""Readability, offline: Flesch-Kincaid grade and the share of words that are jargon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables by vowel groups, with a silent final 'e' (close enough for a grade level)."""
    word = word.lower().strip("'-")
    groups = len(_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, groups)


@dataclass(frozen=True)
class TextStats:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level; 0 for a text with no words."""
        if not self.words:
            return 0.0
        return round(0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 2)


def stats(text: str) -> TextStats:
    words = _WORD.findall(text)
    return TextStats(len(words), max(1, len(_SENTENCE_END.findall(text))), sum(map(syllables, words)))


@lru_cache(maxsize=16384)
def extra_syllables(phrase: str) -> int:
    """Syllables beyond one a word: what a phrase adds to a grade level over one-syllable words."""
    return sum(syllables(w) - 1 for w in _WORD.findall(phrase))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def jargon_pct(jargon_words: int, words: int) -> float:
    return round(100.0 * jargon_words / words, 2) if words else 0.0

"""The glossary entry model, shared by the built-in data, stored glossaries and request terms."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Direction(str, Enum):
    """Which way a translation goes; an entry may serve one or both."""

    IT_TO_BUSINESS = "it_to_business"
    BUSINESS_TO_IT = "business_to_it"
    BOTH = "both"

    def serves(self, direction: Direction) -> bool:
        """True when an entry with this direction applies to a translation going `direction`."""
        return self is Direction.BOTH or self is direction


class Mode(str, Enum):
    """What to do with a term, after TBX's preferred / admitted / deprecated."""

    REPLACE = "replace"
    KEEP = "keep"
    FORBID = "forbid"


class PartOfSpeech(str, Enum):
    """The source's part of speech, which decides how a rendering is inflected."""

    NOUN = "noun"
    VERB = "verb"
    ADJECTIVE = "adjective"
    PHRASE = "phrase"


#: Entries of this category are wordiness (additional -> more), not jargon: a model rewrite may use them.
STYLE_CATEGORY = "plain_english"


class Entry(BaseModel):
    """One term with its renderings and a one-line plain explanation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(min_length=1, max_length=200)
    aliases: tuple[str, ...] = ()
    renderings: tuple[str, ...] = ()
    explanation: str = Field(default="", max_length=500)
    category: str = Field(default="general", max_length=60)
    direction: Direction = Direction.BOTH
    mode: Mode = Mode.REPLACE
    pos: PartOfSpeech = PartOfSpeech.NOUN

    @property
    def is_jargon(self) -> bool:
        """Whether finding this term in a text means the text has jargon (keep terms and style words do not)."""
        return self.mode is not Mode.KEEP and self.category != STYLE_CATEGORY

    @field_validator("source", "explanation", "category")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("aliases", "renderings")
    @classmethod
    def _clean_list(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in values)
        if any(not v for v in cleaned):
            raise ValueError("must not contain empty strings")
        if any(len(v) > 200 for v in cleaned):
            raise ValueError("each item must be at most 200 characters")
        return cleaned

    @model_validator(mode="after")
    def _renderings_for_replacing_modes(self) -> Entry:
        if not self.source:
            raise ValueError("source must not be blank")
        if self.mode is not Mode.KEEP and not self.renderings:
            raise ValueError(f"a '{self.mode.value}' entry needs at least one rendering")
        return self

    @property
    def forms(self) -> tuple[str, ...]:
        """The source and its aliases: every spelling that matches this entry."""
        return (self.source, *self.aliases)


class SensedEntry(Entry):
    """A built-in entry for a word that has an everyday sense as well as its IT one ('warehouse',
    'index', 'topic'): it applies only to a text that holds one of its context words."""

    #: Single words, matched like terms (any inflection, any case): 'query' also finds 'queries'.
    context: tuple[str, ...] = Field(min_length=1)

    @field_validator("context")
    @classmethod
    def _single_words(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in values)
        if any(not v or " " in v for v in cleaned):
            raise ValueError("context words must be single words")
        return cleaned

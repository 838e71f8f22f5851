"""Finding glossary terms in tokenized text: lemma-aware, longest match, layer by layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from weakref import WeakKeyDictionary

from glossary.entry import Direction, Entry, PartOfSpeech, SensedEntry
from glossary.layers import Layer, LayerStack
from glossary.tokens import (
    CAPS_PREFIX,
    PARTICLES,
    SKIPPED,
    Token,
    is_past_participle,
    lemmas,
    pattern_key,
    pattern_keys,
    token_keys,
    tokenize,
)


@dataclass(frozen=True, slots=True)
class Match:
    """One glossary term found in text: tokens [first, last] and characters [start, end)."""

    first: int
    last: int
    start: int
    end: int
    entry: Entry
    layer: str


class _Node:
    __slots__ = ("children", "entries", "last_words", "lead_words", "plural_only")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        #: The senses stored under this key sequence: those with context words first, then the
        #: first entry without any ('endpoint' is a device beside 'EDR', a service address elsewhere).
        self.entries: tuple[Entry, ...] = ()
        #: The last words of the forms that end here, as written ('revoked' in 'tokens revoked').
        self.last_words: frozenset[str] = frozenset()
        #: The words before the last of each form that ends here, as written ('stand' in 'stand up').
        self.lead_words: frozenset[tuple[str, ...]] = frozenset()
        #: Every form that ends here ends in a plural ('criticals', 'greens'): the singular is another
        #: word ('Critical CVE', 'Amber'), or another lemma's form ('media' for 'mediums').
        self.plural_only = False


class _Trie:
    """Key sequences of one layer; the first entry stored under a sequence keeps it, unless an
    entry with context words claims it for the texts that hold them."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.root = _Node()
        #: Matcher.lookup's answers while this is the only layer with entries (the usual case: the
        #: built-in glossary alone), kept for as long as the layer lives.
        self.lookups: dict[str, tuple[Match | None]] = {}
        for entry in entries:
            for form in entry.forms:
                words = [t.text for t in tokenize(form) if t.text not in SKIPPED]
                node = self.root
                for key in map(pattern_key, words):  # pattern_keys(form), from the one tokenization
                    node = node.children.setdefault(key, _Node())
                if node is not self.root:  # each form's words, also where another form of it ends here
                    if entry not in node.entries:
                        node.entries = _senses(node.entries, entry)
                    *lead, last = (word.lower() for word in words)
                    node.last_words |= {last}
                    node.lead_words |= {tuple(lead)}
                    node.plural_only = all(w.endswith("s") and not w.endswith("ss") for w in node.last_words)

    def longest(self, keys: Sequence[tuple[str, ...]], skip: Sequence[bool], i: int,
                context: _Context, replaces: bool) -> tuple[int, Entry] | None:
        """The longest entry whose keys match tokens from i on and that the text's `context`
        admits, as (last token, entry). `replaces`: the words will be replaced, not annotated."""
        frontier = [self.root]
        best: tuple[int, Entry] | None = None
        j = i
        while frontier and j < len(keys):
            if skip[j]:
                return best
            token_keys_j = keys[j]
            if not token_keys_j:  # a hyphen: matches nothing, breaks nothing
                j += 1
                continue
            frontier = [child for node in frontier for k in token_keys_j if (child := node.children.get(k))]
            # A noun term whose last word is written as a past verb ('CPU spiked' for 'CPU spike', 'server
            # logged' for 'server logs') is a clause that needs its verb: shorter terms read it instead ('the
            # processor jumped'). One the glossary writes so ('OOM-killed', 'thin-provisioned') still matches.
            verb_ending = (replaces and j > i and bool(frontier) and bool(keys[j - 1])
                           and is_past_participle(written := token_keys_j[0].lstrip(CAPS_PREFIX)))
            singular = not token_keys_j[0].endswith("s")
            admitted = next((e for node in frontier if not (singular and node.plural_only)
                             for e in node.entries if context.admits(e) and not (
                e.pos is PartOfSpeech.NOUN and j > i and (
                    (verb_ending and written not in node.last_words) or not _leads_as_written(keys, i, j, node)))),
                None)
            if admitted is not None:
                best = (j, admitted)
            j += 1
        return best


def _leads_as_written(keys: Sequence[tuple[str, ...]], i: int, j: int, node: _Node) -> bool:
    """True unless a word before a noun term's last is a verb's past form, or its -ing form before a
    particle, that the glossary does not write: 'stood up' and 'standing up' are the verb, never the
    noun 'stand-up'; 'payments gateway' and 'Container Networking Interface' are nouns."""
    written = tuple(k[0].lstrip(CAPS_PREFIX) for k in keys[i:j] if k)
    if written in node.lead_words:
        return True
    particle = not node.last_words.isdisjoint(PARTICLES)  # a phrasal verb's noun: 'stand-up', 'rollback'
    return any(all(w == word or not (_inflected_verb(w) or (particle and w.endswith("ing")))
                   for w, word in zip(written, lead, strict=True))
               for lead in node.lead_words if len(lead) == len(written))


def _inflected_verb(word: str) -> bool:
    """'stood', 'rolled': a verb's past that is no noun ('payments' is); -ing forms are read as nouns."""
    found = lemmas(word)
    return not word.endswith("ing") and word not in found.get("VERB", (word,)) and not found.get("NOUN")


@lru_cache(maxsize=16384)
def _context_keys(word: str) -> tuple[str, ...]:
    return pattern_keys(word) or (pattern_key(word),)


def _senses(entries: tuple[Entry, ...], entry: Entry) -> tuple[Entry, ...]:
    """`entries` with `entry` added: any number with context words, in order, then one without."""
    if isinstance(entry, SensedEntry):
        general = [e for e in entries if not isinstance(e, SensedEntry)]
        return (*(e for e in entries if isinstance(e, SensedEntry)), entry, *general)
    if any(not isinstance(e, SensedEntry) for e in entries):
        return entries
    return (*entries, entry)


class _Context:
    """Whether an entry applies in a text: a SensedEntry only where one of its context words is
    there. The text's keys are gathered on first need, from the keys the matcher has already read."""

    __slots__ = ("_any_sense", "_keys", "_present")

    def __init__(self, keys: Sequence[tuple[str, ...]], any_sense: bool = False) -> None:
        self._keys = keys
        self._any_sense = any_sense
        self._present: set[str] | None = None

    def admits(self, entry: Entry) -> bool:
        if self._any_sense or not isinstance(entry, SensedEntry):
            return True
        if self._present is None:
            self._present = {key for token in self._keys for key in token}
        # Each context word as a glossary term's word: an acronym ('REST', 'SAN') only in capitals; one
        # the tokenizer splits ('Wi-Fi', 'on-call', '802.1X') by all of its parts.
        return any(self._present.issuperset(_context_keys(word)) for word in entry.context)


_APOSTROPHES = "'\u2019"
#: How many lookups a layer keeps; the cache starts afresh beyond this.
LOOKUPS_KEPT = 4096
_COMPILED: WeakKeyDictionary[Layer, dict[Direction, _Trie]] = WeakKeyDictionary()
_COMPILE_LOCK = Lock()


def _compiled(layer: Layer, direction: Direction) -> _Trie:
    """The layer's trie for one direction, built once for as long as the layer lives."""
    with _COMPILE_LOCK:
        tries = _COMPILED.setdefault(layer, {})
        if direction not in tries:
            tries[direction] = _Trie(layer.for_direction(direction))
        return tries[direction]


class Matcher:
    """All layers of one translation direction, compiled once and reused across texts."""

    def __init__(self, stack: LayerStack, direction: Direction) -> None:
        self.direction = direction
        compiled = [(layer, _compiled(layer, direction)) for layer in stack.layers]
        #: Layers with no entry for this direction (a request with no terms) match nothing.
        self._layers = [(layer, trie) for layer, trie in compiled if trie.root.children]

    def find(self, tokens: Sequence[Token], protected: Sequence[bool], *, any_sense: bool = False) -> list[Match]:
        """Matches in text order. A higher layer claims its tokens first; within a layer the
        leftmost-longest match wins; nothing matches across a protected token; an entry with
        context words matches only in a text that holds one, unless `any_sense`."""
        keys = [() if t.text in SKIPPED else token_keys(t.text) for t in tokens]
        context = _Context(keys, any_sense)
        claimed = list(protected)
        matches: list[Match] = []
        for layer, trie in self._layers:
            starts = trie.root.children.keys()
            i = 0
            while i < len(tokens):
                # nor from a contraction's second half: the "'re" of "we're" is no "are amber"
                if claimed[i] or starts.isdisjoint(keys[i]) or tokens[i].text[:1] in _APOSTROPHES:
                    i += 1
                    continue
                found = trie.longest(keys, claimed, i, context, self.direction is Direction.IT_TO_BUSINESS)
                if found is None:
                    i += 1
                    continue
                last, entry = found
                matches.append(Match(i, last, tokens[i].start, tokens[last].end, entry, layer.label))
                for k in range(i, last + 1):
                    claimed[k] = True
                i = last + 1
        matches.sort(key=lambda m: m.start)
        return matches

    def lookup(self, term: str) -> Match | None:
        """The entry that would match all of `term` on its own, in a text that suits it, if any."""
        cache = self._layers[0][1].lookups if len(self._layers) == 1 else {}
        hit = cache.get(term)  # one read, so another thread's clear() cannot come between test and use
        if hit is None:
            if len(cache) >= LOOKUPS_KEPT:
                cache.clear()
            hit = cache[term] = (self._lookup(term),)
        return hit[0]

    def _lookup(self, term: str) -> Match | None:
        tokens = tokenize(term)
        if not tokens:
            return None
        found = self.find(tokens, [False] * len(tokens), any_sense=True)
        if len(found) == 1 and found[0].first == 0 and found[0].last == len(tokens) - 1:
            return found[0]
        return None

"""Guarded generation: a generator may rewrite the deterministic draft, but its text is used only
if every locked fact is still there, no number was added, forbidden terms stay out, kept terms
stay in, no sentence says what neither the draft nor the source said, and the length is sensible.
Facts reach the model as placeholders (⟦1⟧, ⟦2⟧...), so it cannot change them; anything else falls
back to the draft."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from models.base import GenerationTimeout, Generator
from translator.facts import Fact, verify

PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
SYSTEM = (
    "You rewrite IT status updates for busy executives. Write plain, fluent, short sentences. "
    "Keep the meaning. Do not add facts, numbers or opinions. "
    "Copy every marker like ⟦1⟧ exactly as often as the draft has it."
)
STRICT = (
    SYSTEM + " Output only the rewritten text. Every marker from the draft must appear as often as in the "
    "draft, unchanged; write no digits at all outside the markers."
)
MIN_RATIO, MAX_RATIO = 0.5, 2.0
#: The retry of a model fine-tuned on SYSTEM (the polisher): the prompt it knows, sampled. A stricter
#: prompt helps instruction-following models, but is a prompt such a model has never seen.
RETRY_TEMPERATURE = 0.7
#: A rewritten sentence with at least this many content words, and this share of its content words,
#: found in neither the draft nor the source says something new: "Pairing sessions started" came
#: back as "we have not yet started pairing them".
NOVEL_WORDS, NOVEL_SHARE = 2, 0.4
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
#: Characters a rewrite may bring in: letters, digits, spaces and everyday punctuation.
_ORDINARY = re.compile(r"[\w\s.,;:!?'\"()\[\]\-–—/%$€£&+@#*’‘“”…]")
JargonCheck = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class Outcome:
    """The text to use, whether the model's rewrite was accepted, and why not if it was not."""

    text: str
    accepted: bool
    reasons: tuple[str, ...] = ()


def _literal(value: str) -> str:
    """A pattern for ``value`` as a whole: not the 1 of 14:05 or x1, nor the 2 of 2.5."""
    left = (r"(?<!\w)" if value[0].isalnum() else "") + (r"(?<!\d\.)" if value[0].isdigit() else "")
    right = (r"(?!\w)" if value[-1].isalnum() else "") + (r"(?!\.\d)" if value[-1].isdigit() else "")
    return f"{left}{re.escape(value)}{right}"


def replace_all(text: str, replacements: Mapping[str, str]) -> str:
    """Every occurrence of each key replaced by its value in one pass, the longest key first at each
    position: nothing is replaced twice (a marker's digit is never taken for a fact)."""
    if not replacements:
        return text
    pattern = re.compile("|".join(_literal(k) for k in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda m: replacements[m.group(0)], text)


def protect(draft: str, facts: Sequence[Fact]) -> tuple[str, dict[str, str]]:
    """Replace each locked fact in the draft by a numbered placeholder (the longest fact is ⟦1⟧)."""
    values = sorted({f.plain or f.text for f in facts}, key=len, reverse=True)
    present = [v for v in values if re.search(_literal(v), draft)]
    mapping = {f"⟦{k}⟧": value for k, value in enumerate(present, 1)}
    return replace_all(draft, {value: marker for marker, value in mapping.items()}), mapping


def restore(text: str, mapping: dict[str, str], masked_draft: str) -> tuple[str, list[str]]:
    """Put the facts back; problems list markers missing, repeated or invented (each marker must
    appear as often as in the draft)."""
    problems = []
    for marker in mapping:
        count, expected = text.count(marker), masked_draft.count(marker)
        if count != expected:
            problems.append(f"placeholder {marker} appears {count} times, not {expected}")
    unknown = set(PLACEHOLDER.findall(text)) - {m.strip("⟦⟧") for m in mapping}
    if unknown:
        problems.append(f"unknown placeholders {sorted(unknown)}")
    for marker, fact in mapping.items():
        text = text.replace(marker, fact)
    return text, problems


_WORD = re.compile(r"⟦\d+⟧|[A-Za-z]{3,}")
_FUNCTION_WORDS = frozenset(
    "the and for with was were this that from into than then have has had are our its their they them will been "
    "being also but not which who what when where there here all any some one".split()
)


def _content_tokens(text: str) -> list[tuple[str, str]]:
    """Markers and content words in order, each as (key, as written): a marker is its own key, a word's
    key is its first five letters (so that 'promised' meets 'promise' and 'reports' meets 'report')."""
    return [(w, w) if w.startswith("⟦") else (w.lower()[:5], w) for w in _WORD.findall(text)
            if w.startswith("⟦") or w.lower() not in _FUNCTION_WORDS]


def _neighbours(text: str, reach: int) -> dict[str, list[set[str]]]:
    """For each marker occurrence, the keys of the content words and markers within ``reach`` either side."""
    words = [key for key, _ in _content_tokens(text)]
    found: dict[str, list[set[str]]] = {}
    for i, word in enumerate(words):
        if word.startswith("⟦"):
            found.setdefault(word, []).append({*words[max(0, i - reach):i], *words[i + 1:i + 1 + reach]})
    return found


def detached(rewrite: str, masked_draft: str, mapping: dict[str, str]) -> list[str]:
    """Facts that lost every word they stood next to in the draft: a rewrite that pins a figure on
    another subject ('uptime 99.95% against an SLA of 99.9%' -> 'a promise of 18 min') keeps every
    fact and still says something false."""
    before, after = _neighbours(masked_draft, 3), _neighbours(rewrite, 4)
    problems = []
    for marker, contexts in before.items():
        anchors = set().union(*contexts)
        if anchors and marker in after and not any(anchors & context for context in after[marker]):
            problems.append(f"'{mapping.get(marker, marker)}' moved away from the words around it")
    return problems


def _content_words(text: str) -> dict[str, str]:
    """Content words (markers aside), as written, by their key."""
    return {key: word for key, word in _content_tokens(text) if not word.startswith("⟦")}


def lost_concepts(candidate: str, concepts: Sequence[str]) -> list[str]:
    """Concepts (phrases such as 'wifi (wireless network, managed access points)') with a content word
    the candidate no longer has anywhere: the wording may change, the terms may not go."""
    present = _content_words(candidate).keys()
    problems = []
    for concept in concepts:
        missing = [word for stem, word in _content_words(concept).items() if stem not in present]
        if missing:
            problems.append(f"term '{concept}' lost ({', '.join(missing)})")
    return problems


def unsupported(candidate: str, draft: str, source: str) -> list[str]:
    """Sentences of the rewrite mostly made of content words that neither the draft nor the source
    has (by their first five letters), and characters that neither has and no sentence needs."""
    known = _content_words(draft).keys() | _content_words(source).keys()
    problems = []
    for sentence in _SENTENCE.split(candidate):
        words = _content_words(sentence)
        novel = [word for stem, word in words.items() if stem not in known]
        if len(novel) >= NOVEL_WORDS and len(novel) >= NOVEL_SHARE * len(words):
            problems.append(f"unsupported wording ({', '.join(novel)}) in '{sentence.strip()}'")
    stray = sorted({c for c in candidate if not _ORDINARY.match(c)} - set(draft) - set(source))
    if stray:
        problems.append(f"stray characters {''.join(stray)!r}")
    return problems


def check(candidate: str, draft: str, source: str, facts: Sequence[Fact], forbidden: Sequence[str],
          kept: Sequence[str], added_jargon: JargonCheck | None = None, concepts: Sequence[str] = ()) -> list[str]:
    """Why a rewrite may not be used (empty when it may). ``kept`` terms must stay as written,
    ``concepts`` in substance (:func:`lost_concepts`)."""
    problems = []
    facts_check = verify(facts, source, candidate)
    if facts_check.missing:
        problems.append("dropped facts: " + ", ".join(facts_check.missing))
    if facts_check.added:
        problems.append("added numbers: " + ", ".join(facts_check.added))
    low = candidate.lower()
    problems += [f"forbidden term '{t}' present" for t in forbidden if re.search(rf"\b{re.escape(t.lower())}\b", low)]
    problems += [f"kept term '{t}' missing" for t in kept if t.lower() not in low]
    problems += lost_concepts(candidate, concepts)
    problems += unsupported(candidate, draft, source)
    if added_jargon is not None:
        problems += [f"jargon '{t}' added" for t in added_jargon(candidate)]
    ratio = len(candidate.split()) / max(1, len(draft.split()))
    if not MIN_RATIO <= ratio <= MAX_RATIO:
        problems.append(f"length {ratio:.2f}x the draft")
    return problems


def rewrite(draft: str, source: str, facts: Sequence[Fact], generator: Generator, *, forbidden: Sequence[str] = (),
            kept: Sequence[str] = (), added_jargon: JargonCheck | None = None, concepts: Sequence[str] = (),
            time_limit_s: float = 8.0) -> Outcome:
    """One attempt, one retry (a stricter prompt; or, for a model trained on :data:`SYSTEM`, a sampled
    reply), else the draft. ``added_jargon(candidate)`` names the jargon a
    rewrite brought back that the draft had not (a rewrite must not undo the glossary's work)."""
    deadline = time.monotonic() + time_limit_s
    masked, mapping = protect(draft, facts)
    reasons: list[str] = []
    attempts = ((SYSTEM, 0.0), (SYSTEM, RETRY_TEMPERATURE)) if getattr(generator, "trained_on_system", False) \
        else ((SYSTEM, 0.0), (STRICT, 0.0))
    for system, temperature in attempts:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            reasons.append("time limit reached")
            break
        try:
            raw = generator.generate(f"Draft:\n{masked}\n\nRewrite:", system=system, timeout_s=remaining,
                                     max_new_tokens=max(64, 2 * len(masked.split()) + 32), temperature=temperature)
        except GenerationTimeout:
            reasons.append("the generator ran past the time limit")
            break
        except Exception as exc:  # a failing model never fails a request
            reasons.append(f"the generator failed: {exc}")
            break
        candidate, problems = restore(raw.strip(), mapping, masked)
        problems += detached(raw, masked, mapping)
        if not candidate:
            problems.append("empty output")
        else:
            problems += check(candidate, draft, source, facts, forbidden, kept, added_jargon, concepts)
        if not problems:
            return Outcome(candidate, True)
        reasons.append("; ".join(problems))
    return Outcome(draft, False, tuple(reasons))

"""The executive brief (IT -> business) and the ticket (business -> IT), built from the rewritten
sentences by sentence-role classification: cue-word rules, plus embedding similarity to role
prototypes when an embedder is available. Every sentence in it comes from the checked output,
and one that states a number the input did not is left out."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from glossary import Direction
from models.base import Embedder
from translator.facts import numbers
from translator.scope import scope_terms

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")

ROLES = ("happened", "impact", "status", "next", "decision")
TITLES = {"happened": "What happened", "impact": "Business impact", "status": "Current status",
          "next": "Next step", "decision": "Decision needed"}
_CUES = {
    "decision": r"\b(approve|approval|decide|decision|sign[- ]off|budget request|need (?:your|a) |recommend|"
                r"should we|choose|options?)\b",
    "next": r"\b(will|next|plan(?:ned)?|tomorrow|by (?:mon|tues|wednes|thurs|fri|satur|sun)day|follow[- ]up|"
            r"pending|scheduled|going to|due)\b",
    "status": r"\b(now|currently|restored|resolved|recovered|back to normal|stable|fixed|live|completed?|"
              r"is (?:up|down|working)|remain(?:s|ing)?|ongoing|monitoring)\b",
    "impact": r"\b(customers?|users?|revenue|orders?|sales|cost|spend|budget|\$|€|£|%|could ?n[o']t|unable|"
              r"delay(?:ed)?|lost|affect(?:ed|s)?|impact(?:ed)?|risk|breach|downtime)\b",
}
PROTOTYPES = {
    "happened": "A system failed after a change and stopped working for a while.",
    "impact": "Customers could not complete orders and revenue was affected.",
    "status": "The service is now restored and working normally.",
    "next": "We will review the cause and put a fix in place next week.",
    "decision": "We need your approval for the budget to proceed.",
}


HEADLINE_MIN_WORDS = 4


def sentences(text: str) -> list[str]:
    """Sentences end at ., ! or ? before a space (so 'v2.4.0' and '99.9%' stay whole) or at a line end."""
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if len(s.strip().split()) >= 2]


def classify(items: Sequence[str], embedder: Embedder | None = None) -> list[str]:
    """A role for each sentence: the first cue that fires, else the nearest prototype, else 'happened'."""
    roles: list[str | None] = []
    for sentence in items:
        low = sentence.lower()
        roles.append(next((r for r in ("decision", "next", "status", "impact") if re.search(_CUES[r], low)), None))
    if embedder is not None and any(r is None for r in roles):
        vectors = embedder.embed(list(items))
        prototypes = embedder.embed([PROTOTYPES[r] for r in ROLES])
        nearest = np.argmax(vectors @ prototypes.T, axis=1)
        roles = [r or ROLES[int(n)] for r, n in zip(roles, nearest, strict=True)]
    return [r or "happened" for r in roles]


def executive_brief(output: str, source: str, embedder: Embedder | None = None) -> str | None:
    """A headline, then What happened / Business impact / Current status / Next step (and
    Decision needed when the text asks for one)."""
    allowed = numbers(source)
    items = [s for s in sentences(output) if numbers(s) <= allowed]
    if not items:
        return None
    by_role: dict[str, list[str]] = {r: [] for r in ROLES}
    for sentence, role in zip(items, classify(items, embedder), strict=True):
        by_role[role].append(sentence)
    # The headline says what happened: not a label the clause split left on its own ('Urgent incident.').
    lines = [next((s for s in items if len(s.split()) >= HEADLINE_MIN_WORDS), items[0])]
    for role in ROLES:
        if by_role[role] or role != "decision":
            lines.append(f"{TITLES[role]}: {' '.join(by_role[role]) or 'Not stated in the update.'}")
    return "\n".join(lines)


def ticket(output: str, source: str, unmapped: Sequence[str]) -> str | None:
    """Summary, observed problem, scope, acceptance criteria and open questions for IT."""
    allowed = numbers(source)
    items = [s for s in sentences(output) if numbers(s) <= allowed]
    # The added "IT scope: ..." sentences belong in the scope, not in the requester's problem.
    named = [(s, scope_terms(s)) for s in items]
    scoped = [terms for _, terms in named if terms is not None]
    items = [s for s, terms in named if terms is None]
    if not items:
        return None
    wants = [s for s in items if re.search(r"\b(need|must|should|want|require|has to|have to|can we|could we)\b",
                                             s, re.IGNORECASE)]
    problems = [s for s in items if s not in wants] or items[:1]
    scope = sorted(set(re.findall(r"\(([^()]+)\)", " ".join(items)))) + [p for s in scoped for p in s.split("; ")]
    lines = [
        f"Summary: {items[0]}",
        f"Observed problem: {' '.join(problems)}",
        f"Scope: {'; '.join(scope) if scope else 'To be confirmed with the requester.'}",
        "Acceptance criteria: " + (" ".join(f"- {w}" for w in wants) if wants else "To be agreed with the requester."),
        "Open questions: " + ("; ".join(f"what is meant by '{u}'?" for u in unmapped) if unmapped else "None."),
    ]
    return "\n".join(lines)


def build(direction: Direction, output: str, source: str, unmapped: Sequence[str],
          embedder: Embedder | None = None) -> str | None:
    if direction is Direction.BUSINESS_TO_IT:
        return ticket(output, source, unmapped)
    return executive_brief(output, source, embedder)

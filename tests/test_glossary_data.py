"""The built-in glossary: size, coverage of the areas it promises, and a clean lint."""

from __future__ import annotations

import pytest

from glossary import Direction, Entry, LayerStack, Matcher, Mode, builtin_entries, builtin_layer
from glossary.lint import lint
from glossary.tokens import tokenize


def serving(direction: Direction) -> list[Entry]:
    return [e for e in builtin_entries() if e.direction.serves(direction) and e.mode is not Mode.KEEP]


def test_sizes() -> None:
    assert len(serving(Direction.IT_TO_BUSINESS)) >= 600
    assert len(serving(Direction.BUSINESS_TO_IT)) >= 200


def test_lint_is_clean() -> None:
    problems = lint(builtin_entries())
    assert problems == [], "\n".join(map(str, problems[:30]))


def test_an_explanation_states_no_figure_the_term_does_not() -> None:
    """Explain mode writes the explanation into the text, where a new figure would be an invented number."""
    def entry(source: str, explanation: str) -> Entry:
        return Entry(source=source, renderings=("office licence",), explanation=explanation,
                     direction=Direction.IT_TO_BUSINESS)
    assert [p.code for p in lint([entry("E3", "A Microsoft 365 licence.")])] == ["invented-number"]
    assert lint([entry("M365 E3", "A Microsoft 365 licence.")]) == []


REQUIRED_IT_TERMS = """
P1 SEV1 MTTR MTTD RCA postmortem rollback hotfix on-call runbook pod node cluster K8s VM autoscaling CDN DNS
SLA SLO SLI p95 p99 latency uptime RPO RTO Apdex CVE IDOR MFA SSO IdP SIEM EDR WAF IOC phishing CI/CD sprint
backlog canary blue-green refactoring ETL CDC schema egress rightsizing OOMKilled OOM-killed VPN firewall
""".split()
MULTIWORD = ["cloud region", "availability zone", "load balancer", "error budget", "zero trust", "tech debt",
             "feature flag", "data warehouse", "stale data", "reserved instance"]


@pytest.mark.parametrize("term", [*REQUIRED_IT_TERMS, *MULTIWORD])
def test_named_it_terms_are_covered(term: str) -> None:
    matcher = Matcher(LayerStack.of([builtin_layer()]), Direction.IT_TO_BUSINESS)
    found = matcher.lookup(term)
    assert found is not None and found.entry.mode is Mode.REPLACE, term


@pytest.mark.parametrize(
    ("request_text", "concept"),
    [
        ("can't pay on the website", "payment"),
        ("stay up if a data centre goes down", "failover"),
        ("back in business within four hours", "RTO"),
    ],
)
def test_named_business_phrases_are_covered(request_text: str, concept: str) -> None:
    matcher = Matcher(LayerStack.of([builtin_layer()]), Direction.BUSINESS_TO_IT)
    tokens = tokenize(request_text)
    renderings = " ".join(m.entry.renderings[0] for m in matcher.find(tokens, [False] * len(tokens)))
    assert concept.lower() in renderings.lower()


def test_every_entry_explains_itself() -> None:
    assert all(e.explanation.endswith(".") for e in builtin_entries())


"""The fact lock, kind by kind, and the verify stage."""

from __future__ import annotations

import pytest

from translator import translate
from translator.facts import find_facts, numbers, spell_duration, verify


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_facts(text)]


@pytest.mark.parametrize(
    ("text", "kind", "fact"),
    [
        ("Refunds reached 1,250 orders.", "number", "1,250"),
        ("One SEV2 on the 12th (DNS, 18 min).", "ordinal", "12th"),
        ("Third-party outage, our 3rd this year.", "ordinal", "3rd"),
        ("Error rate fell to 0.4% overnight.", "percent", "0.4%"),
        ("About 12 percent of logins failed.", "percent", "12 percent"),
        ("The overrun is $48,500 this month.", "money", "$48,500"),
        ("Budget impact: €1.2M.", "money", "€1.2M"),
        ("We owe 3,000 EUR in fees.", "money", "3,000 EUR"),
        ("Paged at 03:12 UTC.", "time", "03:12 UTC"),
        ("The window opens at 9pm.", "time", "9pm"),
        ("Cutover on 2026-03-14 as planned.", "date", "2026-03-14"),
        ("Cutover on March 14, 2026.", "date", "March 14, 2026"),
        ("Review on 14 March.", "date", "14 March"),
        ("Done by Q4 2026.", "date", "Q4 2026"),
        ("Postmortem on Friday.", "weekday", "Friday"),
        ("Recovered after 2h 15m of disruption.", "duration", "2h 15m"),
        ("Retention is 48h.", "duration", "48h"),
        ("Queries take 350ms.", "duration", "350ms"),
        ("It will take 5 business days.", "duration", "5 business days"),
        ("Upgraded to v4.12.0 today.", "version", "v4.12.0"),
        ("The 3.11.7 runtime is patched.", "version", "3.11.7"),
        ("See CVE-2025-21298 for details.", "cve", "CVE-2025-21298"),
        ("Tracked in OPS-4471.", "ticket", "OPS-4471"),
        ("Reported in #5123.", "ticket", "#5123"),
        ("Traffic from 203.0.113.7 was blocked.", "ip", "203.0.113.7"),
        ("The range 10.20.0.0/16 is full.", "ip", "10.20.0.0/16"),
        ("Host db-07.eu-west.internal stopped.", "hostname", "db-07.eu-west.internal"),
        ("Mail from ops@example.org bounced.", "email", "ops@example.org"),
        ("Docs at https://status.example.com/incidents/42.", "url", "https://status.example.com/incidents/42"),
        ("The ledger-sync service stalled.", "identifier", "ledger-sync"),
        ("The order_events table grew.", "identifier", "order_events"),
        ("A null in getInvoiceTotal broke it.", "identifier", "getInvoiceTotal"),
        ("Alerts went to PagerDuty.", "identifier", "PagerDuty"),
        ("Run `kubectl get pods` to check.", "code", "`kubectl get pods`"),
        ("Disks hold 512GB each.", "quantity", "512GB"),
    ],
)
def test_each_kind_is_locked(text: str, kind: str, fact: str) -> None:
    assert (kind, fact) in kinds(text)


def test_ordinary_hyphenated_words_are_not_system_names() -> None:
    assert kinds("An on-call engineer made a follow-up in real-time.") == []


def test_glossary_terms_are_not_locked_as_names() -> None:
    assert ("identifier", "OOMKilled") in kinds("pods OOMKilled")
    assert kinds_with_terms("pods OOMKilled", {"OOMKilled"}) == []


def kinds_with_terms(text: str, terms: set[str]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_facts(text, is_term=lambda s: s in terms)]


def test_product_codes_glued_to_letters_are_not_numbers() -> None:
    assert kinds("P1 on EC2 with p99 up") == []


@pytest.mark.parametrize(
    ("text", "before", "plain"),
    [
        ("42m", "MTTR ", "42m (minutes)"),
        ("1h", "took ", "1 hour"),
        ("2h 15m", "for ", "2h 15m (hours and minutes)"),
        ("2.3s", "to ", "2.3 seconds"),
        ("48h", "", "48 hours"),
        ("500ms", "", "500 milliseconds"),
        ("7m 40s", "took ", "7m 40s (minutes and seconds)"),
        ("1990s", "in the ", None),  # a decade,
        ("90s", "in the ", None),
        ("7450s", "12 Latitude ", None),  # and a model number in the plural, are no seconds
        ("30s", "Took ", "30 seconds"),
    ],
)
def test_durations_are_written_out(text: str, before: str, plain: str | None) -> None:
    assert spell_duration(text, before) == plain


def test_a_bare_m_without_a_time_cue_stays_as_written() -> None:
    assert spell_duration("5m", "we served ") is None
    assert spell_duration("9 min", "from ") is None and spell_duration("31mins", "") is None  # already words


def test_http_status_codes_are_locked_and_explained_in_the_glossary_words_for_them() -> None:
    assert [(f.kind, f.text) for f in find_facts("HTTP 503s, 429 errors and 404s; 500 errors in 30s")] == [
        ("status", "HTTP 503s"), ("status", "429 errors"), ("status", "404s"), ("number", "500"), ("duration", "30s")]
    result = translate("We saw a spike of 503s and a 30s stall. 502 errors followed.")
    assert result.text == ("We saw a sudden jump of service-down messages (HTTP 503) and a 30 seconds stall. "
                           "Relay failures (HTTP 502) followed.")
    assert result.facts.missing == [] and result.facts.added == []
    assert [term.source for term in result.terms] == ["spike", "503s", "30s", "502 errors"]
    assert result.terms[1].note.startswith("A web response")  # the entry's explanation, not "Written out in full"
    assert translate("It sent an HTTP 400 and then error 503.").text == (
        "It sent a badly formed request (HTTP 400) and then service-down message (HTTP 503).")
    assert "12,000 caller hang-ups (HTTP 499)" in translate("We logged 12,000 HTTP 499 responses.").text
    unknown = translate("The proxy answered 418s all day.")
    assert "418s" in unknown.text and unknown.facts.missing == []


def test_a_comma_after_a_number_is_punctuation_not_part_of_the_fact() -> None:
    assert kinds("It returned 412, so clients retried; costs hit $1,200, then fell.") == [
        ("number", "412"), ("money", "$1,200")]
    result = translate("The gateway returned 412, so clients gave up.")
    assert result.text.startswith("The gateway returned 412. So ")
    assert result.facts.locked == ["412"] and not result.warnings


def test_numbers_are_normalised() -> None:
    assert numbers("1,200 users, 2.50 dollars, three sites, 0.40%") == {"1200", "2.5", "3", ".4"}


def test_verify_reports_missing_facts_and_added_numbers() -> None:
    facts = find_facts("Down 42m from 14:05.", spell_out=True)
    ok = verify(facts, "Down 42m from 14:05.", "Down for 42m (minutes) from 14:05.")
    assert ok.holds and ok.locked == ["42m", "14:05"]
    bad = verify(facts, "Down 42m from 14:05.", "Down for 45m from 14:05.")
    assert bad.missing == ["42m"] and bad.added == ["45"]


def test_a_severity_spelled_with_its_number_is_a_term_not_a_locked_number() -> None:
    for written, plain in (("Sev-1", "Severe incident"), ("SEV 2", "Serious incident"), ("P-1", "Urgent incident")):
        result = translate(f"{written} declared at 10:00 on checkout-api.")
        assert result.text == f"{plain} declared at 10:00 on checkout-api.", written
        assert result.facts.locked == ["10:00", "checkout-api"]
    assert translate("Page 2 of the report.").facts.locked == ["2"]  # no glossary term: the number stays locked

"""The whole pipeline through the Python API: shape, facts, unknown jargon, readability, bad input."""

from __future__ import annotations

import pytest

from glossary import Direction, Layer, Mode
from glossary.entry import SensedEntry
from translator import Format, InputTooLarge, TermOverride, TranslatorError, analyze, translate

UPDATE = (
    "SEV1 declared at 02:40 UTC: the billing-worker pods were OOMKilled after we deployed v5.2.0. "
    "We rolled back at 03:25, MTTR 45m. The RCA and postmortem are due Tuesday; error rate peaked at 7.5%."
)


def test_it_update_becomes_plainer_and_keeps_every_fact() -> None:
    result = translate(UPDATE)
    assert result.engine == "glossary" and result.direction is Direction.IT_TO_BUSINESS
    assert result.facts.missing == [] and result.facts.added == []
    for fact in ("02:40 UTC", "billing-worker", "v5.2.0", "03:25", "45m", "Tuesday", "7.5%"):
        assert fact in result.facts.locked and fact in result.text
    for jargon in ("SEV1", "pods", "OOMKilled", "deployed", "rolled back", "MTTR", "RCA", "postmortem"):
        assert jargon not in result.text, jargon
        assert any(t.source.lower() == jargon.lower() for t in result.terms), jargon
    assert all(t.note for t in result.terms)
    assert result.readability.after.jargon_pct < result.readability.before.jargon_pct


def test_every_ledger_entry_points_at_its_source() -> None:
    result = translate(UPDATE)
    for change in result.terms:
        assert UPDATE[change.start:change.end] == change.source
        assert change.target in result.text


def test_business_request_maps_to_technical_concepts() -> None:
    result = translate("Customers can't pay on the website in the evenings.", direction=Direction.BUSINESS_TO_IT)
    assert "payment" in result.text.lower() and result.terms
    assert result.direction is Direction.BUSINESS_TO_IT


def test_request_terms_override_and_report_their_layer() -> None:
    terms = [TermOverride(source="pods", target="shop servers", note="Our name for them."),
             TermOverride(source="rollback", mode=Mode.KEEP)]
    result = translate("Three pods failed; rollback planned.", terms=terms)
    assert result.text == "Three shop servers failed. Rollback planned."
    [change] = [t for t in result.terms if t.source == "pods"]
    assert (change.layer, change.note) == ("request", "Our name for them.")


def test_forbidden_term_is_replaced_and_flagged() -> None:
    result = translate("The outage is over.", terms=[TermOverride(source="outage", target="disruption",
                                                                   mode=Mode.FORBID)])
    assert result.text == "The disruption is over."
    assert any("Deprecated term replaced: 'outage'" in w for w in result.warnings)


def test_unknown_jargon_lists_acronyms_identifiers_and_rare_words() -> None:
    result = translate("The ZQX queue in fooBarService saw heteroscedasticity regressions.")
    assert {"ZQX", "fooBarService", "heteroscedasticity"} <= set(result.unknown_jargon)
    assert "queue" not in result.unknown_jargon


def test_text_without_jargon_is_unchanged() -> None:
    text = "The team met on Monday and agreed the plan for the spring campaign."
    result = translate(text)
    assert result.text == text and result.terms == []


def test_html_tags_survive_and_inserted_text_is_escaped() -> None:
    html = '<p class="x">Our <b>pods</b> restarted. <a href="https://e.com/pods">pods</a></p>'
    result = translate(html, format=Format.HTML, terms=[TermOverride(source="pods", target="A&B servers")])
    assert result.text == ('<p class="x">Our <b>A&amp;B servers</b> restarted. '
                           '<a href="https://e.com/pods">A&amp;B servers</a></p>')


def test_markdown_code_is_protected() -> None:
    md = "The pods restarted:\n\n```\nkubectl get pods\n```\n"
    result = translate(md, format=Format.MARKDOWN)
    assert "kubectl get pods" in result.text and not result.text.startswith("The pods")


def test_analyze_lists_known_and_unknown_without_rewriting() -> None:
    result = analyze("MTTR was 45m and the ZQX cache missed.")
    known = {k.term: k for k in result.known}
    assert known["MTTR"].entry == "MTTR" and known["MTTR"].renderings and known["MTTR"].layer == "builtin"
    assert "ZQX" in result.unknown_jargon and "45m" in result.facts


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_text"), ("   \n ", "empty_text"), ("bin\x00ary", "binary_input"), ("x\x07y", "binary_input")],
)
def test_bad_input_is_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(TranslatorError) as caught:
        translate(text)
    assert caught.value.code == code and caught.value.message


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(InputTooLarge) as caught:
        translate("pods " * 20_000)
    assert caught.value.code == "text_too_large" and caught.value.status == 413


def test_names_with_numbers_and_hyphenated_system_names_survive() -> None:
    text = "Sprint 42 slipped; the auth-service and order-router restarted on Windows 11."
    result = translate(text)
    for fact in ("Sprint 42", "auth-service", "order-router", "Windows 11"):
        assert fact in result.facts.locked and fact in result.text
    assert result.facts.missing == []


def test_hyphenated_glossary_spellings_still_match() -> None:
    result = translate("The pods were OOM-killed and the on-call engineer was paged.")
    assert {t.source for t in result.terms} >= {"pods", "OOM-killed", "on-call"}


def test_clause_splits_never_capitalise_a_fact() -> None:
    result = translate("The cache failed; checkout-svc recovered, and we restarted it.")
    assert "checkout-svc recovered" in result.text and result.facts.missing == []
    assert "We restarted it." in result.text


def test_an_entry_with_context_words_applies_only_where_one_is_present() -> None:
    sensed = SensedEntry(source="warehouse", renderings=("reporting database",), explanation="Where reports read.",
                         direction=Direction.IT_TO_BUSINESS, context=("query", "dashboard"))
    layers = [Layer("glossary:test", (sensed,))]
    it = translate("The warehouse lagged, so two dashboards were stale.", glossaries=layers)
    assert it.text == "The reporting database lagged. So two dashboards were out-of-date."
    everyday = translate("The warehouse in Leeds shipped 400 parcels.", glossaries=layers)
    assert everyday.text == "The warehouse in Leeds shipped 400 parcels." and everyday.terms == []
    with pytest.raises(ValueError, match="single words"):
        SensedEntry(source="index", renderings=("lookup list",), explanation="x", context=("slow query",))


def test_an_acronym_the_text_spells_out_keeps_the_texts_meaning() -> None:
    entry = TermOverride(source="ZNI", target="network add-on", note="Zorb Network Interface: links units.")
    own = translate("Zorb Networks Inc (ZNI) signed the deal. The ZNI team starts Monday.", terms=[entry])
    assert own.text == "Zorb Networks Inc (ZNI) signed the deal. The ZNI team starts Monday." and own.terms == []
    assert own.unknown_jargon == []  # spelled out in the text: nothing left to explain
    same = translate("Their Zorb Networking Interface (ZNI) failed; the ZNI restarted.", terms=[entry])
    assert same.text.count("network add-on") == 2  # the text means what the glossary means
    plain = translate("The ZNI failed at 09:00.", terms=[entry])
    assert plain.text == "The network add-on failed at 09:00."


def test_a_severity_written_after_the_word_incident_reads_as_one_noun() -> None:
    assert translate("Incident SEV2 resolved at 14:32.").text == "Serious incident resolved at 14:32."
    assert translate("Incident P-1 opened at 09:00.").text == "Urgent incident opened at 09:00."


def test_a_term_reaching_into_a_hyphenated_name_gives_way_to_a_shorter_one() -> None:
    layers = [Layer("glossary:test", (TermOverride(source="zorb lane", target="message lane").to_entry(),
                                      TermOverride(source="lane", target="channel").to_entry()))]
    result = translate("The orders-zorb lane is full.", glossaries=layers)
    assert result.text == "The orders-zorb channel is full."  # 'zorb' belongs to the name 'orders-zorb'
    assert translate("The zorb lane is full.", glossaries=layers).text == "The message lane is full."


def test_a_mixed_case_term_in_the_plural_is_no_locked_name() -> None:
    layers = [Layer("glossary:test", (TermOverride(source="ZoC", target="warning sign").to_entry(),))]
    assert translate("No ZoCs found on the hosts.", glossaries=layers).text == "No warning signs found on the hosts."

"""Glossary matching: case, lemmas, longest match, layers, protected spans."""

from __future__ import annotations

import pytest

from glossary import Direction, Entry, Layer, LayerStack, Matcher, Mode, PartOfSpeech
from glossary.entry import SensedEntry
from glossary.lint import lint
from glossary.tokens import tokenize
from translator import translate
from translator.facts import find_facts
from translator.pipeline import _covered


def entry(source: str, *aliases: str, rendering: str = "plain words", mode: Mode = Mode.REPLACE,
          direction: Direction = Direction.IT_TO_BUSINESS, pos: PartOfSpeech = PartOfSpeech.NOUN) -> Entry:
    return Entry(source=source, aliases=aliases, renderings=(rendering,) if mode is not Mode.KEEP else (),
                 explanation="x.", direction=direction, mode=mode, pos=pos)


def found(text: str, *layers: Layer, direction: Direction = Direction.IT_TO_BUSINESS) -> list[tuple[str, str]]:
    tokens = tokenize(text)
    protected = _covered(tokens, find_facts(text))
    matcher = Matcher(LayerStack.of(layers), direction)
    return [(text[m.start:m.end], m.entry.source) for m in matcher.find(tokens, protected)]


LAYER = Layer("builtin", (
    entry("pod"), entry("deploy"), entry("roll back", pos=PartOfSpeech.VERB), entry("connection pool"),
    entry("connection"),
    entry("SLA"), entry("OOMKilled", "OOM-killed", "out of memory"), entry("on-call"), entry("can't pay"),
    entry("K8s", "Kubernetes"),
))


def test_inflections_match_the_lemma() -> None:
    assert found("Two pods restarted after we deployed; we are deploying again and rolled back.", LAYER) == [
        ("pods", "pod"), ("deployed", "deploy"), ("deploying", "deploy"), ("rolled back", "roll back"),
    ]


def test_case_insensitive_but_acronyms_need_capitals() -> None:
    assert found("Pods and PODS", LAYER) == [("Pods", "pod"), ("PODS", "pod")]
    assert found("the SLA and two SLAs", LAYER) == [("SLA", "SLA"), ("SLAs", "SLA")]
    assert found("a sla is not an acronym here", LAYER) == []


def test_a_numeronym_matches_in_any_case() -> None:
    assert found("k8s, K8s and Kubernetes", LAYER) == [("k8s", "K8s"), ("K8s", "K8s"), ("Kubernetes", "K8s")]
    # All capitals looks like an identifier, but the pipeline knows it is spelled as a glossary term.
    terms = translate("The K8S upgrade is done.").terms
    assert [(t.source, t.target) for t in terms][:1] == [("K8S", "app hosting platform")]


def test_a_mixed_case_term_at_a_sentence_end_is_matched_without_its_full_stop() -> None:
    terms = translate("Accounts moved to the IdP. Next we adopt IaC.").terms
    assert [t.source for t in terms] == ["IdP", "IaC"]
    assert [t.text for t in tokenize("e.g. the U.S. team")] == ["e.g.", "the", "U.S.", "team"]  # abbreviations stay


def test_a_noun_term_is_not_matched_in_a_verb_written_before_its_last_word() -> None:
    layer = Layer("builtin", (entry("stand-up", "stand up"), entry("payment gateway"), entry("sign-off")))
    assert found("We stood up a cluster; the stand-up moved; we are standing up another.", layer) == [
        ("stand-up", "stand-up")]
    assert found("Two payments gateways and three sign-offs.", layer) == [
        ("payments gateways", "payment gateway"), ("sign-offs", "sign-off")]


def test_a_word_the_dictionary_lacks_is_a_verb_form_only_with_a_verb_ending() -> None:
    # The suffix rules read 'optimizer' as a form of 'optimize' (plain English: 'improve').
    assert "improve" not in translate("We gathered fresh optimizer statistics.").text
    assert translate("We deduped the rows.").text == "We cleaned up the rows."  # a verb ending: still a verb


def test_longest_match_wins() -> None:
    assert found("the connection pool ran dry", LAYER) == [("connection pool", "connection pool")]
    assert found("the connection dropped", LAYER) == [("connection", "connection")]


def test_spelling_variants_hyphens_and_contractions() -> None:
    assert found("workers OOM-killed; one was OOM killed", LAYER) == [
        ("OOM-killed", "OOMKilled"), ("OOM killed", "OOMKilled"),
    ]
    assert found("the on call rota", LAYER) == [("on call", "on-call")]
    assert found("Customers can't pay and cannot pay", LAYER) == [
        ("can't pay", "can't pay"), ("cannot pay", "can't pay"),
    ]


def test_never_inside_urls_emails_code_or_identifiers() -> None:
    text = "See https://k8s.example.com/pod, mail pod@example.com, run `deploy pod`, check pod-deployer-svc."
    assert found(text, LAYER) == []


def test_higher_layer_claims_first_and_keep_blocks_lower_layers() -> None:
    request = Layer("request", (entry("Pod", mode=Mode.KEEP),))
    org = Layer("glossary:acme", (entry("deploy", rendering="ship"),))
    tokens = tokenize("Pod deploy pod")
    matcher = Matcher(LayerStack.of([request, org, LAYER]), Direction.IT_TO_BUSINESS)
    got = [(m.layer, m.entry.mode, m.entry.renderings) for m in matcher.find(tokens, [False] * 3)]
    assert got == [("request", Mode.KEEP, ()), ("glossary:acme", Mode.REPLACE, ("ship",)),
                   ("request", Mode.KEEP, ())]


def test_direction_filters_entries() -> None:
    layer = Layer("builtin", (entry("bad day", direction=Direction.BUSINESS_TO_IT), entry("pod")))
    assert found("a bad day for the pod", layer, direction=Direction.BUSINESS_TO_IT) == [("bad day", "bad day")]
    assert found("a bad day for the pod", layer) == [("pod", "pod")]


def test_lookups_of_a_lone_layer_are_kept_bounded_and_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    import glossary.matcher

    monkeypatch.setattr(glossary.matcher, "LOOKUPS_KEPT", 4)
    lone = Layer("builtin", (entry("on-call"), entry("auth service")))
    matcher = Matcher(LayerStack.of([Layer("request", ()), lone]), Direction.IT_TO_BUSINESS)
    words = ["on-call", "auth-service", "billing-svc", "On-Call", "x-y", "on-call"]
    answers = [m.entry.source if (m := matcher.lookup(w)) else None for w in words]
    assert answers == ["on-call", "auth service", None, "on-call", None, "on-call"]
    assert 0 < len(glossary.matcher._compiled(lone, Direction.IT_TO_BUSINESS).lookups) <= 4
    # Over two layers nothing is kept, and the higher layer still wins.
    override = Layer("glossary:ops", (entry("on-call", rendering="duty roster"),))
    stacked = Matcher(LayerStack.of([override, lone]), Direction.IT_TO_BUSINESS)
    hit = stacked.lookup("on-call")
    assert hit is not None and hit.layer == "glossary:ops"
    assert glossary.matcher._compiled(override, Direction.IT_TO_BUSINESS).lookups == {}


def test_an_english_word_opening_a_sentence_is_no_acronym() -> None:
    layer = Layer("builtin", (entry("LAG"), entry("SEV2")))
    assert found("Lag grew. The LAG failed.", layer) == [("LAG", "LAG")]
    assert found("Sev2 declared.", layer) == [("Sev2", "SEV2")]  # no English word: still the acronym


def test_an_acronym_plural_is_not_a_longer_acronym() -> None:
    layer = Layer("builtin", (entry("IDS"), entry("ID")))
    assert found("Customer IDs leaked; the IDS fired.", layer) == [("IDs", "ID"), ("IDS", "IDS")]


def test_an_entry_with_context_words_gives_way_where_none_is_present() -> None:
    sensed = Layer("glossary:org", (SensedEntry(source="data warehouse", renderings=("reporting store",),
                                                explanation="x.", direction=Direction.IT_TO_BUSINESS,
                                                context=("dashboard",)),))
    plain = Layer("builtin", (entry("warehouse"),))
    assert found("The data warehouse fed every dashboard.", sensed, plain) == [("data warehouse", "data warehouse")]
    # out of context it neither matches nor claims its words: the lower layer's shorter entry still can
    assert found("The data warehouse in Leeds shut.", sensed, plain) == [("warehouse", "warehouse")]


def test_an_acronym_context_word_counts_only_in_capitals() -> None:
    sensed = Layer("builtin", (SensedEntry(source="payload", renderings=("message content",), explanation="x.",
                                           direction=Direction.IT_TO_BUSINESS, context=("REST", "webhooks")),))
    assert found("The REST payload was big.", sensed) == [("payload", "payload")]
    assert found("The rest of the payload was big.", sensed) == []
    assert found("A webhook payload.", sensed) == [("payload", "payload")]  # any inflection of a plain word
    radio = Layer("builtin", (SensedEntry(source="AP", renderings=("Wi-Fi unit",), explanation="x.",
                                          direction=Direction.IT_TO_BUSINESS, context=("Wi-Fi", "802.11ax")),))
    assert found("Wi-Fi is patchy near the AP.", radio) == [("AP", "AP")]  # a context word the tokenizer splits
    assert found("Fi is patchy near the AP.", radio) == []


def test_a_mixed_case_term_with_context_words_is_no_locked_name_where_they_are_present() -> None:
    sensed = SensedEntry(source="ZoZ", renderings=("zone on zone",), explanation="x.",
                         direction=Direction.IT_TO_BUSINESS, context=("sales",))
    layers = [Layer("glossary:org", (sensed,))]
    assert translate("Sales are up 5% ZoZ.", glossaries=layers).text == "Sales are up 5% zone on zone."
    assert translate("ZoZ said hello.", glossaries=layers).text == "ZoZ said hello."


def test_each_written_form_counts_even_where_another_form_of_the_entry_ends_on_the_same_keys() -> None:
    # 'line stops' and 'line stopped' share their keys; 'stopped' is still a form the glossary writes
    layer = Layer("builtin", (entry("line stops", "line stopped"),))
    assert found("The line stopped at noon.", layer) == [("line stopped", "line stops")]


def test_no_term_starts_inside_a_contraction_and_a_common_word_is_no_acronym() -> None:
    layer = Layer("builtin", (entry("are amber"), entry("AD")))
    assert found("We're amber; they are amber.", layer) == [("are amber", "are amber")]
    assert found("Google Ads spend rose; the AD sync failed.", layer) == [("AD", "AD")]


def test_a_term_written_in_the_plural_does_not_match_its_singular() -> None:
    # 'criticals' are findings; 'critical' is an adjective, and 'media' is no form of 'mediums'
    layer = Layer("builtin", (entry("criticals"), entry("mediums"), entry("pod")))
    assert found("2 criticals and 5 mediums, both on the pods.", layer) == [
        ("criticals", "criticals"), ("mediums", "mediums"), ("pods", "pod")]
    assert found("A critical media pod.", layer) == [("pod", "pod")]


def test_one_term_may_have_a_sense_for_a_context_beside_its_general_sense() -> None:
    def sense(rendering: str, *context: str) -> SensedEntry:
        return SensedEntry(source="endpoint", renderings=(rendering,), explanation="x.",
                           direction=Direction.IT_TO_BUSINESS, context=context)

    layer = Layer("builtin", (entry("endpoint", rendering="service address"), sense("staff device", "EDR", "laptop"),
                              sense("sensor", "factory")))
    matcher = Matcher(LayerStack.of([layer]), Direction.IT_TO_BUSINESS)

    def rendered(text: str) -> str:
        tokens = tokenize(text)
        return matcher.find(tokens, [False] * len(tokens))[0].entry.renderings[0]

    assert rendered("The orders endpoint timed out.") == "service address"
    assert rendered("EDR flagged one endpoint.") == "staff device"
    assert rendered("Two laptops and one endpoint.") == "staff device"
    assert rendered("The factory endpoint is down.") == "sensor"
    assert lint([*layer.entries]) == []  # senses are not duplicates of each other
    assert [p.code for p in lint([*layer.entries, entry("endpoint", rendering="address")])] == ["conflict"]


def test_words_the_dictionary_lacks_also_match_by_their_stem() -> None:
    layer = Layer("builtin", (entry("sync"), entry("autoscale")))
    assert found("Orders stopped syncing; the pool autoscaled.", layer) == [
        ("syncing", "sync"), ("autoscaled", "autoscale")]

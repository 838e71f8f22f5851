"""The transformer stage in the translator: ranking, the guard's accept and reject paths, the brief.

The generators and scorers here are small test doubles that implement the models.base protocols;
the real backends' loading code is exercised in test_models.py."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from glossary import Direction, Entry, Layer
from models.base import GenerationTimeout
from translator import ModelStage, RewriteMode, analyze, ranking, translate
from translator.facts import find_facts, numbers
from translator.guard import PLACEHOLDER, lost_concepts, protect, restore, unsupported

UPDATE = "SEV2 at 09:40 UTC: the checkout pods were OOMKilled after the v3.2.0 deploy. Rolled back at 10:05."


class Echo:
    """A generator that hands back the draft (markers and all), transformed by `edit`."""

    name = "echo"

    def __init__(self, edit: Callable[[str], str] = lambda s: s, delay: float = 0.0) -> None:
        self.edit, self.delay, self.calls = edit, delay, 0

    def generate(self, prompt: str, *, system: str | None = None, max_new_tokens: int = 256,
                 timeout_s: float = 10.0, temperature: float = 0.0) -> str:
        self.calls += 1
        if self.delay > timeout_s:
            time.sleep(timeout_s)
            raise GenerationTimeout(f"past {timeout_s:.2f} s")
        draft = prompt.split("Draft:\n", 1)[1].rsplit("\n\nRewrite:", 1)[0]
        return self.edit(draft)


class Broken:
    name = "broken"

    def generate(self, prompt: str, **_: object) -> str:
        raise RuntimeError("CUDA error: device lost")


def run(generator: object, mode: RewriteMode = RewriteMode.AUTO, limit: float = 5.0) -> tuple[str, str, list[str]]:
    result = translate(UPDATE, rewrite_mode=mode, models=ModelStage(generator=generator, time_limit_s=limit))  # type: ignore[arg-type]
    assert result.facts.missing == [] and result.facts.added == []
    return result.engine, result.text, result.warnings


def test_an_honest_rewrite_is_accepted() -> None:
    engine, text, warnings = run(Echo(lambda s: s.replace("Undid", "We reverted the change")))
    assert engine == "model" and warnings == [] and "09:40 UTC" in text


@pytest.mark.parametrize(
    ("generator", "reason"),
    [
        (Echo(lambda s: re.sub(r"⟦1⟧", "", s)), "placeholder ⟦1⟧ appears 0 times"),
        (Echo(lambda s: s + " About 30 customers were affected."), "added numbers: 30"),
        (Echo(lambda s: s.replace("⟦2⟧", "⟦2⟧ ⟦2⟧")), "appears 2 times, not 1"),
        (Echo(lambda s: ""), "empty output"),
        (Echo(lambda s: "ok"), "placeholder"),
        (Echo(lambda s: s + " " + s + " " + s), "length"),
        (Echo(delay=60), "time limit"),
        (Broken(), "the generator failed: CUDA error"),
    ],
    ids=["drops-a-fact", "adds-a-number", "repeats-a-fact", "empty", "garbage", "too-long", "hangs", "raises"],
)
def test_a_bad_rewrite_falls_back_to_the_draft(generator: object, reason: str) -> None:
    draft = translate(UPDATE).text
    engine, text, warnings = run(generator, limit=0.3 if reason == "time limit" else 5.0)
    assert engine == "glossary" and text == draft
    assert any("model rewrite was not used" in w and reason in w for w in warnings), warnings


def test_a_stricter_retry_comes_before_giving_up() -> None:
    generator = Echo(lambda s: s + " 7 more.")
    run(generator)
    assert generator.calls == 2


def test_a_model_trained_on_the_guards_prompt_is_retried_with_it_sampled() -> None:
    from translator.guard import RETRY_TEMPERATURE, STRICT, SYSTEM

    class Recording(Echo):
        def generate(self, prompt: str, *, system: str | None = None, max_new_tokens: int = 256,
                     timeout_s: float = 10.0, temperature: float = 0.0) -> str:
            self.asked.append((system, temperature))
            return super().generate(prompt, system=system, max_new_tokens=max_new_tokens, timeout_s=timeout_s,
                                    temperature=temperature)

    for trained, expected in ((False, [(SYSTEM, 0.0), (STRICT, 0.0)]),
                              (True, [(SYSTEM, 0.0), (SYSTEM, RETRY_TEMPERATURE)])):
        generator = Recording(lambda s: s + " 7 more.")
        generator.asked, generator.trained_on_system = [], trained  # type: ignore[attr-defined]
        run(generator)
        assert generator.asked == expected  # type: ignore[attr-defined]


def test_forbidden_terms_and_kept_terms_bind_the_generator() -> None:
    glossary = [Layer("glossary:brand", (
        Entry(source="Kafka", mode="keep", explanation="Product name."),
        Entry(source="outage", mode="forbid", renderings=("service interruption",), explanation="Say this."),
    ))]
    stage = ModelStage(generator=Echo(lambda s: s.replace("Kafka", "the queue") + " An outage."))
    result = translate("Kafka had an outage at 10:00.", glossaries=glossary, models=stage)
    assert result.engine == "glossary" and "Kafka" in result.text
    warning = next(w for w in result.warnings if "not used" in w)
    assert "kept term 'Kafka' missing" in warning and "forbidden term 'outage' present" in warning


def test_a_rewrite_may_not_bring_jargon_back() -> None:
    """IT->business: a rewrite with a glossary term or an acronym the draft had not is rejected."""
    engine, text, warnings = run(Echo(lambda s: s + " The RCA and the SLO review follow."))
    assert engine == "glossary" and "RCA" not in text
    warning = next(w for w in warnings if "not used" in w)
    assert "jargon 'RCA' added" in warning and "jargon 'SLO' added" in warning
    engine, _, _ = run(Echo(lambda s: s.replace("Reverted", "We reverted the release")))
    assert engine == "model"  # plain words are fine
    engine, _, _ = run(Echo(lambda s: s.replace("Reverted", "Additionally, we reverted")))
    assert engine == "model"  # wordier than the draft's 'also', but not jargon


def test_a_rewrite_may_not_say_what_the_draft_did_not() -> None:
    engine, _, warnings = run(Echo(lambda s: s + " Customers were compensated and the vendor apologised."))
    assert engine == "glossary"
    warning = next(w for w in warnings if "not used" in w)
    assert "unsupported wording (Customers, compensated, vendor, apologised)" in warning
    engine, _, warnings = run(Echo(lambda s: s.replace("Reverted", "Reverted ⟏⟨")))
    assert engine == "glossary" and "stray characters '⟏⟨'" in next(w for w in warnings if "not used" in w)


def test_rewording_a_sentence_is_not_saying_something_new() -> None:
    draft = "Risk. Only 1 engineer knows the billing code. Pairing sessions started, documentation 40% done."
    assert unsupported("Only one engineer knows the billing code. Pairing sessions have started and the "
                       "documentation is 40% done.", draft, draft) == []
    assert unsupported("The documentation was finished on 40%, and we have not yet started pairing them.",
                       draft, draft) == ["unsupported wording (finished, yet) in 'The documentation was finished "
                                         "on 40%, and we have not yet started pairing them.'"]


def test_business_to_it_rewrites_keep_the_technical_terms_the_glossary_chose() -> None:
    request = "Customers can't pay on the website since 09:40 and we need to be back in business within four hours."
    draft = translate(request, direction=Direction.BUSINESS_TO_IT)
    targets = [t.target for t in draft.terms]
    assert targets
    dropped = ModelStage(generator=Echo(lambda s: s.replace(targets[0], "a problem")))
    result = translate(request, direction=Direction.BUSINESS_TO_IT, models=dropped)
    assert result.engine == "glossary" and result.text == draft.text
    assert any(f"term '{targets[0]}' lost" in w for w in result.warnings), result.warnings
    kept = ModelStage(generator=Echo(lambda s: "Ticket: " + s))
    assert translate(request, direction=Direction.BUSINESS_TO_IT, models=kept).engine == "model"


def test_business_to_it_rewrites_may_reword_a_term_but_not_drop_its_words() -> None:
    concept = "wifi (wireless network, managed access points)"
    assert lost_concepts("The Wi-Fi issue: wireless network and managed access point faults.", [concept]) \
        == ["term 'wifi (wireless network, managed access points)' lost (wifi)"]
    assert lost_concepts("The wifi, that is the wireless networks and managed access points, is down.",
                               [concept]) == []
    assert lost_concepts("The wifi (a wireless network) is down.", [concept]) \
        == ["term 'wifi (wireless network, managed access points)' lost (managed, access, points)"]


def test_glossary_mode_never_calls_the_generator_and_model_mode_without_one_warns() -> None:
    generator = Echo()
    run(generator, mode=RewriteMode.GLOSSARY)
    assert generator.calls == 0
    result = translate(UPDATE, rewrite_mode=RewriteMode.MODEL)
    assert result.engine == "glossary" and "No text generator is configured" in result.warnings[0]


def test_placeholders_round_trip() -> None:
    draft = "At 09:40 UTC v3.2.0 failed; v3.2.0 is back."
    masked, mapping = protect(draft, find_facts(draft))
    assert set(mapping.values()) == {"09:40 UTC", "v3.2.0"}
    assert not re.search(r"\d", PLACEHOLDER.sub("", masked))
    assert restore(masked, mapping, masked) == (draft, [])
    twice = max(mapping, key=masked.count)
    assert restore(masked.replace(twice, "", 1), mapping, masked)[1] == [
        f"placeholder {twice} appears 1 times, not 2"]


def test_restore_reports_invented_markers() -> None:
    text, problems = restore("⟦1⟧ and ⟦9⟧", {"⟦1⟧": "10:05"}, "⟦1⟧")
    assert text == "10:05 and ⟦9⟧" and problems == ["unknown placeholders ['9']"]


class Prefers:
    """A scorer that likes continuations containing `word`, and records what it was asked."""

    name = "prefers"

    def __init__(self, word: str) -> None:
        self.word, self.asked = word, []  # type: ignore[var-annotated]

    def score(self, texts: Sequence[str]) -> list[float]:
        raise AssertionError("ranking scores continuations after shared prefixes")

    def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
        self.asked.append([(prefix, list(conts)) for prefix, conts in spots])
        return [[float(self.word in c) for c in conts] for _, conts in spots]


def test_the_scorer_picks_among_renderings_and_the_ledger_follows() -> None:
    layers = [Layer("glossary:test", (Entry(source="zorblet", renderings=("outage report", "incident note"),
                                            explanation="A report."),))]
    plain = translate("We filed a zorblet today.", glossaries=layers)
    assert plain.text == "We filed an outage report today."
    scorer = Prefers("note")
    ranked = translate("We filed a zorblet today.", glossaries=layers, models=ModelStage(scorer=scorer))
    assert ranked.text == "We filed an incident note today."
    assert ranked.terms[0].target == "incident note"
    # One call for the whole text: the words before the spot once, each candidate with the words after it.
    assert scorer.asked == [[("We filed a ", ["outage report today.", "incident note today."])]]


def test_a_near_tie_keeps_the_rendering_the_glossary_prefers() -> None:
    class NearTie(Prefers):
        def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
            return [[-3.0 + 0.05 * ("note" in c) for c in conts] for _, conts in spots]

    layers = [Layer("glossary:test", (Entry(source="zorblet", renderings=("outage report", "incident note"),
                                            explanation="A report."),))]
    result = translate("We filed a zorblet today.", glossaries=layers, models=ModelStage(scorer=NearTie("x")))
    assert result.text == "We filed an outage report today."


def test_the_scorer_is_not_offered_a_noun_where_a_noun_term_is_used_as_a_verb() -> None:
    layers = [Layer("glossary:test", (Entry(source="retry", renderings=("repeat try", "reattempt", "redo"),
                                            explanation="Trying again."),))]
    scorer = Prefers("try")
    ranked = translate("Clients retried 3 times.", glossaries=layers, models=ModelStage(scorer=scorer))
    assert ranked.text == "Clients reattempted 3 times."  # 'repeat try' in a verb's place would not read
    assert all("try" not in candidate for ask in scorer.asked for _, conts in ask for candidate in conts)


def test_the_scorer_is_not_offered_a_rendering_that_echoes_a_neighbour() -> None:
    layers = [Layer("glossary:test", (Entry(source="zorblet", renderings=("incident report", "outage note"),
                                            explanation="A report."),))]
    scorer = Prefers("note")
    ranked = translate("The outage zorblet was filed.", glossaries=layers, models=ModelStage(scorer=scorer))
    assert ranked.text == "The outage incident report was filed." and scorer.asked == []  # nothing left to rank


def test_spots_of_one_sentence_are_scored_after_the_whole_sentence_so_far() -> None:
    layers = [Layer("glossary:test", (
        Entry(source="zorblet", renderings=("outage report", "incident note"), explanation="A report."),
        Entry(source="quibbit", renderings=("backup copy", "spare copy"), explanation="A copy."),
    ))]
    scorer = Prefers("note")
    translate("It rained. Then we filed a zorblet about the quibbit in the end.", glossaries=layers,
              models=ModelStage(scorer=scorer))
    # The second prefix starts as the first does (the scorer runs those words once), not six words back.
    [[(first, _), (second, continuations)]] = scorer.asked
    assert first == "Then we filed a " and second == "Then we filed a zorblet about the "
    assert continuations == ["backup copy in the end.", "spare copy in the end."]


def test_ranking_stops_at_the_time_limit_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    class Slow(Prefers):
        def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
            time.sleep(0.3)
            return super().score_continuations(spots)

    monkeypatch.setattr(ranking, "SPOTS_PER_CALL", 1)
    layers = [Layer("glossary:test", (Entry(source="zorblet", renderings=("outage report", "incident note"),
                                            explanation="A report."),))]
    scorer = Slow("note")
    result = translate("We filed a zorblet. They read the zorblet. Nobody liked the zorblet.", glossaries=layers,
                       models=ModelStage(scorer=scorer, time_limit_s=0.1))
    assert len(scorer.asked) == 1  # the first call ran past the limit; the other two never started
    assert result.text == "We filed an incident note. They read the outage report. Nobody liked the outage report."
    assert "ran out of time" in result.warnings[0] and "2 terms" in result.warnings[0]


def test_a_failing_scorer_leaves_the_deterministic_choice() -> None:
    class Failing(Prefers):
        def score_continuations(self, spots: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
            raise RuntimeError("model file truncated")

    layers = [Layer("glossary:test", (Entry(source="zorblet", renderings=("outage report", "incident note"),
                                            explanation="A report."),))]
    result = translate("We filed a zorblet.", glossaries=layers, models=ModelStage(scorer=Failing("x")))
    assert result.text == "We filed an outage report." and "scorer failed" in result.warnings[0]


def test_a_brief_for_every_dev_item_passes_the_fact_lock(eval_dir: Path) -> None:
    for name, direction in (("dev_it2biz.jsonl", Direction.IT_TO_BUSINESS),
                            ("dev_biz2it.jsonl", Direction.BUSINESS_TO_IT)):
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            result = translate(text, direction=direction, brief=True)
            assert result.brief, text
            assert numbers(result.brief) <= numbers(text)
            heads = ("What happened:", "Business impact:", "Current status:", "Next step:") \
                if direction is Direction.IT_TO_BUSINESS else ("Summary:", "Observed problem:", "Open questions:")
            assert all(h in result.brief for h in heads)


def test_brief_keeps_versions_and_decimals_whole() -> None:
    result = translate("P1: pods OOMKilled after deploy of v2.4.0 at 14:05 UTC; rolled back at 14:31.", brief=True)
    assert result.brief is not None and "v2.4.0" in result.brief.splitlines()[0]
    assert "\n0 at" not in result.brief


def test_a_scorer_that_fails_to_load_never_fails_a_request(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from models.config import ModelSettings
    from service.app import create_app
    from service.model_stage import ModelStageProvider
    from service.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, local_mode=True))
    broken = ModelSettings(scorer="smollm2", scorer_path=tmp_path / "missing.gguf", generator="none", embedder="none")
    app.state.models = ModelStageProvider(broken, time_limit_s=2.0)
    with TestClient(app) as client:
        response = client.post("/v1/translate", json={"text": "Two pods restarted at 09:10."})
    assert response.status_code == 200
    body = response.json()
    assert body["engine"] == "glossary" and "09:10" in body["text"]
    assert any("fluency scorer is unavailable" in w for w in body["warnings"])


class BagOfLetters:
    """An embedder that places texts by their letters: enough to test the nearest-entry lookup."""

    name = "letters"
    dim = 26

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 26), dtype=np.float32)
        for i, text in enumerate(texts):
            for c in text.lower().split(":")[0]:
                if "a" <= c <= "z":
                    rows[i, ord(c) - 97] += 1
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def test_analyze_suggests_the_nearest_entries_for_unknown_jargon() -> None:
    layers = [Layer("glossary:test", (
        Entry(source="kubelet", renderings=("node agent",), explanation="An agent."),
        Entry(source="payroll", renderings=("pay run",), explanation="Paying staff."),
    ))]
    result = analyze("The kubelets and ZQXW failed.", glossaries=layers, models=ModelStage(embedder=BagOfLetters()))
    assert result.unknown_jargon == ["ZQXW"]
    assert result.suggestions["ZQXW"][:1] and len(result.suggestions["ZQXW"]) == 3
    assert analyze("The ZQXW failed.").suggestions == {}


def test_real_minilm_suggests_related_entries() -> None:
    from models.config import ModelSettings
    from models.registry import get_embedder

    embedder = get_embedder(ModelSettings(scorer="none", generator="none", embedder="minilm"))
    assert embedder is not None
    # 'alertrules' is in no glossary (the glossary now knows 'alertmanager' and 'flapped' themselves).
    result = analyze("Our Grafana alertrules flapped overnight.", models=ModelStage(embedder=embedder))
    assert result.suggestions, result.unknown_jargon
    suggested = {s.lower() for terms in result.suggestions.values() for s in terms}
    # Entries about alerting or monitoring, whichever the glossary holds ('alert rule', 'alert routing', 'paging').
    topical = ("alert", "monitor", "pag", "on-call", "flap", "dashboard", "observab")
    assert any(word in s for s in suggested for word in topical), suggested


def test_protect_never_masks_inside_a_marker_or_a_longer_fact() -> None:
    draft = "Only 1 engineer knows it; docs 40% done by 12 April at 06:00, v2.1 on *.corp.example.com, x1 kept."
    facts = find_facts(draft)
    masked, mapping = protect(draft, facts)
    assert "⟦⟦" not in masked and "⟧⟧" not in masked
    assert sorted(mapping.values()) == sorted({f.plain or f.text for f in facts})
    assert "x1 kept" in masked  # a digit inside a word is not the fact 1
    restored, problems = restore(masked, mapping, masked)
    assert problems == [] and restored == draft


def test_a_rewrite_may_inflect_the_jargon_the_draft_kept() -> None:
    """Jargon the draft itself keeps (explained terms) may come back in another form or case: it is
    not new."""
    text = "The Kubelet retries were explained."
    assert "retries (" in translate(text, explain=True).text
    stage = ModelStage(generator=Echo(lambda s: s.replace("retries", "Retry")))
    result = translate(text, explain=True, models=stage)
    assert result.engine == "model" and "Retry (" in result.text, result.warnings


def test_a_fact_pinned_on_another_subject_is_rejected() -> None:
    from translator.guard import detached

    draft = ("Uptime was ⟦1⟧ this month against a promise of ⟦2⟧; one major incident on ⟦4⟧ "
             "(the wrong setting of the online address book, ⟦3⟧).")
    swapped = ("The ⟦1⟧ month's service was ⟦2⟧ against a promise of ⟦3⟧. One major change was the wrong "
               "setting of the online address book on ⟦4⟧.")
    assert detached(swapped, draft, {"⟦3⟧": "18 min"}) == ["'18 min' moved away from the words around it"]
    reworded = ("This month uptime was ⟦1⟧, against a promised ⟦2⟧. On ⟦4⟧ one major incident: the online "
                "address book was set wrong (⟦3⟧).")
    assert detached(reworded, draft, {}) == []


def test_swapped_facts_fall_back_to_the_draft() -> None:
    def swap(draft: str) -> str:
        return draft.replace("⟦1⟧", "⟦x⟧").replace("⟦3⟧", "⟦1⟧").replace("⟦x⟧", "⟦3⟧")

    engine, text, warnings = run(Echo(swap))
    assert engine == "glossary" and text == translate(UPDATE).text
    assert any("moved away from the words around it" in w for w in warnings), warnings


def test_a_glossary_only_request_does_not_wait_for_the_models(tmp_path: Path) -> None:
    import threading

    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.model_stage import ModelStageProvider
    from service.settings import Settings
    from translator import ModelStage

    class Loading(ModelStageProvider):
        """A provider whose models are still loading until the test says otherwise."""

        def __init__(self) -> None:
            super().__init__(None, time_limit_s=2.0)
            self.loaded = threading.Event()
            self.asked = 0

        def get(self) -> ModelStage:
            self.asked += 1
            self.loaded.wait(30)
            return ModelStage()

    app = create_app(Settings(data_dir=tmp_path, local_mode=True))
    app.state.models = provider = Loading()
    with TestClient(app) as client:
        provider.asked = 0  # the background load at start-up asked once
        started = time.monotonic()
        text = "Two pods restarted at 09:10."
        short = client.post("/v1/translate", json={"text": text, "rewrite": "glossary"})
        long = client.post("/v1/translate", json={"text": " ".join([text] * 200), "rewrite": "glossary"})
        assert time.monotonic() - started < 10 and provider.asked == 0
        assert short.status_code == long.status_code == 200
        assert "09:10" in short.json()["text"] and short.json()["engine"] == "glossary"
        provider.loaded.set()
        assert client.post("/v1/translate", json={"text": text}).status_code == 200 and provider.asked == 1

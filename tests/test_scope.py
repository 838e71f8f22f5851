"""Request concepts (business -> IT): cue groups, and the 'IT scope' sentence they add."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from glossary import Direction
from glossary.concepts import Concept, builtin_concepts, find_concepts
from glossary.entry import Entry
from glossary.lint import lint, lint_concepts
from translator import Format, RewriteMode, translate
from translator.edits import apply
from translator.pipeline import ModelStage
from translator.scope import LEAD, scope_edits

DR = Concept(
    name="recovery",
    terms=("disaster recovery plan", "RTO and RPO targets"),
    explanation="Getting going again after losing a site.",
    cues=(("flood*", "fire"), ("how quickly", "get back")),
)


def test_a_concept_needs_a_hit_in_every_cue_group() -> None:
    assert DR.find("The basement flooded last night.") is None
    assert DR.find("How quickly could we get back?") is None
    text = "If the office floods, how quickly can we trade?"
    span = DR.find(text)
    assert span is not None and text[span[0]:span[1]] == "floods"


@pytest.mark.parametrize(("text", "fires"), [
    ("A FLOODED server room; how quickly?", True),  # any case, '*' takes any ending
    ("The floodlights failed; how quickly?", True),  # a stem is a stem
    ("A bonfire, how quickly?", False),  # whole words only: 'fire' is not in 'bonfire'
    ("The fire-door jammed; how quickly?", False),  # nor in a hyphenated compound
    ("A fire; how  quickly?", True),  # spaces inside a phrase may be any run of white space
])
def test_cues_match_whole_words(text: str, fires: bool) -> None:
    assert (DR.find(text) is not None) is fires


def test_a_star_inside_a_phrase_takes_any_ending_of_its_word() -> None:
    keel = Concept(name="till crash", terms=("point of sale",), explanation="Tills fail.",
                   cues=(("till*",), ("keel* over",)))
    assert keel.find("The tills keeled over at noon.") is not None
    assert keel.find("The tills keel over daily.") is not None
    assert keel.find("The tills keelhauled over it.") is not None  # a stem is a stem
    assert keel.find("The tills fell over.") is None


def test_the_scope_sentence_follows_the_sentence_that_raised_it() -> None:
    text = "If our server room flooded tomorrow, how quickly could we pay people again? We open on the 28th."
    result = translate(text, direction=Direction.BUSINESS_TO_IT)
    rest = result.text.split("? ", 1)[1]
    assert rest.startswith(LEAD) and rest.endswith(". We open on the 28th.")
    assert "RTO" in rest
    lines = [t for t in result.terms if t.target and t.note and t.target in rest and t.source == text[t.start:t.end]]
    assert lines and all(t.layer == "builtin" for t in lines)
    assert result.facts.missing == [] and result.facts.added == []


def test_terms_the_draft_already_states_are_not_repeated() -> None:
    text = "The store flooded. How quickly can we open?"
    edits, ledger = scope_edits(text, (), ["(site loss; disaster recovery plan)"], (DR,))
    assert [e.text for e in edits] == [" " + LEAD + "RTO and RPO targets."]
    assert edits[0].start == len("The store flooded.")
    assert [(c.source, c.target) for c in ledger] == [("flooded", "RTO and RPO targets")]
    assert scope_edits(text, (), ["disaster recovery plan, RTO and RPO targets"], (DR,)) == ([], [])


@pytest.mark.parametrize(("text", "protected", "at", "closing"), [
    # a line break ends the sentence: the full stop it lacked comes with the scope
    ("if the store flooded how quickly could we open\nthanks", (), 46, "."),
    # 'e.g. the' goes on; '. How' starts a new sentence
    ("The store flooded, e.g. the basement. How quickly?", (), 37, ""),
    # a protected part (a quoted thread, markup) ends it too, and is never entered
    ("The store flooded how quickly     ", ((29, 34),), 29, "."),
])
def test_the_sentence_ends_where_a_reader_sees_it_end(text: str, protected: tuple[tuple[int, int], ...], at: int,
                                                      closing: str) -> None:
    edits, _ = scope_edits(text, protected, [], (DR,))
    assert edits[0].start == at
    assert edits[0].text.startswith(closing + " " + LEAD)


def test_html_keeps_its_tags_and_the_scope_stays_inside_the_paragraph() -> None:
    text = "<p>If the server room flooded, how quickly could we pay people again</p><p>Regards</p>"
    result = translate(text, direction=Direction.BUSINESS_TO_IT, format=Format.HTML)
    paragraph = result.text.split("</p>", 1)[0]
    assert LEAD in paragraph and paragraph.endswith(".")
    assert result.text.count("<p>") == 2 and result.text.endswith("<p>Regards</p>")


def test_it_to_business_adds_no_scope() -> None:
    text = "If the server room flooded, how quickly could we pay people again?"
    assert LEAD not in translate(text).text


def test_builtin_concepts_load_and_lint_clean() -> None:
    concepts = builtin_concepts()
    assert len(concepts) >= 40
    assert lint_concepts(concepts) == []
    assert [h.concept.name for h in find_concepts("Nothing here but a greeting.")] == []


@pytest.mark.parametrize(("note", "in_context", "out_of_context"), [
    ("batch job", "I need the sales report every morning by 8.",
     "The website is slow every morning and customers complain."),
    ("encryption", "Someone lost a phone with client emails on it.",
     "Customers' complaints get lost between email, phone and chat."),
    ("detected by customers", "Customers tell us the app is broken.",
     "A customer told us she received someone else's invoice by email."),
    ("synchronous", "Orders should show in the stock system straight away.",
     "The ward system went down and nobody knew. Why weren't we told straight away?"),
])
def test_words_with_an_everyday_sense_add_their_it_note_only_in_context(note: str, in_context: str,
                                                                        out_of_context: str) -> None:
    assert note in translate(in_context, direction=Direction.BUSINESS_TO_IT).text
    assert note not in translate(out_of_context, direction=Direction.BUSINESS_TO_IT).text


def test_lint_flags_duplicate_names_broken_terms_and_numbers() -> None:
    twin = DR.model_copy(update={"terms": ("three backups", "email authentication (SPF", "DMARC)")})
    codes = [p.code for p in lint_concepts([DR, twin])]
    assert codes == ["duplicate", "broken-term", "invented-number"]


def test_the_ticket_lists_the_scope_apart_from_the_requesters_problem() -> None:
    text = "If our server room flooded tomorrow, how quickly could we pay people again? We need an answer."
    ticket = translate(text, direction=Direction.BUSINESS_TO_IT, brief=True).brief
    assert ticket is not None
    lines = dict(line.split(": ", 1) for line in ticket.splitlines())
    assert "RTO and RPO targets" in lines["Scope"]
    assert LEAD.strip() not in lines["Observed problem"] and LEAD.strip() not in lines["Summary"]


class Topics:
    """An embedder that places a text by which of a few topic words it holds."""

    name = "topics"
    dim = 3
    WORDS = ("site", "invoice", "printer")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.array([[float(w in t.lower()) for w in self.WORDS] for t in texts], dtype=np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


class Broken:
    name = "broken"
    dim = 3

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("no weights")


def test_an_embedder_suggests_the_concept_nearest_in_meaning_and_says_so() -> None:
    text = "Our main site could end up under water next spring. Nobody knows the plan."
    edits, ledger = scope_edits(text, (), [], (DR,), embedder=Topics())
    assert [e.text for e in edits] == [" IT scope (suggested): disaster recovery plan, RTO and RPO targets."]
    assert edits[0].start == text.index(" Nobody")
    assert ledger[0].note.startswith("Suggested by meaning") and ledger[0].source == text[:text.index(".")]
    # a concept its cues raised is not suggested again, and a sentence far from every concept gets nothing
    cued = "The store flooded. How quickly can the site reopen?"
    assert [e.text for e in scope_edits(cued, (), [], (DR,), embedder=Topics())[0]] == [
        " " + LEAD + "disaster recovery plan, RTO and RPO targets."]
    assert scope_edits("The printer jams every single morning.", (), [], (DR,), embedder=Topics()) == ([], [])


def test_a_failing_embedder_leaves_the_cue_scope_and_warns() -> None:
    text = "If the server room flooded, how quickly could we pay people again?"
    result = translate(text, direction=Direction.BUSINESS_TO_IT, models=ModelStage(embedder=Broken()))
    assert LEAD in result.text and any("embedder failed" in w for w in result.warnings)
    glossary_only = translate(text, direction=Direction.BUSINESS_TO_IT, rewrite_mode=RewriteMode.GLOSSARY,
                              models=ModelStage(embedder=Broken()))
    assert LEAD in glossary_only.text and glossary_only.warnings == []
    warnings: list[str] = []
    edits, _ = scope_edits(text, (), [], (DR,), embedder=Broken(), warnings=warnings)
    assert len(edits) == 1 and warnings == ["The embedder failed (no weights); no IT scope was suggested."]
    with pytest.raises(RuntimeError):  # with nowhere to report it, the failure is not swallowed
        scope_edits(text, (), [], (DR,), embedder=Broken())


def test_a_cue_scope_and_a_suggestion_after_one_unfinished_sentence_share_its_full_stop() -> None:
    flood = DR.model_copy(update={"explanation": "Getting going again after a disaster."})
    survey = Concept(name="site survey", terms=("site survey",), explanation="Checking a site.", cues=(("zzz",),))
    text = "If the main site floods how quickly can we reopen"
    edits, _ = scope_edits(text, (), [], (flood, survey), embedder=Topics())
    assert apply(text, edits) == (text + ". " + LEAD + "disaster recovery plan, RTO and RPO targets."
                                  " IT scope (suggested): site survey.")


@pytest.mark.parametrize("text", [
    "Staff can't log in after the wi-fi's outage; it's slow.",  # a possessive after a cue word
    "The customers’ complaints get lost between email, phone and chat.",  # a curly apostrophe
    "If our SERVER ROOM floods, HOW QUICKLY could we pay people again?",  # capitals
    "Our cloud-based bill doubled and nobody can explain the spend.",  # a hyphenated compound
])
def test_the_word_index_never_hides_a_concept_a_full_search_finds(text: str) -> None:
    everything = sorted((c.name, *span) for c in builtin_concepts() if (span := c.find(text)) is not None)
    assert sorted((h.concept.name, h.start, h.end) for h in find_concepts(text)) == everything


def test_lint_holds_concepts_and_entries_to_the_same_one_line_explanation() -> None:
    rambling = " ".join(["word"] * 31)
    assert [p.code for p in lint_concepts([DR.model_copy(update={"explanation": rambling})])] == ["long-explanation"]
    entry = Entry(source="zorbdash", renderings=("dashboard",), explanation=rambling)
    assert [p.code for p in lint([entry])] == ["long-explanation"]

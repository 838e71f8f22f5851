"""Deterministic rewrite: each glossary match becomes a rendering that fits its place."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache

from glossary import Entry, Match, Mode, PartOfSpeech
from glossary.tokens import (
    ACRONYM_PLURAL,
    CONTRACTIONS,
    PARTICLES,
    SKIPPED,
    Token,
    in_dictionary,
    is_noun,
    lemmas,
    token_keys,
)
from translator import agreement, readability, sentences
from translator.edits import Edit
from translator.facts import Fact, numbers
from translator.result import TermChange

_STOPWORDS = frozenset("a an the of to in on for and or with our we is are was were be by at it this that".split())
_LINE_START = re.compile(rf"\n[ \t]*{sentences.BULLET}?[ \t]*$")
_ARTICLES = frozenset({"a", "an"})
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])([Aa]n?)[ \t]+$")


@dataclass
class Spot:
    """A replaced term: its candidate replacements (the chosen one first until a ranker picks)
    and the article before it, which must agree with whichever candidate wins."""

    start: int
    end: int
    candidates: list[str]
    source: str
    layer: str
    note: str
    article: Token | None = None
    #: The article opens a sentence that a clause split made ("; an RCA" -> ". A cause review").
    article_opens_sentence: bool = False
    chosen: int = 0

    @property
    def text(self) -> str:
        return self.candidates[self.chosen]

    def change(self) -> TermChange:
        """The ledger line for the candidate chosen."""
        return TermChange(source=self.source, target=self.text, start=self.start, end=self.end, layer=self.layer,
                          note=self.note)


@dataclass
class Plan:
    """The edits to make and the term ledger that explains them."""

    spots: list[Spot] = field(default_factory=list)
    #: Edits that no ranker changes: clause splits, capitals, written-out durations.
    fixed: list[Edit] = field(default_factory=list)
    fixed_ledger: list[TermChange] = field(default_factory=list)
    #: Jargon left in place (explain mode), for the 'after' jargon share.
    kept_jargon: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    def edits(self) -> list[Edit]:
        edits = list(self.fixed)
        for spot in self.spots:
            edits.append(Edit(spot.start, spot.end, spot.text))
            if spot.article is not None:
                fixed = agreement.article_for(spot.text, spot.article.text)
                if spot.article_opens_sentence:
                    fixed = agreement.capitalize_first(fixed)
                if fixed != spot.article.text:
                    edits.append(Edit(spot.article.start, spot.article.end, fixed))
        return sorted(edits, key=lambda e: e.start)

    def ledger(self) -> list[TermChange]:
        return sorted([*(s.change() for s in self.spots), *self.fixed_ledger], key=lambda t: t.start)


@lru_cache(maxsize=16384)
def content_keys(phrase: str) -> frozenset[str]:
    """Lemma keys of the words that carry meaning (no articles, prepositions...); a hyphenated
    word also as one word, so that 'clean-up' echoes 'cleanup'."""
    words = [w for w in phrase.split() if w.lower() not in _STOPWORDS]
    return frozenset(key for w in words for form in {w, w.replace("-", "")} for key in token_keys(form))


@lru_cache(maxsize=16384)
def _numbers_in(phrase: str) -> frozenset[str]:
    return frozenset(numbers(phrase))


def _context_words(text: str, tokens: Sequence[Token], first: int, last: int, window: int = 3) -> set[str]:
    """The content words of up to `window` tokens either side, spaced as written ('clean-up' stays one word)."""
    before = text[tokens[max(0, first - window)].start: tokens[first].start]
    after = text[tokens[last].end: tokens[min(len(tokens) - 1, last + window)].end]
    return set(content_keys(f"{before} {after}"))


def rank_renderings(renderings: Sequence[str], context: set[str], taken: Set[str], repeat: bool) -> list[str]:
    """Renderings for this spot, best first: preferred first, but not one `taken` by another term;
    each syllable past one a word costs as much as a step down the list (shorter words read more
    easily); on a repeated mention the shortest reads best. One that echoes a neighbouring word ('payments
    payment system') is left out while another does not, so that no ranker can pick it either."""
    shortest = min(len(r) for r in renderings)

    def score(index: int) -> float:
        rendering = renderings[index]
        words = content_keys(rendering)
        value = -0.1 * (index + readability.extra_syllables(rendering))
        value -= 1.0 * len(words & context) + 0.5 * (rendering in taken)
        return value + (0.2 if repeat and len(rendering) == shortest else 0.0)

    ranked = [renderings[i] for i in sorted(range(len(renderings)), key=score, reverse=True)]
    return [r for r in ranked if not content_keys(r) & context] or ranked


def plan(
    text: str,
    tokens: Sequence[Token],
    matches: Sequence[Match],
    facts: Sequence[Fact],
    *,
    explain: bool = False,
    split_clauses: bool = False,
) -> Plan:
    """Decide every edit: renderings for matches, written-out durations for facts, and (with
    `split_clauses`) a full stop for each semicolon between clauses, since shorter sentences
    read more easily."""
    result = Plan()
    new_sentences: set[int] = set()
    if split_clauses:
        breaks, new_sentences = sentences.clause_breaks(text, facts, matches)
        result.fixed.extend([*breaks, *sentences.bullet_ends(text, facts)])
    used: dict[str, Entry] = {}  # rendering -> the entry that used it first
    seen_entries: set[int] = set()
    previous: tuple[int, str] = (-10, "")  # last token and text of the previous replacement
    for match in matches:
        entry = match.entry
        original = text[match.start: match.end]
        if entry.mode is Mode.KEEP:
            continue
        if id(entry) in seen_entries and all(_is_note(r, entry.source) for r in entry.renderings):
            continue  # a name or phrase that a note explains is explained at its first mention only
        if entry.mode is Mode.FORBID:
            result.forbidden.append(original)
        new_sentence = match.start in new_sentences
        end = match.end
        if explain and entry.mode is Mode.REPLACE and entry.explanation:
            explained = f"{original} ({entry.explanation[:1].lower()}{entry.explanation[1:].rstrip('.')})"
            candidates = [agreement.capitalize_first(explained) if new_sentence else explained]
            result.kept_jargon.append(original)
        else:
            context = _context_words(text, tokens, match.first, match.last)
            if match.first - previous[0] <= 3:  # a neighbour that was itself just replaced
                context |= content_keys(previous[1])
            taken = {r for r, owner in used.items() if owner is not entry}
            # A rendering may state a number only if the words it replaces do ('two-way' for 'mTLS' does not).
            stated = _numbers_in(original)
            renderings = [r for r in entry.renderings if _numbers_in(r) <= stated]
            if not renderings:
                continue
            ranked = rank_renderings(renderings, context, taken, id(entry) in seen_entries)
            # None that reads wrongly after the word before ('were ran out of memory'), while another fits.
            previous_word = tokens[match.first - 1].text if match.first else ""
            ranked = [r for r in ranked if agreement.reads_after(previous_word, r)] or ranked
            fit = _fit_for(match, tokens, text, new_sentence)
            if entry.pos is PartOfSpeech.ADJECTIVE:  # 'a P1' -> 'an urgent incident'; 'a P1 bug' -> 'an urgent bug'
                if fit.adjective_as_noun and not any(map(agreement.ends_in_noun, ranked)):
                    # a noun is needed more than a change of word: 'a P1 and a P2' -> '...a pressing incident'
                    ranked = [*(r for r in renderings if agreement.ends_in_noun(r)), *ranked]
                ranked.sort(key=lambda r: agreement.ends_in_noun(r) is not fit.adjective_as_noun)
            if entry.pos is PartOfSpeech.VERB and fit.tag is None and _verb_as_noun(tokens, match.first, match.last):
                ranked.sort(key=lambda r: not agreement.ends_in_noun(r))  # 'a backfill' -> 'a reload', not 'a fill in'
            if fit.noun_as_verb:  # 'retried': 'reattempted' reads as a verb, 'repeated try' does not
                verbs = [r for r in ranked if agreement.is_verb(r) or _is_note(r, entry.source)]
                if not verbs:  # No verb to put in ('can be data lookup'): the term stays.
                    result.kept_jargon.append(original)
                    continue
                ranked = verbs  # nor may a ranker pick a noun in a verb's place
            used.setdefault(ranked[0], entry)
            following = tokens[match.last + 1] if match.last + 1 < len(tokens) else None
            written_before = _word_written_before(text, match.start)
            if written_before and previous[0] == match.first - 1:  # what the reader sees there: its rendering
                written_before = previous[1].rpartition(" ")[2]
            bracketed = _in_brackets(text, match.start, match.end)
            candidates = list(dict.fromkeys(
                _annotated(r, entry.source, original, fit, bracketed)
                or _after(written_before, _before(fit(r), following.text if following else ""))
                for r in ranked))
            verb = fit.tag is not None or entry.pos is PartOfSpeech.VERB
            if verb and following is not None and _takes_object_inside(candidates, text, match.end, following):
                # 'cordoned it' -> 'fenced it off', not 'fenced off it': the spot takes in the pronoun
                end = following.end
                original = text[match.start: end]
                candidates = [_object_inside(c, following.text) for c in candidates]
        seen_entries.add(id(entry))
        previous = (match.last, candidates[0])
        article = tokens[match.first - 1] if match.first else None
        if article is not None and article.text.lower() not in _ARTICLES:
            article = None
        result.spots.append(Spot(match.start, end, candidates, original, match.layer, entry.explanation,
                                 article, article is not None and article.start in new_sentences))
    # A word that opens a new sentence takes a capital, unless a spot already gives it one (its own
    # rendering, or the article before it, which must change as one edit).
    starts = {s.start for s in result.spots} | {s.article.start for s in result.spots if s.article}
    for fact in facts:
        if fact.plain is not None:
            edits, line = _plain_fact(text, fact, fact.plain, new_sentences)
            starts.update(edit.start for edit in edits)
            result.fixed.extend(edits)
            result.fixed_ledger.append(line)
    result.fixed.extend(Edit(i, i + 1, text[i].upper()) for i in new_sentences if i not in starts)
    return result


def _plain_fact(text: str, fact: Fact, plain: str, new_sentences: set[int]) -> tuple[list[Edit], TermChange]:
    """A fact's plain form in place of it ('48h' -> '48 hours', '502s' -> 'relay failures (HTTP 502)'),
    with a capital at a sentence start and the article before it agreeing ('an HTTP 400' -> 'a badly
    formed request'); and its ledger line."""
    opens = fact.start in new_sentences or at_sentence_start(text, fact.start)
    plain = agreement.capitalize_first(plain) if opens else plain
    edits = [Edit(fact.start, fact.end, plain)]
    written = _ARTICLE_BEFORE.search(text[max(0, fact.start - 4): fact.start])
    if written is not None and plain[:1].isalpha():
        at = fact.start - len(written.group())
        article = agreement.article_for(plain, written.group(1))
        edits.insert(0, Edit(at, at + len(written.group(1)),
                             agreement.capitalize_first(article) if at in new_sentences else article))
    line = TermChange(source=fact.text, target=plain, start=fact.start, end=fact.end, layer=fact.layer, note=fact.note)
    return edits, line


@dataclass(frozen=True, slots=True)
class _Fit:
    """What makes any rendering fit a match's place: the matched words' number or tense, and a
    capital at a sentence start. Decided once per match, applied to each of its renderings."""

    plural: bool
    tag: str | None
    capital: bool
    #: A noun entry used as a verb ('retried' for the entry 'retry').
    noun_as_verb: bool
    #: An adjective entry used as a noun ('a P1 on checkout', 'two P1s').
    adjective_as_noun: bool
    #: A phrase's tense as written ('site was down' for the entry 'site is down').
    tense: str | None = None

    def __call__(self, rendering: str) -> str:
        if self.plural:
            rendering = agreement.pluralize(rendering)
        elif self.tag:
            rendering = agreement.inflect_verb(rendering, self.tag)
        elif self.tense:
            rendering = agreement.put_in_tense(rendering, self.tense)
        return agreement.capitalize_first(rendering) if self.capital else rendering


#: Prepositions that start a rendering's closing phrase, which the words after the term may say instead.
_PREPOSITIONS = frozenset("to into from onto on in".split())


def _before(rendering: str, following: str) -> str:
    """A rendering whose last word the next word says again loses it: 'SCIM sync' -> 'user account
    sync', not 'user account sync sync'; and so does its closing phrase where the text goes on with
    its own ('tier cold data to S3' -> 'move rarely used data to S3', not '... to cheaper storage to S3')."""
    head, _, last = rendering.rpartition(" ")
    if head and following and not set(token_keys(last)).isdisjoint(token_keys(following)):
        return head
    if following.lower() in _PREPOSITIONS:
        head, _, _ = rendering.rpartition(f" {following.lower()} ")
        if head:
            return head
    return rendering


def _word_written_before(text: str, start: int) -> str:
    """The word (hyphens and all) that a single space separates from `start`: 'Wi-Fi' in 'Wi-Fi SSID'."""
    if start < 2 or text[start - 1] != " " or text[start - 2].isspace():
        return ""
    return text[:start - 1].rsplit(None, 1)[-1]


def _after(written_before: str, rendering: str) -> str:
    """A rendering whose first word the word before says already loses it: 'Wi-Fi SSID' -> 'Wi-Fi network
    name', not 'Wi-Fi Wi-Fi network name'; 'repeat tests test reach' -> 'repeat tests reach'."""
    first, _, rest = rendering.partition(" ")
    before = written_before.lower()
    return rest if rest and first.lower() in (before, before.removesuffix("s")) else rendering


_OBJECT_PRONOUNS = frozenset({"it", "them", "us", "me", "him", "her", "you"})


def _takes_object_inside(candidates: Sequence[str], text: str, end: int, following: Token) -> bool:
    """True when a pronoun object follows the term and the chosen rendering is a phrasal verb."""
    return (following.text in _OBJECT_PRONOUNS and text[end: following.start] == " "
            and candidates[0].rpartition(" ")[2] in PARTICLES)


def _object_inside(rendering: str, pronoun: str) -> str:
    """'fenced off' + 'it' -> 'fenced it off'; a rendering with no particle just gains the pronoun."""
    head, _, last = rendering.rpartition(" ")
    return f"{head} {pronoun} {last}" if head and last in PARTICLES else f"{rendering} {pronoun}"


def _is_note(rendering: str, source: str) -> bool:
    """True for a rendering that is the term followed by a note in parentheses."""
    head = source + " ("
    return rendering[: len(head)].lower() == head.lower() and rendering.endswith(")")


def _annotated(rendering: str, source: str, original: str, fit: _Fit, bracketed: str = "") -> str | None:
    """A rendering that is the term with a note ('out of stock (no inventory left)') keeps the words
    as written and adds the note: 'sold out (no inventory left)', never 'out of stock' in place of
    a verb. Inside brackets the note takes a comma where the term ends its part ('(E3, Microsoft
    licence tier)'), and stays out elsewhere: no brackets in brackets. None for a rendering that
    rewords the term."""
    if not _is_note(rendering, source):
        return None
    note = rendering[len(source):]
    if bracketed:
        note = ", " + note.strip()[1:-1] if bracketed == "ends" else ""
    annotated = original + note
    return agreement.capitalize_first(annotated) if fit.capital else annotated


def _in_brackets(text: str, start: int, end: int) -> str:
    """'ends' for a term inside brackets that a ')' or ',' follows, 'inside' for one elsewhere in
    brackets, '' for one outside them (on its line)."""
    line = text[text.rfind("\n", 0, start) + 1: start]
    if line.count("(") <= line.count(")"):
        return ""
    return "ends" if text[end: end + 1] in (")", ",") else "inside"


def _is_plural_of_a_form(word: str, forms: Sequence[str]) -> bool:
    return any(word in (last + "s", last + "es") for last in (form.rsplit(" ", 1)[-1].lower() for form in forms))


def _counted(tokens: Sequence[Token], match: Match, following: str) -> bool:
    """'3 FTE': an acronym after a number above one is plural even without its 's', unless a noun
    follows that it describes ('3 GPU nodes'), or the number belongs to a name ('Dynamics 365 CRM')."""
    previous = tokens[match.first - 1].text if match.first else ""
    one_acronym = match.first == match.last and tokens[match.last].text.isupper()
    counts = one_acronym and previous.isdigit() and len(previous) <= 3 and previous != "1"
    name = match.first - 2  # a capital there that does not just open the sentence: 'Hired 3 FTE' counts
    named = name > 0 and tokens[name].text[:1].isupper() and tokens[name - 1].text not in (".", "!", "?", ":", ";")
    return counts and not named and not is_noun(following)


def _fit_for(match: Match, tokens: Sequence[Token], text: str, new_sentence: bool) -> _Fit:
    pos = match.entry.pos
    previous = tokens[match.first - 1].text if match.first else ""
    plural, tag, noun_as_verb, adjective_as_noun = False, None, False, False
    last = tokens[match.last].text
    following = tokens[match.last + 1].text if match.last + 1 < len(tokens) else ""
    counted = _counted(tokens, match, following)
    # 'prod deploys': the dictionary knows 'deploys' as a verb only, but it is a listed form plus 's'
    with_s = last.endswith("s") and _is_plural_of_a_form(last.lower(), match.entry.forms)
    if pos is PartOfSpeech.NOUN and (agreement.is_plural_noun(last) or counted or with_s):
        # "AZs" and "3 FTE" take a plural rendering; "Postgres", written as the glossary lists it, is
        # no plural; and a term that is plural itself ('analytics') keeps its rendering as it is.
        # A listed plural alias ('node pools') is still plural where the dictionary says so, or where it
        # is another listed form with an 's' ('certs' beside 'cert', 'txns' beside 'txn').
        listed = text[match.start: match.end].lower() in {form.lower() for form in match.entry.forms}
        plural = (bool(ACRONYM_PLURAL.match(last)) or counted or not listed or agreement.is_listed_plural(last)
                  or with_s) \
            and not agreement.is_plural_noun(match.entry.source.split()[-1])
    elif pos is PartOfSpeech.ADJECTIVE and _used_as_noun(tokens, match.first, match.last):
        plural, adjective_as_noun = bool(ACRONYM_PLURAL.match(last)) or counted, True
    elif pos in (PartOfSpeech.NOUN, PartOfSpeech.VERB):
        # "Tuesday's deploy": a noun, not "is deployed"; "was not minified": the tense shows in "was".
        after = "" if _possessive(tokens, match.first) else _word_before_verb(tokens, match.first)
        head = match.first
        if head + 2 <= match.last and tokens[head + 1].text in SKIPPED:  # 're-ran': the tense is in 'ran'
            head += 2
        tag = agreement.verb_tag(tokens[head].text, after, known_verb=pos is PartOfSpeech.VERB)
        if tag is None and after.lower() in _MODALS and head == match.last and agreement.is_verb(tokens[head].text):
            tag = "VB"  # "we'll allowlist the path": a verb, which needs a verb in its place
        if tag is None and pos is PartOfSpeech.VERB and previous.lower() in _SUBJECT_PRONOUNS_PLAIN \
                and agreement.past_like_base(tokens[head].text) \
                and _PAST_MARK.search(sentences.sentence_around(text, match.start, match.end)):
            tag = "VBD"  # 'We cut over the DNS last night': 'cut' is past where the sentence is
        # A noun entry used as a verb ("patched", "is patching") inflects like a verb entry.
        # A lone -ing noun ("routing") stays a noun, but not with an object ("after retraining the model").
        # A hyphenated one ('thin-provisioned volumes') is an adjective unless a subject or 'have' comes
        # before it ("we've feature-flagged it off"), or 'be' and the entry has a verb to put in ('was
        # dark-launched' -> 'was launched quietly').
        passive = after.lower() in _FORMS_OF_BE and tag == "VBN" and any(map(agreement.is_verb, match.entry.renderings))
        noun_as_verb = (pos is PartOfSpeech.NOUN and tag is not None
                        and (match.first == match.last or after.lower() in _SUBJECTS_OR_HAVE or passive)
                        and (tag != "VBG" or agreement.is_progressive(after) or following.lower() in _OBJECT_STARTS))
        if pos is not PartOfSpeech.VERB and not noun_as_verb:
            tag = None
    # At a sentence start a rendering takes a capital where the term had one, or where the term is a
    # name written small by custom ('p95 latency climbed' -> 'Near-slowest delay climbed'; 'kube-proxy').
    written = text[match.start: match.end]
    name = not written.replace(" ", "").isalpha() or not in_dictionary(written.split(" ", 1)[0].lower())
    capital = new_sentence or ((written[0].isupper() or name) and at_sentence_start(text, match.start))
    tense = agreement.tense_of(written) if pos is PartOfSpeech.PHRASE else None
    return _Fit(plural, tag, capital, noun_as_verb, adjective_as_noun, tense)


#: Determiners and counts: before an adjective or verb term they show it stands for a noun ("a P1", "two P1s",
#: "a backfill"); after a verb, its object ("retraining the model").
_DETERMINERS = frozenset("a an the one two three four five six seven eight nine ten another this that each every "
                         "any no our their its several multiple".split())
#: Words after such a term that do not make it an adjective: "a P1 yesterday".
_NOT_A_HEAD = frozenset("yesterday today tonight tomorrow overnight earlier later".split())
#: Auxiliaries a subject comes before: 'the decommission is late'.
_SUBJECT_AUXILIARIES = frozenset("is was has will".split())
#: Words that open a verb's object: 'retraining the model', 'rate-limiting us'.
_OBJECT_STARTS = _OBJECT_PRONOUNS | _DETERMINERS


def _verb_as_noun(tokens: Sequence[Token], first: int, last: int) -> bool:
    """True when a verb term is written as a noun: after an article or possessive ('a backfill', 'our
    rollout'), before 'of' ('backfill of the logs'), or as a subject before its verb where nothing
    before it makes it one ('Decommission scheduled for May', 'the on-prem decommission is late')."""
    previous = tokens[first - 1].text.lower() if first else ""
    following = tokens[last + 1].text.lower() if last + 1 < len(tokens) else ""
    if previous in _DETERMINERS or following == "of":
        return True
    before_its_verb = following in _SUBJECT_AUXILIARIES or (following.endswith("ed") and agreement.is_verb(following))
    return before_its_verb and previous not in _OPENS_A_VERB


def _used_as_noun(tokens: Sequence[Token], first: int, last: int) -> bool:
    """True when an adjective term stands for a noun: written as a plural ('P1s'), or after a
    determiner or count, or opening a sentence or clause, with no noun after it ('a P1 on checkout',
    'Sev-1 declared'; not 'a P1 outage')."""
    word = tokens[last].text
    if first == last and ACRONYM_PLURAL.match(word):
        return True
    previous = tokens[first - 1].text.lower() if first else ""
    if previous[:1].isalnum() and previous not in _DETERMINERS and not previous.isdigit():
        return False
    written = tokens[last + 1].text if last + 1 < len(tokens) else ""
    if written[:1].isupper() and written.isalpha():  # a name it describes: 'Primary Postgres'
        return False
    following = written.lower()
    return not following[:1].isalpha() or following in _NOT_A_HEAD or not is_noun(following)


#: Words before a verb that leave its tense to the word before them: 'was not minified', 'has also been'.
_NEGATIONS_AND_ADVERBS = frozenset("not n't never also already just still now then only since".split())
_MODALS = frozenset("will would 'd can could should must may might shall do does did".split())
_SUBJECTS_OR_HAVE = frozenset("we they i he she have has had 've".split())
_FORMS_OF_BE = frozenset("is are was were be been being 's 're".split())


def _is_ly_adverb(lower: str) -> bool:
    return lower.endswith("ly") and "ADV" in lemmas(lower)  # 'quickly', not 'apply'


def _word_before_verb(tokens: Sequence[Token], first: int) -> str:
    """The word before token `first`, past negations and adverbs, contractions written out: 'was not' ->
    'was', 'has quickly' -> 'has', "won't" -> 'will'."""
    i = first - 1
    while i > 0 and (tokens[i].text.lower() in _NEGATIONS_AND_ADVERBS or _is_ly_adverb(tokens[i].text.lower())):
        i -= 1
    return CONTRACTIONS.get(tokens[i].text.lower(), tokens[i].text) if i >= 0 else ""


_SUBJECT_PRONOUNS = frozenset("it that there what who he she this which where here".split())
_SUBJECT_PRONOUNS_PLAIN = frozenset("we they i he she it you".split())
#: Words a verb comes after: 'we decommission', 'to decommission', 'will decommission', 'not decommission'.
_OPENS_A_VERB = _SUBJECT_PRONOUNS_PLAIN | _MODALS | _NEGATIONS_AND_ADVERBS | frozenset("to and or please 'll".split())
#: Words that put a sentence in the past ('cut' after 'we' is past in 'we cut over last night').
_PAST_MARK = re.compile(r"\b(?:was|were|wasn't|weren't|had|did|didn't|yesterday|last|ago|earlier)\b", re.IGNORECASE)


def _possessive(tokens: Sequence[Token], index: int) -> bool:
    """True when the word before `index` is a possessive 's ('Friday's'), not 's for 'is' ('it's')."""
    return (index >= 2 and tokens[index - 1].text in ("'s", "’s")
            and tokens[index - 2].text.lower() not in _SUBJECT_PRONOUNS)


def at_sentence_start(text: str, index: int) -> bool:
    """True when only spaces, a bullet or a sentence end stand between `index` and the
    previous sentence."""
    window = ("\n" if index <= 12 else "") + text[max(0, index - 12): index]
    return window.rstrip(" \t").endswith((".", "!", "?")) or bool(_LINE_START.search(window))

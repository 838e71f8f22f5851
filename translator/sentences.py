"""Shorter sentences: where one sentence can become two ("; we" -> ". We", ", causing" -> ". This
caused"), and bullets that end as sentences. Never inside a locked fact or over a glossary match."""

from __future__ import annotations

import re
from collections.abc import Sequence

from glossary import Match
from glossary.tokens import verb_forms
from translator import agreement
from translator.edits import Edit
from translator.facts import Fact

_REPLY_PREFIXES = frozenset({"re", "fw", "fwd", "aw", "wg", "tr", "sv"})  # "RE: outage" is a subject line
_LABEL = "label"  # "Status: the pods..." -> "Status. The pods...", only after a short opening label
_JOINT = "joint"  # "... broke the feed - the list missed ..." -> ". The list", between two clauses only
_SPLICE = "splice"  # "Sales are up 4%, we ramp up Monday" -> ". We ramp", after a main clause only
_SUBJECT_AGAIN = "subject"  # " and restarted" -> ". We restarted", after a sentence that opens with "We"
_SECOND_SUBJECT = "second"  # "cost dropped 30% and the report is on time" -> ". The report is", two clauses
_AND_SUBJECT = "and"  # "the disk filled, and the team restarted it" -> ". The team", each side with a verb
_SUBJECT_AUX = "aux"  # "We cut it off and are rebuilding" -> ". We are rebuilding", after "We" or "They"
_AFTER = "after"  # "... down for 26 minutes after a bad rule cleared it" -> ". This happened after a bad rule"
#: Verbs whose -ing form after a comma says what the clause before brought about: ", causing delays"
#: -> ". This caused delays"; ", leaving 40 orders stuck" -> ". This left 40 orders stuck". Only such
#: verbs: in "we are on the bridge, watching the queue" the -ing form is no consequence.
_RESULT_VERBS = ("cause lead result raise drive push leave block affect take bring trigger delay prevent stop force "
                 "slow cut reduce increase double halve knock put add lower trip exhaust hit impact degrade disrupt "
                 "interrupt create generate flood overload starve lock corrupt expose require cost prompt send drop")
_RESULTS = tuple((verb_forms(lemma)["VBG"][0], verb_forms(lemma)["VBD"][0], verb_forms(lemma)["VBZ"][0])
                 for lemma in _RESULT_VERBS.split())
_RESULT_INGS = frozenset(ing for ing, _, _ in _RESULTS)
_SECOND_ING = re.compile(r"\b(?:and|or)[ \t]+\w+ing\b")
_SUBJECT = r"(?:we|they|it|the|our|this|that|these|those|he|she|customers|users|engineers|a|an|all|some|most)\b"
#: Where one sentence can become two, and what starts the second: "; we" -> ". We", ", which" -> ". This".
#: "{past|present}" picks the tense of the clause before ("was causing" -> "This caused").
_CLAUSE_BREAKS: tuple[tuple[str, str], ...] = (
    (r"[ \t]*;[ \t]+", ""),
    (r":[ \t]+(?=[A-Za-z])", _LABEL),
    (r"[ \t]+[-\u2013\u2014][ \t]+(?=[a-z])", _JOINT),
    (rf",[ \t]+and[ \t]+(?={_SUBJECT})", _AND_SUBJECT),
    (r",[ \t]+(?=(?:we|they)\b)", _SPLICE),
    (r"[ \t]+and[ \t]+(?=(?:we|they)\b)", ""),
    (r"[ \t]+and[ \t]+(?=(?:the|our|their|its|these|those|\d+)\b)", _SECOND_SUBJECT),
    (r",[ \t]+but[ \t]+", "But "),
    (r"[ \t]+but[ \t]+(?=(?:we|they|it)\b)", "But "),
    (r",[ \t]+so[ \t]+(?!that\b)", "So "),
    (r",[ \t]+which[ \t]+", "This "),
    (r"[ \t]+because[ \t]+", "This {was|is} because "),
    (r"[ \t]+due[ \t]+to[ \t]+", "This {was|is} due to "),
    *((rf",[ \t]+{ing}[ \t]+", f"This {{{past}|{present}}} ") for ing, past, present in _RESULTS),
    (rf",?[ \t]+and[ \t]+then[ \t]+(?={_SUBJECT})", "Then "),
    (r",?[ \t]+and[ \t]+(?=[a-z]+ed\b)", _SUBJECT_AGAIN),
    (r",?[ \t]+and[ \t]+(?=(?:are|will|can|must)[ \t])", _SUBJECT_AUX),
    (r",?[ \t]+(?=after[ \t])", _AFTER),
    (r",[ \t]+(?=(?:driven|caused|triggered|prompted)[ \t]+by\b)", "This {was|is} "),
)
#: All of them in one scan. Each break is looked for ahead of a position, so that breaks that
#: overlap are all found; at one position the first that matches wins. Each begins with spaces and
#: a ; : or , or with spaces and one of the words or dashes the second look-ahead below names.
_CLAUSE_BREAK = re.compile(
    # The second look-ahead passes only what could start a break, so that the alternatives are not
    # all tried at every space between two words.
    r"(?<=[A-Za-z0-9)%])(?=[ \t]*[;:,]|[ \t]+(?:and|but|because|due|after|[-\u2013\u2014])[ \t])(?="
    + "|".join(f"(?P<b{i}>{p}(?=[A-Za-z0-9]))" for i, (p, _) in enumerate(_CLAUSE_BREAKS))
    + ")"
)
_TENSED = re.compile(r"\{(\w+)\|(\w+)\}")
#: Words that put a clause in the present ("is failing, causing" -> "This causes"); past is the default.
_PRESENT = re.compile(r"\b(?:is|are|am|keeps?|continues?|remains?)\b|'(?:s|re)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had|did)\b", re.IGNORECASE)
#: Subjects that may be said again to start a second sentence: "We rolled back and restarted" ->
#: "We rolled back. We restarted"; "We've cut X and moved Y" -> "We've cut X. We've moved Y".
_REPEATABLE_SUBJECTS = frozenset(
    {"We", "They", *(f"{who}{mark}{have}" for who in ("We", "They") for mark in "'\u2019" for have in ("ve", "d"))})
#: Where the part of a sentence that a colon or dash follows begins: "X is key - the main lesson: ..."
_LAST_PART = re.compile(r"[,;\u2013\u2014]|\s-\s")
_HAVE = frozenset({"have", "has", "had"})
_PREPOSITIONS = frozenset("to from by in at on over under for".split())
#: A clause shorter than this stays whole before "after" or "and will": short sentences need no split.
_LONG_CLAUSE = 8
#: Words that make 'after' part of a time span: 'a day and a half after', 'shortly after'.
_TIME_BEFORE_AFTER = frozenset("second seconds minute minutes hour hours day days week weeks month months year years "
                               "half shortly soon long right just only immediately straight".split())
#: Words that open the subject of a clause after 'after': 'after a bad rule cleared it'; not 'after killing it'.
_DETERMINERS = frozenset("a an the our its their this that these those his her we they it".split())
#: Words that open a clause as its subject, whatever verb follows ('we find out', 'some wait').
_PRONOUNS = frozenset("we they it he she i you some most all".split())
_AUXILIARIES = frozenset("is are was were has have had will would can could should must did does".split())
#: Words that open a clause which cannot stand alone ("If it holds, we ramp up").
_SUBORDINATORS = frozenset("if when once after before as since while although though because until unless whether "
                           "where so".split())
#: Words that show a noun phrase goes on into a clause of its own, not to its verb: 'the alerts that
#: were firing', 'the vendor to fix it'.
_NOT_A_SUBJECT = frozenset("that which who whom whose where when if because to".split())
_BE_OR_NOT = frozenset("is are was were be been being not isn't wasn't aren't weren't".split())
_OPENERS = {f"b{i}": opener for i, (_, opener) in enumerate(_CLAUSE_BREAKS)}
#: A list item's marker: "-", "*", "\u2022", "1." or "1)".
BULLET = r"(?:[-*\u2022]|\d+[.)])"
_OPEN_BULLET = re.compile(rf"^[ \t]*{BULLET}[ \t]+\S[^\n]*[A-Za-z0-9)%](?=[ \t]*$)", re.MULTILINE)


def clause_breaks(text: str, facts: Sequence[Fact], matches: Sequence[Match]) -> tuple[list[Edit], set[int]]:
    """Turn '; we' into '. We' and ', which' into '. This': the edits, and where a word needs a capital.

    Never before or inside a locked fact, which must keep its exact spelling ('checkout-svc', '`on: push`'),
    nor over a glossary match."""
    # A fact that would open the new sentence must not need a capital: '63 new hires' may, 'checkout-svc' may not.
    fact_starts = {f.start for f in facts if f.text[:1].islower()}
    taken = [(m.start, m.end) for m in matches] + [(f.start, f.end) for f in facts]
    breaks = [(m.start(), m.end(m.lastgroup), _OPENERS[m.lastgroup]) for m in _CLAUSE_BREAK.finditer(text)
              if m.lastgroup]
    edits: list[Edit] = []
    starts = set()
    cursor = 0
    for start, end, opener in breaks:
        if start < cursor or end in fact_starts or any(a < end and start < b for a, b in taken):
            continue
        clause = text[max(cursor, _sentence_start(text, start)): start]
        if clause.count("(") > clause.count(")"):  # not inside brackets: '(pods too small. This caused...)'
            continue
        if opener in (_LABEL, _JOINT):
            if not ((opener == _LABEL and _label_before_clause(text, start, end))
                    or (text[end].islower() and _joins_clauses(text, clause, end))):
                continue
            opener = ""
        elif opener == _SECOND_SUBJECT:
            # Not after 'when', 'if'...: in 'it stalled when X would stop and the timer would skip it' the
            # second clause belongs to the first.
            if not _has_verb(clause) or not _SUBORDINATORS.isdisjoint(clause.lower().split()) \
                    or not _opens_with_clause(_rest_of_sentence(text, end)):
                continue
            opener = ""
        elif opener == _AND_SUBJECT:  # 'between X, and a bank' joins two nouns, not two clauses
            rest = _rest_of_sentence(text, end)
            if not (_has_verb(rest) or rest.split(" ", 1)[0].lower() in _PRONOUNS):
                continue
            opener = ""
        elif opener == _SPLICE:
            if not _has_verb(clause) or clause.split(" ", 1)[0].lower() in _SUBORDINATORS:
                continue
            opener = ""
        elif opener == _SUBJECT_AGAIN:
            subject = clause.split(" ", 1)[0]
            # 'We cleared and fixed the header' shares its object: a lone subject and verb stay joined.
            if (subject.capitalize() not in _REPEATABLE_SUBJECTS or len(clause.split()) < 3
                    or not _opens_with_past_verb(text, end)):
                continue
            perfect = clause.split(" ", 2)[1:2]  # 'We have patched X and rebooted' -> 'We have rebooted'
            opener = subject.capitalize() + " " + (perfect[0] + " " if perfect and perfect[0] in _HAVE else "")
            edits.extend(_list_closed(text, start - len(clause), start))
        elif opener == _SUBJECT_AUX:
            subject = re.split(r"['\u2019]", clause.split(" ", 1)[0])[0]  # "We've cut X and are" -> "We are"
            if subject.capitalize() not in _REPEATABLE_SUBJECTS or len(clause.split()) < _LONG_CLAUSE:
                continue
            opener = subject.capitalize() + " "
            edits.extend(_list_closed(text, start - len(clause), start))
        elif opener == _AFTER:
            # Only a long sentence, and only before a clause of its own: 'after a bad rule cleared it', not
            # 'after last week's upgrade' nor 'after killing the job'.
            words, after = clause.split(), _rest_of_sentence(text, end).split(" ", 2)[1:]  # past 'after'
            if (len(words) < _LONG_CLAUSE or words[-1].lower() in _TIME_BEFORE_AFTER or not _has_verb(clause)
                    or len(after) < 2 or after[0].lower() not in _DETERMINERS
                    or not _opens_with_clause(after[1], past=True)):
                continue
            opener = "This happened "
        elif "{" in opener:
            if _completes_the_verb(clause):  # 'was mostly due to': not a second clause
                continue
            if not _has_verb(clause) and text[start:end].split()[-1] == "to":
                continue  # 'Fix due to ship Friday', 'Reply due to the auditors by May': a date, not a cause
            rest = _rest_of_sentence(text, end)
            if text[start:end].split()[-1] in _RESULT_INGS and (_SECOND_ING.search(rest) or _opens_figure(rest)):
                # ', raising costs and slowing sales': 'This raised costs and slowing' would not read; and
                # ', reducing to 60s' says where a figure goes, not what the clause before brought about
                continue
            opener = _in_tense(opener, clause)
        edits.append(Edit(start, end, ". " + opener))
        if not opener:
            starts.add(end)
        cursor = end
    return edits, starts


def _joins_clauses(text: str, before: str, after: int) -> bool:
    """True when a colon or dash stands between two clauses, each with a verb of its own ('the job
    failed: the disk was full'), not before a list or a name ('We need two things: money and time')."""
    return _has_verb(_LAST_PART.split(before)[-1]) and _has_verb(_rest_of_sentence(text, after))


def _rest_of_sentence(text: str, index: int) -> str:
    rest = text[index:]
    return rest[:min((i for i in (rest.find(". "), rest.find("\n")) if i >= 0), default=len(rest))]


def _has_verb(clause: str) -> bool:
    """A finite verb that shows a clause: an auxiliary, or a lower-case word in the simple past."""
    words = clause.split()
    return any(w.lower() in _AUXILIARIES or (w.islower() and _is_simple_past(w)) for w in words)


def _opens_with_clause(words: str, *, past: bool = False) -> bool:
    """True when a subject and its auxiliary open the words: 'the report is late', '14 changes are
    blocked'; not 'the cache to the new cluster', nor 'the alerts that were firing'. With `past`, a
    verb in the simple past will do for the auxiliary: 'a bad rule cleared it'."""
    for word in words.split()[:8]:
        lower = word.lower().strip(",;:")
        if lower in _AUXILIARIES or (past and word.islower() and _is_simple_past(lower)):
            return True
        if lower in _NOT_A_SUBJECT or word[-1:] in ",;:":
            return False
    return False


def _list_closed(text: str, start: int, end: int) -> list[Edit]:
    """The last comma of a list of actions, as 'and', where the list now ends its sentence: 'We cut X,
    locked Y, and are fixing Z' -> 'We cut X and locked Y. We are fixing Z'; none where no such list is."""
    comma = text.rfind(", ", start, end)
    if comma < 0 or not _opens_with_past_verb(text, comma + 2):
        return []
    return [Edit(comma, comma + 2, " and ")]


def _opens_a_list(words: str) -> bool:
    """True when the words are a list of things, not a clause: 'idle servers, unused disks and backups'."""
    items = words.split(",")
    return (len(items) > 2 or (len(items) == 2 and " and " in items[1])) and not _has_verb(words)


def _opens_figure(words: str) -> bool:
    """'to 60s', 'by 4%': a preposition before a figure ('leading to a delay' is no such thing)."""
    head = words.split(" ", 2)
    return len(head) > 1 and head[0].lower() in _PREPOSITIONS and head[1][:1].isdigit()


def _completes_the_verb(clause: str) -> bool:
    """True when what follows belongs to the clause's last verb: 'is because', 'was entirely due to'."""
    words = clause.split()
    return bool(words) and (words[-1].lower() in _BE_OR_NOT or words[-1].lower().endswith("ly"))


def _in_tense(opener: str, clause: str) -> str:
    """'This {was|is} because ' in the tense of the clause before it."""
    present = _PRESENT.search(clause) and not _PAST.search(clause)
    return _TENSED.sub(r"\2" if present else r"\1", opener)


def bullet_ends(text: str, facts: Sequence[Fact]) -> list[Edit]:
    """A full stop at the end of each bullet that lacks one: a list item is a sentence to its reader
    (and to a grade-level count); never right after a link, address or code."""
    unsafe = {f.end for f in facts if f.kind in ("url", "email", "code")}
    return [Edit(m.end(), m.end(), ".") for m in _OPEN_BULLET.finditer(text) if m.end() not in unsafe]


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that holds text[start:end], by its full stops and line ends."""
    return text[_sentence_start(text, start): end] + _rest_of_sentence(text, end)


def _sentence_start(text: str, index: int) -> int:
    stop = text.rfind(". ", 0, index)
    return max(stop + 2 if stop >= 0 else 0, text.rfind("\n", 0, index) + 1)


def _opens_with_past_verb(text: str, index: int) -> bool:
    """True when the word at `index` is a verb in the simple past ('restarted'; not 'the')."""
    return _is_simple_past(text[index:].split(" ", 1)[0].rstrip(".,;:"))


def _is_simple_past(word: str) -> bool:
    return agreement.verb_tag(word, "") == "VBD"


def _label_before_clause(text: str, colon: int, after: int) -> bool:
    """True when the colon ends a capitalised label that opens its sentence: a short one before a
    lower-case word ("Status: the pods"), or a headline with no verb of its own before a clause
    ("Login outage 11:52-12:31 UTC: the certificate expired"). Never before a list ("Attendees: Ana, Bo")."""
    label = text[_sentence_start(text, colon):colon].strip()
    if not label or not label[0].isupper() or label.lower() in _REPLY_PREFIXES:
        return False
    words = len(label.split())
    rest = _rest_of_sentence(text, after)
    if words <= 3 and text[after].islower():
        return not _opens_a_list(rest)
    # The clause needs a subject before its verb: in 'expired cards on two tills' that word opens a noun phrase.
    clause = rest.split(" ", 1)
    return words <= 8 and not _has_verb(label) and len(clause) == 2 and _has_verb(clause[1])

"""Making a rendering fit where the term stood: number, tense, articles and capitals."""

from __future__ import annotations

import re
from functools import lru_cache

from lemminflect import getAllLemmas, getInflection

from glossary.tokens import ACRONYM_PLURAL, PARTICLES, lemmas, verb_forms

#: Words after which a phrase's head noun has ended ("copy *of* the database").
_HEAD_BREAKS = frozenset(
    "of for to in on with that which who from at by across between per when where after before during than "
    "as into about ( - , while".split()
)
_BE = frozenset("is are was were be been being am 's 're".split())
_PERFECT_OR_PASSIVE = frozenset(
    "have has had having been be being is are was were 's 've 'd get got gets getting am".split()
)
#: Nouns with no plural in ordinary business English.
_UNCOUNTABLE = frozenset(
    "staff software hardware data information equipment feedback downtime traffic storage capacity "
    "access memory compute spend research evidence advice".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")


@lru_cache(maxsize=65536)
def is_plural_noun(word: str) -> bool:
    """'pods', 'VMs', 'outages' are plural; 'data', 'DNS', 'TLS', 'status' are not."""
    if ACRONYM_PLURAL.match(word):
        return True
    if word.isupper():
        return False
    lower = word.lower()
    nouns = lemmas(lower).get("NOUN", ())
    if _plural_of_one(lower, nouns):  # 'pools', though the dictionary lists 'pools' as a noun too
        return True
    return bool(nouns) and lower.endswith("s") and lower not in nouns and not lower.endswith("ss")


def _plural_of_one(lower: str, nouns: tuple[str, ...]) -> bool:
    return any(lower in (noun + "s", noun + "es", noun[:-1] + "ies") for noun in nouns if noun != lower)


def is_listed_plural(word: str) -> bool:
    """A plural the dictionary itself lists ('pools' of 'pool'), not one guessed from a final 's' ('Postgres')."""
    lower = word.lower()
    return _plural_of_one(lower, getAllLemmas(lower).get("NOUN", ()))


def verb_tag(word: str, previous: str, known_verb: bool = False) -> str | None:
    """The Penn tag of an inflected verb (VBD, VBN, VBG, VBZ), or None for the base form.

    Acronyms and product names ('DNS', 'Memcached') are never read as verbs. `known_verb` says the
    glossary lists the word as a verb even where the dictionary does not ('sunset')."""
    if any(c.isupper() for c in word[1:]):
        return None
    lower = word.lower()
    if lower.endswith(("'d", "’d")) and len(lower) > 3:  # chat shorthand: "repro'd", "ack'd"
        return "VBN" if previous.lower() in _PERFECT_OR_PASSIVE else "VBD"
    verbs = lemmas(lower).get("VERB") or ((lower,) if known_verb else ())
    if not verbs:
        return None
    if lower == verbs[0]:  # 'will be sunset': a base-looking participle after 'be'
        return "VBN" if previous.lower() in _BE | {"get", "got"} else None
    forms = verb_forms(verbs[0])
    tags = {tag for tag, values in forms.items() if lower in values}
    for tag in ("VBG", "VBZ"):
        if tag in tags:
            return tag
    if tags & {"VBD", "VBN"}:
        if "VBN" not in forms or {"VBD", "VBN"} <= tags:  # regular verb: 'rolled' is either
            return "VBN" if previous.lower() in _PERFECT_OR_PASSIVE else "VBD"
        return "VBN" if "VBN" in tags else "VBD"
    return None


@lru_cache(maxsize=4096)
def past_like_base(word: str) -> bool:
    """A verb whose simple past may be its base form: 'cut', 'put', 'set', 'shut', or one the
    dictionary knows only as a noun ('we sunset the API last week')."""
    lower = word.lower()
    verbs = lemmas(lower).get("VERB", ())
    return not verbs or (lower == verbs[0] and lower in verb_forms(lower).get("VBD", ()))


def reads_after(previous: str, rendering: str) -> bool:
    """False where a rendering that opens with a simple past ('ran out of memory') would follow
    an auxiliary ('were ran out of memory'); 'stopped' and 'shut down' read as participles too."""
    if previous.lower() not in _PERFECT_OR_PASSIVE:
        return True
    first = rendering.split(" ", 1)[0].lower()
    verbs = lemmas(first).get("VERB")
    if not verbs:
        return True
    forms = verb_forms(verbs[0])  # a regular verb lists no VBN: its participle is its past
    return "VBN" not in forms or first not in forms.get("VBD", ()) or first in forms["VBN"]


#: Auxiliaries by tense. Matching is by lemma, so a phrase entry written 'website is down' also
#: matches 'website was down', and its rendering must say 'was' too.
_PAST = {"is": "was", "are": "were", "am": "was", "has": "had", "have": "had", "does": "did", "do": "did",
         "isn't": "wasn't", "aren't": "weren't", "hasn't": "hadn't", "haven't": "hadn't", "doesn't": "didn't",
         "don't": "didn't"}
_PRESENT = {"was": "is", "were": "are", "had": "has", "did": "does", "wasn't": "isn't", "weren't": "aren't",
            "hadn't": "hasn't", "didn't": "doesn't"}
_AUXILIARIES = "|".join(sorted(map(re.escape, {*_PAST, *_PRESENT}), key=len, reverse=True))
_AUXILIARY = re.compile(rf"\b(?:{_AUXILIARIES})\b", re.IGNORECASE)


def tense_of(phrase: str) -> str | None:
    """'past' or 'present', by the phrase's first auxiliary ('site was down'); None without one."""
    found = _AUXILIARY.search(phrase.replace("’", "'"))
    if found is None:
        return None
    return "past" if found.group().lower() in _PRESENT else "present"


def put_in_tense(rendering: str, tense: str) -> str:
    """The rendering with its first auxiliary in `tense`: ('service is unavailable', 'past') ->
    'service was unavailable'."""
    found = _AUXILIARY.search(rendering)
    if found is None:
        return rendering
    word = found.group()
    changed = (_PAST if tense == "past" else _PRESENT).get(word.lower())
    if changed is None:
        return rendering
    changed = changed.capitalize() if word[0].isupper() else changed
    return rendering[: found.start()] + changed + rendering[found.end():]


def is_verb(rendering: str) -> bool:
    """A rendering that can be a verb: one word ('reattempt'), or one with particles or '-ly' adverbs
    after it ('fill in', 'launch quietly'); not 'repeat try'."""
    first, *rest = rendering.lower().split(" ")
    return bool(lemmas(first).get("VERB")) and all(w in PARTICLES or w.endswith("ly") for w in rest)


def ends_in_noun(rendering: str) -> bool:
    """True for a rendering that ends in a noun ('urgent incident'; not 'urgent' nor 'minor', which
    alone reads as an adjective)."""
    head, _, last = rendering.rpartition(" ")
    found = lemmas(last.lower())
    return "NOUN" in found and (bool(head) or "ADJ" not in found)


def is_progressive(previous: str) -> bool:
    """'is patching': an -ing form after a form of 'be' is a verb, not a noun like 'routing'."""
    return previous.lower() in _BE


@lru_cache(maxsize=8192)
def pluralize(phrase: str) -> str:
    """Make the head noun of a noun phrase plural: 'copy of the database' -> 'copies of ...'."""
    words = phrase.split(" ")
    head = len(words) - 1
    for i, word in enumerate(words):
        if (i and word.lower() in _HEAD_BREAKS) or word.startswith("("):
            head = i - 1
            break
    if head < len(words) - 1:  # 'change put up for review' -> 'changes put up for review'
        while head and (words[head].lower() in PARTICLES or "NOUN" not in lemmas(words[head].lower())):
            head -= 1
    stem, hyphen, word = words[head].rpartition("-")  # 'hang-up' -> 'hang-ups', 'line-item' -> 'line-items'
    if not word.isalpha() or word.lower() in _UNCOUNTABLE or is_plural_noun(word):
        return phrase
    plural = getInflection(word.lower(), tag="NNS") if word.lower() not in PARTICLES else None
    words[head] = stem + hyphen + (plural[0] if plural else word + "s")
    return " ".join(words)


@lru_cache(maxsize=8192)
def inflect_verb(phrase: str, tag: str) -> str:
    """Put the first word of a verb phrase in the given tense: ('undo', 'VBD') -> 'undid'; a hyphenated
    verb by its last part: ('re-sort', 'VBD') -> 're-sorted'."""
    first, _, rest = phrase.partition(" ")
    prefix, hyphen, verb = first.rpartition("-")
    forms = getInflection(verb.lower(), tag=tag)
    if not forms or not lemmas(verb.lower()).get("VERB"):
        return phrase
    return f"{prefix}{hyphen}{forms[0]} {rest}".rstrip()


#: Words spelled with a vowel but said with a consonant sound, and the reverse.
_A_BEFORE_VOWEL = re.compile(r"^(?:uni|use|usu|ura|uro|euro?|eu|one|once|ubiq|utili|ufo)", re.IGNORECASE)
_AN_BEFORE_CONSONANT = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)
#: Letters whose spoken name starts with a vowel sound (an FTE, an SLA, an MFA prompt).
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def article_for(phrase: str, original: str) -> str:
    """'a' or 'an' for the phrase, in the capitalisation of the article it replaces."""
    match = _WORD.search(phrase)
    word = match.group() if match else ""
    if len(word) > 1 and word.isupper():
        vowel_sound = word[0] in _VOWEL_SOUND_LETTERS
    elif _A_BEFORE_VOWEL.match(word):
        vowel_sound = False
    elif _AN_BEFORE_CONSONANT.match(word):
        vowel_sound = True
    else:
        vowel_sound = word[:1].lower() in "aeiou"
    article = "an" if vowel_sound else "a"
    return article.capitalize() if original[:1].isupper() else article


def capitalize_first(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]

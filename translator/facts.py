"""The fact lock: every number, time, date, version, id, address and system name in the input.

Locked facts are never matched by the glossary and must all appear in the output; the output
may hold no number the input did not. A duration may be written out in full (42m -> 42 minutes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FULL_MONTH = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
_ZONE = r"(?:\s?(?:UTC|GMT|Z|[ECMP][SD]T|CES?T|BST|IST|AEST|JST)\b)?"
_TLD = r"(?:com|net|org|io|dev|app|cloud|internal|local|lan|corp|ai|co|uk|de|eu|us|fr|nl|se|no|dk|prod|svc)"

#: Alternatives in priority order: at one position the first that matches wins.
#: Repetitions that can scan far and then fail are bounded (labels of 63, local parts of 64...):
#: unbounded, a 60 KB run such as "a.a.a.a..." or "1-1-1-..." took minutes (quadratic backtracking).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("url", r"(?:https?|ftp)://[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]|\bwww\.[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]"),
    ("email", r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,10}\b"),
    ("code", r"`[^`\n]{1,1000}`"),
    ("cve", r"\b(?:CVE|GHSA)-\d{4}-[\dA-Za-z-]{4,40}\b"),
    ("ticket", r"(?<![\w-])[A-Z][A-Z0-9]{1,9}-\d+\b(?!\.\d)|(?<![\w&#])#\d+\b"),
    ("ip", r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\d.]\d)|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b"),
    ("date", r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
             r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
             rf"|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
             rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}}\b)?"
             rf"|\b{_FULL_MONTH}(?:\s+\d{{4}})?\b|\bMay\s+\d{{4}}\b"
             r"|\bQ[1-4](?:\s?(?:FY)?'?\d{2}(?:\d{2})?)?\b|\b(?:FY|CY)\s?'?\d{2}(?:\d{2})?\b|\bH[12]\s\d{4}\b"
             r"|\b(?:[Tt]oday|[Tt]omorrow|[Yy]esterday|[Tt]onight)\b"),
    ("weekday", r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b"),
    ("time", rf"\b\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s?[AaPp]\.?[Mm]\b)?{_ZONE}"
             rf"|\b\d{{1,2}}(?:\.\d{{2}})?\s?[AaPp]\.?[Mm]\b{_ZONE}"),
    # HTTP status codes: 'HTTP 502', 'error 503', '502s', '429 errors' (a round '500 errors' may be a count).
    ("status", r"\b(?:HTTP|[Ee]rror)[ /-]?[1-5]\d\d(?:s\b|\s(?:errors?|responses?)\b)?(?!\.\d)"
               r"|\b[45]\d\ds\b|\b(?!400|500)[45]\d\d\s(?:errors?|responses?)\b"),
    ("version", r"\b[vV]\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.]+)?\b|\b\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?\b"),
    ("hostname", rf"\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.){{1,16}}{_TLD}\b(?!\.\w)"
                 r"|\b[a-z][a-z0-9]{0,62}(?:-[a-z0-9]{1,62}){0,10}\d(?:\.[a-z][a-z0-9-]{0,62}){1,16}\b"),
    ("money", r"(?:[$€£¥]|\b(?:USD|EUR|GBP)\s?)\d(?:[\d,]*\d)?(?:\.\d+)?"
              r"(?:\s?(?:[kKmMbB]n?|million|billion|thousand)\b)?"
              r"|\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:[kKmMbB]n?\s?|million\s|billion\s|thousand\s)?(?:USD|EUR|GBP|dollars|euros|pounds)\b"),
    ("percent", r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)"),
    ("duration", r"\b\d+\s?(?:d|h|hr|hrs)\s?\d+\s?(?:m|min|mins)\b(?:\s?\d+\s?s\b)?|\b\d+\s?m\s?\d+\s?s\b"
                 r"|\b\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\b"
                 r"|\b\d+(?:\.\d+)?\s?(?:msecs?|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?"
                 r"|(?:business |working )?days?|wks?|weeks?|months?|yrs?|years?)\b"),
    ("quantity", r"\b\d+(?:\.\d+)?\s?(?:[KMGTPE]i?B|[KMGT]bps|bps|[kKM]?rps|qps|req/s|rpm|[tT][pP][sS]|ops/s"
                 r"|vCPUs?|cores?|[GM]Hz|x)\b|\b\d+(?:\.\d+)?[kKMB]\b"),
    ("name", r"\b(?:Sprint|Release|Phase|Wave|Milestone|Iteration|Increment|Stage|Step|Tier|Level|Build|Gen"
             r"|Generation|Windows|Win|iOS|Android|macOS|Ubuntu|Debian|RHEL|Java|Python|Node|PostgreSQL|Postgres"
             r"|MySQL|Redis|Kafka|Office|Server|SOC|ISO|IEC|NIST|SP|Type|Wi-Fi|WiFi|HTTP|IPv|TLS)\s?\d+(?:\.\d+)*\b"),
    ("identifier", r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b"
                   r"|\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b"
                   r"|\b[a-z]+(?:[A-Z][a-z0-9]+)+[A-Z]?\b"
                   r"|\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b|\b[A-Z]{2,}[a-z]{2,}[A-Za-z]*\b"
                   r"|\b[\w-]{1,200}\.(?:ya?ml|json|py|js|ts|go|rs|java|sh|conf|cfg|ini|toml|log|csv|sql|tf|xml|html?|md|txt|env)\b"
                   r"|(?<![\w/.])(?:/[\w.-]+){2,}/?"),
    ("network", r"(?<![\w/])/\d{1,2}\b"),
    ("ordinal", r"\b\d+(?:st|nd|rd|th)\b"),
    ("number", r"(?<![\w.,])\d(?:[\d,]*\d)?(?:\.\d+)?(?![\w])"),  # '412, so': the comma ends the clause
)
#: No fact starts inside a word, so one look-behind spares trying every alternative there. And a
#: fact that starts with a small letter has a character other than a small letter in its first run
#: ('checkout-svc', 'fe80::1', 'v2', 'iOS 17', 'eventBus') or is a relative day or 'error 503': the look-ahead
#: spares plain words ('the', 'restarted,') and spaces every alternative: 3x faster on the postmortems.
_STARTS = r"(?![a-z\s])|(?=[a-z]+[^\sa-z,;!?)\]}'\"\u2019\u201d])|(?=today|tomorrow|yesterday|tonight|error\s\d)"
_FACT = re.compile(rf"(?<!\w)(?:{_STARTS})(?:" + "|".join(f"(?P<{name}>{p})" for name, p in _PATTERNS) + ")")

#: Parts that make a hyphenated lower-case word a system name rather than ordinary English.
_SYSTEM_PARTS = frozenset(
    "svc api db srv app web job cron worker workers service server gateway proxy queue cache "
    "cluster prod stg staging dev qa uat k8s bot lb ui fe be etl sync auth router handler consumer producer "
    "scheduler controller agent daemon engine store registry broker bus hub manager importer exporter".split()
)
_UNITS = {"ms": "milliseconds", "s": "seconds", "m": "minutes", "h": "hours", "hr": "hours", "hrs": "hours",
          "d": "days", "w": "weeks", "min": "minutes", "mins": "minutes"}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s?(ms|hrs|hr|mins|min|s|m|h|d|w)\b")
#: Words before a bare "42m" that say it is minutes, not millions.
_TIME_CUES = frozenset(
    "mttr mttd mtta mtbf took take takes lasted last for after within in over under about around down "
    "outage downtime latency duration delay delayed recovered restored of".split()
)


@dataclass(frozen=True, slots=True)
class Fact:
    """A locked span of the input; `plain` is an accepted spelled-out form, if any."""

    kind: str
    text: str
    start: int
    end: int
    plain: str | None = None
    #: Why the plain form replaces the text, for the ledger, and the glossary layer it came from.
    note: str = "Written out in full."
    layer: str = "builtin"

    def forms(self) -> tuple[str, ...]:
        """The spellings that keep this fact: as written, or the plain form (with a capital at a sentence start)."""
        if self.plain is None:
            return (self.text,)
        return self.text, self.plain, self.plain[:1].upper() + self.plain[1:]


@lru_cache(maxsize=4096)
def _is_system_name(word: str) -> bool:
    parts = re.split(r"[-_.]", word.lower())
    if "_" in word or len(parts) > 3 or any(c.isdigit() for c in word) or any(c.isupper() for c in word):
        return True
    return any(p in _SYSTEM_PARTS or zipf_frequency(p, "en") < 2.5 for p in parts)


def _plural_number(number: str, before: str) -> bool:
    """'the 1990s', 'Catalyst 9300s', 'Latitude 7450s': an 's' that makes a plural of a year or a
    model number, not seconds."""
    words = before.split()
    named = len(words) >= 2 and words[-1][:1].isupper() and words[-2][-1:] not in ".!?:"
    return len(number) >= 4 or (bool(words) and words[-1].lower() == "the") or named


def spell_duration(text: str, before: str) -> str | None:
    """'48h' -> '48 hours', '2.3s' -> '2.3 seconds'; None when it stays as written.

    Minutes keep their compact form with the unit named after it ('42m (minutes)'), because
    a bare '42' after the change would read, to people and to number checks alike, as a new
    figure; and a bare 'm' is only read as minutes when a word just before it says so.
    """
    parts = _DURATION_PART.findall(text)
    if not parts or _DURATION_PART.sub("", text).strip():
        return None
    if any(u.startswith("min") for _, u in parts):  # '9 min' already reads as words
        return None
    if len(parts) == 1 and parts[0][1] == "s" and _plural_number(parts[0][0], before):
        return None
    units = [_UNITS[u] for _, u in parts]
    if "minutes" not in units:
        return " ".join(f"{n} {unit[:-1] if n == '1' else unit}" for (n, _), unit in zip(parts, units, strict=True))
    if len(parts) == 1 and parts[0][1] == "m":
        cue = re.findall(r"[A-Za-z]+", before[-40:])
        if not cue or cue[-1].lower() not in _TIME_CUES:
            return None
    return f"{text} ({' and '.join(units)})"


def find_facts(text: str, is_term: Callable[[str], bool] = lambda _: False, *, spell_out: bool = False) -> list[Fact]:
    """Every fact in `text`, in order. `is_term` tells which identifiers are glossary terms
    (those are matched, not locked); `spell_out` adds the written-out form of durations."""
    facts: list[Fact] = []
    for m in _FACT.finditer(text):
        kind = m.lastgroup or "number"
        value = m.group()
        if kind == "identifier" and (is_term(value) or not _is_system_name(value)):
            continue
        plain = spell_duration(value, text[: m.start()]) if spell_out and kind == "duration" else None
        facts.append(Fact(kind, value, m.start(), m.end(), plain))
    return facts


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
#: The look-ahead on first letters spares trying every word at every position: twice as fast.
_NUMBER_WORD = re.compile(r"\b(?=[TtFfSsEeNn])(" + "|".join(list(_NUMBER_WORDS)[2:]) + r")\b", re.IGNORECASE)


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised (1,200 -> 1200; 2.50 -> 2.5; 'three' -> 3)."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value.lstrip("0") or "0")
    found.update(_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text))
    return found


@dataclass(frozen=True)
class FactCheck:
    """What the verify stage found: facts locked, those missing from the output, numbers added."""

    locked: list[str]
    missing: list[str]
    added: list[str]

    @property
    def holds(self) -> bool:
        return not self.missing and not self.added


def verify(facts: Iterable[Fact], source: str, output: str) -> FactCheck:
    """Check that every locked fact is in the output and no number was invented."""
    locked: dict[str, tuple[str, ...]] = {}
    for fact in facts:
        locked.setdefault(fact.text, fact.forms())
    missing = [text for text, forms in locked.items() if not any(f in output for f in forms)]
    added = sorted(numbers(output) - numbers(source), key=lambda v: (len(v), v))
    return FactCheck(list(locked), missing, added)

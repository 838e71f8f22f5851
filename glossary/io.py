"""Glossary import and export: CSV, TSV and TBX-Basic (ISO 30042:2019, TBX v3, DCA style).

Reading is all-or-nothing: every bad row is collected and reported at once in `ImportProblems`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.etree import ElementTree as ET
from xml.parsers import expat

from pydantic import ValidationError

from glossary.entry import Entry, Mode, PartOfSpeech

Format = Literal["csv", "tsv", "tbx"]
FORMATS: tuple[Format, ...] = ("csv", "tsv", "tbx")
MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "tbx": "application/x-tbx+xml; charset=utf-8",
}
MAX_ROWS = 50_000
COLUMNS = ("source", "aliases", "renderings", "explanation", "category", "direction", "mode", "pos")
SEPARATOR = " | "


@dataclass(frozen=True)
class RowProblem:
    """One problem in an imported file: `row` is the 1-based data row or term entry, 0 for the whole file."""

    row: int
    field: str | None
    message: str


class ImportProblems(ValueError):
    """An import that was refused, with every problem found."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(f"row {p.row}{f' ({p.field})' if p.field else ''}: {p.message}" for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problem(s): {shown}{more}")


def read_entries(data: bytes, fmt: Format) -> list[Entry]:
    """Parse and validate a whole file; raise `ImportProblems` listing every bad row."""
    rows = _tbx_rows(data) if fmt == "tbx" else _table_rows(data, "\t" if fmt == "tsv" else ",")
    entries: list[Entry] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for row, fields, found in rows:
        problems.extend(found)
        if found:
            continue
        try:
            entry = Entry.model_validate(fields)
        except ValidationError as exc:
            problems.extend(_validation_problems(row, exc))
            continue
        key = entry.source.casefold()
        if key in first_row:
            problems.append(duplicate_source(row, entry.source, first_row[key]))
            continue
        first_row[key] = row
        entries.append(entry)
    if problems:
        raise ImportProblems(problems)
    return entries


def write_entries(entries: Iterable[Entry], fmt: Format) -> bytes:
    """Serialize entries; `read_entries` of the result gives the same entries back."""
    if fmt == "tbx":
        return _write_tbx(entries)
    buffer = io.StringIO()
    delimiter, terminator = ("\t", "\n") if fmt == "tsv" else (",", "\r\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.source,
                _join(entry.aliases),
                _join(entry.renderings),
                entry.explanation,
                entry.category,
                entry.direction.value,
                entry.mode.value,
                entry.pos.value,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def duplicate_source(row: int, source: str, first: int) -> RowProblem:
    return RowProblem(row, "source", f"duplicate source {source!r} (first at row {first})")


# A parsed row: its number, the fields for `Entry`, and the problems found before validation.
_Row = tuple[int, dict[str, Any], list[RowProblem]]


def _validation_problems(row: int, exc: ValidationError) -> Iterator[RowProblem]:
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else None
        yield RowProblem(row, field, error["msg"].removeprefix("Value error, "))


def _too_many() -> ImportProblems:
    return ImportProblems([RowProblem(0, None, f"more than {MAX_ROWS} rows: split the file")])


# --- CSV and TSV ---------------------------------------------------------------------------------

_UNDECODABLE = re.compile("[\udc80-\udcff]")
_LIST_ITEM = re.compile(r"(?:\\.|\\$|[^\\|])+", re.DOTALL)


def _join(items: Sequence[str]) -> str:
    return SEPARATOR.join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def _split(cell: str) -> list[str]:
    """Split on unescaped '|', dropping blank items; '\\|' is a literal bar and '\\\\' a backslash."""
    return [re.sub(r"\\([\\|])", r"\1", item) for item in _LIST_ITEM.findall(cell) if item.strip()]


def _table_rows(data: bytes, delimiter: str) -> Iterator[_Row]:
    # surrogateescape keeps undecodable bytes so that each bad row can be named.
    text = data.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip().casefold() for name in next(reader, [])]
    except csv.Error as exc:
        raise ImportProblems([RowProblem(0, None, f"unreadable header: {exc}")]) from exc
    _check_header(header)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            yield row, {}, [RowProblem(row, None, f"malformed: {exc}")]
            continue
        if cells is None:
            return
        if row > MAX_ROWS:
            raise _too_many()
        if any(cell.strip() for cell in cells):
            yield _table_row(row, header, cells)


def _check_header(header: list[str]) -> None:
    problems = [RowProblem(0, name or None, "unknown column") for name in header if name not in COLUMNS]
    problems += [RowProblem(0, name, "duplicate column") for name in set(header) if header.count(name) > 1]
    if "source" not in header:
        problems.append(RowProblem(0, "source", f"missing column (expected: {', '.join(COLUMNS)})"))
    if problems:
        raise ImportProblems(problems)


def _table_row(row: int, header: list[str], cells: list[str]) -> _Row:
    problems = []
    if len(cells) != len(header):
        problems.append(RowProblem(row, None, f"has {len(cells)} cells, the header has {len(header)}"))
    pairs = list(zip(header, cells, strict=False))
    problems += [RowProblem(row, name, "not valid UTF-8") for name, cell in pairs if _UNDECODABLE.search(cell)]
    fields: dict[str, Any] = {}
    for name, cell in pairs:
        if name in ("aliases", "renderings"):
            fields[name] = _split(cell)
        elif cell.strip() or name not in ("direction", "mode", "pos"):
            fields[name] = cell  # a blank direction, mode or pos takes the default
    return row, fields, problems


# --- TBX ---------------------------------------------------------------------------------------

TBX_NS = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {
    Mode.REPLACE: "preferredTerm-admn-sts",
    Mode.KEEP: "admittedTerm-admn-sts",
    Mode.FORBID: "deprecatedTerm-admn-sts",
}
_MODE_OF_STATUS = {status: mode for mode, status in _STATUS.items()} | {"supersededTerm-admn-sts": Mode.FORBID}
# TBX-Basic's partOfSpeech picklist has no "phrase": "other" stands for it.
_TBX_POS = {PartOfSpeech.NOUN: "noun", PartOfSpeech.VERB: "verb", PartOfSpeech.ADJECTIVE: "adjective"}
_POS_OF_TBX = {tbx: pos for pos, tbx in _TBX_POS.items()} | {"properNoun": PartOfSpeech.NOUN}
_ROLES = ("source", "alias", "rendering")
_DIRECTION_NOTE = "direction: "
# TBX v3 names first; TBX v2 (ISO 30042:2008) names are read too.
_ENTRY_TAGS = ("conceptEntry", "termEntry")
_LANG_TAGS = ("langSec", "langSet")
_TERM_TAGS = ("termSec", "tig", "ntig")


def _write_tbx(entries: Iterable[Entry]) -> bytes:
    ET.register_namespace("", TBX_NS)
    root = ET.Element(_q("tbx"), {"type": "TBX-Basic", "style": "dca", _XML_LANG: "en"})
    source_desc = ET.SubElement(ET.SubElement(ET.SubElement(root, _q("tbxHeader")), _q("fileDesc")), _q("sourceDesc"))
    ET.SubElement(source_desc, _q("p")).text = "Exported by the jargon translator"
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for number, entry in enumerate(entries, start=1):
        concept = ET.SubElement(body, _q("conceptEntry"), {"id": f"c{number}"})
        ET.SubElement(concept, _q("descrip"), {"type": "subjectField"}).text = entry.category
        ET.SubElement(concept, _q("note")).text = _DIRECTION_NOTE + entry.direction.value
        lang = ET.SubElement(concept, _q("langSec"), {_XML_LANG: "en"})
        if entry.explanation:
            ET.SubElement(lang, _q("descrip"), {"type": "definition"}).text = entry.explanation
        source = _term(lang, entry.source, "source")
        ET.SubElement(source, _q("termNote"), {"type": "partOfSpeech"}).text = _TBX_POS.get(entry.pos, "other")
        ET.SubElement(source, _q("termNote"), {"type": "administrativeStatus"}).text = _STATUS[entry.mode]
        for alias in entry.aliases:
            _term(lang, alias, "alias")
        for rendering in entry.renderings:
            _term(lang, rendering, "rendering")
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _q(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def _term(lang: ET.Element, text: str, role: str) -> ET.Element:
    sec = ET.SubElement(lang, _q("termSec"))
    ET.SubElement(sec, _q("term")).text = text
    ET.SubElement(sec, _q("note")).text = role
    return sec


def _parse_xml(data: bytes) -> ET.Element:
    """Parse without DTDs or entity declarations (no entity expansion, no external fetches)."""

    def refuse(*_: object) -> None:
        raise ValueError("DTDs and entity declarations are not allowed")

    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda tag, attrs: builder.start(_clark(tag), {_clark(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda tag: builder.end(_clark(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError) as exc:
        raise ImportProblems([RowProblem(0, None, f"not a valid XML file: {exc}")]) from exc
    return builder.close()


def _clark(name: str) -> str:
    """expat's 'uri}local' to ElementTree's '{uri}local'."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) in names]


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _typed(element: ET.Element, tag: str, kind: str) -> ET.Element | None:
    return next((c for c in _children(element, tag) if c.get("type") == kind), None)


def _tbx_rows(data: bytes) -> Iterator[_Row]:
    root = _parse_xml(data)
    if _local(root.tag) not in ("tbx", "martif"):
        raise ImportProblems([RowProblem(0, None, f"not a TBX file: the root element is <{_local(root.tag)}>")])
    concepts = [element for element in root.iter() if _local(element.tag) in _ENTRY_TAGS]
    if len(concepts) > MAX_ROWS:
        raise _too_many()
    for row, concept in enumerate(concepts, start=1):
        yield _tbx_row(row, concept)


def _tbx_row(row: int, concept: ET.Element) -> _Row:
    """A term entry's first language section; terms carry a role note, else the first is the source."""
    problems: list[RowProblem] = []
    fields: dict[str, Any] = {}
    if (subject := _typed(concept, "descrip", "subjectField")) is not None:
        fields["category"] = _text(subject)
    for note in _children(concept, "note"):
        if _text(note).startswith(_DIRECTION_NOTE):
            fields["direction"] = _text(note).removeprefix(_DIRECTION_NOTE).strip()
    langs = _children(concept, *_LANG_TAGS)
    if not langs:
        return row, fields, [RowProblem(row, None, f"no <langSec> in term entry {concept.get('id', row)}")]
    lang = langs[0]
    definition = _typed(lang, "descrip", "definition")
    if definition is None:
        definition = _typed(concept, "descrip", "definition")
    if definition is not None:
        fields["explanation"] = _text(definition)
    terms: dict[str, list[ET.Element]] = {role: [] for role in _ROLES}
    for sec in _children(lang, *_TERM_TAGS):
        notes = {_text(note).strip() for note in sec.iter() if _local(note.tag) == "note"}
        role = next((r for r in _ROLES if r in notes), "rendering" if terms["source"] else "source")
        terms[role].append(sec)
    if len(terms["source"]) != 1:
        return row, fields, [RowProblem(row, "source", "needs exactly one source term")]
    source = terms["source"][0]
    fields["source"] = _term_text(source)
    fields["aliases"] = [_term_text(sec) for sec in terms["alias"]]
    fields["renderings"] = [_term_text(sec) for sec in terms["rendering"]]
    if (status := _term_note(source, "administrativeStatus")) is not None:
        if status in _MODE_OF_STATUS:
            fields["mode"] = _MODE_OF_STATUS[status]
        else:
            problems.append(RowProblem(row, "mode", f"unknown administrativeStatus {status!r}"))
    if (pos := _term_note(source, "partOfSpeech")) is not None:
        fields["pos"] = _POS_OF_TBX.get(pos, PartOfSpeech.PHRASE)
    return row, fields, problems


def _term_text(sec: ET.Element) -> str:
    return "".join(_text(term) for term in _children(sec, "term"))


def _term_note(sec: ET.Element, kind: str) -> str | None:
    note = next((n for n in sec.iter() if _local(n.tag) == "termNote" and n.get("type") == kind), None)
    return None if note is None else _text(note).strip()

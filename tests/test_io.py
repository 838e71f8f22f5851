"""Glossary import and export: exact round trips, and every bad row reported at once."""

from __future__ import annotations

import pytest

from glossary.entry import Direction, Entry, Mode, PartOfSpeech
from glossary.io import FORMATS, MAX_ROWS, Format, ImportProblems, RowProblem, read_entries, write_entries

TRICKY = [
    Entry(
        source="p99 latency",
        aliases=("tail latency", "a|b", "back\\slash", "end\\"),
        renderings=("slowest responses", 'the 1% slowest, "worst" requests'),
        explanation='How slow the slowest requests are.\nSecond line, with a tab\there; "quoted".',
        category="",
        direction=Direction.IT_TO_BUSINESS,
        mode=Mode.REPLACE,
        pos=PartOfSpeech.PHRASE,
    ),
    Entry(source="Kubernetes", mode=Mode.KEEP, category="platform", pos=PartOfSpeech.NOUN),
    Entry(
        source="grep",
        renderings=("search",),
        explanation="Ünïcödé <b>&amp;</b> ✓",
        mode=Mode.FORBID,
        direction=Direction.BUSINESS_TO_IT,
        pos=PartOfSpeech.VERB,
    ),
    Entry(source="flaky", renderings=("unreliable",), pos=PartOfSpeech.ADJECTIVE),
]


def problems_of(data: bytes, fmt: Format) -> list[RowProblem]:
    with pytest.raises(ImportProblems) as caught:
        read_entries(data, fmt)
    return caught.value.problems


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_export_is_exact(fmt: Format) -> None:
    exported = write_entries(TRICKY, fmt)
    imported = read_entries(exported, fmt)
    assert imported == TRICKY
    assert write_entries(imported, fmt) == exported


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_glossary_round_trips(fmt: Format) -> None:
    assert read_entries(write_entries([], fmt), fmt) == []


def test_csv_layout() -> None:
    text = write_entries(TRICKY[:2], "csv").decode()
    lines = text.splitlines()
    assert lines[0] == "source,aliases,renderings,explanation,category,direction,mode,pos"
    assert lines[1].startswith(r"p99 latency,tail latency | a\|b | back\\slash | end\\,")
    assert lines[-1] == "Kubernetes,,,,platform,both,keep,noun"


def test_hand_written_csv_is_forgiving() -> None:
    data = "\ufeffSource,Renderings,Mode,Direction\nMTTR , mean time to recovery | time to fix |,,\n\n".encode()
    [entry] = read_entries(data, "csv")
    assert entry == Entry(source="MTTR", renderings=("mean time to recovery", "time to fix"))


def test_tsv_reads_tabs() -> None:
    [entry] = read_entries(b"source\trenderings\tcategory\nSLA\tservice promise\tcontracts\n", "tsv")
    assert (entry.source, entry.renderings, entry.category) == ("SLA", ("service promise",), "contracts")


def test_every_bad_row_is_reported() -> None:
    data = (
        b"source,renderings,mode,pos\n"
        b"ok,fine,replace,noun\n"  # 1
        b"no renderings,,replace,noun\n"  # 2
        b"bad mode,x,sometimes,noun\n"  # 3
        b"bad \xff bytes,x,replace,noun\n"  # 4
        b"too,many,cells,noun,here\n"  # 5
        b",empty source,replace,noun\n"  # 6
        b"OK,duplicate,replace,noun\n"  # 7
    )
    problems = problems_of(data, "csv")
    assert sorted({p.row for p in problems}) == [2, 3, 4, 5, 6, 7]
    by_row = {p.row: p for p in problems}
    assert "needs at least one rendering" in by_row[2].message
    assert by_row[3].field == "mode"
    assert (by_row[4].field, by_row[4].message) == ("source", "not valid UTF-8")
    assert "cells" in by_row[5].message
    assert by_row[6].field == "source"
    assert by_row[7].message == "duplicate source 'OK' (first at row 1)"


def test_header_problems() -> None:
    [empty] = problems_of(b"", "csv")
    assert (empty.row, empty.field) == (0, "source")
    problems = problems_of(b"term,renderings,renderings\nx,y,z\n", "csv")
    assert {(p.field, p.message.split(" (")[0]) for p in problems} == {
        ("term", "unknown column"),
        ("renderings", "duplicate column"),
        ("source", "missing column"),
    }


def test_unterminated_quote_is_a_row_problem() -> None:
    problems = problems_of(b'source,renderings\nfine,ok\n"open,quote\n', "csv")
    assert [p.row for p in problems] == [2]


def test_too_many_rows_is_refused() -> None:
    data = b"source,mode\n" + b"".join(b"t%d,keep\n" % n for n in range(MAX_ROWS + 1))
    [problem] = problems_of(data, "csv")
    assert problem.row == 0 and str(MAX_ROWS) in problem.message


def test_tbx_is_tbx_basic_v3() -> None:
    text = write_entries(TRICKY[2:3], "tbx").decode()
    assert '<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">' in text
    assert '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>' in text
    assert '<descrip type="subjectField">general</descrip>' in text
    assert "<note>direction: business_to_it</note>" in text


def test_tbx_from_another_tool() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
    <martif type="TBX"><text><body>
      <termEntry id="t-1">
        <descrip type="subjectField">ops</descrip>
        <langSet xml:lang="en">
          <tig><term>downtime</term>
               <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
          <tig><term>service interruption</term></tig>
        </langSet>
      </termEntry>
    </body></text></martif>"""
    [entry] = read_entries(data, "tbx")
    assert entry == Entry(source="downtime", renderings=("service interruption",), category="ops", mode=Mode.FORBID)


def test_tbx_problems_name_the_term_entry() -> None:
    data = b"""<tbx type="TBX-Basic" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
      <conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>ok</term></termSec>
        <termSec><term>fine</term></termSec></langSec></conceptEntry>
      <conceptEntry id="c2"/>
      <conceptEntry id="c3"><langSec xml:lang="en"><termSec><term>x</term>
        <termNote type="administrativeStatus">obsolete</termNote></termSec></langSec></conceptEntry>
      <conceptEntry id="c4"><note>direction: sideways</note><langSec xml:lang="en">
        <termSec><term>y</term></termSec><termSec><term>z</term></termSec></langSec></conceptEntry>
    </body></text></tbx>"""
    problems = problems_of(data, "tbx")
    assert [(p.row, p.field) for p in problems] == [(2, None), (3, "mode"), (4, "direction")]
    assert "c2" in problems[0].message


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE tbx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><tbx>&b;</tbx>',
        b'<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tbx>&x;</tbx>',
        b'<!DOCTYPE tbx SYSTEM "http://example.invalid/tbx.dtd"><tbx/>',
    ],
)
def test_tbx_refuses_dtds_and_entities(data: bytes) -> None:
    [problem] = problems_of(data, "tbx")
    assert "not allowed" in problem.message


def test_tbx_refuses_other_xml() -> None:
    assert "root element is <html>" in problems_of(b"<html/>", "tbx")[0].message
    assert "not a valid XML file" in problems_of(b"<tbx>", "tbx")[0].message

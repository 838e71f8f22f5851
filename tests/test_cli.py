"""The `jargon` command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


def run(cli: list[str], *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*cli, *args], input=stdin, capture_output=True, timeout=120)


def test_translate_json_is_the_translation(jargon_cli: list[str]) -> None:
    done = run(jargon_cli, "translate", "--format", "json", "-", stdin=b"Our pods restarted at 09:15.")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"text", "brief", "direction", "engine", "terms", "facts", "unknown_jargon",
                           "readability", "warnings", "timings_ms"}
    assert "09:15" in result["text"] and result["facts"]["missing"] == []


def test_translate_business_to_it_from_a_file(jargon_cli: list[str], tmp_path: Path) -> None:
    request = tmp_path / "request.txt"
    request.write_text("Customers can't pay on the website.", encoding="utf-8")
    done = run(jargon_cli, "translate", "--direction", "business-to-it", str(request))
    assert done.returncode == 0 and b"payment" in done.stdout.lower()


def test_analyze_prints_terms(jargon_cli: list[str]) -> None:
    done = run(jargon_cli, "analyze", "-", stdin=b"The CDN cache missed.")
    assert done.returncode == 0 and b"CDN" in done.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", b"empty"),
        (b"\xff\xfe\xfa not utf-8", b"not valid UTF-8"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", b"binary"),
        (b"x" * (64 * 1024 + 1), b"limit"),
    ],
)
def test_bad_input_fails_clearly_without_a_traceback(jargon_cli: list[str], stdin: bytes, message: bytes) -> None:
    done = run(jargon_cli, "translate", "-", stdin=stdin)
    assert done.returncode != 0
    assert message in done.stderr and b"Traceback" not in done.stderr
    assert done.stdout == b""


def test_missing_file_is_a_clear_error(jargon_cli: list[str], tmp_path: Path) -> None:
    done = run(jargon_cli, "translate", str(tmp_path / "nope.txt"))
    assert done.returncode != 0 and b"cannot read" in done.stderr and b"Traceback" not in done.stderr


def test_glossary_list_filters(jargon_cli: list[str]) -> None:
    done = run(jargon_cli, "glossary", "list", "--direction", "business-to-it")
    lines = done.stdout.decode().splitlines()
    assert done.returncode == 0 and len(lines) >= 200
    assert all(line.split("\t")[3] in ("business_to_it", "both") for line in lines)


def test_glossary_lint_rejects_a_bad_file(jargon_cli: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "direction: it_to_business\nentries:\n"
        "  - {source: pod, renderings: [software container], explanation: A unit.}\n"
        "  - {source: pods thing, aliases: [Pod], renderings: [box], explanation: Dup.}\n"
        "  - {source: node, renderings: [machine running a pod], explanation: Jargon inside.}\n"
        "  - {source: SLA, renderings: [promise of 99% uptime], explanation: Invents a number.}\n",
        encoding="utf-8",
    )
    done = run(jargon_cli, "glossary", "lint", str(bad))
    out = done.stdout.decode()
    assert done.returncode == 1
    assert "conflict" in out and "jargon-in-rendering" in out and "invented-number" in out


def test_glossary_lint_passes_on_the_builtin_glossary(jargon_cli: list[str]) -> None:
    done = run(jargon_cli, "glossary", "lint")
    assert done.returncode == 0, done.stdout.decode()[-2000:]


def test_a_glossary_translation_never_loads_torch() -> None:
    """torch takes seconds to import; the CLI's glossary path and the tokenizer do not need it."""
    import sys

    script = ("import sys, service.cli; from translator import translate; translate('Two pods restarted.'); "
              "print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"

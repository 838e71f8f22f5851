"""The `jargon` command line: translate, analyze, serve, glossary list|lint."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from glossary import Direction, builtin_entries
from glossary.builtin import GlossaryFileError, load_file
from glossary.lint import lint
from translator import DEFAULT_MAX_BYTES, Format, TranslatorError, analyze, translate

app = typer.Typer(help="Translate IT jargon into business language and back.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
glossary_app = typer.Typer(help="Inspect and check glossaries.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


class CliDirection(str, Enum):
    IT_TO_BUSINESS = "it-to-business"
    BUSINESS_TO_IT = "business-to-it"

    @property
    def direction(self) -> Direction:
        return Direction(self.value.replace("-", "_"))


class OutputFormat(str, Enum):
    JSON = "json"
    TEXT = "text"


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def read_input(source: str) -> str:
    """Read FILE or '-' (stdin) as UTF-8 text; a binary or undecodable file is refused."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        fail(f"cannot read {source}: {exc.strerror}")
    if len(data) > DEFAULT_MAX_BYTES:
        fail(f"the input is {len(data)} bytes; the limit is {DEFAULT_MAX_BYTES} bytes")
    if b"\x00" in data:
        fail("the input contains NUL bytes: it looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"the input is not valid UTF-8 (byte {exc.start})")


Source = Annotated[str, typer.Argument(help="A text file, or - for standard input.")]
DirectionOpt = Annotated[CliDirection, typer.Option("--direction", "-d")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: the JSON result or the text.")]
InputFormatOpt = Annotated[Format, typer.Option("--input-format", help="How to read the input.")]


@app.command("translate")
def translate_command(
    source: Source = "-",
    direction: DirectionOpt = CliDirection.IT_TO_BUSINESS,
    output: FormatOpt = OutputFormat.TEXT,
    input_format: InputFormatOpt = Format.TEXT,
    explain: Annotated[bool, typer.Option(help="Keep each term and add its explanation.")] = False,
) -> None:
    """Translate a text; JSON output is the full Translation (terms, facts, readability)."""
    text = read_input(source)
    try:
        result = translate(text, direction=direction.direction, format=input_format, explain=explain)
    except TranslatorError as exc:
        fail(exc.message)
    if output is OutputFormat.JSON:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(result.text)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command("analyze")
def analyze_command(
    source: Source = "-",
    direction: DirectionOpt = CliDirection.IT_TO_BUSINESS,
    output: FormatOpt = OutputFormat.TEXT,
    input_format: InputFormatOpt = Format.TEXT,
) -> None:
    """List the jargon in a text, known and unknown, with its facts and readability."""
    text = read_input(source)
    try:
        result = analyze(text, direction=direction.direction, format=input_format)
    except TranslatorError as exc:
        fail(exc.message)
    if output is OutputFormat.JSON:
        typer.echo(result.model_dump_json(indent=2))
        return
    for term in result.known:
        rendering = term.renderings[0] if term.renderings else "(kept)"
        typer.echo(f"{term.term}\t-> {rendering}\t[{term.layer}] {term.explanation}")
    if result.unknown_jargon:
        typer.echo("unknown: " + ", ".join(result.unknown_jargon))
    typer.echo(f"grade {result.readability.grade:.1f}, jargon {result.readability.jargon_pct:.1f}%")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    local: Annotated[bool, typer.Option(help="Serve without API keys (loopback only).")] = False,
) -> None:
    """Serve the web page and the HTTP API with uvicorn."""
    import os

    import uvicorn

    if local:
        if host not in ("127.0.0.1", "localhost", "::1"):
            fail("local mode (no API keys) is only allowed on a loopback address")
        os.environ["JARGON_LOCAL_MODE"] = "true"
    uvicorn.run("service.app:create_app", factory=True, host=host, port=port, workers=workers)


@glossary_app.command("list")
def glossary_list(
    direction: Annotated[CliDirection | None, typer.Option("--direction", "-d")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    query: Annotated[str | None, typer.Option("--q", help="Only entries whose term contains this.")] = None,
) -> None:
    """List the built-in glossary, one entry a line."""
    for entry in builtin_entries():
        if direction and not entry.direction.serves(direction.direction):
            continue
        if category and entry.category != category:
            continue
        if query and not any(query.lower() in form.lower() for form in entry.forms):
            continue
        target = entry.renderings[0] if entry.renderings else "(kept)"
        typer.echo(f"{entry.source}\t{target}\t{entry.category}\t{entry.direction.value}\t{entry.mode.value}")


@glossary_app.command("lint")
def glossary_lint(
    files: Annotated[list[Path] | None, typer.Argument(help="Glossary YAML files (default: the built-in one).")] = None,
) -> None:
    """Check a glossary for duplicates, conflicts and jargon inside renderings."""
    try:
        entries = [e for f in files for e in load_file(f)] if files else list(builtin_entries())
    except (GlossaryFileError, OSError) as exc:
        fail(str(exc))
    problems = lint(entries)
    for problem in problems:
        typer.echo(str(problem))
    typer.echo(f"{len(entries)} entries, {len(problems)} problems", err=True)
    if problems:
        raise typer.Exit(1)


def main() -> None:
    app()

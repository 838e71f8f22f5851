"""The `jargon` command line: translate, analyze, serve, glossary list|lint."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal, NoReturn

import typer

from glossary import Direction, builtin_entries
from glossary.builtin import GlossaryFileError, load_file
from glossary.concepts import builtin_concepts
from glossary.io import ImportProblems, read_entries, write_entries
from glossary.lint import lint, lint_concepts
from glossary.store import NotFound, Store, StoreError
from models.polisher.cli import train_command
from service.settings import Settings
from translator import DEFAULT_MAX_BYTES, Format, TranslatorError, analyze, translate

app = typer.Typer(help="Translate IT jargon into business language and back.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
glossary_app = typer.Typer(help="Inspect, check, import and export glossaries.", no_args_is_help=True)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")
app.add_typer(keys_app, name="keys")


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
    """Check a glossary for duplicates, conflicts and jargon inside renderings (and, for the
    built-in one, its request concepts)."""
    try:
        entries = [e for f in files for e in load_file(f)] if files else list(builtin_entries())
        concepts = () if files else builtin_concepts()
    except (GlossaryFileError, OSError) as exc:
        fail(str(exc))
    problems = lint(entries) + lint_concepts(concepts)
    for problem in problems:
        typer.echo(str(problem))
    counted = f", {len(concepts)} request concepts" if concepts else ""
    typer.echo(f"{len(entries)} entries{counted}, {len(problems)} problems", err=True)
    if problems:
        raise typer.Exit(1)


def open_store() -> Store:
    """The store the server would use (JARGON_DATABASE_URL, or SQLite under JARGON_DATA_DIR)."""
    settings = Settings()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.resolved_database_url())
    try:
        store.migrate()
    except StoreError as exc:
        fail(str(exc))
    return store


Org = Annotated[str, typer.Option("--org", help="The organisation.")]
GlossaryName = Annotated[str, typer.Option("--name", help="The glossary's name.")]
FileFormat = Annotated[str, typer.Option("--format", help="csv, tsv or tbx.")]


def file_format(value: str) -> Literal["csv", "tsv", "tbx"]:
    if value not in ("csv", "tsv", "tbx"):
        fail(f"unknown format '{value}': use csv, tsv or tbx")
    return value  # type: ignore[return-value]


@glossary_app.command("import")
def glossary_import(
    file: Annotated[Path, typer.Argument(help="The file to import.")],
    org: Org,
    name: GlossaryName,
    fmt: FileFormat = "csv",
    dry_run: Annotated[bool, typer.Option(help="Report what would change; change nothing.")] = False,
    replace: Annotated[bool, typer.Option(help="Remove entries the file does not hold.")] = False,
) -> None:
    """Import a CSV/TSV/TBX file into a stored glossary (created if missing), all or nothing."""
    store = open_store()
    try:
        entries = read_entries(file.read_bytes(), file_format(fmt))
        try:
            store.get_glossary(org, name)
        except NotFound:
            if not dry_run:
                store.create_glossary(org, name, "", "cli")
        report = store.import_entries(org, name, entries, "cli", dry_run=dry_run,
                                      mode="replace" if replace else "merge")
    except ImportProblems as exc:
        for problem in exc.problems:
            typer.echo(f"row {problem.row}: {problem.field or '-'}: {problem.message}", err=True)
        fail(f"{len(exc.problems)} problem(s); nothing was imported")
    except (OSError, StoreError) as exc:
        fail(str(exc))
    verb = "would change" if dry_run else "changed"
    typer.echo(f"{verb}: {report.added} added, {report.updated} updated, {report.removed} removed, "
               f"{report.unchanged} unchanged")


@glossary_app.command("export")
def glossary_export(org: Org, name: GlossaryName, fmt: FileFormat = "csv") -> None:
    """Write a stored glossary to standard output."""
    store = open_store()
    try:
        data = write_entries(store.export_entries(org, name), file_format(fmt))
    except StoreError as exc:
        fail(str(exc))
    sys.stdout.buffer.write(data)


@keys_app.command("create")
def keys_create(
    org: Org,
    scope: Annotated[list[str], typer.Option("--scope", help="read, write or admin; repeat for several.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "cli",
) -> None:
    """Create an API key; its secret is printed once and only its hash is stored."""
    store = open_store()
    try:
        prefix, secret = store.create_key(org, name, scope)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(secret)
    typer.echo(f"created key {prefix} for {org} with scopes {', '.join(scope)}", err=True)


@keys_app.command("list")
def keys_list(org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None) -> None:
    """List API keys (never their secrets)."""
    for key in open_store().list_keys(org):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        typer.echo(f"{key.prefix}\t{key.org}\t{key.name}\t{','.join(key.scopes)}\t{state}")


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key's prefix, as listed.")]) -> None:
    """Revoke an API key at once."""
    try:
        open_store().revoke_key(prefix)
    except NotFound as exc:
        fail(str(exc))
    typer.echo(f"revoked {prefix}")


app.command("train")(train_command)


def main() -> None:
    app()

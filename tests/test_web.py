"""The web page in a real browser: Playwright driving Debian's Chromium against `jargon serve` on loopback.

One browser per session, one server per module (plus one key-requiring server for the API key test); every test
gets a fresh browser context. Screenshots of the main states go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_server import server

from glossary.store import Store

try:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, Route, expect, sync_playwright
except ImportError as exc:  # never skip silently: say what to install
    raise ImportError("the browser tests need Playwright: .venv/bin/pip install playwright==1.65.2") from exc

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
IT_UPDATE = ("Two pods restarted at 09:10 after an OOM kill; p99 latency rose 40% on the k8s cluster. "
             "CVE-2024-1234 was patched in v2.3.1.")
XSS_IMG = "<img src=x onerror=window.__xss=true>"  # no digit: a rendering may state no number the term lacks
XSS_SCRIPT = "<script>window.__xss=2</script>"
XSS_SVG = "<svg/onload=window.__xss=3>"
# Records CSP violations: if an injected handler ever reached the DOM, the CSP would block it and log one here.
WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

expect.set_options(timeout=15_000)


# --- fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); "
                    "`make test` does this", pytrace=False)
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pytest.fail(f"Chromium at {CHROMIUM} could not start: {exc}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local-mode server (no API keys) on a fresh database, shared by the tests of this module."""
    data = tmp_path_factory.mktemp("web")
    with server({"JARGON_DATA_DIR": str(data), "JARGON_RATE_LIMIT_PER_MINUTE": "0"}, "--local") as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def screenshots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@dataclass
class Watch:
    """What a page did that it must not: uncaught errors, CSP violations in the console, JS dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"console: {message.text}")

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def watch() -> Watch:
    return Watch()


def open_page(browser: Browser, url: str, watch: Watch, viewport: dict[str, int] = DESKTOP) -> Page:
    context = browser.new_context(viewport=viewport, accept_downloads=True)  # type: ignore[arg-type]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    context.add_init_script(WATCH_CSP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    page.on("console", watch.console)
    page.on("dialog", watch.dialog)
    page.goto(url + "/")
    expect(page.locator("#auth-status")).not_to_have_text("Connecting…")
    return page


@pytest.fixture
def page(browser: Browser, base: str, watch: Watch) -> Iterator[Page]:
    page = open_page(browser, base, watch)
    yield page
    violations = page.evaluate("window.__csp")
    page.context.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, f"a JavaScript dialog opened: {watch.dialogs}"
    assert violations == [], f"CSP violations: {violations}"


def shot(page: Page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def translate(page: Page, text: str, *, direction: str = "it_to_business", glossary: str = "") -> None:
    page.get_by_label("Text to translate").fill(text)
    page.locator(f'input[name="direction"][value="{direction}"]').check(force=True)
    if glossary:
        page.locator("#glossary-choice").select_option(glossary)
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translate-status")).to_have_text(re.compile(r"^Done"), timeout=60_000)
    expect(page.locator("#result")).to_be_visible()


def api(base: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    response = httpx.request(method, base + path, timeout=30, **kwargs)
    assert response.status_code < 400, response.text
    return response


def new_glossary(base: str, *entries: dict[str, Any]) -> str:
    name = f"g-{uuid.uuid4().hex[:8]}"
    api(base, "POST", "/v1/glossaries", json={"name": name})
    for entry in entries:
        api(base, "POST", f"/v1/glossaries/{name}/entries", json=entry)
    return name


def open_glossary(page: Page, name: str) -> None:
    page.get_by_role("link", name="Glossaries").click()
    expect(page.locator("#view-glossary")).to_be_visible()
    page.locator("#glossary-select").select_option(name)
    expect(page.locator("#glossary-meta")).to_contain_text("version")


def tip_of(page: Page, term: Any) -> Any:
    return page.locator("#" + term.get_attribute("aria-describedby"))


# --- the page and its headers -------------------------------------------------------------------------------


def test_page_security_headers_and_config(base: str) -> None:
    page = httpx.get(base + "/", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "no inline script"
    assert not re.search(r"<[^>]*\son\w+\s*=", page.text), "no inline event handlers"
    assert not re.search(r"<[^>]*\sstyle\s*=", page.text), "no inline styles"
    for name, media in (("app.js", "javascript"), ("glossary.js", "javascript"), ("app.css", "text/css")):
        static = httpx.get(f"{base}/static/{name}", timeout=10)
        assert static.status_code == 200 and media in static.headers["content-type"]
        assert static.headers["x-content-type-options"] == "nosniff"
        assert "innerHTML =" not in static.text and "eval(" not in static.text
    assert httpx.get(base + "/static/missing.js", timeout=10).json()["error"]["code"] == "not_found"
    assert httpx.get(base + "/v1/config", timeout=10).json() == {"local_mode": True, "auth": "none",
                                                                  "max_text_bytes": 65536}


# --- translate ----------------------------------------------------------------------------------------------


def test_translate_highlights_terms_with_explanations_on_hover_and_focus(page: Page) -> None:
    shot(page, "01-translate-empty")
    translate(page, IT_UPDATE)
    original = page.locator("#original-text .term")
    output = page.locator("#output-text .term")
    expect(original.first).to_be_visible()
    assert original.count() >= 5 and output.count() == original.count()
    assert "pods" in original.all_inner_texts()
    assert page.locator("#output-text").inner_text().startswith("Two ")
    expect(page.locator("#facts-badge")).to_have_text("✓ All 4 facts kept")
    expect(page.locator("#facts-badge")).to_have_class(re.compile("badge-ok"))

    # Hover: the original term, its plain explanation and the layer.
    pods = original.filter(has_text=re.compile(r"^pods$"))
    tip = tip_of(page, pods)
    expect(tip).to_be_hidden()
    pods.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Original: pods")
    expect(tip).to_contain_text("Meaning:")
    expect(tip).to_contain_text("From: built-in glossary")
    pair = page.locator(f'#output-text .term[data-pair="{pods.get_attribute("data-pair")}"]')
    expect(pair).to_have_class(re.compile("paired"))
    shot(page, "02-translate-result-hover", full_page=False)

    # Focus (keyboard): the output term's tooltip shows too, and Escape hides it.
    page.mouse.move(0, 0)
    second = output.nth(1)
    second.focus()
    tip = tip_of(page, second)
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Plain: " + second.inner_text())
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    # Readability chart, changed terms, no unknown jargon, copy as rich and plain text.
    expect(page.locator("#readability-chart .bar-row")).to_have_count(4)
    expect(page.locator("#changes-list li")).to_have_count(original.count())
    page.get_by_role("button", name="Copy result").click()
    expect(page.locator("#copy-status")).to_have_text("Copied, with formatting for email and documents.")
    clip = page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        return {types: item.types, text: await (await item.getType('text/plain')).text(),
                html: await (await item.getType('text/html')).text()};
    }""")
    assert set(clip["types"]) >= {"text/plain", "text/html"}
    assert clip["text"] == page.locator("#output-text").inner_text()
    assert "<p>" in clip["html"] and "09:10" in clip["html"]
    shot(page, "03-translate-result")


def test_business_to_it(page: Page) -> None:
    translate(page, "Customers cannot pay in the evenings and the website is slow.", direction="business_to_it")
    expect(page.locator("#output-text")).to_contain_text("payment failures", use_inner_text=True)
    term = page.locator("#original-text .term").filter(has_text="cannot pay")
    term.hover()
    expect(tip_of(page, term)).to_contain_text("Plain: hit payment failures")
    expect(page.locator("#facts-badge")).to_have_text("No numbers or dates to check")
    shot(page, "04-business-to-it")


def test_brief_warnings_missing_facts_loading_and_errors(page: Page) -> None:
    """Shapes the real API cannot produce here (no model stage): a brief and a missing fact, via a routed reply."""
    held: list[Route] = []
    page.route("**/v1/translate", lambda route: held.append(route))
    page.get_by_label("Text to translate").fill("The API gateway failed at 09:10.")
    page.get_by_label("Add an executive brief").check()
    page.keyboard.press("Control+Enter")
    button = page.locator("#translate-button")
    expect(button).to_be_disabled()
    expect(button).to_have_text("Translating…")
    expect(page.locator("#result")).to_have_attribute("aria-busy", "true")
    assert json.loads(held[0].request.post_data or "{}")["brief"] is True
    shot(page, "05-loading", full_page=False)
    held[0].fulfill(json={
        "text": "The front door for our systems failed.", "brief": "One outage in the morning; fixed.",
        "direction": "it_to_business", "engine": "model",
        "terms": [{"source": "API gateway", "target": "front door for our systems", "start": 4, "end": 15,
                   "layer": "glossary:ops", "note": "Where requests enter."}],
        "facts": {"locked": ["09:10"], "missing": ["09:10"], "added": []}, "unknown_jargon": [],
        "readability": {"before": {"grade": 9, "jargon_pct": 20}, "after": {"grade": 6, "jargon_pct": 0}},
        "warnings": ["The model rewrite was rejected."], "timings_ms": {},
    })
    expect(button).to_be_enabled()
    expect(page.locator("#brief")).to_be_visible()
    expect(page.locator("#brief-text")).to_have_text("One outage in the morning; fixed.")
    brief_box = page.locator("#brief").bounding_box()
    columns_box = page.locator(".columns").bounding_box()
    assert brief_box and columns_box and brief_box["y"] < columns_box["y"], "the brief sits above the text"
    expect(page.locator("#facts-badge")).to_have_text("⚠ Missing facts: 09:10")
    expect(page.locator("#warnings")).to_contain_text("The model rewrite was rejected.")
    term = page.locator("#original-text .term")
    expect(term).to_have_text("API gateway")
    term.focus()
    expect(tip_of(page, term)).to_contain_text("From: glossary “ops”")
    shot(page, "06-brief-and-missing-fact")

    # Errors in plain words: the API's own message, the server being down, an empty text.
    page.unroute("**/v1/translate")
    page.route("**/v1/translate", lambda route: route.fulfill(status=429, json={
        "error": {"code": "rate_limited", "message": "Too many requests; try again in 12 s."}}))
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translate-error")).to_have_text(
        "The text could not be translated: too many requests right now. Too many requests; try again in 12 s.")
    page.unroute("**/v1/translate")
    page.route("**/v1/translate", lambda route: route.abort())
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translate-error")).to_contain_text("could not reach the server")
    page.get_by_label("Text to translate").fill("   ")
    page.get_by_role("button", name="Translate", exact=True).click()
    expect(page.locator("#translate-error")).to_have_text("Paste or type some text to translate first.")
    shot(page, "07-error", full_page=False)


# --- glossary editor ----------------------------------------------------------------------------------------


def test_glossary_editor_add_edit_import_export_restore(page: Page, base: str, tmp_path: Path) -> None:
    name = f"ops-{uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="Glossaries").click()
    page.get_by_role("button", name="New glossary").click()
    page.get_by_label("Name").fill("not a valid name!")
    page.get_by_role("button", name="Create glossary").click()
    expect(page.locator("#new-glossary-name-error")).to_contain_text("Use only letters")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Description (optional)").fill("Operations terms")
    page.get_by_role("button", name="Create glossary").click()
    expect(page.locator("#glossary-select")).to_have_value(name)
    expect(page.locator("#entries-empty")).to_contain_text("no entries yet")

    # Add, with validation messages first.
    page.get_by_role("button", name="Add entry", exact=True).click()
    page.get_by_role("button", name="Add entry", exact=True).last.click()  # the editor's submit
    expect(page.locator("#entry-source-error")).to_have_text("Enter the term to translate.")
    expect(page.locator("#entry-renderings-error")).to_contain_text("at least one plain wording")
    expect(page.locator("#entry-source")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#editor-summary")).to_have_text("Fix the 2 highlighted fields.")
    shot(page, "08-glossary-validation")
    page.locator("#entry-source").fill("pod")
    page.locator("#entry-renderings").fill("shop server")
    page.locator("#entry-explanation").fill("One copy of our shop software.")
    page.locator("#entry-category").fill("platform")
    page.locator("#entry-direction").select_option("it_to_business")
    page.locator("#entry-save").click()
    expect(page.locator("#glossary-status")).to_have_text("Added “pod”.")
    row = page.locator("#entries-body tr").filter(has_text="pod")
    expect(row).to_contain_text("shop server")

    # A duplicate is refused with the server's reason next to the field.
    page.get_by_role("button", name="Add entry", exact=True).first.click()
    page.locator("#entry-source").fill("pod")
    page.locator("#entry-renderings").fill("other")
    page.locator("#entry-save").click()
    expect(page.locator("#entry-source-error")).to_contain_text("already has an entry")
    page.get_by_role("button", name="Cancel").first.click()

    # Edit.
    row.get_by_role("button", name="Edit “pod”").click()
    expect(page.locator("#entry-source")).to_have_value("pod")
    page.locator("#entry-renderings").fill("store server\nshop server")
    page.locator("#entry-save").click()
    expect(page.locator("#glossary-status")).to_have_text("Saved “pod”.")
    expect(row).to_contain_text("store server · shop server")
    shot(page, "09-glossary-entries")

    # Import: a file with a bad row is reported by row, nothing imported; a good file shows its dry run first.
    bad = tmp_path / "bad.csv"
    bad.write_text("source,renderings,mode\nqueue,,replace\n", encoding="utf-8")
    page.get_by_role("tab", name="Import & export").click()
    page.locator("#import-file").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator("#import-report-title")).to_contain_text("The file has problems")
    expect(page.locator("#import-problems tbody tr")).to_have_count(1)
    expect(page.locator("#import-apply")).to_be_hidden()
    good = tmp_path / "terms.csv"
    good.write_text("source,renderings,explanation,direction\n"
                    "pod,store server,One copy of our shop software.,it_to_business\n"
                    "queue,waiting line,Work waiting its turn.,both\n"
                    "daemon,background program,Runs on its own.,both\n", encoding="utf-8")
    page.locator("#import-file").set_input_files(str(good))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator("#import-report-title")).to_contain_text("Dry run")
    expect(page.locator('#import-report-list [data-count="to add"]')).to_have_text("2 to add")
    expect(page.locator('#import-report-list [data-count="to update"]')).to_have_text("1 to update")
    shot(page, "10-import-dry-run")
    entries = api(base, "GET", f"/v1/glossaries/{name}/entries").json()
    assert entries["total"] == 1, "a dry run saves nothing"
    page.get_by_role("button", name="Apply import").click()
    expect(page.locator("#glossary-status")).to_have_text("Imported terms.csv: 2 added, 1 updated, 0 removed.")
    assert api(base, "GET", f"/v1/glossaries/{name}/entries").json()["total"] == 3

    # Export: a download of every entry.
    page.locator("#export-format").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"{name}.csv"
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert exported.startswith("source,") and "waiting line" in exported and "daemon" in exported

    # History: restore the version before the import; the imported terms go, as a new version.
    page.get_by_role("tab", name="History").click()
    items = page.locator("#history-list li")
    expect(items.first).to_contain_text("Imported a file (merge): 2 added, 1 updated, 0 removed")
    before_import = items.nth(1)
    expect(before_import).to_contain_text("Changed “pod”")
    shot(page, "11-history")
    version = before_import.get_attribute("data-version")
    before_import.get_by_role("button", name=f"Restore version {version}").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    shot(page, "12-restore-confirm", full_page=False)
    page.locator("#confirm-ok").click()
    expect(page.locator("#glossary-status")).to_have_text(f"Restored version {version}: 0 added, 1 updated, 2 removed.")
    expect(items.first).to_contain_text(f"Restored version {version}")
    restored = api(base, "GET", f"/v1/glossaries/{name}/entries").json()["items"]
    assert [(e["source"], e["renderings"]) for e in restored] == [("pod", ["store server", "shop server"])]

    # Search and filter.
    page.get_by_role("tab", name="Entries").click()
    page.get_by_label("Search terms").fill("zzz")
    expect(page.locator("#entries-empty")).to_have_text("No entries match these filters.")
    page.get_by_label("Search terms").fill("po")
    expect(page.locator("#entries-body tr")).to_have_count(1)
    page.locator("#filter-category").select_option("platform")
    expect(page.locator("#entries-body tr")).to_have_count(1)

    # Delete (confirmed in the page's own dialog).
    page.locator("#entries-body").get_by_role("button", name="Delete “pod”").click()
    page.locator("#confirm-ok").click()
    expect(page.locator("#glossary-status")).to_have_text("Deleted “pod”.")
    assert api(base, "GET", f"/v1/glossaries/{name}/entries").json()["total"] == 0


def test_unknown_jargon_chip_opens_the_editor_and_the_new_term_is_applied(page: Page, base: str) -> None:
    name = new_glossary(base)
    page.reload()
    text = "Our FROBNICATOR daemon drained the queue at 10:00."
    translate(page, text, glossary=name)
    chip = page.locator("#unknown-list li").filter(has_text="FROBNICATOR")
    expect(chip).to_be_visible()
    shot(page, "13-unknown-jargon")
    chip.get_by_role("button", name="Add “FROBNICATOR” to a glossary").click()
    expect(page.locator("#view-glossary")).to_be_visible()
    expect(page.locator("#glossary-select")).to_have_value(name)
    expect(page.locator("#entry-source")).to_have_value("FROBNICATOR")
    expect(page.locator("#entry-renderings")).to_be_focused()
    page.keyboard.type("order sorter")
    page.locator("#entry-explanation").fill("Sorts incoming orders.")
    page.locator("#entry-save").click()
    expect(page.locator("#glossary-status")).to_have_text("Added “FROBNICATOR”.")
    page.get_by_role("link", name="Translate").click()
    translate(page, text, glossary=name)
    expect(page.locator("#output-text")).to_contain_text("order sorter", use_inner_text=True)
    term = page.locator("#output-text .term").filter(has_text="order sorter")
    term.hover()
    expect(tip_of(page, term)).to_contain_text(f"From: glossary “{name}”")


def test_a_stale_edit_is_shown_as_a_conflict_and_never_overwrites(page: Page, base: str) -> None:
    entry = {"source": "pod", "renderings": ["shop server"], "explanation": "Ours.", "direction": "it_to_business"}
    name = new_glossary(base, entry)
    stored = api(base, "GET", f"/v1/glossaries/{name}/entries").json()["items"][0]
    open_glossary(page, name)
    page.locator("#entries-body").get_by_role("button", name="Edit “pod”").click()
    page.locator("#entry-renderings").fill("mine")

    # Someone else saves first.
    api(base, "PUT", f"/v1/glossaries/{name}/entries/{stored['id']}", headers={"If-Match": f'"{stored["version"]}"'},
        json={**entry, "renderings": ["theirs"]})
    page.locator("#entry-save").click()
    conflict = page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Someone else changed this entry")
    expect(conflict).to_contain_text("Saved now: theirs")
    expect(conflict).to_contain_text("Yours: mine")
    shot(page, "14-conflict")
    current = api(base, "GET", f"/v1/glossaries/{name}/entries/{stored['id']}").json()
    assert current["renderings"] == ["theirs"], "the stale edit must not overwrite"

    page.get_by_role("button", name="Load the latest version").click()
    expect(page.locator("#entry-renderings")).to_have_value("theirs")
    page.locator("#entry-renderings").fill("theirs, improved")
    page.locator("#entry-save").click()
    expect(page.locator("#glossary-status")).to_have_text("Saved “pod”.")
    assert api(base, "GET", f"/v1/glossaries/{name}/entries/{stored['id']}").json()["renderings"] == [
        "theirs, improved"]

    # A stale delete is refused too, and the list reloads.
    api(base, "PUT", f"/v1/glossaries/{name}/entries/{stored['id']}", json={**entry, "renderings": ["again"]})
    page.locator("#entries-body").get_by_role("button", name="Delete “pod”").click()
    page.locator("#confirm-ok").click()
    expect(page.locator("#glossary-error")).to_contain_text("was changed by someone else")
    expect(page.locator("#entries-body tr")).to_contain_text("again")


def test_a_late_answer_for_another_glossary_never_replaces_the_chosen_ones_entries(page: Page, base: str) -> None:
    first = new_glossary(base, {"source": "node", "renderings": ["server"], "direction": "it_to_business"})
    second = new_glossary(base, {"source": "pod", "renderings": ["shop server"], "direction": "it_to_business"})
    open_glossary(page, second)
    held: list[Any] = []

    def hold(route: Any) -> None:  # the first glossary's entries answer late
        held.append(route)

    page.route(f"**/v1/glossaries/{first}/entries?*", hold)
    page.locator("#glossary-select").select_option(first)
    page.locator("#glossary-select").select_option(second)
    rows = page.locator("#entries-body")
    expect(rows.get_by_role("button", name="Edit “pod”")).to_be_visible()
    assert held, "the first glossary's entries were never asked for"
    with page.expect_response(lambda response: f"/{first}/entries" in response.url):
        for route in held:
            route.continue_()
    page.wait_for_timeout(200)  # the late answer has been handled
    expect(rows.get_by_role("button", name="Edit “pod”")).to_be_visible()
    expect(rows.get_by_role("button", name="Edit “node”")).to_have_count(0)


# --- safety -------------------------------------------------------------------------------------------------


def assert_no_injection(page: Page) -> None:
    assert page.evaluate("window.__xss") is None, "an injected handler ran"
    injected = page.evaluate("""() => ['#result', '#view-glossary', '#key-panel'].map(s =>
        document.querySelectorAll(s + ' img, ' + s + ' script, ' + s + ' svg').length)""")
    assert injected == [0, 0, 0], "markup from data reached the DOM"


def test_xss_payloads_are_shown_as_text_and_never_run(page: Page, base: str) -> None:
    payload = f"{XSS_IMG} {XSS_SCRIPT} {XSS_SVG}"
    name = new_glossary(base, {
        "source": "acmeware", "aliases": ["<b>acme</b>"], "renderings": [XSS_IMG],
        "explanation": XSS_SCRIPT, "category": "x<i>y</i>", "direction": "both",
    })
    page.reload()
    text = f"The pods restarted. {payload} Then acmeware failed at 09:10."
    translate(page, text, glossary=name)
    assert_no_injection(page)
    expect(page.locator("#original-text")).to_contain_text(XSS_IMG)
    expect(page.locator("#original-text")).to_contain_text(XSS_SCRIPT)
    expect(page.locator("#output-text")).to_contain_text(XSS_SVG, use_inner_text=True)
    term = page.locator("#output-text .term").filter(has_text="<img")
    expect(term).to_have_text(XSS_IMG)
    term.hover()
    expect(tip_of(page, term)).to_contain_text(XSS_SCRIPT)
    shot(page, "15-xss-translate")

    # Every other field of a result, through a routed reply.
    page.route("**/v1/translate", lambda route: route.fulfill(json={
        "text": payload, "brief": XSS_IMG, "direction": "it_to_business", "engine": XSS_SVG,
        "terms": [{"source": XSS_IMG, "target": XSS_IMG, "start": 0, "end": len(XSS_IMG), "layer": XSS_SCRIPT,
                   "note": XSS_SVG}],
        "facts": {"locked": [XSS_IMG], "missing": [XSS_SCRIPT], "added": [XSS_SVG]},
        "unknown_jargon": [XSS_IMG, XSS_SCRIPT],
        "readability": {"before": {"grade": 1, "jargon_pct": 1}, "after": {"grade": 1, "jargon_pct": 1}},
        "warnings": [XSS_SCRIPT], "timings_ms": {},
    }))
    translate(page, payload)
    assert_no_injection(page)
    expect(page.locator("#brief-text")).to_have_text(XSS_IMG)
    expect(page.locator("#warnings")).to_have_text(XSS_SCRIPT)
    expect(page.locator("#unknown-list li").first).to_contain_text(XSS_IMG)
    expect(page.locator("#facts-badge")).to_contain_text(XSS_SCRIPT)
    page.locator("#original-text .term").hover()
    expect(page.locator(".tip:visible")).to_contain_text(XSS_SVG)
    page.locator("#unknown-list li").first.get_by_role("button").click()
    expect(page.locator("#entry-source")).to_have_value(XSS_IMG)
    assert_no_injection(page)

    # In the glossary editor: table, history and an error message that quotes the input.
    page.get_by_role("button", name="Cancel").first.click()
    open_glossary(page, name)
    row = page.locator("#entries-body tr").filter(has_text="acmeware")
    expect(row).to_contain_text(XSS_IMG)
    expect(row).to_contain_text(XSS_SCRIPT)
    expect(row).to_contain_text("<b>acme</b>")
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history-list li").first).to_contain_text("Added “acmeware”")
    page.get_by_role("tab", name="Entries").click()
    page.get_by_label("Search terms").fill(XSS_SVG)
    expect(page.locator("#entries-empty")).to_have_text("No entries match these filters.")
    expect(page.locator("#entries-empty")).to_be_visible()
    assert_no_injection(page)
    shot(page, "16-xss-glossary")


# --- keyboard, phone, API key -------------------------------------------------------------------------------


def tab_to(page: Page, selector: str, limit: int = 80, key: str = "Tab") -> None:
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"keyboard focus never reached {selector}")


def test_keyboard_only_flow(page: Page) -> None:
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "#dir-it")
    page.keyboard.press("ArrowRight")  # radio group: the arrow keys choose
    expect(page.locator("#dir-biz")).to_be_checked()
    page.keyboard.press("ArrowLeft")
    tab_to(page, "#source-text")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.type("The webhook failed after the pods restarted.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#translate-status")).to_have_text(re.compile(r"^Done"), timeout=60_000)
    tab_to(page, "#original-text .term")
    focused = page.locator("#original-text .term:focus")
    expect(tip_of(page, focused)).to_be_visible()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    shot(page, "17-keyboard-focus", full_page=False)

    # To the glossary editor: create a glossary and add an entry, keys only.
    name = f"kb-{uuid.uuid4().hex[:6]}"
    tab_to(page, "#tab-glossary", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#view-glossary")).to_be_visible()
    tab_to(page, "#new-glossary-button")
    page.keyboard.press("Enter")
    expect(page.locator("#new-glossary-name")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.locator("#glossary-select")).to_have_value(name)
    expect(page.locator("#add-entry-button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#entry-source")).to_be_focused()
    page.keyboard.type("webhook")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#entry-renderings")).to_be_focused()
    page.keyboard.type("automatic notice")
    tab_to(page, "#entry-save")
    page.keyboard.press("Enter")
    expect(page.locator("#glossary-status")).to_have_text("Added “webhook”.")
    expect(page.locator("#add-entry-button")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    tab_to(page, "#subtab-entries", key="Shift+Tab")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#subtab-import")).to_be_focused()
    expect(page.locator("#panel-import")).to_be_visible()


def test_phone_and_desktop_layouts_do_not_overflow(browser: Browser, base: str, watch: Watch) -> None:
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(browser, base, watch, viewport)
        translate(page, IT_UPDATE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{label}: the page is {width}px wide"
        term = page.locator("#output-text .term").last
        term.focus()
        tip = tip_of(page, term).bounding_box()
        assert tip and tip["x"] >= 0 and tip["x"] + tip["width"] <= viewport["width"], f"{label}: tooltip off screen"
        shot(page, f"18-{label}-result")
        page.get_by_role("link", name="Glossaries").click()
        expect(page.locator("#glossary-select")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"19-{label}-glossary")
        page.context.close()
    assert not watch.errors and not watch.dialogs


def test_a_server_with_api_keys_asks_for_one(browser: Browser, tmp_path: Path, watch: Watch) -> None:
    env = {"JARGON_DATA_DIR": str(tmp_path), "JARGON_RATE_LIMIT_PER_MINUTE": "0"}
    store = Store(f"sqlite:///{tmp_path / 'jargon.db'}")
    store.migrate()
    secret = store.create_key("acme", "web", ["write"])[1]
    store.close()
    with server(env) as url:
        assert httpx.get(url + "/v1/config", timeout=10).json()["local_mode"] is False
        page = open_page(browser, url, watch)
        panel = page.locator("#key-panel")
        expect(panel).to_be_visible()
        expect(page.get_by_role("textbox", name="API key")).to_be_focused()
        expect(page.locator("#auth-status")).to_have_text("API key needed")
        shot(page, "20-api-key-needed", full_page=False)
        page.get_by_role("textbox", name="API key").fill("jgn_not_a_real_key")
        page.get_by_role("button", name="Use this key").click()
        expect(page.locator("#key-error")).to_have_text("That key was not accepted: it may be mistyped or revoked.")
        assert page.evaluate("sessionStorage.getItem('jargon.apiKey')") is None
        page.get_by_role("textbox", name="API key").fill(secret)
        page.keyboard.press("Enter")
        expect(panel).to_be_hidden()
        expect(page.locator("#auth-status")).to_have_text("API key in use")
        assert page.evaluate("sessionStorage.getItem('jargon.apiKey')") == secret
        assert page.evaluate("localStorage.length") == 0, "the key stays in the session only"
        translate(page, "Two pods restarted.")
        expect(page.locator("#output-text")).not_to_contain_text("pods", use_inner_text=True)
        page.reload()
        expect(page.locator("#auth-status")).to_have_text("API key in use")
        expect(panel).to_be_hidden()
        page.get_by_role("button", name="Forget key").click()
        expect(panel).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('jargon.apiKey')") is None
        page.context.close()
    assert not watch.errors and not watch.dialogs

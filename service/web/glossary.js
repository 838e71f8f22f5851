/* Glossary editor: entries (search, filter, add, edit, delete), import with a dry run, export, history and restore.
 * Edits send If-Match with the version that was read; a 412 is shown as a conflict, never overwritten silently. */
"use strict";

(function () {
  const JT = window.JT;
  const { $, el } = JT;
  const PAGE = 50;
  const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
  const DIRECTIONS = { both: "Both ways", it_to_business: "IT → business", business_to_it: "Business → IT" };
  const MODES = { replace: "Replace", keep: "Keep", forbid: "Forbid" };
  const FIELDS = ["source", "aliases", "renderings", "explanation", "category"];

  const g = {
    current: null, // the selected glossary's name
    offset: 0,
    total: 0,
    entries: [],
    editing: null, // {id, version} of the entry in the editor; null when adding
    latest: null, // the saved entry fetched after a 412
    pending: null, // {term, direction} waiting for a glossary to exist
    importCheck: null, // {bytes, format, mode, version} after a successful dry run
    loaded: false,
    entriesLoad: 0, // counts entry loads: an answer to an older one (another glossary, page or filter) is dropped
  };

  const status = (text) => JT.setText("glossary-status", text);
  const error = (text) => JT.showAlert("glossary-error", text);
  const enc = encodeURIComponent;
  const base = () => "/v1/glossaries/" + enc(g.current);

  /* ---------- Glossary choice ---------- */

  function renderGlossaries(list) {
    const select = $("glossary-select");
    select.replaceChildren(...list.map((item) => el("option", { value: item.name }, item.name)));
    if (!list.some((item) => item.name === g.current)) g.current = list.length ? list[0].name : null;
    if (g.current) select.value = g.current;
    $("glossary-empty").hidden = list.length > 0;
    $("glossary-workspace").hidden = list.length === 0;
    $("glossary-select").disabled = list.length === 0;
    const info = list.find((item) => item.name === g.current);
    $("glossary-meta").textContent = info
      ? info.entry_count + (info.entry_count === 1 ? " entry" : " entries") + " · version " + info.version +
        (info.description ? " · " + info.description : "")
      : "";
  }

  async function openGlossaryView() {
    error("");
    const list = await JT.refreshGlossaries();
    if (!g.loaded || !list.some((item) => item.name === g.current)) {
      g.loaded = true;
      renderGlossaries(list);
      if (g.current) await loadEntries();
    }
    if (!list.length) toggleNewGlossary(true);
  }

  async function selectGlossary(name) {
    g.current = name;
    g.offset = 0;
    closeEditor();
    resetImport();
    renderGlossaries(JT.state.glossaries);
    $("filter-q").value = "";
    $("filter-category").value = "";
    $("filter-direction").value = "";
    await loadEntries();
    if (!$("panel-history").hidden) await loadHistory();
  }

  function toggleNewGlossary(open) {
    const form = $("new-glossary-form");
    form.hidden = !open;
    $("new-glossary-button").setAttribute("aria-expanded", String(open));
    $("new-glossary-name-error").textContent = "";
    $("new-glossary-name").setAttribute("aria-invalid", "false");
    if (open) $("new-glossary-name").focus();
  }

  async function createGlossary(event) {
    event.preventDefault();
    const nameInput = $("new-glossary-name");
    const name = nameInput.value.trim();
    const problem = !name ? "Give the glossary a name."
      : !NAME_PATTERN.test(name) ? "Use only letters, digits, dots, dashes and underscores, starting with a letter or digit."
        : "";
    if (problem) {
      $("new-glossary-name-error").textContent = problem;
      nameInput.setAttribute("aria-invalid", "true");
      nameInput.focus();
      return;
    }
    try {
      await JT.api("/v1/glossaries", { method: "POST", json: { name, description: $("new-glossary-description").value.trim() } });
    } catch (e) {
      $("new-glossary-name-error").textContent = e.status === 409 ? "A glossary with this name already exists." : JT.messageFor(e, "Not created");
      nameInput.setAttribute("aria-invalid", "true");
      nameInput.focus();
      return;
    }
    nameInput.value = "";
    $("new-glossary-description").value = "";
    toggleNewGlossary(false);
    await JT.refreshGlossaries();
    status("Glossary “" + name + "” created.");
    await selectGlossary(name);
    if (g.pending) {
      const pending = g.pending;
      g.pending = null;
      openEditor(null, { source: pending.term, direction: pending.direction });
    } else {
      $("add-entry-button").focus();
    }
  }

  /* ---------- Entries ---------- */

  async function loadEntries() {
    if (!g.current) return;
    const load = ++g.entriesLoad;
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(g.offset) });
    const q = $("filter-q").value.trim();
    if (q) params.set("q", q);
    if ($("filter-category").value) params.set("category", $("filter-category").value);
    if ($("filter-direction").value) params.set("direction", $("filter-direction").value);
    try {
      const { data } = await JT.api(base() + "/entries?" + params);
      if (load !== g.entriesLoad) return;
      g.entries = data.items;
      g.total = data.total;
      renderEntries(q || $("filter-category").value || $("filter-direction").value);
    } catch (e) {
      if (load === g.entriesLoad) error(JT.messageFor(e, "Could not load the entries"));
    }
    if (load === g.entriesLoad) loadCategories();
  }

  async function loadCategories() {
    const name = g.current;
    try {
      const { data } = await JT.api(base() + "/entries?limit=500");
      if (name !== g.current) return;
      const categories = [...new Set(data.items.map((item) => item.category))].sort();
      const select = $("filter-category");
      const chosen = select.value;
      select.replaceChildren(el("option", { value: "" }, "All categories"),
        ...categories.map((c) => el("option", { value: c }, c)));
      select.value = categories.includes(chosen) ? chosen : "";
      $("category-options").replaceChildren(...categories.map((c) => el("option", { value: c })));
    } catch (_) {
      /* the list itself already reported any error */
    }
  }

  function renderEntries(filtered) {
    const body = $("entries-body");
    body.replaceChildren();
    for (const entry of g.entries) {
      const label = entry.source;
      body.append(el("tr", { dataset: { id: String(entry.id) } },
        el("td", { className: "term-cell" }, entry.source,
          entry.aliases.length ? el("span", { className: "aliases" }, "also: " + entry.aliases.join(", ")) : null),
        el("td", { dataset: { label: "Plain wording" } }, entry.renderings.join(" · ") || "—"),
        el("td", { className: "explanation", dataset: { label: "Explanation" } }, entry.explanation || "—"),
        el("td", { dataset: { label: "Category" } }, entry.category),
        el("td", { dataset: { label: "Direction" } }, DIRECTIONS[entry.direction] || entry.direction),
        el("td", { dataset: { label: "Mode" } }, el("span", { className: "tag tag-" + entry.mode }, MODES[entry.mode] || entry.mode)),
        el("td", { className: "row-actions" },
          el("button", { type: "button", className: "btn btn-secondary btn-small", "aria-label": "Edit “" + label + "”",
            onclick: () => openEditor(entry) }, "Edit"), " ",
          el("button", { type: "button", className: "btn btn-quiet btn-small", "aria-label": "Delete “" + label + "”",
            onclick: () => deleteEntry(entry) }, "Delete"))));
    }
    const empty = $("entries-empty");
    empty.hidden = g.entries.length > 0;
    empty.textContent = filtered ? "No entries match these filters." : "This glossary has no entries yet. Add one, or import a file.";
    $("entries-table").hidden = g.entries.length === 0;
    const last = Math.min(g.offset + g.entries.length, g.total);
    $("entries-count").textContent = g.total ? "Showing " + (g.offset + 1) + "–" + last + " of " + g.total : "";
    $("page-prev").disabled = g.offset === 0;
    $("page-next").disabled = last >= g.total;
    $("page-prev").parentElement.hidden = g.total <= PAGE;
  }

  /* ---------- Editor ---------- */

  function setFieldError(field, message) {
    const input = $("entry-" + field);
    $("entry-" + field + "-error").textContent = message || "";
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }

  function clearErrors() {
    for (const field of FIELDS) setFieldError(field, "");
    JT.showAlert("editor-summary", "");
  }

  function splitList(text, separator) {
    return text.split(separator).map((s) => s.trim()).filter(Boolean);
  }

  function fillEditor(entry) {
    $("entry-source").value = entry.source || "";
    $("entry-aliases").value = (entry.aliases || []).join(", ");
    $("entry-renderings").value = (entry.renderings || []).join("\n");
    $("entry-explanation").value = entry.explanation || "";
    $("entry-category").value = entry.category || "general";
    $("entry-direction").value = entry.direction || "both";
    $("entry-mode").value = entry.mode || "replace";
    $("entry-pos").value = entry.pos || "noun";
    updateExplanationCount();
  }

  function readEditor() {
    return {
      source: $("entry-source").value.trim(),
      aliases: splitList($("entry-aliases").value, ","),
      renderings: splitList($("entry-renderings").value, /\n/),
      explanation: $("entry-explanation").value.trim(),
      category: $("entry-category").value.trim() || "general",
      direction: $("entry-direction").value,
      mode: $("entry-mode").value,
      pos: $("entry-pos").value,
    };
  }

  function openEditor(entry, prefill) {
    clearErrors();
    hideConflict();
    g.editing = entry ? { id: entry.id, version: entry.version } : null;
    fillEditor(entry || { ...(prefill || {}) });
    $("editor-title").textContent = entry ? "Edit “" + entry.source + "”" : "Add an entry to “" + g.current + "”";
    $("entry-save").textContent = entry ? "Save changes" : "Add entry";
    const form = $("entry-editor");
    form.hidden = false;
    form.scrollIntoView({ block: "nearest" });
    (prefill && prefill.source ? $("entry-renderings") : $("entry-source")).focus();
  }

  function closeEditor() {
    $("entry-editor").hidden = true;
    g.editing = null;
    g.latest = null;
    hideConflict();
  }

  function validate(entry) {
    clearErrors();
    const problems = [];
    const add = (field, message) => {
      setFieldError(field, message);
      problems.push(field);
    };
    if (!entry.source) add("source", "Enter the term to translate.");
    else if (entry.source.length > 200) add("source", "The term can have at most 200 characters.");
    if (entry.aliases.some((a) => a.length > 200)) add("aliases", "Each spelling can have at most 200 characters.");
    if (entry.mode !== "keep" && !entry.renderings.length) {
      add("renderings", entry.mode === "forbid"
        ? "A forbidden term needs the wording to use instead."
        : "Enter at least one plain wording, or set the mode to “Keep as is”.");
    } else if (entry.renderings.some((r) => r.length > 200)) add("renderings", "Each wording can have at most 200 characters.");
    if (entry.explanation.length > 500) add("explanation", "Keep the explanation to 500 characters or fewer.");
    if (entry.category.length > 60) add("category", "The category can have at most 60 characters.");
    if (problems.length) {
      JT.showAlert("editor-summary", problems.length === 1 ? "Fix the highlighted field." : "Fix the " + problems.length + " highlighted fields.");
      $("entry-" + problems[0]).focus();
      return false;
    }
    return true;
  }

  /** Show a 422's "field: message; field: message" next to the fields it names. */
  function showServerProblems(e) {
    const message = (e.message || "").replace(/\bbody\.?/g, "");
    let placed = 0;
    let first = null;
    const rest = [];
    for (const part of message.split("; ")) {
      const match = /^\s*\.?(\w+)(?:\.\d+)?: (.*)$/.exec(part);
      if (match && FIELDS.includes(match[1])) {
        setFieldError(match[1], match[2].replace(/^Value error, /, ""));
        first = first || match[1];
        placed++;
      } else if (part.trim()) {
        rest.push(part.replace(/^\s*:?\s*/, "").replace(/^Value error, /, ""));
      }
    }
    const summary = rest.length ? rest.join(" ") : placed ? "Fix the highlighted fields." : JT.messageFor(e, "Not saved");
    JT.showAlert("editor-summary", summary);
    if (first) $("entry-" + first).focus();
    else $("editor-summary").focus();
  }

  async function saveEntry(event, force) {
    if (event) event.preventDefault();
    const entry = readEditor();
    if (!validate(entry)) return;
    const button = $("entry-save");
    button.disabled = true;
    try {
      if (g.editing) {
        const version = force && g.latest ? g.latest.version : g.editing.version;
        await JT.api(base() + "/entries/" + g.editing.id, { method: "PUT", json: entry, ifMatch: version });
        status("Saved “" + entry.source + "”.");
      } else {
        await JT.api(base() + "/entries", { method: "POST", json: entry });
        status("Added “" + entry.source + "”.");
      }
    } catch (e) {
      if (e.status === 412) await showConflict(entry);
      else if (e.status === 409) {
        setFieldError("source", "This glossary already has an entry for this term (or one of its spellings). Edit that entry instead.");
        JT.showAlert("editor-summary", "Not saved: the term already exists.");
        $("entry-source").focus();
      } else if (e.status === 422) showServerProblems(e);
      else if (e.status === 404 && g.editing) await showConflict(entry);
      else {
        JT.showAlert("editor-summary", JT.messageFor(e, "Not saved"));
        $("editor-summary").focus();
      }
      return;
    } finally {
      button.disabled = false;
    }
    closeEditor();
    await JT.refreshGlossaries();
    renderGlossaries(JT.state.glossaries);
    await loadEntries();
    $("add-entry-button").focus();
  }

  function describe(entry) {
    return {
      Term: entry.source,
      "Other spellings": (entry.aliases || []).join(", ") || "—",
      "Plain wording": (entry.renderings || []).join(" · ") || "—",
      Explanation: entry.explanation || "—",
      Category: entry.category,
      Direction: DIRECTIONS[entry.direction] || entry.direction,
      Mode: MODES[entry.mode] || entry.mode,
    };
  }

  async function showConflict(mine) {
    const box = $("conflict");
    const diff = $("conflict-diff");
    diff.replaceChildren();
    g.latest = null;
    try {
      const { data } = await JT.api(base() + "/entries/" + g.editing.id);
      g.latest = data;
    } catch (e) {
      if (e.status !== 404) {
        JT.showAlert("editor-summary", JT.messageFor(e, "Could not load the latest version"));
        return;
      }
    }
    if (g.latest) {
      $("conflict-text").textContent = "It was changed (now version " + g.latest.version + ") after you opened it. " +
        "Your edits have not been saved and nothing was overwritten. Compare, then choose:";
      const theirs = describe(g.latest);
      const yours = describe(mine);
      for (const key of Object.keys(theirs)) {
        if (theirs[key] === yours[key]) continue;
        diff.append(el("dt", {}, key),
          el("dd", {}, el("span", { className: "theirs" }, "Saved now: " + theirs[key]), el("br"),
            el("span", { className: "mine" }, "Yours: " + yours[key])));
      }
      $("conflict-reload").hidden = false;
      $("conflict-overwrite").textContent = "Save mine over it";
    } else {
      $("conflict-text").textContent = "It was deleted by someone else after you opened it. Your edits have not been saved.";
      $("conflict-reload").hidden = true;
      $("conflict-overwrite").textContent = "Add mine as a new entry";
    }
    box.hidden = false;
    box.focus();
  }

  function hideConflict() {
    $("conflict").hidden = true;
    $("conflict-diff").replaceChildren();
  }

  function reloadLatest() {
    if (!g.latest) return;
    const latest = g.latest;
    openEditor(latest);
    status("Loaded the latest saved version of “" + latest.source + "”.");
  }

  async function overwrite() {
    if (!g.latest) g.editing = null; // it was deleted: add it again
    hideConflict();
    await saveEntry(null, true);
  }

  async function deleteEntry(entry) {
    const ok = await JT.confirm("Delete “" + entry.source + "”?",
      "It will no longer be used in translations. You can bring it back from History.", "Delete");
    if (!ok) return;
    try {
      await JT.api(base() + "/entries/" + entry.id, { method: "DELETE", ifMatch: entry.version });
      status("Deleted “" + entry.source + "”.");
    } catch (e) {
      if (e.status === 412) {
        error("“" + entry.source + "” was changed by someone else since the list was loaded, so it was not deleted. " +
          "The list now shows the latest version; check it and try again.");
      } else {
        error(JT.messageFor(e, "Not deleted"));
      }
    }
    await JT.refreshGlossaries();
    renderGlossaries(JT.state.glossaries);
    await loadEntries();
    $("add-entry-button").focus();
  }

  function updateExplanationCount() {
    $("entry-explanation-count").textContent = $("entry-explanation").value.length + " / 500";
  }

  /* ---------- From the translate view: "add to glossary" ---------- */

  JT.addTermToGlossary = async function (term, preferred, direction) {
    JT.go("glossary");
    await openGlossaryView();
    const list = JT.state.glossaries;
    if (!list.length) {
      g.pending = { term, direction };
      toggleNewGlossary(true);
      status("Create a glossary first; “" + term + "” will then be ready to add.");
      return;
    }
    const target = list.some((item) => item.name === preferred) ? preferred : g.current || list[0].name;
    if (target !== g.current) await selectGlossary(target);
    selectTab("entries");
    openEditor(null, { source: term, direction: direction || "both" });
    status("Adding “" + term + "” to “" + g.current + "”: enter its plain wording and explanation.");
  };

  /* ---------- Sub tabs (arrow keys move between them) ---------- */

  const TABS = ["entries", "import", "history"];

  function selectTab(name, focus) {
    for (const tab of TABS) {
      const button = $("subtab-" + tab);
      const on = tab === name;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      $("panel-" + tab).hidden = !on;
      if (on && focus) button.focus();
    }
    if (name === "history") loadHistory();
  }

  function tabKeys(event) {
    const index = TABS.indexOf(event.currentTarget.id.replace("subtab-", ""));
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % TABS.length;
    else if (event.key === "ArrowLeft") next = (index + TABS.length - 1) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    selectTab(TABS[next], true);
  }

  /* ---------- Import (dry run first) and export ---------- */

  function resetImport() {
    g.importCheck = null;
    $("import-report").hidden = true;
    $("import-form").reset();
  }

  function formatOf(file) {
    const chosen = $("import-format").value;
    if (chosen) return chosen;
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    return { csv: "csv", tsv: "tsv", tab: "tsv", tbx: "tbx", xml: "tbx" }[extension] || "";
  }

  async function checkImport(event) {
    event.preventDefault();
    error("");
    const file = $("import-file").files[0];
    if (!file) {
      error("Choose a file to import first.");
      $("import-file").focus();
      return;
    }
    const format = formatOf(file);
    if (!format) {
      error("Could not tell the format from the file name: choose CSV, TSV or TBX.");
      $("import-format").focus();
      return;
    }
    const mode = $("import-mode").value;
    const bytes = await file.arrayBuffer();
    $("import-check").disabled = true;
    try {
      const head = await JT.api(base());
      const version = JT.etagVersion(head.headers);
      const params = new URLSearchParams({ format, mode, dry_run: "true" });
      const { data } = await JT.api(base() + "/import?" + params, {
        method: "POST", body: bytes, headers: { "Content-Type": "application/octet-stream" },
      });
      g.importCheck = { bytes, format, mode, version, name: file.name };
      showReport(data, null);
    } catch (e) {
      g.importCheck = null;
      if (e.status === 422 && e.code === "import_invalid") showReport(null, e);
      else error(JT.messageFor(e, "The file could not be checked"));
    } finally {
      $("import-check").disabled = false;
    }
  }

  function showReport(report, problem) {
    const box = $("import-report");
    const list = $("import-report-list");
    const table = $("import-problems");
    const rows = table.querySelector("tbody");
    list.replaceChildren();
    rows.replaceChildren();
    if (report) {
      const changed = report.added + report.updated + report.removed;
      $("import-report-title").textContent = changed
        ? "Dry run: this is what the import would do. Nothing is saved yet."
        : "Dry run: the file matches the glossary; nothing would change.";
      const item = (n, label) => el("li", { dataset: { count: label } }, el("strong", {}, String(n)), " " + label);
      list.append(item(report.added, "to add"), item(report.updated, "to update"),
        item(report.unchanged, "unchanged"), item(report.removed, "to remove"));
      table.hidden = true;
      $("import-apply").hidden = false;
      $("import-apply").disabled = changed === 0;
    } else {
      $("import-report-title").textContent = "The file has problems: " + problem.message;
      for (const p of problem.extra.problems || []) {
        rows.append(el("tr", {}, el("td", {}, p.row ? String(p.row) : "header"), el("td", {}, p.field || "—"), el("td", {}, p.message)));
      }
      table.hidden = false;
      $("import-apply").hidden = true;
    }
    box.hidden = false;
    box.focus();
  }

  async function applyImport() {
    const check = g.importCheck;
    if (!check) return;
    $("import-apply").disabled = true;
    try {
      const params = new URLSearchParams({ format: check.format, mode: check.mode, dry_run: "false" });
      const { data } = await JT.api(base() + "/import?" + params, {
        method: "POST", body: check.bytes, ifMatch: check.version, headers: { "Content-Type": "application/octet-stream" },
      });
      resetImport();
      status("Imported " + check.name + ": " + data.added + " added, " + data.updated + " updated, " +
        data.removed + " removed.");
      await JT.refreshGlossaries();
      renderGlossaries(JT.state.glossaries);
      await loadEntries();
      $("import-file").focus();
    } catch (e) {
      if (e.status === 412) {
        g.importCheck = null;
        $("import-report").hidden = true;
        error("The glossary changed after you checked the file, so nothing was imported. Check the file again to see its effect now.");
        $("import-check").focus();
      } else {
        error(JT.messageFor(e, "Not imported"));
        $("import-apply").disabled = false;
      }
    }
  }

  async function exportEntries(event) {
    event.preventDefault();
    const format = $("export-format").value;
    try {
      const { blob, headers } = await JT.api(base() + "/export?format=" + format, { blob: true });
      const match = /filename="([^"]+)"/.exec(headers.get("Content-Disposition") || "");
      const name = match ? match[1] : g.current + "." + format;
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status("Downloaded " + name + ".");
    } catch (e) {
      error(JT.messageFor(e, "Could not export"));
    }
  }

  /* ---------- History ---------- */

  function describeEvent(item) {
    const after = item.after || {};
    const before = item.before || {};
    switch (item.action) {
      case "create":
        return after.source ? "Added “" + after.source + "”" : "Created the glossary";
      case "update":
        if (before.source && after.source && before.source !== after.source) return "Renamed “" + before.source + "” to “" + after.source + "”";
        return after.source ? "Changed “" + after.source + "”" : "Changed the description";
      case "delete":
        return "Deleted “" + (before.source || "an entry") + "”";
      case "rename":
        return "Renamed the glossary to “" + after.name + "”";
      case "import":
        return "Imported a file (" + (after.mode || "merge") + "): " + (after.added || 0) + " added, " +
          (after.updated || 0) + " updated, " + (after.removed || 0) + " removed";
      case "restore":
        return "Restored version " + after.version + ": " + (after.added || 0) + " added, " +
          (after.updated || 0) + " updated, " + (after.removed || 0) + " removed";
      default:
        return item.action;
    }
  }

  async function loadHistory() {
    if (!g.current) return;
    const list = $("history-list");
    try {
      const { data } = await JT.api(base() + "/history");
      list.replaceChildren();
      data.forEach((item, index) => {
        const when = new Date(item.at);
        list.append(el("li", { dataset: { version: String(item.version) } },
          el("span", { className: "version" }, "v" + item.version),
          el("span", { className: "what" }, describeEvent(item),
            el("span", { className: "when" }, when.toLocaleString() + " · by " + item.actor)),
          index === 0
            ? el("span", { className: "tag" }, "Current")
            : el("button", { type: "button", className: "btn btn-secondary btn-small",
              "aria-label": "Restore version " + item.version, onclick: () => restore(item.version) }, "Restore")));
      });
      if (!data.length) list.append(el("li", { className: "muted" }, "No changes yet."));
    } catch (e) {
      error(JT.messageFor(e, "Could not load the history"));
    }
  }

  async function restore(version) {
    const ok = await JT.confirm("Restore version " + version + "?",
      "The entries become what they were at version " + version + ". This is saved as a new version, so you can undo it.",
      "Restore");
    if (!ok) return;
    try {
      const { data } = await JT.api(base() + "/history/" + version + "/restore", { method: "POST" });
      status("Restored version " + version + ": " + data.added + " added, " + data.updated + " updated, " + data.removed + " removed.");
    } catch (e) {
      error(JT.messageFor(e, "Not restored"));
    }
    await JT.refreshGlossaries();
    renderGlossaries(JT.state.glossaries);
    await loadEntries();
    await loadHistory();
    const first = $("history-list").querySelector("li");
    if (first) $("subtab-history").focus();
  }

  /* ---------- Wiring ---------- */

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function start() {
    JT.onView("glossary", openGlossaryView);
    JT.onGlossaries((list) => {
      if (g.loaded) renderGlossaries(list);
    });
    $("glossary-select").addEventListener("change", (event) => selectGlossary(event.target.value));
    $("new-glossary-button").addEventListener("click", () => toggleNewGlossary(true));
    $("new-glossary-cancel").addEventListener("click", () => {
      g.pending = null;
      toggleNewGlossary(false);
      $("new-glossary-button").focus();
    });
    $("new-glossary-form").addEventListener("submit", createGlossary);
    $("add-entry-button").addEventListener("click", () => openEditor(null));
    $("entry-editor").addEventListener("submit", saveEntry);
    $("entry-cancel").addEventListener("click", () => {
      closeEditor();
      $("add-entry-button").focus();
    });
    $("entry-editor").addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        closeEditor();
        $("add-entry-button").focus();
      }
    });
    $("entry-explanation").addEventListener("input", updateExplanationCount);
    $("conflict-reload").addEventListener("click", reloadLatest);
    $("conflict-overwrite").addEventListener("click", overwrite);
    const refilter = () => {
      g.offset = 0;
      loadEntries();
    };
    $("entry-filters").addEventListener("submit", (event) => {
      event.preventDefault();
      refilter();
    });
    $("filter-q").addEventListener("input", debounce(refilter, 250));
    $("filter-category").addEventListener("change", refilter);
    $("filter-direction").addEventListener("change", refilter);
    $("page-prev").addEventListener("click", () => {
      g.offset = Math.max(0, g.offset - PAGE);
      loadEntries();
    });
    $("page-next").addEventListener("click", () => {
      g.offset += PAGE;
      loadEntries();
    });
    for (const tab of TABS) {
      $("subtab-" + tab).addEventListener("click", () => {
        status("");
        selectTab(tab);
      });
      $("subtab-" + tab).addEventListener("keydown", tabKeys);
    }
    $("import-form").addEventListener("submit", checkImport);
    $("import-file").addEventListener("change", () => {
      g.importCheck = null;
      $("import-report").hidden = true;
    });
    $("import-apply").addEventListener("click", applyImport);
    $("import-cancel").addEventListener("click", () => {
      resetImport();
      status("Import cancelled; nothing was saved.");
      $("import-file").focus();
    });
    $("export-form").addEventListener("submit", exportEntries);
  }

  start();
})();

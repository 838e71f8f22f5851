/* Jargon translator web page: API client, API key, views and the translate view.
 * Every piece of user or server text is put into the page with textContent or DOM nodes, never as HTML. */
"use strict";

(function () {
  const KEY_STORAGE = "jargon.apiKey";
  const JT = (window.JT = {});
  const state = (JT.state = {
    config: null,
    key: null,
    glossaries: [],
    result: null,
    translating: null,
  });

  /* ---------- DOM helpers ---------- */

  const $ = (JT.$ = (id) => document.getElementById(id));

  /** Build an element: el("p", {className: "x", dataset: {a: "1"}}, "text", child). Strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  JT.el = el;

  JT.setText = function (id, text) {
    $(id).textContent = text || "";
  };

  JT.showAlert = function (id, message) {
    const box = $(id);
    box.replaceChildren();
    if (!message) {
      box.hidden = true;
      return;
    }
    if (message instanceof Node) box.append(message);
    else box.textContent = message;
    box.hidden = false;
  };

  /* ---------- API client ---------- */

  class ApiProblem extends Error {
    constructor(status, code, message, extra) {
      super(message);
      this.status = status;
      this.code = code;
      this.extra = extra || {};
    }
  }
  JT.ApiProblem = ApiProblem;

  /** Call the API; resolves to {status, data, headers, blob?}, rejects with ApiProblem. */
  JT.api = async function (path, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers || {}) };
    if (state.key) headers.Authorization = "Bearer " + state.key;
    if (options.ifMatch !== undefined && options.ifMatch !== null) headers["If-Match"] = '"' + options.ifMatch + '"';
    let body = options.body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    let response;
    try {
      response = await fetch(path, {
        method: options.method || "GET",
        headers,
        body,
        signal: options.signal,
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      if (error && error.name === "AbortError") throw new ApiProblem(0, "aborted", "The request was cancelled.");
      throw new ApiProblem(0, "network", "");
    }
    if (response.status === 204) return { status: 204, data: null, headers: response.headers };
    if (!response.ok) {
      let payload = null;
      try {
        payload = await response.json();
      } catch (_) {
        payload = null;
      }
      const error = (payload && payload.error) || {};
      const problem = new ApiProblem(response.status, error.code || "http_" + response.status,
        typeof error.message === "string" ? error.message : "", error);
      if (response.status === 401) JT.needKey(state.key ? "The API key was not accepted: " + (problem.message || "it is not valid.") : "");
      throw problem;
    }
    if (options.blob) return { status: response.status, blob: await response.blob(), headers: response.headers };
    const text = await response.text();
    return { status: response.status, data: text ? JSON.parse(text) : null, headers: response.headers };
  };

  /** The version in an ETag header ("3" or W/"3"), or null. */
  JT.etagVersion = function (headers) {
    const value = headers && headers.get("ETag");
    if (!value) return null;
    const digits = value.replace(/^W\//, "").replace(/"/g, "");
    return /^\d+$/.test(digits) ? Number(digits) : null;
  };

  /** A plain-words sentence for an error from JT.api. */
  JT.messageFor = function (error, doing) {
    const what = doing ? doing + ": " : "";
    if (!(error instanceof ApiProblem)) return what + "something unexpected happened in the page. Reload it and try again.";
    const message = (error.message || "").replace(/\bbody\.(\w+)/g, "$1").replace(/\bbody: /g, "");
    switch (error.status) {
      case 0:
        if (error.code === "aborted") return what + "it was cancelled.";
        return what + "could not reach the server. Check your connection and that the service is running, then try again.";
      case 401:
        return what + "this server needs a valid API key. Enter it in the box at the top of the page.";
      case 403:
        return what + "your API key is not allowed to do this. " + message;
      case 404:
        return what + (message || "it was not found.") + (error.code === "glossary_not_found" ? " It may have been renamed or deleted." : "");
      case 409:
        return what + (message || "it already exists.");
      case 412:
        return what + "someone else changed it since you loaded it. Reload to see their version.";
      case 413:
        return what + "it is too large. " + message;
      case 422:
        return what + (message || "some values are not valid.");
      case 429:
        return what + "too many requests right now. " + message;
      case 503:
        return what + "the service is temporarily unavailable. " + message;
      default:
        if (error.status >= 500) return what + "something went wrong on the server. Try again; if it keeps happening, tell your administrator.";
        return what + (message || "the server refused the request (" + error.status + ").");
    }
  };

  /* ---------- API key (only when the server is not in local mode) ---------- */

  function readStoredKey() {
    try {
      return sessionStorage.getItem(KEY_STORAGE);
    } catch (_) {
      return null;
    }
  }

  function storeKey(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (_) {
      /* storage blocked: keep the key in memory for this page only */
    }
  }

  function renderAuth() {
    const pill = $("auth-status");
    const local = state.config && state.config.local_mode;
    pill.className = "pill " + (local || state.key ? "ok" : "warn");
    if (!state.config) pill.textContent = "Server not reachable";
    else if (local) pill.textContent = "Local mode: no key needed";
    else pill.textContent = state.key ? "API key in use" : "API key needed";
    $("key-change").hidden = !!local || !state.key;
    $("key-forget").hidden = !!local || !state.key;
  }

  /** Show the key panel, with an optional message (for example: the key was refused). */
  JT.needKey = function (message) {
    if (state.config && state.config.local_mode) return;
    const panel = $("key-panel");
    const wasHidden = panel.hidden;
    panel.hidden = false;
    $("key-error").textContent = message || "";
    $("key-input").setAttribute("aria-invalid", message ? "true" : "false");
    renderAuth();
    if (wasHidden) $("key-input").focus();
  };

  async function submitKey(event) {
    event.preventDefault();
    const input = $("key-input");
    const key = input.value.trim();
    if (!key) {
      $("key-error").textContent = "Enter the API key you were given (it starts with jgn_).";
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    const previous = state.key;
    state.key = key;
    $("key-submit").disabled = true;
    try {
      await JT.api("/v1/glossaries");
    } catch (error) {
      if (error.status === 401) {
        state.key = previous;
        $("key-error").textContent = "That key was not accepted: it may be mistyped or revoked.";
        input.setAttribute("aria-invalid", "true");
        input.focus();
        renderAuth();
        return;
      }
      /* 403 and other errors: the key itself is valid; the views will say what it may not do. */
    } finally {
      $("key-submit").disabled = false;
    }
    storeKey(key);
    input.value = "";
    input.setAttribute("aria-invalid", "false");
    $("key-error").textContent = "";
    $("key-panel").hidden = true;
    renderAuth();
    JT.setText("translate-status", "API key saved for this browser tab.");
    await JT.refreshGlossaries();
    $("source-text").focus();
  }

  /* ---------- Glossary list shared by both views ---------- */

  const glossaryListeners = [];
  JT.onGlossaries = (listener) => glossaryListeners.push(listener);

  JT.refreshGlossaries = async function () {
    if (!state.config || (!state.config.local_mode && !state.key)) return state.glossaries;
    try {
      const { data } = await JT.api("/v1/glossaries");
      state.glossaries = data || [];
    } catch (error) {
      if (error.status !== 401) JT.showAlert("translate-error", JT.messageFor(error, "Could not load the glossaries"));
      return state.glossaries;
    }
    const choice = $("glossary-choice");
    const selected = choice.value;
    choice.replaceChildren(el("option", { value: "" }, "Built-in only"));
    for (const g of state.glossaries) {
      choice.append(el("option", { value: g.name }, g.name + " (" + g.entry_count + (g.entry_count === 1 ? " term)" : " terms)")));
    }
    if (state.glossaries.some((g) => g.name === selected)) choice.value = selected;
    for (const listener of glossaryListeners) listener(state.glossaries);
    return state.glossaries;
  };

  /* ---------- Confirmation dialog (no window.confirm) ---------- */

  JT.confirm = function (title, text, okLabel) {
    const dialog = $("confirm-dialog");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = okLabel || "Confirm";
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.returnValue = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (opener && opener.isConnected) opener.focus();
        resolve(dialog.returnValue === "ok");
      });
      dialog.showModal();
      $("confirm-cancel").focus();
    });
  };

  /* ---------- Views (hash routing) ---------- */

  const VIEWS = ["translate", "glossary"];
  const viewListeners = {};
  JT.onView = (name, listener) => ((viewListeners[name] = viewListeners[name] || []).push(listener));

  function showView() {
    const name = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "translate";
    for (const view of VIEWS) {
      $("view-" + view).hidden = view !== name;
      const tab = $("tab-" + view);
      if (view === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    document.title = (name === "glossary" ? "Glossaries" : "Translate") + " · Jargon translator";
    for (const listener of viewListeners[name] || []) listener();
  }
  JT.go = function (name) {
    if (location.hash === "#" + name) showView();
    else location.hash = name;
  };

  /* ---------- Translate view ---------- */

  const EXAMPLE = "Two pods restarted at 09:10 after an OOM kill; p99 latency rose 40% on the k8s cluster " +
    "until the ingress was throttled. CVE-2024-1234 was patched in v2.3.1 and the webhook retries are back to normal.";

  function layerName(layer) {
    if (layer === "builtin") return "built-in glossary";
    if (layer === "request") return "this request";
    if (layer && layer.startsWith("glossary:")) return "glossary “" + layer.slice(9) + "”";
    return layer || "unknown";
  }
  JT.layerName = layerName;

  function byteLength(text) {
    return new TextEncoder().encode(text).length;
  }

  function updateCount() {
    const text = $("source-text").value;
    const count = $("source-count");
    const max = state.config ? state.config.max_text_bytes : 0;
    const bytes = byteLength(text);
    const chars = Array.from(text).length;
    if (!chars) {
      count.textContent = "";
      count.classList.remove("field-error");
      return;
    }
    const tooLong = max && bytes > max;
    count.textContent = chars.toLocaleString("en") + (chars === 1 ? " character" : " characters") +
      (tooLong ? " — too long (limit " + Math.floor(max / 1000).toLocaleString("en") + " KB)" : "");
    count.classList.toggle("field-error", !!tooLong);
  }

  function setLoading(loading) {
    const button = $("translate-button");
    button.disabled = loading;
    button.classList.toggle("is-loading", loading);
    button.querySelector(".btn-label").textContent = loading ? "Translating…" : "Translate";
    $("result").setAttribute("aria-busy", loading ? "true" : "false");
  }

  async function submitTranslate(event) {
    if (event) event.preventDefault();
    if (state.translating) return;
    const textarea = $("source-text");
    const text = textarea.value;
    JT.showAlert("translate-error", "");
    if (!text.trim()) {
      JT.showAlert("translate-error", "Paste or type some text to translate first.");
      textarea.focus();
      return;
    }
    const max = state.config ? state.config.max_text_bytes : 0;
    if (max && byteLength(text) > max) {
      JT.showAlert("translate-error", "The text is too long for one translation. Split it into parts of at most " +
        Math.floor(max / 1000) + " KB.");
      return;
    }
    if (state.config && !state.config.local_mode && !state.key) {
      JT.needKey("Enter an API key to translate.");
      return;
    }
    const glossary = $("glossary-choice").value;
    const body = {
      text,
      direction: document.querySelector('input[name="direction"]:checked').value,
      glossaries: glossary ? [glossary] : [],
      explain: $("opt-explain").checked,
      brief: $("opt-brief").checked,
    };
    const controller = new AbortController();
    state.translating = controller;
    setLoading(true);
    JT.setText("translate-status", "Translating…");
    const slow = setTimeout(() => JT.setText("translate-status", "Still working: the model stage can take a few seconds."), 2500);
    const timeout = setTimeout(() => controller.abort(), 180000);
    try {
      const { data } = await JT.api("/v1/translate", { method: "POST", json: body, signal: controller.signal });
      state.result = { request: body, result: data };
      renderResult(text, data);
      const n = data.terms.length;
      JT.setText("translate-status", "Done: " + (n === 0 ? "no terms needed changing." : n + (n === 1 ? " term changed." : " terms changed.")));
    } catch (error) {
      JT.setText("translate-status", "");
      JT.showAlert("translate-error", JT.messageFor(error, "The text could not be translated"));
    } finally {
      clearTimeout(slow);
      clearTimeout(timeout);
      state.translating = null;
      setLoading(false);
    }
  }

  /** Map code-point offsets (what the server counts) to UTF-16 offsets (what JavaScript strings use). */
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const map = [];
    let unit = 0;
    let point = 0;
    for (const ch of text) {
      map[point++] = unit;
      unit += ch.length;
    }
    map[point] = unit;
    return (i) => map[Math.max(0, Math.min(i, point))];
  }

  /** Find where each changed term sits: in the original by the ledger's start/end, in the output by its target. */
  function locateTerms(original, output, terms) {
    const toUnits = offsetMapper(original);
    const ordered = terms.map((term, index) => ({ term, index })).sort((a, b) => a.term.start - b.term.start);
    const inOriginal = [];
    const inOutput = [];
    let originalEnd = 0;
    let cursor = 0;
    const lowerOriginal = original.toLowerCase();
    const lowerOutput = output.toLowerCase();
    for (const { term, index } of ordered) {
      let start = toUnits(term.start);
      let end = toUnits(term.end);
      if (original.slice(start, end).toLowerCase() !== term.source.toLowerCase()) {
        const found = lowerOriginal.indexOf(term.source.toLowerCase(), originalEnd);
        start = found;
        end = found + term.source.length;
      }
      if (start >= originalEnd && end > start) {
        inOriginal.push({ start, end, index });
        originalEnd = end;
      }
      const target = term.target.toLowerCase();
      if (target) {
        let at = lowerOutput.indexOf(target, cursor);
        if (at < 0) {
          at = lowerOutput.indexOf(target);
          if (at >= 0 && inOutput.some((s) => at < s.end && at + target.length > s.start)) at = -1;
        }
        if (at >= 0) {
          inOutput.push({ start: at, end: at + target.length, index });
          cursor = at + target.length;
        }
      }
    }
    inOutput.sort((a, b) => a.start - b.start);
    return { inOriginal, inOutput };
  }

  let tipCounter = 0;

  function tooltip(term, side) {
    const id = "tip-" + side + "-" + ++tipCounter;
    const row = (label, value, className) => el("span", { className: "tip-row" },
      el("span", { className: "tip-label" }, label + " "), el("span", { className }, value), " ");
    const rows = [row("Original:", term.source, "tip-term"), row("Plain:", term.target)];
    if (term.note) rows.push(row("Meaning:", term.note));
    rows.push(row("From:", layerName(term.layer)));
    return el("span", { className: "tip", role: "tooltip", id }, rows);
  }

  function renderHighlighted(container, text, spans, terms, side) {
    const parts = [];
    let at = 0;
    for (const span of spans) {
      if (span.start < at) continue;
      if (span.start > at) parts.push(document.createTextNode(text.slice(at, span.start)));
      const term = terms[span.index];
      const tip = tooltip(term, side);
      const button = el("button", {
        type: "button",
        className: "term" + (side === "out" ? " term-out" : ""),
        "aria-describedby": tip.id,
        dataset: { pair: String(span.index), side },
      }, text.slice(span.start, span.end));
      parts.push(el("span", { className: "term-wrap" }, button, tip));
      at = span.end;
    }
    if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
    container.replaceChildren(...parts);
  }

  function factsBadge(facts) {
    const badge = $("facts-badge");
    const problems = [];
    if (facts.missing.length) problems.push("Missing facts: " + facts.missing.join(", "));
    if (facts.added.length) problems.push("Added facts: " + facts.added.join(", "));
    if (problems.length) {
      badge.className = "badge badge-bad";
      badge.textContent = "⚠ " + problems.join(" · ");
    } else if (facts.locked.length) {
      badge.className = "badge badge-ok";
      badge.textContent = "✓ All " + facts.locked.length + (facts.locked.length === 1 ? " fact kept" : " facts kept");
    } else {
      badge.className = "badge badge-neutral";
      badge.textContent = "No numbers or dates to check";
    }
    badge.dataset.state = problems.length ? "missing" : "ok";
  }

  function round(value) {
    return Math.round(value * 10) / 10;
  }

  function metric(name, unit, before, after) {
    const scale = Math.max(before, after, unit === "%" ? 10 : 8) * 1.1;
    const row = (label, value, kind) => {
      const bar = el("div", { className: "bar bar-" + kind });
      const r = el("div", { className: "bar-row", dataset: { metric: name, when: kind } },
        el("span", {}, label),
        el("div", { className: "bar-track", "aria-hidden": "true" }, bar),
        el("span", { className: "bar-value" }, round(value) + unit));
      requestAnimationFrame(() => { bar.style.width = Math.max(1.5, (value / scale) * 100) + "%"; });
      return r;
    };
    const delta = round(after - before);
    const deltaText = delta === 0 ? "no change" : (delta < 0 ? "▼ " : "▲ ") + Math.abs(delta) + (unit === "%" ? " points" : "");
    return el("div", { className: "metric" },
      el("div", { className: "metric-name" }, el("span", {}, name),
        el("span", { className: delta < 0 ? "delta-good" : delta > 0 ? "delta-bad" : "muted" }, deltaText)),
      row("Before", before, "before"),
      row("After", after, "after"));
  }

  function renderReadability(readability) {
    $("readability-chart").replaceChildren(
      metric("Reading grade", "", readability.before.grade, readability.after.grade),
      metric("Jargon", "%", readability.before.jargon_pct, readability.after.jargon_pct));
  }

  function renderUnknown(unknown) {
    const list = $("unknown-list");
    list.replaceChildren();
    $("unknown-hint").textContent = unknown.length
      ? "These look like jargon but are in no glossary. Add them so the next translation explains them."
      : "None: every term found is in a glossary.";
    for (const term of unknown) {
      list.append(el("li", { className: "chip" },
        el("span", { className: "chip-text" }, term),
        el("button", {
          type: "button",
          className: "btn btn-secondary",
          "aria-label": "Add “" + term + "” to a glossary",
          onclick: () => JT.addTermToGlossary(term, $("glossary-choice").value,
            document.querySelector('input[name="direction"]:checked').value),
        }, "Add to glossary")));
    }
  }

  function renderChanges(terms) {
    const list = $("changes-list");
    list.replaceChildren();
    if (!terms.length) {
      list.append(el("li", { className: "muted" }, "No terms needed changing."));
      return;
    }
    for (const term of terms) {
      list.append(el("li", {},
        el("span", { className: "from" }, term.source), " → ", el("strong", {}, term.target), " ",
        el("span", { className: "layer" }, "(" + layerName(term.layer) + ")")));
    }
  }

  function renderResult(original, result) {
    const { inOriginal, inOutput } = locateTerms(original, result.text, result.terms);
    renderHighlighted($("original-text"), original, inOriginal, result.terms, "in");
    renderHighlighted($("output-text"), result.text, inOutput, result.terms, "out");
    factsBadge(result.facts);
    $("engine-badge").textContent = "Engine: " + result.engine;
    const brief = $("brief");
    brief.hidden = !result.brief;
    $("brief-text").textContent = result.brief || "";
    const warnings = $("warnings");
    warnings.replaceChildren(...result.warnings.map((w) => el("li", {}, w)));
    warnings.hidden = !result.warnings.length;
    $("terms-hint").hidden = !result.terms.length;
    renderReadability(result.readability);
    renderUnknown(result.unknown_jargon);
    renderChanges(result.terms);
    JT.setText("copy-status", "");
    $("result").hidden = false;
  }

  /* Tooltips: keep them on screen, pair the two highlights of a term, and let Escape dismiss them. */
  function placeTip(wrap) {
    const tip = wrap.querySelector(".tip");
    if (!tip) return;
    tip.style.left = "0px";
    const rect = tip.getBoundingClientRect();
    if (!rect.width) return;
    const margin = 8;
    let shift = 0;
    if (rect.right > window.innerWidth - margin) shift = window.innerWidth - margin - rect.right;
    if (rect.left + shift < margin) shift = margin - rect.left;
    tip.style.left = shift + "px";
  }

  function pair(button, on) {
    const other = button.dataset.side === "in" ? "out" : "in";
    const match = document.querySelector('.term[data-side="' + other + '"][data-pair="' + button.dataset.pair + '"]');
    if (match) match.classList.toggle("paired", on);
  }

  function wireTooltips(container) {
    const enter = (event) => {
      const button = event.target.closest && event.target.closest(".term");
      if (!button || !container.contains(button)) return;
      const wrap = button.parentElement;
      wrap.classList.remove("tip-dismissed");
      placeTip(wrap);
      pair(button, true);
    };
    const leave = (event) => {
      const button = event.target.closest && event.target.closest(".term");
      if (!button || !container.contains(button)) return;
      pair(button, false);
      if (event.type === "focusout") button.parentElement.classList.remove("tip-dismissed");
    };
    container.addEventListener("mouseover", enter);
    container.addEventListener("focusin", enter);
    container.addEventListener("mouseout", leave);
    container.addEventListener("focusout", leave);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const wrap of document.querySelectorAll(".term-wrap")) {
      if (wrap.matches(":hover") || wrap.contains(document.activeElement)) wrap.classList.add("tip-dismissed");
    }
  });

  /* Copy: rich text (HTML) and plain text together where the browser allows it. */
  function richHtml(result) {
    const box = el("div");
    if (result.brief) box.append(el("p", {}, el("strong", {}, "Executive brief: "), result.brief));
    for (const paragraph of result.text.split(/\n{2,}/)) {
      const p = el("p");
      paragraph.split("\n").forEach((line, i) => {
        if (i) p.append(el("br"));
        p.append(line);
      });
      box.append(p);
    }
    return box.innerHTML; /* serialised from text nodes: escaped */
  }

  async function copyResult() {
    if (!state.result) return;
    const result = state.result.result;
    const plain = (result.brief ? "Executive brief: " + result.brief + "\n\n" : "") + result.text;
    const status = $("copy-status");
    try {
      if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        await navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([plain], { type: "text/plain" }),
          "text/html": new Blob([richHtml(result)], { type: "text/html" }),
        })]);
        status.textContent = "Copied, with formatting for email and documents.";
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        await navigator.clipboard.writeText(plain);
        status.textContent = "Copied as plain text.";
      } else {
        const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
        area.value = plain;
        document.body.append(area);
        area.select();
        const ok = document.execCommand("copy");
        area.remove();
        status.textContent = ok ? "Copied as plain text." : "Copy is blocked in this browser: select the text and copy it by hand.";
      }
    } catch (_) {
      status.textContent = "Copy is blocked in this browser: select the text and copy it by hand.";
    }
  }

  /* ---------- Start ---------- */

  async function loadConfig() {
    try {
      const { data } = await JT.api("/v1/config");
      state.config = data;
    } catch (error) {
      state.config = null;
      JT.showAlert("translate-error", JT.messageFor(error, "The page could not start"));
    }
  }

  async function start() {
    $("translate-form").addEventListener("submit", submitTranslate);
    $("translate-form").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submitTranslate();
      }
    });
    $("source-text").addEventListener("input", updateCount);
    $("load-example").addEventListener("click", () => {
      $("source-text").value = EXAMPLE;
      $("dir-it").checked = true;
      updateCount();
      $("source-text").focus();
    });
    $("copy-button").addEventListener("click", copyResult);
    $("key-form").addEventListener("submit", submitKey);
    $("key-change").addEventListener("click", () => JT.needKey(""));
    $("key-forget").addEventListener("click", () => {
      state.key = null;
      storeKey(null);
      JT.needKey("");
    });
    wireTooltips($("original-text"));
    wireTooltips($("output-text"));
    window.addEventListener("hashchange", showView);

    await loadConfig();
    if (state.config && !state.config.local_mode) {
      state.key = readStoredKey();
      if (!state.key) JT.needKey("");
    }
    renderAuth();
    updateCount();
    showView();
    await JT.refreshGlossaries();
  }

  document.addEventListener("DOMContentLoaded", start);
})();

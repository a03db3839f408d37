// Score sheet: saving each field, never losing what was typed, and working offline on a field visit.
//
// - What is typed is kept in this browser (localStorage, one entry per sheet and indicator, with the
//   score version the server last confirmed) from the first keystroke until the server confirms it. It
//   survives a reload and a lost connection: on load, values not yet confirmed are put back into their
//   fields, marked "not saved", and sent again.
// - Saves go one at a time per sheet (a queue), with exponential backoff after a failure. The page tells
//   "offline" (no network: the request failed, or navigator.onLine is false) from "server busy" (HTTP
//   429/5xx, waiting at least its Retry-After), and from "signed out" or "refused". It sends again by
//   itself when the connection returns (the "online" event) and every few seconds while something waits.
// - Each save carries the version it was typed over; a score someone else changed meanwhile answers 409
//   with both values and the assessor chooses (the conflict is never resolved here).
// - The weighted total is never computed here: every save's answer carries the server's (#live-total);
//   beside it this script only says that a typed value is not in it yet ("saving…" / "not saved").
// - A service worker (assessments:sheet_worker) keeps a copy of the page and its files, so that a sheet
//   once opened opens again without a connection.
(function () {
  "use strict";
  var root = document.getElementById("scoresheet");
  if (!root) { return; }

  var banner = document.getElementById("connection-banner");
  var bannerText = document.getElementById("connection-text");
  var totalState = document.getElementById("total-state");
  var PREFIX = "sp2k.sheet." + root.dataset.sheet + ".";
  var MAX_DELAY = 60000;
  var SEND_TIMEOUT = 20000;
  var rows = {};
  root.querySelectorAll("[data-indicator]").forEach(function (row) { rows[row.dataset.indicator] = row; });

  // --- what is kept in the browser ---------------------------------------------------------------

  var storage = (function () {
    try {
      window.localStorage.setItem(PREFIX + "probe", "1");
      window.localStorage.removeItem(PREFIX + "probe");
      return window.localStorage;
    } catch (error) {
      return null; // private mode or full: saving still works, only not across a reload
    }
  })();

  function load(id) {
    if (!storage) { return null; }
    try { return JSON.parse(storage.getItem(PREFIX + id)); } catch (error) { return null; }
  }
  function keep(id, record) {
    if (!storage) { return; }
    try { storage.setItem(PREFIX + id, JSON.stringify(record)); } catch (error) { /* full: kept on the page */ }
  }
  function forget(id) { if (storage) { storage.removeItem(PREFIX + id); } }

  function valueField(row) { return row.querySelector(".score-value"); }
  function commentField(row) { return row.querySelector(".score-comment"); }
  function versionField(id) { return document.getElementById("version-" + id); }
  function statusBox(row) { return row.querySelector(".score-status"); }
  function version(id) { var field = versionField(id); return field ? parseInt(field.value, 10) || 0 : 0; }

  function typed(id) {
    var row = rows[id];
    return { value: valueField(row).value, comment: commentField(row).value };
  }

  // --- what the page says ------------------------------------------------------------------------

  var queue = [];      // indicator ids waiting to be sent, in order
  var sending = null;  // the id being sent
  var timer = null;    // the next try after a failure
  var delay = 0;       // the current backoff, ms
  var trouble = "";    // "", "offline", "busy", "signed-out" or "refused"

  function setTrouble(kind) {
    trouble = kind;
    var messages = {
      offline: root.dataset.textOffline,
      busy: root.dataset.textBusy,
      "signed-out": root.dataset.textSignedOut,
      refused: root.dataset.textRefused
    };
    var text = messages[kind] || "";
    banner.dataset.state = kind;
    if (bannerText.textContent !== text) { bannerText.textContent = text; }
    banner.classList.toggle("d-none", !text);
    banner.classList.toggle("alert-warning", kind === "offline" || kind === "busy");
    banner.classList.toggle("alert-danger", kind === "signed-out" || kind === "refused");
    showTotalState();
  }

  // Whether the total shown lacks something typed: waiting to be sent, or typed and not yet left.
  function showTotalState() {
    var waiting = queue.length > 0 || sending !== null;
    var typing = false;
    root.querySelectorAll("[data-indicator].is-value-dirty").forEach(function (row) {
      if (!valueField(row).classList.contains("is-invalid")) { typing = true; }
    });
    var text = "";
    if (waiting && trouble) { text = root.dataset.textUnsaved; } else if (waiting || typing) { text = root.dataset.textSaving; }
    if (totalState.textContent !== text) { totalState.textContent = text; }
    root.querySelector(".scoresheet-total").setAttribute("aria-busy", waiting || typing ? "true" : "false");
  }

  function markRow(id, state) {
    var row = rows[id];
    var box = statusBox(row);
    row.classList.toggle("is-unsaved", state === "unsaved");
    if (!box) { return; }
    box.dataset.state = state;
    box.textContent = "";
    if (state === "unsaved") {
      var span = document.createElement("span");
      span.className = "text-danger fw-semibold";
      span.textContent = "⚠ " + root.dataset.textUnsaved;
      box.appendChild(span);
    } else if (state === "saving") {
      box.textContent = root.dataset.textSaving;
    }
  }

  // The answer's fragment: the field's status, its new version and the total (each replaces the element
  // of the same id).
  function apply(html) {
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    Array.prototype.slice.call(parsed.body.children).forEach(function (node) {
      var old = node.id && document.getElementById(node.id);
      if (old) { old.replaceWith(document.importNode(node, true)); }
    });
  }

  function settle(id, refused) {
    var field = valueField(rows[id]);
    field.classList.toggle("is-invalid", refused);
    field.setAttribute("aria-invalid", refused ? "true" : "false");
  }

  // --- sending, one at a time --------------------------------------------------------------------

  function csrfToken() {
    var cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    return cookie ? cookie.split("=")[1] : root.dataset.csrfToken;
  }

  function enqueue(id) {
    if (queue.indexOf(id) < 0 && sending !== id) { queue.push(id); }
    if (sending !== id) { markRow(id, "unsaved"); }
    pump();
  }

  function pump() {
    if (sending !== null || timer !== null) { showTotalState(); return; }
    if (queue.length === 0) {
      if (trouble === "offline" || trouble === "busy") { setTrouble(""); }
      showTotalState();
      return;
    }
    if (navigator.onLine === false) { setTrouble("offline"); return; }
    send(queue.shift());
  }

  function retryAfter(response) {
    var header = response.headers.get("Retry-After");
    if (!header) { return 0; }
    var seconds = Number(header);
    if (!isNaN(seconds)) { return seconds * 1000; }
    var when = Date.parse(header);
    return isNaN(when) ? 0 : Math.max(0, when - Date.now());
  }

  // A failure: the field goes back to the head of the queue and the next try waits (1 s, 2 s, 4 s … up
  // to a minute, a little at random so that many pages do not come back together; at least Retry-After).
  function later(id, kind, atLeast) {
    queue.unshift(id);
    markRow(id, "unsaved");
    delay = delay ? Math.min(delay * 2, MAX_DELAY) : 1000;
    var wait = Math.max(delay * (0.75 + Math.random() / 2), atLeast || 0);
    setTrouble(kind);
    timer = window.setTimeout(function () { timer = null; pump(); }, Math.min(wait, 5 * MAX_DELAY));
  }

  function done(id) {
    sending = null;
    delay = 0;
    pump();
  }

  function send(id) {
    var row = rows[id];
    var sent = typed(id);
    var record = load(id);
    // The version the value was typed over: kept with it, so that after a conflict (the field's version is
    // then the other value's) only the assessor's choice sends it over the other value.
    var base = record && record.pending ? record.version : version(id);
    sending = id;
    markRow(id, "saving");
    showTotalState();
    var body = new URLSearchParams();
    body.append("value", sent.value);
    body.append("comment", sent.comment);
    body.append("version", String(base));
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = window.setTimeout(function () { if (controller) { controller.abort(); } }, SEND_TIMEOUT);
    fetch(row.dataset.saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (html) { return { response: response, html: html }; });
    }).then(function (answer) {
      window.clearTimeout(timeout);
      answered(id, sent, answer.response, answer.html);
    }, function () {
      // No answer at all: offline (the request failed), unless the device is online and it was the
      // server that did not answer in time.
      window.clearTimeout(timeout);
      sending = null;
      var timedOut = controller && controller.signal.aborted && navigator.onLine !== false;
      later(id, timedOut ? "busy" : "offline");
    });
  }

  function answered(id, sent, response, html) {
    var code = response.status;
    if (response.type === "opaqueredirect" || code === 401) {
      sending = null;
      later(id, "signed-out");
      return;
    }
    if (code === 429 || code >= 500) {
      sending = null;
      later(id, "busy", retryAfter(response));
      return;
    }
    if (code === 200) {
      apply(html);
      var now = typed(id);
      var changed = now.value !== sent.value || now.comment !== sent.comment;
      keep(id, { value: now.value, comment: now.comment, version: version(id), pending: changed });
      settle(id, false);
      if (changed) {
        queue.unshift(id); // typed again while it was on its way: send the newer text
      } else {
        rows[id].classList.remove("is-dirty", "is-value-dirty", "is-unsaved");
        if (queue.length === 0) { refreshCopy(); }
      }
      if (trouble) { setTrouble(""); }
      done(id);
      return;
    }
    if (code === 400 || code === 409 || code === 422) {
      // Refused (the message says why) or a conflict (both values, and the choice): kept as typed, with
      // the version it was typed over, until the assessor changes it or chooses.
      apply(html);
      settle(id, true);
      rows[id].classList.remove("is-unsaved");
      if (trouble && trouble !== "refused") { setTrouble(""); }
      done(id);
      return;
    }
    // 403, 404 …: this page may no longer save (the sheet was closed, or the session changed).
    sending = null;
    markRow(id, "unsaved");
    setTrouble("refused");
    pump();
  }

  // --- the page's events -------------------------------------------------------------------------

  function remember(row) {
    var id = row.dataset.indicator;
    var record = load(id);
    var now = typed(id);
    keep(id, {
      value: now.value,
      comment: now.comment,
      version: record && record.pending ? record.version : version(id),
      pending: true
    });
  }

  root.addEventListener("input", function (event) {
    var row = event.target.closest("[data-indicator]");
    if (!row || !row.dataset.saveUrl) { return; }
    row.classList.add("is-dirty");
    if (event.target.classList.contains("score-value")) { row.classList.add("is-value-dirty"); }
    remember(row);
    showTotalState();
  });

  root.addEventListener("change", function (event) {
    var row = event.target.closest("[data-indicator]");
    if (!row || !row.dataset.saveUrl) { return; }
    remember(row);
    enqueue(row.dataset.indicator);
  });

  // Buttons of a conflict: take the other value, or save the typed one over it. Either way the choice is
  // made over the version the conflict showed (the answer brought it).
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var row = button.closest("[data-indicator]");
    var id = row.dataset.indicator;
    if (button.dataset.action === "take-saved") {
      var current = row.querySelector("[data-current-value]");
      valueField(row).value = current ? current.dataset.currentValue : "";
    }
    var now = typed(id);
    keep(id, { value: now.value, comment: now.comment, version: version(id), pending: true });
    settle(id, false);
    enqueue(id);
  });

  function retryNow() {
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    delay = 0;
    pump();
  }

  document.getElementById("retry-now").addEventListener("click", retryNow);
  window.addEventListener("online", retryNow);
  window.addEventListener("offline", function () { if (queue.length || sending !== null) { setTrouble("offline"); } });
  window.setInterval(function () { if (timer === null && sending === null && queue.length) { pump(); } }, 15000);
  window.addEventListener("beforeunload", function (event) {
    // What is typed is kept in the browser; only without storage could leaving lose it.
    if (!storage && (queue.length > 0 || sending !== null || root.querySelector(".is-dirty"))) {
      event.preventDefault();
      event.returnValue = root.dataset.textLeave;
    }
  });

  // --- on load: put back what the server has not confirmed --------------------------------------

  Object.keys(rows).forEach(function (id) {
    var row = rows[id];
    var record = load(id);
    if (!record) { return; }
    if (!row.dataset.saveUrl) { return; } // read-only now: kept, in case the sheet is reopened
    var shown = version(id);
    if (record.pending || record.version > shown) {
      // Unsent, or confirmed after this copy of the page was kept (a page from the worker's cache).
      valueField(row).value = record.value;
      commentField(row).value = record.comment;
      var field = versionField(id);
      if (field) { field.value = String(record.version); }
      if (record.pending) {
        row.classList.add("is-dirty");
        queue.push(id);
        markRow(id, "unsaved");
      }
    } else {
      forget(id); // the page knows as much or more
    }
  });
  pump();

  // --- the service worker: this page and its files, kept for offline use --------------------------

  var worker = navigator.serviceWorker;
  var offlineNote = document.getElementById("offline-ready");

  function keepCopies(withFiles) {
    if (!worker || !worker.controller && !withFiles) { return; }
    worker.ready.then(function (registration) {
      var urls = [window.location.pathname];
      if (withFiles) {
        document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (el) {
          var url = new URL(el.src || el.href, window.location.href);
          if (url.origin === window.location.origin) { urls.push(url.pathname); }
        });
      }
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (event.data && event.data.ok && withFiles) {
          root.dataset.offlineReady = "true";
          if (offlineNote) { offlineNote.classList.remove("d-none"); }
        }
      };
      registration.active.postMessage({ type: "keep", urls: urls, files: withFiles }, [channel.port2]);
    }).catch(function () { /* no worker: the page still saves, just not offline */ });
  }

  // After the queue empties, the kept copy of the page is refreshed (its values, versions and total).
  var refreshTimer = null;
  function refreshCopy() {
    if (refreshTimer !== null) { window.clearTimeout(refreshTimer); }
    refreshTimer = window.setTimeout(function () { refreshTimer = null; keepCopies(false); }, 2000);
  }

  if (worker && root.dataset.worker && window.isSecureContext) {
    worker.register(root.dataset.worker, { scope: root.dataset.workerScope }).then(function () {
      if (navigator.onLine !== false) { keepCopies(true); }
      else if (worker.controller && offlineNote) { offlineNote.classList.remove("d-none"); }
    }).catch(function () { /* offline or refused: the page still saves, just not offline */ });
  }

  showTotalState();
})();

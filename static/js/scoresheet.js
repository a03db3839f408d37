// Score sheet: save status per field, the weighted total, and never losing what was typed.
// Saving itself is done by htmx attributes on each indicator row (hx-post on "change"). The weighted
// total is never computed here: every save's response carries the server's total (an out-of-band swap
// of #live-total, the formula of assessments.domain.ranking.weighted); this script only says, beside
// it, that a typed value is not in it yet ("saving…") or could not be saved ("not saved").
(function () {
  "use strict";
  var root = document.getElementById("scoresheet");
  if (!root || !window.htmx) { return; }

  // Validation refusals (422), conflicts (409) and unreadable posts (400) carry a fragment to show.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(400|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false }
  ];

  var banner = document.getElementById("connection-banner");
  var totalState = document.getElementById("total-state");
  var pending = new Set();

  // Whether the total shown lacks something typed: a failed save, or a score not saved yet (a row's
  // score is "value-dirty" from its first keystroke until its save is answered; a refused one stays out).
  function showTotalState() {
    var saving = false;
    root.querySelectorAll("[data-indicator].is-value-dirty").forEach(function (row) {
      if (!row.querySelector(".score-value.is-invalid")) { saving = true; }
    });
    var text = pending.size > 0 ? root.dataset.textUnsaved : (saving ? root.dataset.textSaving : "");
    if (totalState.textContent !== text) { totalState.textContent = text; }
    root.querySelector(".scoresheet-total").setAttribute("aria-busy", saving ? "true" : "false");
  }

  function status(row) { return row.querySelector(".score-status"); }

  function markUnsaved(row) {
    pending.add(row);
    row.classList.add("is-unsaved");
    var box = status(row);
    if (box) {
      box.dataset.state = "unsaved";
      box.innerHTML = "";
      var span = document.createElement("span");
      span.className = "text-danger fw-semibold";
      span.textContent = "⚠ " + root.dataset.textUnsaved;
      box.appendChild(span);
    }
    banner.classList.remove("d-none");
    showTotalState();
  }

  function markDone(row) {
    pending.delete(row);
    row.classList.remove("is-unsaved");
    if (pending.size === 0) { banner.classList.add("d-none"); }
  }

  function retry() {
    if (!navigator.onLine) { return; }
    pending.forEach(function (row) { htmx.trigger(row, "change"); });
  }

  root.addEventListener("input", function (event) {
    var row = event.target.closest("[data-indicator]");
    if (row) { row.classList.add("is-dirty"); }
    if (row && event.target.classList.contains("score-value")) {
      row.classList.add("is-value-dirty");
      showTotalState();
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.detail.elt;
    if (!row.matches || !row.matches("[data-indicator]")) { return; }
    var box = status(row);
    if (box && box.dataset.state !== "unsaved") {
      box.dataset.state = "saving";
      box.textContent = root.dataset.textSaving;
    }
  });

  // The status box was replaced by the response (outerHTML): read the new one from the row.
  function finish(row) {
    var box = status(row);
    var field = row.querySelector(".score-value");
    var invalid = box && (box.dataset.state === "invalid" || box.dataset.state === "conflict");
    field.classList.toggle("is-invalid", !!invalid);
    field.setAttribute("aria-invalid", invalid ? "true" : "false");
    markDone(row);
    if (!invalid) { row.classList.remove("is-dirty", "is-value-dirty"); }
    showTotalState();
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var row = event.detail.elt;
    if (!row || !row.matches || !row.matches("[data-indicator]")) { return; }
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (code >= 200 && code < 500) {
      window.setTimeout(function () { finish(row); }, 0);
    } else {
      markUnsaved(row);
    }
  });

  function failed(event) {
    var row = event.detail.elt;
    if (row && row.matches && row.matches("[data-indicator]")) { markUnsaved(row); }
  }
  document.body.addEventListener("htmx:sendError", failed);
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:timeout", failed);

  // Buttons of a conflict message: take the other value, or save the typed one over it.
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var row = button.closest("[data-indicator]");
    if (button.dataset.action === "take-saved") {
      var current = row.querySelector("[data-current-value]");
      row.querySelector(".score-value").value = current ? current.dataset.currentValue : "";
    }
    htmx.trigger(row, "change");
  });

  document.getElementById("retry-now").addEventListener("click", retry);
  window.addEventListener("online", retry);
  window.setInterval(retry, 15000);
  window.addEventListener("beforeunload", function (event) {
    if (pending.size > 0 || root.querySelector(".is-dirty")) {
      event.preventDefault();
      event.returnValue = root.dataset.textLeave;
    }
  });

  showTotalState();
})();

// Assignment matrix: each ticked or cleared box is saved at once (htmx), one cell at a time.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".matrix-table input[data-pair]")) { return; }
    var table = box.closest(".matrix-table");
    var values = { pair: box.dataset.pair };
    if (box.checked) { values.assigned = "on"; }
    box.disabled = true;
    htmx.ajax("POST", table.dataset.toggleUrl, {
      source: box, target: box.closest(".matrix-cell"), swap: "outerHTML", values: values
    });
  });
  // A lost connection or server error: put the box back as it was, and say so.
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (event.detail.successful || !target || !target.classList.contains("matrix-cell")) { return; }
    var box = target.querySelector("input[data-pair]");
    if (!box) { return; }
    box.disabled = false;
    box.checked = !box.checked;
    box.classList.add("is-invalid");
    box.title = target.closest(".matrix-table").dataset.errorText || "";
  });
})();

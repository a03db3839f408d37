/* "Add a row" for a Django formset (no inline script: the page's CSP allows only our own files).
 *
 * The button carries data-formset-add (the formset's prefix), data-formset-rows (the id of the rows'
 * container) and data-formset-template (the id of a <template> holding the formset's empty form, whose
 * names and ids contain __prefix__). Each click appends a copy numbered after the last row and raises
 * the management form's TOTAL_FORMS. The button is hidden until this script runs.
 */
(function () {
  "use strict";

  function addRow(button) {
    var prefix = button.dataset.formsetAdd;
    var rows = document.getElementById(button.dataset.formsetRows);
    var template = document.getElementById(button.dataset.formsetTemplate);
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!rows || !template || !total) {
      return;
    }
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, textarea, select");
    if (first) {
      first.focus();
    }
  }

  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      addRow(button);
    });
  });
})();

// "Select all" boxes: a checkbox with data-select-all="group" ticks or clears every checkbox with
// data-select-group="group" (bulk decisions, participants entered by the province, sheets).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var group = master.getAttribute("data-select-all");
    var boxes = function () {
      return document.querySelectorAll('input[type=checkbox][data-select-group="' + group + '"]:not(:disabled)');
    };
    master.hidden = false;
    if (master.parentElement) { master.parentElement.hidden = false; }
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
    });
  });
})();

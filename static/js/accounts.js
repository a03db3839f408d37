// Account pages: show only the region fields the chosen role takes; confirm deactivation.
(function () {
  "use strict";
  // Which region field each role takes (the server validates the same; see accounts/models.py).
  var SCOPE = {
    province_admin: [],
    assessor: ["regency"],
    regency_admin: ["regency"],
    camat: ["district"],
    district_operator: ["district"]
  };

  var role = document.querySelector("#account-form select[name=role]");
  if (role) {
    var update = function () {
      var shown = SCOPE[role.value] || [];
      document.querySelectorAll("#account-form [data-scope]").forEach(function (box) {
        box.hidden = shown.indexOf(box.getAttribute("data-scope")) === -1;
      });
    };
    role.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // The bulk creation answers with a file, so the page stays: stop a second click and say what happens.
  document.querySelectorAll("form[data-download-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      var note = form.querySelector("[data-download-note]");
      if (note) { note.hidden = false; }
    });
  });

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();

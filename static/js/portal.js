// Portal behaviour. Loaded on every page; no inline scripts anywhere (strict CSP).
(function () {
  "use strict";
  // Send Django's CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    var value = cookie ? cookie.split("=")[1] : (token ? token.value : null);
    if (value) { event.detail.headers["X-CSRFToken"] = value; }
  });
  // A table wider than the screen scrolls sideways in its box: the box takes the keyboard's focus (arrow keys
  // scroll it) and is announced as a region named after the table's caption (WCAG 2.1.1).
  function focusableScrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          var caption = box.querySelector("caption");
          if (caption && !box.hasAttribute("role")) {
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", caption.textContent.trim());
          }
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
  window.addEventListener("resize", focusableScrollBoxes);
  document.addEventListener("htmx:afterSettle", focusableScrollBoxes);
})();

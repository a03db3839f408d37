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
})();

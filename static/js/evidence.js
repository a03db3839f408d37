// Evidence uploads: a progress bar while the files travel, and a size check before they do.
// Without JavaScript the same forms post normally; the server checks everything again.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(el, on) {
    if (el) { el.classList.toggle("d-none", !on); }
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function goTo(url) {
    var target = new URL(url, window.location.href);
    if (target.pathname === window.location.pathname && target.search === window.location.search) {
      window.location.hash = target.hash;
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  }

  function upload(form, event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var maxFiles = parseInt(form.getAttribute("data-max-files") || "1", 10);
    var error = form.querySelector(".evidence-error");
    var progress = form.querySelector(".evidence-progress");
    var bar = progress ? progress.querySelector("progress") : null;
    var text = progress ? progress.querySelector(".evidence-progress-text") : null;
    var button = form.querySelector("button[type=submit]");
    var files = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      for (var i = 0; i < input.files.length; i++) { files.push(input.files[i]); }
    });
    var problems = [];
    if (files.length > maxFiles) {
      problems.push(form.getAttribute("data-too-many") || ("Max " + maxFiles));
    }
    files.forEach(function (file) {
      if (file.size === 0) { problems.push("“" + file.name + "”: 0 B"); }
      if (max && file.size > max) { problems.push("“" + file.name + "”: " + sizeText(file.size) + " > " + sizeText(max)); }
    });
    event.preventDefault();
    if (problems.length) {
      error.textContent = problems.join(" · ");
      show(error, true);
      return;
    }
    show(error, false);
    show(progress, true);
    if (button) { button.disabled = true; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) { return; }
      var percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      if (text) { text.textContent = percent + "% · " + sizeText(e.loaded) + " / " + sizeText(e.total); }
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignore) { data = null; }
      if (data && data.redirect) { goTo(data.redirect); return; }
      if (button) { button.disabled = false; }
      show(progress, false);
      error.textContent = (data && data.error) || form.getAttribute("data-failed") || ("HTTP " + xhr.status);
      show(error, true);
    });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      show(progress, false);
      error.textContent = form.getAttribute("data-offline") || "Connection lost";
      show(error, true);
    });
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-evidence-upload")) { upload(form, event); }
  });
})();

// Service worker of the score sheet (served by assessments.views.panel.sheets.SheetWorkerView, scope
// {{ scope|escapejs }}): a sheet page, once opened, opens again without a connection, with its scripts
// and styles. What is typed is kept by the page itself (static/js/scoresheet.js, in localStorage) until
// the server confirms it; this worker only keeps copies of pages and files, it never sends a score.
//
// - a score sheet page: from the network when it answers (the copy kept here is refreshed), else the
//   copy kept here (offline, the server unreachable or busy, or no answer within a few seconds);
// - static files: a hashed name (production) never changes, so the copy kept here is used; an
//   unhashed one (development) is asked for first and the copy used only when there is no answer;
// - everything else (saves, other pages) is left to the browser.
"use strict";

var CACHE = "sp2k-sheet-{{ version|escapejs }}";
var STATIC_PREFIX = "{{ static_prefix|escapejs }}";
var SHEET_PAGE = new RegExp("{{ sheet_pattern|escapejs }}");
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
var PAGE_WAIT = 6000; // ms before a kept copy is shown instead of waiting on a slow network

function keyOf(url) {
  var parsed = new URL(url, self.location.href);
  return parsed.origin + parsed.pathname;
}

function kept(key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key); });
}

function keep(key, response) {
  if (response && response.status === 200 && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
  }
  return response;
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sp2k-sheet-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A sheet page: the network's answer, or the kept copy when the network fails, answers a server error
// or takes longer than PAGE_WAIT (when there is a copy to show).
function sheetPage(request) {
  var key = keyOf(request.url);
  var network = fetch(request).then(function (response) {
    if (response.status >= 500) {
      return kept(key).then(function (copy) { return copy || response; });
    }
    return keep(key, response);
  }, function () {
    return kept(key).then(function (copy) { return copy || Response.error(); });
  });
  var slow = new Promise(function (resolve) { setTimeout(resolve, PAGE_WAIT); }).then(function () {
    return kept(key).then(function (copy) { return copy || network; });
  });
  return Promise.race([network, slow]);
}

function staticFile(request) {
  var key = keyOf(request.url);
  var fromNetwork = function () { return fetch(request).then(function (response) { return keep(key, response); }); };
  if (HASHED.test(new URL(request.url).pathname)) {
    return kept(key).then(function (copy) { return copy || fromNetwork(); });
  }
  return fromNetwork().catch(function () {
    return kept(key).then(function (copy) { return copy || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && SHEET_PAGE.test(url.pathname)) {
    event.respondWith(sheetPage(request));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(request));
  }
});

// The page asks to keep copies of itself and of its files ({type: "keep", urls: [...], files: true}):
// fetched now, with the session's cookie. With files, static copies it no longer uses are dropped.
// Answers {ok: true} on the message's port once every copy is kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) { return; }
  var port = event.ports && event.ports[0];
  var keys = data.urls.map(keyOf);
  var done = caches.open(CACHE).then(function (cache) {
    return Promise.all(keys.map(function (key) {
      return fetch(key, { credentials: "same-origin", redirect: "manual", cache: "no-cache" }).then(function (response) {
        if (response.status !== 200 || response.type !== "basic") { throw new Error("not kept: " + key); }
        return cache.put(key, response);
      });
    })).then(function () {
      if (!data.files) { return null; }
      return cache.keys().then(function (requests) {
        return Promise.all(requests.filter(function (old) {
          var path = new URL(old.url).pathname;
          return path.indexOf(STATIC_PREFIX) === 0 && keys.indexOf(keyOf(old.url)) < 0;
        }).map(function (old) { return cache.delete(old); }));
      });
    });
  }).then(function () {
    if (port) { port.postMessage({ ok: true }); }
  }, function () {
    if (port) { port.postMessage({ ok: false }); }
  });
  event.waitUntil(done);
});

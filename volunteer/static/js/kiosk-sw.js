// The kiosk's service worker (served at /checkin/kiosk-sw.js, scope /checkin/).
// Pages: network first, the last good copy when the network is gone, so the kiosk opens
// offline. The app's own files: from the cache at once, refreshed in the background.
// A check-in link (/checkin/s/..., /checkin/p/...) opened without a network gets the cached
// "no network" page, which points to the personal code and the 6-digit code.
// The API and live figures are never cached.
"use strict";
var CACHE = "wsv-kiosk-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function isAsset(url) {
  return url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/bootstrap/") === 0 ||
    url.pathname.slice(-12) === ".webmanifest";
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (cached) {
      return cached || Response.error();
    });
  });
}

var SCOPE = new URL(self.registration.scope).pathname;
var KEPT_PAGES = /\/(kiosk\/?|my-code)$/;
var SCAN_LINK = /^\/checkin\/[sp]\//;

function offlinePage(request) {
  return fetch(request).catch(function () {
    return caches.match(SCOPE + "offline").then(function (cached) {
      return cached || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
    if (cached) {
      fresh.catch(function () { /* offline: the cached copy serves */ });
      return cached;
    }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate" && KEPT_PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate" && SCAN_LINK.test(url.pathname)) {
    event.respondWith(offlinePage(request));
  } else if (isAsset(url)) {
    event.respondWith(cacheFirst(request));
  }
});

// On the volunteer's phone: install the check-in service worker, and keep this page (the
// personal code) and the "no network" page in its cache. A check-in link opened later without
// a network then says so and points to the personal code and the 6-digit code, instead of
// the browser's own error page.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.caches) return;
  var CACHE = "wsv-kiosk-v1";
  var swUrl = script.dataset.swUrl;
  var scope = swUrl.slice(0, swUrl.lastIndexOf("/") + 1);
  navigator.serviceWorker.register(swUrl, { scope: scope }).then(function () {
    var urls = [location.pathname, script.dataset.offlineUrl];
    document.querySelectorAll("script[src]").forEach(function (s) { urls.push(s.getAttribute("src")); });
    document.querySelectorAll("link[rel=stylesheet]").forEach(function (l) { urls.push(l.getAttribute("href")); });
    return caches.open(CACHE).then(function (cache) { return cache.addAll(urls); });
  }).then(function () {
    document.documentElement.dataset.offlineReady = "1";
  }).catch(function () { /* online use does not need it */ });
})();

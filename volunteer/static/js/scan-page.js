// The volunteer's in-site scanner: read the check-in screen's QR and open its scan URL here.
// Only this site's scan paths are followed, whatever host the code names.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box || !window.QrScanner) return;
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var start = document.getElementById("scanner-start");
  var SCAN_PATH = /^\/checkin\/(s|p)\//;

  function say(attribute) { status.textContent = box.getAttribute(attribute); }

  function scanPath(text) {
    try {
      var url = new URL(text, window.location.href);
      return SCAN_PATH.test(url.pathname) ? url.pathname : null;
    } catch (error) {
      return null;
    }
  }

  function onText(text) {
    var path = scanPath(text);
    if (!path) { say("data-not-ours"); return false; }
    say("data-opening");
    window.location.assign(path);
    return true;
  }

  function run() {
    start.classList.add("d-none");
    say("data-looking");
    window.QrScanner.start(video, onText).catch(function () {
      say("data-no-camera");
      start.classList.remove("d-none");
    });
  }

  if (!window.QrScanner.engine()) { say("data-unsupported"); return; }
  start.addEventListener("click", run);
  run();
})();

// Kiosk: keep the code field focused for keyboard-wedge scanners (they type the code and Enter);
// optionally read QR codes from the camera with the shared scanner (qr-scanner.js), which uses
// BarcodeDetector where it exists and the vendored jsQR decoder elsewhere.
(function () {
  "use strict";
  var REPEAT_PAUSE_MS = 8000;
  var form = document.getElementById("kiosk-form");
  if (!form) return;
  var field = document.getElementById("code");
  field.focus();
  document.addEventListener("click", function (event) {
    if (!event.target.closest("button, a, input, video")) field.focus();
  });

  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera-video");
  var unsupported = document.getElementById("camera-unsupported");
  if (!window.QrScanner || !window.QrScanner.engine()) {
    start.classList.add("d-none");
    unsupported.classList.remove("d-none");
    return;
  }

  // One frame to text: BarcodeDetector, or jsQR on the frame drawn into a canvas.
  var canvas = document.createElement("canvas");
  function detect(detector) {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
      });
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    if (!canvas.width) return Promise.resolve(null);
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0);
    var found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
    return Promise.resolve(found && found.data ? found.data : null);
  }

  function watch(detector) {
    var last = "";
    var lastAt = 0;
    function tick() {
      detect(detector).then(function (code) {
        // The same card held in front of the camera is one scan, not one per frame.
        if (code && (code !== last || Date.now() - lastAt > 3000)) {
          last = code;
          lastAt = Date.now();
          field.value = code;
          form.requestSubmit();
        }
        setTimeout(tick, 200);
      }).catch(function () { setTimeout(tick, 300); });
    }
    tick();
  }

  start.addEventListener("click", function () {
    video.classList.remove("d-none");
    start.classList.add("d-none");
    sessionStorage.setItem("kioskCamera", "1");
    window.QrScanner.start(video, function (text) {
      // The person just scanned is usually still in front of the camera: ignore their code
      // for a few seconds instead of answering "nothing changed" again and again.
      var last = JSON.parse(sessionStorage.getItem("kioskLast") || "null");
      if (last && last.text === text && Date.now() - last.at < REPEAT_PAUSE_MS) return false;
      sessionStorage.setItem("kioskLast", JSON.stringify({ text: text, at: Date.now() }));
      field.value = text;
      form.requestSubmit();  // kiosk-offline.js keeps the scan when there is no network
      return true;
    }).catch(function () {
      unsupported.classList.remove("d-none");
    });
  });
  // After an online scan the page reloads with the result; reopen the camera for the next person.
  if (sessionStorage.getItem("kioskCamera") === "1") start.click();
})();

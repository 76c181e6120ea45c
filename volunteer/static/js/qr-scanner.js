// One camera QR reader for the volunteer's scan page and the organizer's kiosk.
// The browser's BarcodeDetector where it exists (Chrome on Android); elsewhere (iOS Safari,
// Firefox, WeChat's browser) the vendored jsQR decoder (static/vendor/jsqr-1.4.0) reads
// frames drawn on a canvas. Usage: QrScanner.start(videoElement, onText) -> Promise of a
// scanner with stop(); QrScanner.engine() says "native", "jsqr" or null.
(function () {
  "use strict";
  var FRAME_DELAY_MS = 120;
  var MAX_SIDE = 720; // larger frames are scaled down: a QR on a screen stays readable

  function hasCamera() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  function engine() {
    if (!hasCamera()) return null;
    if ("BarcodeDetector" in window) return "native";
    return typeof window.jsQR === "function" ? "jsqr" : null;
  }

  function nativeReader() {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return function (video) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    };
  }

  function jsqrReader() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function (video) {
      var width = video.videoWidth, height = video.videoHeight;
      if (!width || !height) return Promise.resolve(null);
      var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      return Promise.resolve(found && found.data ? found.data : null);
    };
  }

  function start(video, onText) {
    var kind = engine();
    if (!kind) return Promise.reject(new Error("no QR reader"));
    var read = kind === "native" ? nativeReader() : jsqrReader();
    var stopped = false;
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        function stop() {
          stopped = true;
          stream.getTracks().forEach(function (track) { track.stop(); });
        }
        function tick() {
          if (stopped) return;
          read(video).then(function (text) {
            if (text && !stopped) {
              if (onText(text) !== false) stop();
            }
          }).catch(function () { /* a frame not ready yet: try the next */ })
            .then(function () { if (!stopped) setTimeout(tick, FRAME_DELAY_MS); });
        }
        video.srcObject = stream;
        video.setAttribute("data-engine", kind);
        return video.play().then(function () { tick(); return { stop: stop, engine: kind }; });
      });
  }

  window.QrScanner = { engine: engine, start: start };
})();

// Kiosk: keep the code field focused for keyboard-wedge scanners (they type the code and Enter);
// optionally read QR codes from the camera with the browser's BarcodeDetector where it exists.
(function () {
  "use strict";
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
  var canDetect = "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  if (!canDetect) {
    start.classList.add("d-none");
    unsupported.classList.remove("d-none");
    return;
  }
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.classList.remove("d-none");
      start.classList.add("d-none");
      sessionStorage.setItem("kioskCamera", "1");
      return video.play().then(function () {
        function tick() {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              field.value = codes[0].rawValue;
              form.submit();
            } else {
              requestAnimationFrame(tick);
            }
          }).catch(function () { setTimeout(tick, 300); });
        }
        tick();
      });
    }).catch(function () {
      unsupported.classList.remove("d-none");
    });
  });
  // After a camera scan the page reloads with the result; reopen the camera for the next person.
  if (sessionStorage.getItem("kioskCamera") === "1") start.click();
})();

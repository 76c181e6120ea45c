// Fill the hidden latitude/longitude fields from the phone's position before a scan form is sent.
// The position is only sent to the server for the geofence check; the server keeps only pass/fail and distance.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-locate]");
  if (!form || !navigator.geolocation) return;
  var auto = form.dataset.autoLocate === "1";
  var located = false;
  function locate(thenSubmit) {
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude;
      form.querySelector("[name=longitude]").value = position.coords.longitude;
      located = true;
      if (thenSubmit) form.submit();
    }, function () {
      var error = document.getElementById("locate-error");
      if (error) error.classList.remove("d-none");
      if (thenSubmit && !auto) form.submit();
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
  }
  form.addEventListener("submit", function (event) {
    if (located) return;
    event.preventDefault();
    locate(true);
  });
  if (auto) locate(true);
})();

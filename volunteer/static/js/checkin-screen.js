// The organizer's check-in screen: poll the live endpoint, rotate the QR when the step changes,
// refresh the counts and the list of who is in. No libraries.
(function () {
  "use strict";
  var root = document.getElementById("checkin-screen");
  if (!root) return;
  var liveUrl = root.dataset.liveUrl;
  var pollMs = Math.max(1, parseInt(root.dataset.pollSeconds, 10) || 3) * 1000;
  var step = root.dataset.step;
  var secondsLeft = parseInt(document.getElementById("screen-countdown").textContent, 10) || 0;
  var img = document.getElementById("screen-qr");
  var link = document.getElementById("screen-scan-link");

  function render(data) {
    if (String(data.step) !== String(step)) {
      step = String(data.step);
      img.src = data.qr_url;
    }
    link.href = data.scan_url;
    document.getElementById("screen-code").textContent = data.code.slice(0, 3) + " " + data.code.slice(3);
    secondsLeft = data.seconds_left;
    document.getElementById("count-in").textContent = data.checked_in;
    document.getElementById("count-out").textContent = data.checked_out;
    var list = document.getElementById("present-list");
    list.textContent = "";
    data.present.forEach(function (person) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between";
      var name = document.createElement("span");
      name.textContent = person.name;
      var since = document.createElement("span");
      since.className = "text-muted";
      since.textContent = person.since;
      item.appendChild(name);
      item.appendChild(since);
      list.appendChild(item);
    });
  }

  function poll() {
    fetch(liveUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .finally(function () { setTimeout(poll, Math.min(pollMs, Math.max(secondsLeft, 1) * 1000)); });
  }

  setInterval(function () {
    if (secondsLeft > 0) secondsLeft -= 1;
    document.getElementById("screen-countdown").textContent = secondsLeft;
  }, 1000);
  poll();
})();

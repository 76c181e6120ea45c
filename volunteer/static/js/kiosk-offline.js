// The offline kiosk: keeps scanning personal codes with no network and syncs when it returns.
// While offline (or while earlier scans still wait), each scan is stored in IndexedDB with the
// device time, the activity, the device's id and a running sequence number; the page shows
// how many wait and each person's state as this device knows it. When the network returns,
// the queue is posted to the API in batches; a retry never makes a second record (client ids).
(function () {
  "use strict";
  var root = document.getElementById("kiosk-offline");
  if (!root || !window.idb) return;
  var form = document.getElementById("kiosk-form");
  var field = document.getElementById("code");
  var activityId = Number(root.dataset.activityId);
  var repeatMs = Number(root.dataset.repeatSeconds) * 1000;
  var text = JSON.parse(root.dataset.text);
  var CACHE = "wsv-kiosk-v1";
  var BATCH = 100;
  var SIGNED = /^WSV:([A-Z0-9-]{1,24})\.[0-9a-f]{20}$/i;
  var SHAPE = /^WSV:[A-Za-z0-9_.-]{8,96}$/i;
  var syncing = false;

  var database = window.idb.openDB("wsv-kiosk", 1, {
    upgrade: function (db) {
      db.createObjectStore("scans", { keyPath: "client_id" });
      db.createObjectStore("people", { keyPath: "key" });
      db.createObjectStore("meta");
    },
  });

  function $(id) { return document.getElementById(id); }
  function say(message, kind) {
    var box = $("kiosk-offline-result");
    box.textContent = message;
    box.className = "alert fs-5 text-center alert-" + (kind || "info");
  }
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function hhmm(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // ---- the device: its id, its token, its last online contact ----
  function device() {
    return database.then(function (db) { return db.get("meta", "device"); });
  }
  function saveDevice(value) {
    return database.then(function (db) { return db.put("meta", value, "device"); });
  }
  function ensureDeviceId() {
    return device().then(function (found) {
      if (found) return found;
      var fresh = { device_id: uuid(), sequence: 0 };
      return saveDevice(fresh).then(function () { return fresh; });
    });
  }

  function enroll() {
    return ensureDeviceId().then(function (dev) {
      return fetch(root.dataset.enrollUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": root.dataset.csrf },
      }).then(function (response) {
        if (!response.ok) throw new Error("enroll");
        return response.json();
      }).then(function (body) {
        dev.token = body.token;
        dev.sync_url = body.sync_url;
        dev.clock_url = body.clock_url;
        dev.revoked = false;
        dev.last_contact = { device_time: new Date().toISOString(), server_time: body.server_time };
        return saveDevice(dev);
      });
    }).then(function () {
      say(text.enrolled, "success");
      return refresh();
    }).catch(function () { say(text.enrollFailed, "danger"); });
  }

  // ---- people as this device knows them ----
  function personKey(code) {
    var signed = SIGNED.exec(code);
    return activityId + "|" + (signed ? signed[1].toUpperCase() : code);
  }
  function personLabel(code) {
    var signed = SIGNED.exec(code);
    return signed ? signed[1].toUpperCase() : code.slice(0, 12) + "…";
  }
  // What the server says while online: who is checked in now (their volunteer numbers), a
  // page at a time however large the crowd. If the network goes meanwhile, the kiosk keeps
  // what it had learned.
  function learnPresent() {
    return learnPresentPage(root.dataset.presentUrl).catch(function () { /* offline again */ });
  }
  function learnPresentPage(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("present: " + response.status);
        return response.json();
      })
      .then(function (page) {
        return database.then(function (db) {
          var tx = db.transaction("people", "readwrite");
          page.present.forEach(function (person) {
            var key = activityId + "|" + person.number;
            tx.store.put({ key: key, label: person.number, name: person.name, state: "in", at: person.since });
          });
          return tx.done;
        }).then(function () {
          if (page.next === null) return null;
          return learnPresentPage(root.dataset.presentUrl + "?after=" + encodeURIComponent(page.next));
        });
      });
  }

  // ---- the queue ----
  function queueScan(code) {
    var now = Date.now();
    return database.then(function (db) {
      return Promise.all([db.get("people", personKey(code)), ensureDeviceId()]).then(function (found) {
        var person = found[0], dev = found[1];
        if (person && now - person.at < repeatMs) return repeated(person);
        var direction = person && person.state === "in" ? "out" : "in";
        dev.sequence = (dev.sequence || 0) + 1;
        var scan = {
          client_id: uuid(), sequence: dev.sequence, activity_id: activityId, code: code,
          direction: direction, device_time: new Date(now).toISOString(), device_id: dev.device_id,
        };
        var next = {
          key: personKey(code), label: personLabel(code), name: person ? person.name : "",
          state: direction, at: now,
        };
        var tx = db.transaction(["scans", "people", "meta"], "readwrite");
        tx.objectStore("scans").put(scan);
        tx.objectStore("people").put(next);
        tx.objectStore("meta").put(dev, "device");
        return tx.done.then(function () { return stored(next); });
      });
    }).then(refresh);
  }
  function repeated(person) {
    say(format(text.repeat, { who: person.name || person.label, time: hhmm(person.at) }), "warning");
  }
  function stored(person) {
    var template = person.state === "in" ? text.storedIn : text.storedOut;
    say(format(template, { who: person.name || person.label, time: hhmm(person.at) }), "success");
  }

  function pendingScans() {
    return database.then(function (db) { return db.getAll("scans"); }).then(function (scans) {
      return scans.sort(function (a, b) { return a.sequence - b.sequence; });
    });
  }

  // ---- what the page shows ----
  function refresh() {
    return Promise.all([pendingScans(), database.then(function (db) { return db.getAll("people"); }), device()])
      .then(function (found) {
        showPending(found[0].length);
        showPeople(found[1].filter(function (p) { return p.key.indexOf(activityId + "|") === 0; }));
        showDevice(found[2]);
      });
  }
  function showPending(count) {
    var badge = $("offline-pending");
    badge.textContent = format(navigator.onLine ? text.pendingOnline : text.pendingOffline, { count: count });
    badge.dataset.count = String(count);
    badge.classList.toggle("d-none", count === 0 && navigator.onLine);
  }
  function showPeople(people) {
    var list = $("offline-people");
    list.replaceChildren();
    people.sort(function (a, b) { return b.at - a.at; }).forEach(function (person) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between";
      item.dataset.state = person.state;
      var who = document.createElement("span");
      who.textContent = person.name ? person.name + " · " + person.label : person.label;
      var state = document.createElement("span");
      state.textContent = (person.state === "in" ? text.stateIn : text.stateOut) + " " + hhmm(person.at);
      item.append(who, state);
      list.append(item);
    });
  }
  function showDevice(dev) {
    var ready = Boolean(dev && dev.token && !dev.revoked);
    $("offline-enroll").classList.toggle("d-none", ready || !navigator.onLine);
    $("offline-ready").classList.toggle("d-none", !ready);
    $("offline-revoked").classList.toggle("d-none", !(dev && dev.revoked));
  }

  // ---- sync ----
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return device().then(function (dev) {
      if (!dev || !dev.token || dev.revoked) return null;
      return pendingScans().then(function (scans) {
        return scans.length ? sendBatches(dev, scans, { applied: 0, review: 0, refused: 0 }) : touchClock(dev);
      });
    }).catch(function () { /* still offline: the queue stays, the next attempt sends it */ })
      .then(function () { syncing = false; return refresh(); });
  }
  function sendBatches(dev, scans, tally) {
    if (!scans.length) return reportSync(tally);
    var sentAt = new Date().toISOString();
    var body = {
      device_id: dev.device_id, device_now: sentAt, last_contact: dev.last_contact,
      scans: scans.slice(0, BATCH).map(function (s) {
        return {
          client_id: s.client_id, sequence: s.sequence, activity_id: s.activity_id, code: s.code,
          direction: s.direction, device_time: s.device_time,
        };
      }),
    };
    return post(dev, body).then(function (answer) {
      if (answer.status === 403) return revoked(dev);
      if (!answer.ok) throw new Error("sync");
      return answer.json().then(function (result) {
        dev.last_contact = { device_time: sentAt, server_time: result.server_time };
        return forget(dev, result.items, tally).then(function () {
          return sendBatches(dev, scans.slice(BATCH), tally);
        });
      });
    });
  }
  function post(dev, body) {
    return fetch(dev.sync_url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + dev.token },
      body: JSON.stringify(body),
    });
  }
  // The server keeps every scan it answered for; the device forgets them.
  function forget(dev, items, tally) {
    return database.then(function (db) {
      var tx = db.transaction(["scans", "meta"], "readwrite");
      items.forEach(function (item) {
        tx.objectStore("scans").delete(item.client_id);
        if (item.outcome === "review") tally.review += 1;
        else if (item.outcome === "refused") tally.refused += 1;
        else tally.applied += 1;
      });
      tx.objectStore("meta").put(dev, "device");
      return tx.done;
    });
  }
  function revoked(dev) {
    dev.revoked = true;
    return saveDevice(dev).then(function () { say(text.tokenRevoked, "danger"); });
  }
  function reportSync(tally) {
    say(format(text.synced, tally), tally.review || tally.refused ? "warning" : "success");
  }
  // Online with nothing to send: measure the clock, so the next offline spell has a reference.
  function touchClock(dev) {
    var asked = Date.now();
    return fetch(dev.clock_url, { headers: { Authorization: "Bearer " + dev.token } }).then(function (answer) {
      if (answer.status === 401 || answer.status === 403) return null;
      return answer.json().then(function (body) {
        var middle = new Date((asked + Date.now()) / 2).toISOString();
        dev.last_contact = { device_time: middle, server_time: body.server_time };
        return saveDevice(dev);
      });
    });
  }

  // ---- scanning ----
  function handleCode(raw) {
    var code = String(raw || "").trim();
    if (!SHAPE.test(code)) {
      say(text.notACode, "danger");
      return Promise.resolve(false);
    }
    return queueScan(code).then(function () { return sync(); }).then(function () { return true; });
  }
  // Offline, or while earlier scans still wait, a scan joins the queue (keeping the order).
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = field.value;
    pendingScans().then(function (scans) {
      return scans.length === 0 && reachable();
    }).then(function (online) {
      if (online) {
        form.submit();
        return;
      }
      field.value = "";
      handleCode(code).then(function () { field.focus(); });
    });
  });
  // A phone may say it is online with no signal getting through: ask the server first, briefly.
  function reachable() {
    if (!navigator.onLine) return Promise.resolve(false);
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 4000);
    return fetch(root.dataset.swUrl, { method: "HEAD", cache: "no-store", signal: abort.signal })
      .then(function (answer) { return answer.ok; })
      .catch(function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  // The kiosk's decoder: one camera frame (or any image) in, the code submitted as if typed.
  window.kioskScanImageData = function (imageData) {
    var found = window.jsQR(imageData.data, imageData.width, imageData.height);
    if (!found || !found.data) return null;
    field.value = found.data;
    form.requestSubmit();
    return found.data;
  };

  // ---- install: the service worker and the app's own files in its cache ----
  function install() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope })
      .then(function () { return navigator.onLine ? precache() : null; })
      .catch(function () { /* the page still works online without it */ });
  }
  function precache() {
    var urls = [location.pathname, root.dataset.manifestUrl];
    document.querySelectorAll("script[src]").forEach(function (s) { urls.push(s.getAttribute("src")); });
    document.querySelectorAll("link[rel=stylesheet]").forEach(function (l) { urls.push(l.getAttribute("href")); });
    return caches.open(CACHE).then(function (cache) { return cache.addAll(urls); });
  }

  $("offline-enroll-button").addEventListener("click", enroll);
  window.addEventListener("online", sync);
  window.addEventListener("offline", refresh);
  setInterval(sync, 30000);
  var learned = navigator.onLine ? pendingScans().then(function (s) { return s.length ? null : learnPresent(); }) : Promise.resolve();
  root.dataset.ready = "0";
  Promise.all([learned, install()]).then(refresh).then(sync).then(function () {
    root.dataset.ready = "1";
  });
})();

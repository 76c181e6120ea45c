// A background job's page: follow its progress until its file is ready, or go to the
// page a finished job lands on (a checked roster's preview).
(function () {
  var box = document.getElementById('job');
  var bar = document.getElementById('job-bar');
  var texts = {
    running: box.dataset.textRunning,
    done: box.dataset.textDone,
    failed: box.dataset.textFailed,
    queued: box.dataset.textQueued
  };
  function show(percent) { bar.style.width = percent + '%'; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (s) {
      show(s.total ? Math.floor(100 * s.done / s.total) : 0);  // 100% only when done
      var text = (texts[s.status] || texts.running).replace('DONE', s.done).replace('TOTAL', s.total).replace('ERROR', s.error || '');
      document.getElementById('job-text').textContent = text;
      if (s.next) { window.location.assign(s.next); return; }
      if (s.download) { document.getElementById('job-download').classList.remove('d-none'); }
      if (s.status === 'queued' || s.status === 'running') { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  show(bar.dataset.percent);
  poll();
})();

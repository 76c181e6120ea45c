// Period pickers: show only the fields of the chosen kind of period (year, dates, …).
(function () {
  document.querySelectorAll('.period-fields').forEach(function (box) {
    var select = box.querySelector('[data-period-select]');
    function update() {
      box.querySelectorAll('[data-period-show]').forEach(function (part) {
        part.hidden = part.getAttribute('data-period-show') !== select.value;
      });
    }
    select.addEventListener('change', update);
    update();
  });
})();

// Search picker (templates/_search_pick_field.html, volunteer/pickers.py): type part of a name
// (a work unit's, an organization's), choose it from the list (arrow keys and Enter, or a tap),
// and the hidden field gets its id. A combobox with a listbox (WAI-ARIA); each hit is shown with
// a second line telling it from its namesakes (a village's path, a team's unit) and, once
// chosen, by its label. The search answers {"hits": [{"id", "name", "detail", "label"}]}. Without this script the typed text is sent and the
// server resolves it.
(function () {
  "use strict";
  var DELAY_MS = 250;

  document.querySelectorAll("[data-search-picker]").forEach(function (box) {
    var input = box.querySelector("[data-pick-query]");
    var hidden = box.querySelector("[data-pick-id]");
    var list = box.querySelector("[role=listbox]");
    var chosenLine = box.querySelector("[data-pick-chosen]");
    var status = box.querySelector("[data-pick-status]");
    var minLength = parseInt(box.dataset.minLength, 10) || 2;
    var found = [];
    var active = -1;
    var timer = null;
    var asked = 0; // answers to older searches arrive late and are dropped

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function say(text) {
      status.textContent = text;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        var on = i === active;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
        if (on) {
          input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function choose(index) {
      var hit = found[index];
      if (!hit) return;
      input.value = hit.name;
      hidden.value = hit.id;
      chosenLine.textContent = box.dataset.textChosen.replace("{label}", hit.label);
      box.querySelectorAll("[data-pick-candidates] input").forEach(function (radio) {
        radio.checked = false; // the server's earlier list must not override this choice
      });
      input.classList.remove("is-invalid");
      close();
      say(chosenLine.textContent);
    }

    function show(hits) {
      found = hits;
      list.textContent = "";
      hits.forEach(function (hit, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("div");
        name.textContent = hit.name;
        option.appendChild(name);
        if (hit.detail) {
          var detail = document.createElement("div");
          detail.className = "small text-muted";
          detail.textContent = hit.detail;
          option.appendChild(detail);
        }
        // mousedown, not click: the input keeps its focus and does not close the list first
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      active = -1;
      say(hits.length ? box.dataset.textFound.replace("{count}", hits.length) : box.dataset.textNone);
    }

    function search() {
      var text = input.value.trim();
      if (text.length < minLength) {
        show([]);
        say(text ? box.dataset.textShort : "");
        return;
      }
      var ticket = ++asked;
      var url = box.dataset.searchUrl;
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (answer) {
          if (ticket === asked) show(answer.hits || []);
        })
        .catch(function () {
          if (ticket !== asked) return;
          show([]);
          say(box.dataset.textFailed);
        });
    }

    input.addEventListener("input", function (event) {
      // The text no longer names the picked row: the server reads the text unless a new pick.
      hidden.value = "";
      chosenLine.textContent = "";
      if (event.isComposing) return; // a Chinese input method is still composing the word
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("compositionend", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (found.length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else return;
        }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault(); // choosing is not sending the form
        choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  });
})();

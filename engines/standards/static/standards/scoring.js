// Keyboard entry on a score sheet: Enter (or arrow down/up) moves to the next (previous) score;
// number fields take only digits (and a decimal point where halves are allowed); on a pass/fail
// toggle, 1/y/p passes and 0/n/f fails, then moves on. Each change is saved by htmx (see sheet.html).
(function () {
  "use strict";

  function fields(sheet) {
    // One stop per item: the number field, or the pass/fail group's checked (else first) button.
    var stops = [];
    sheet.querySelectorAll(".score-input").forEach(function (box) {
      var number = box.querySelector(".score-number:not([disabled])");
      if (number) { stops.push(number); return; }
      var radios = box.querySelectorAll("input[type=radio]:not([disabled])");
      if (radios.length) stops.push(box.querySelector("input[type=radio]:checked") || radios[0]);
    });
    return stops;
  }

  function move(sheet, from, step) {
    var stops = fields(sheet);
    var box = from.closest(".score-input");
    var index = stops.findIndex(function (el) { return el.closest(".score-input") === box; });
    var next = stops[index + step];
    if (next) {
      next.focus();
      if (next.select) next.select();
      next.closest(".score-item").scrollIntoView({block: "nearest"});
    }
  }

  function allowed(input, key) {
    if (/^[0-9]$/.test(key)) return true;
    if (input.dataset.kind === "points" && input.dataset.half === "1" && (key === "." || key === ",")) {
      return input.value.indexOf(".") < 0 && input.value.indexOf(",") < 0;
    }
    return false;
  }

  function init(sheet) {
    sheet.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("score-field")) return;
      var isRadio = input.type === "radio";
      var key = event.key;
      if (key === "Enter" || (!isRadio && (key === "ArrowDown" || key === "ArrowUp"))) {
        event.preventDefault();
        // Leaving the field fires its "change" (once), which saves it.
        move(sheet, input, key === "ArrowUp" ? -1 : 1);
        return;
      }
      if (isRadio) {
        var pass = /^[1yYpP]$/.test(key), fail = /^[0nNfF]$/.test(key);
        if (pass || fail) {
          event.preventDefault();
          var box = input.closest(".score-input");
          var choice = box.querySelector("input[type=radio][value='" + (pass ? "1" : "0") + "']");
          if (!choice.checked) {
            choice.checked = true;
            choice.dispatchEvent(new Event("change", {bubbles: true}));
          }
          choice.focus();
          move(sheet, choice, 1);
        }
        return;
      }
      if (key.length === 1 && !event.ctrlKey && !event.metaKey && !allowed(input, key)) event.preventDefault();
    });

    // Each item's entry is a form of its own (so that its pass/fail buttons are a group of their own);
    // htmx saves it on "change", and Enter must never submit it as a page.
    sheet.addEventListener("submit", function (event) {
      if (event.target.classList.contains("score-entry")) event.preventDefault();
    });

    // Pasted or dropped text: keep the digits (and one decimal point where allowed).
    sheet.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("score-number")) return;
      var decimal = input.dataset.kind === "points" && input.dataset.half === "1";
      var cleaned = input.value.replace(",", ".").replace(decimal ? /[^0-9.]/g : /[^0-9]/g, "");
      if (decimal) cleaned = cleaned.replace(/(\..*)\./g, "$1");
      if (cleaned !== input.value) input.value = cleaned;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sheet = document.getElementById("score-sheet");
    if (sheet) init(sheet);
  });
})();

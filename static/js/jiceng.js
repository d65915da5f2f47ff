// The "show dissolved and merged" switch of the tree, remembered in this browser.
(function () {
  "use strict";
  var KEY = "jiceng.showEnded";

  function apply(toggle) {
    var target = document.querySelector(toggle.dataset.toggleEnded);
    if (target) target.classList.toggle("show-ended", toggle.checked);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-toggle-ended]").forEach(function (toggle) {
      try { toggle.checked = localStorage.getItem(KEY) === "1"; } catch (e) { /* storage may be blocked */ }
      apply(toggle);
      toggle.addEventListener("change", function () {
        try { localStorage.setItem(KEY, toggle.checked ? "1" : "0"); } catch (e) { /* ignore */ }
        apply(toggle);
      });
    });
  });
})();

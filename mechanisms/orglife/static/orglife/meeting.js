// Attendance by tapping names: each tap cycles present → excused → absent → not expected.
(function () {
  "use strict";
  const ORDER = ["present", "excused", "absent", ""];

  function init() {
    const grid = document.getElementById("attendance");
    if (!grid) return;
    const labels = {present: grid.dataset.labelPresent, excused: grid.dataset.labelExcused,
                    absent: grid.dataset.labelAbsent, "": grid.dataset.labelNone};
    const committee = new Set((grid.dataset.committee || "").split(",").filter(Boolean));
    const tally = document.getElementById("attendance-tally");
    const buttons = Array.from(grid.querySelectorAll("button.att"));

    function show(button, status) {
      button.dataset.status = status;
      button.querySelector("input").value = status;
      button.querySelector(".att-status").textContent = labels[status];
      button.setAttribute("aria-pressed", status === "present" ? "true" : "false");
    }
    function count() {
      const n = {present: 0, excused: 0, absent: 0};
      buttons.forEach(function (b) { if (b.dataset.status in n) n[b.dataset.status] += 1; });
      tally.textContent = labels.present + " " + n.present + " · " + labels.excused + " " + n.excused + " · " +
        labels.absent + " " + n.absent;
    }
    buttons.forEach(function (button) {
      show(button, button.dataset.status || "");
      button.addEventListener("click", function () {
        const next = ORDER[(ORDER.indexOf(button.dataset.status || "") + 1) % ORDER.length];
        show(button, next);
        count();
      });
    });
    document.getElementById("all-present").addEventListener("click", function () {
      buttons.forEach(function (b) { if (b.dataset.status !== "") show(b, "present"); });
      count();
    });
    // A committee meeting expects the committee only: on a new meeting, choosing it sets the others aside.
    const kind = document.getElementById("id_kind");
    if (kind && committee.size) {
      kind.addEventListener("change", function () {
        buttons.forEach(function (b) {
          const member = committee.has(b.dataset.person);
          show(b, kind.value === "committee" ? (member ? "present" : "") : "present");
        });
        count();
      });
    }
    count();
  }
  document.addEventListener("DOMContentLoaded", init);
})();

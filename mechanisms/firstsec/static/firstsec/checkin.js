// The check-in form: the reason shows when away, and the location the browser reports (if the user allows it)
// fills the hidden fields; the form is sent with or without it.
(function () {
  "use strict";

  function setup() {
    var form = document.getElementById("checkin-form");
    if (!form) return;
    var reasonGroup = document.getElementById("c-reason-group");
    var nightGroup = document.getElementById("c-night-group");
    var note = document.getElementById("c-location");
    function where() {
      var away = document.getElementById("c-away").checked;
      reasonGroup.hidden = !away;
      document.getElementById("c-reason").required = away;
      nightGroup.hidden = away;
    }
    form.querySelectorAll("input[name=where]").forEach(function (el) { el.addEventListener("change", where); });
    where();
    if (!navigator.geolocation) return;
    note.textContent = note.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("c-lat").value = position.coords.latitude.toFixed(6);
      document.getElementById("c-lon").value = position.coords.longitude.toFixed(6);
      document.getElementById("c-acc").value = Math.round(position.coords.accuracy * 10) / 10;
      note.textContent = note.dataset.found.replace("%s", Math.round(position.coords.accuracy));
    }, function () {
      note.textContent = note.dataset.denied;
    }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
  }

  document.addEventListener("DOMContentLoaded", setup);
})();

// Itinerary and trip report: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Forms that remove something ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  // Finding form: show only the owner and due-date fields the chosen follow-up needs.
  var choices = document.querySelectorAll("[data-follow-up-choice]");
  if (choices.length) {
    var fields = document.querySelectorAll("[data-follow-up-field]");
    var sync = function () {
      var chosen = document.querySelector("[data-follow-up-choice]:checked");
      var value = chosen ? chosen.value : "none";
      fields.forEach(function (field) {
        var wrapper = field.closest(".mb-3") || field.parentElement;
        var wanted = field.dataset.followUpField === value;
        wrapper.hidden = !wanted;
      });
    };
    choices.forEach(function (choice) {
      choice.addEventListener("change", sync);
    });
    sync();
  }

  // Itinerary item form: say which zone the times are read in when "the site's own" is chosen.
  var site = document.querySelector("select[data-site-zones]");
  var zone = document.getElementById("id_timezone");
  var hint = document.querySelector("[data-zone-hint]");
  if (site && zone && hint) {
    var zones = JSON.parse(site.dataset.siteZones || "{}");
    var zoneField = zone.closest(".mb-3");
    if (zoneField) {
      zoneField.appendChild(hint);
    }
    var explain = function () {
      var name = zone.value || zones[site.value] || "Asia/Shanghai";
      hint.textContent = "The times above are read as " + name + " clock time.";
      hint.hidden = false;
    };
    site.addEventListener("change", explain);
    zone.addEventListener("change", explain);
    explain();
  }
})();

// vigil console: progressive enhancement only. Every page works without
// this script; with it, times show in the viewer's time zone (UTC stays
// in the title) and a remediation's status follows itself without a
// reload.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  function localTimes() {
    var fmt;
    try {
      fmt = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
      });
    } catch (e) { return; }
    document.querySelectorAll("time[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) { t.textContent = fmt.format(d); }
    });
  }
  function poll(el) {
    var url = el.getAttribute("data-poll");
    if (!url || el.getAttribute("data-final") === "true") { return; }
    var tries = 0;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s) {
            el.textContent = s.label;
            el.setAttribute("data-status", s.status);
            if (s.final) { el.setAttribute("data-final", "true"); return; }
          }
          if (++tries < 600) { setTimeout(tick, 1000); }
        })
        .catch(function () { if (++tries < 600) { setTimeout(tick, 2000); } });
    }
    setTimeout(tick, 500);
  }
  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    document.querySelectorAll("[data-poll]").forEach(poll);
  });
})();

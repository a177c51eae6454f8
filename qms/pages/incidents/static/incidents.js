/* Keeps the incident book and an incident page current on a bad day, without a reload key:
   polls the JSON API (the session cookie authenticates) and reloads when something changed,
   unless the user is typing, in which case it shows a banner instead. */
(function () {
  "use strict";
  var root = document.querySelector("[data-inc-watch]");
  if (!root) return;
  var url = root.getAttribute("data-inc-watch");
  var seen = null; // the first answer is the baseline
  var banner = document.getElementById("inc-stale");

  function signature(data) {
    var items = Array.isArray(data) ? data : [data];
    return items.map(function (i) {
      return [i.id, i.status, i.needs_confirmation, (i.timeline || []).length,
              i.checklist.filter(function (s) { return s.done; }).length,
              i.notice ? i.notice.active : "", i.paper_since || ""].join(":");
    }).join("|");
  }

  function typing() {
    var el = document.activeElement;
    if (el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return true;
    return Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text], input:not([type])"),
      function (f) { return f.value && f.value !== f.defaultValue; });
  }

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var sig = signature(data);
        if (seen === null) { seen = sig; return; }
        if (sig === seen) return;
        if (typing()) { if (banner) banner.hidden = false; }
        else { window.location.reload(); }
      })
      .catch(function () { /* offline for a moment: try again later */ });
  }
  check();
  setInterval(check, 15000);
})();

/* Reporting on a phone: once a type is picked, bring the description field into view. */
(function () {
  "use strict";
  var description = document.getElementById("description");
  if (!description) return;
  document.querySelectorAll("input[name=type]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (window.innerWidth < 760) {
        description.scrollIntoView({ behavior: "smooth", block: "center" });
      }
    });
  });
})();

/* /reports: the period's charts and the detail tabs. */
(function () {
  "use strict";
  var D = window.QMS_REPORT, en = D.lang === "en", charts = window.qmsCharts;
  function tr(vi, e) { return en ? e : vi; }
  charts.days(document.getElementById("chart-days"), D.groups.day, tr);
  charts.hours(document.getElementById("chart-hours"), D.groups.hour, tr);
  charts.satisfaction(document.getElementById("chart-satisfaction"), D.groups.counter, D.scale, tr);
  document.querySelectorAll(".rp-tabs button").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll(".rp-tabs button").forEach(function (x) { x.classList.toggle("on", x === b); });
      document.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.getAttribute("data-panel") !== b.getAttribute("data-tab"); });
    });
  });
})();

/* The report charts, drawn by the vendored Chart.js (static/vendor/chart.umd.min.js). */
(function () {
  "use strict";
  var C = window.Chart;
  C.defaults.font.family = '"Be Vietnam Pro", system-ui, sans-serif';
  C.defaults.font.size = 14;
  C.defaults.color = "#1b1b1f";
  C.defaults.animation = false;
  C.defaults.maintainAspectRatio = false;
  var RED = "#b3261e", GOLD = "#e0a800", BLUE = "#0b57d0", GREEN = "#1e7d32", GREY = "#b9b1a6";
  var LEVEL_COLOURS = [GREEN, BLUE, "#7a6f63", "#a05a00", RED];
  function num(v) { return v == null ? null : v; }
  function vn(v) { return v == null ? "–" : String(Math.round(v * 10) / 10).replace(".", ","); }

  function hours(canvas, rows, tr) {
    return new C(canvas, {
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [
          {type: "bar", label: tr("Số phiếu cấp", "Tickets issued"), data: rows.map(function (r) { return r.issued; }), backgroundColor: GREY, yAxisID: "y", order: 3},
          {type: "line", label: tr("Chờ trung vị (phút)", "Median wait (min)"), data: rows.map(function (r) { return num(r.wait_p50_min); }), borderColor: BLUE, backgroundColor: BLUE, borderWidth: 3, pointRadius: 4, yAxisID: "y1", order: 1},
          {type: "line", label: tr("Chờ P90 (phút)", "90th percentile wait (min)"), data: rows.map(function (r) { return num(r.wait_p90_min); }), borderColor: RED, backgroundColor: RED, borderWidth: 3, borderDash: [6, 4], pointRadius: 4, yAxisID: "y1", order: 2}
        ]
      },
      options: {
        interaction: {mode: "index", intersect: false},
        plugins: {legend: {position: "bottom"}, tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + vn(c.parsed.y); }}}},
        scales: {
          y: {beginAtZero: true, title: {display: true, text: tr("phiếu", "tickets")}, ticks: {precision: 0}},
          y1: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}, title: {display: true, text: tr("phút", "minutes")}}
        }
      }
    });
  }

  function days(canvas, rows, tr) {
    // long periods read better by month than as hundreds of thin bars
    var byMonth = rows.length > 92, buckets = [], index = {};
    rows.forEach(function (r) {
      var key = byMonth ? r.key.slice(0, 7) : r.key;
      var label = byMonth ? key.slice(5, 7) + "/" + key.slice(0, 4) : r.label.slice(0, 5);
      if (!(key in index)) { index[key] = buckets.length; buckets.push({label: label, issued: 0, served: 0}); }
      var b = buckets[index[key]]; b.issued += r.issued; b.served += r.served;
    });
    return new C(canvas, {
      type: "bar",
      data: {
        labels: buckets.map(function (b) { return b.label; }),
        datasets: [
          {label: tr("Số phiếu cấp", "Issued"), data: buckets.map(function (b) { return b.issued; }), backgroundColor: GREY},
          {label: tr("Đã phục vụ", "Served"), data: buckets.map(function (b) { return b.served; }), backgroundColor: GREEN}
        ]
      },
      options: {plugins: {legend: {position: "bottom"}, title: {display: byMonth, text: tr("theo tháng", "by month")}},
        scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
  }

  function satisfaction(canvas, rows, scale, tr) {
    rows = rows.filter(function (r) { return r.rated > 0; });
    return new C(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: scale.map(function (level, i) {
          var colour = i === scale.length - 1 ? RED : LEVEL_COLOURS[i];
          return {label: level.label, backgroundColor: colour,
            data: rows.map(function (r) { return Math.round(1000 * (r.ratings[String(level.score)] || 0) / r.rated) / 10; })};
        })
      },
      options: {
        indexAxis: "y",
        plugins: {legend: {position: "bottom"}, tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + vn(c.parsed.x) + "%"; }}}},
        scales: {x: {stacked: true, max: 100, ticks: {callback: function (v) { return v + "%"; }}}, y: {stacked: true}}
      }
    });
  }

  window.qmsCharts = {hours: hours, days: days, satisfaction: satisfaction, vn: vn};
})();

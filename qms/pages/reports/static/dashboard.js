/* /admin: today's figures, kept current over Socket.IO (board pushes, new ratings). */
(function () {
  "use strict";
  var D = window.QMS_TODAY, en = D.lang === "en";
  function tr(vi, e) { return en ? e : vi; }
  var vn = window.qmsCharts.vn;
  function show(el, value) { el.textContent = el.getAttribute("data-kind") ? vn(value) : (value == null ? "–" : value); }
  var chart = window.qmsCharts.hours(document.getElementById("chart-hours"), D.figures.hour, tr);
  function render(f) {
    document.querySelectorAll("[data-kpi]").forEach(function (el) { show(el, f.totals[el.getAttribute("data-kpi")]); });
    f.service.forEach(function (row) {
      var tr_ = document.querySelector('#by-service tr[data-key="' + row.key + '"]');
      if (tr_) tr_.querySelectorAll("[data-f]").forEach(function (el) { show(el, row[el.getAttribute("data-f")]); });
    });
    f.counter.forEach(function (row) {
      var tr_ = document.querySelector('#by-counter tr[data-key="' + row.key + '"]');
      if (!tr_) return;
      ["served", "service_p50_min", "satisfied_pct"].forEach(function (k) { show(tr_.querySelector('[data-f="' + k + '"]'), row[k]); });
    });
    var fresh = window.qmsCharts.hours;
    chart.destroy();
    chart = fresh(document.getElementById("chart-hours"), f.hour, tr);
  }
  var pending = false, last = 0, again = null;
  function refresh() {
    var now = Date.now();
    if (pending) return;
    if (now - last < 2000) { clearTimeout(again); again = setTimeout(refresh, 2000 - (now - last)); return; }
    pending = true; last = now;
    fetch("/api/v1/reports/today", {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (f) { pending = false; if (f) render(f); })
      .catch(function () { pending = false; });
  }
  function counters(board) {
    (board.counters || []).forEach(function (c) {
      var row = document.querySelector('#by-counter tr[data-key="' + c.number + '"]');
      if (!row) return;
      var state = row.querySelector('[data-f="state"]');
      state.textContent = D.states[c.state] || c.state; state.className = "state-" + c.state;
      row.querySelector('[data-f="current"]').textContent = c.current ? c.current.code : "–";
    });
  }
  var socket = io({transports: ["websocket"], reconnectionDelayMax: 5000}), live = document.getElementById("live");
  socket.on("connect", function () { live.classList.remove("off"); refresh(); });
  socket.on("disconnect", function () { live.classList.add("off"); });
  socket.on("board", function (b) { counters(b); refresh(); });
  // a call carries what it moved on the board (counters, recent calls, waiting counts)
  socket.on("ticket_called", function (m) { if (m && m.board) { counters(m.board); refresh(); } });
  socket.on("rating", refresh);
  window.qmsDashboard = {refresh: refresh};
})();

/* Tracking page: follows one ticket live through the `track` room; shows no personal data.
   When the number is called while the page is open the phone rings and vibrates (after one
   tap on "Bật chuông": phones allow sound and vibration only after a touch). */
(function () {
  "use strict";
  var D = window.QMS_TRACK, en = D.lang === "en";
  var $ = function (id) { return document.getElementById(id); };
  function tr(vi, e) { return en ? e : vi; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  var state = {ticket: null, board: null, alerts: 0, alertOn: false, lastCall: null};
  window.qmsTrack = state;

  function statusHtml(t) {
    var counter = t.counter_name || (t.counter ? tr("Quầy ", "Counter ") + t.counter : "");
    switch (t.status) {
      case "waiting": return tr("Đang chờ đến lượt", "Waiting for your turn") + "<small>" + tr("Xin quý vị vui lòng ở gần khu vực chờ.", "Please stay near the waiting area.") + "</small>";
      case "called": return tr("Đến lượt quý vị! Mời đến ", "Your turn! Please go to ") + esc(counter) + "<small>" +
        (t.call_count > 1 ? tr("Gọi lại lần " + t.call_count, "Called again (" + t.call_count + ")") : tr("Số của quý vị đang được gọi.", "Your number is being called.")) + "</small>";
      case "serving": return tr("Đang được phục vụ tại ", "Being served at ") + esc(counter);
      case "done": return tr("Đã hoàn thành. Trân trọng cảm ơn quý vị!", "Finished. Thank you!");
      case "no_show": return tr("Đã gọi nhưng quý vị vắng mặt", "You were called but absent") + "<small>" + tr("Xin đến bàn hướng dẫn để được hỗ trợ.", "Please go to the help desk.") + "</small>";
      case "transferred": return tr("Vé đã được chuyển sang lĩnh vực khác", "Moved to another service");
      case "cancelled": return tr("Số thứ tự đã được hủy", "This number was cancelled") + "<small>" + tr("Xin đến bàn hướng dẫn nếu cần hỗ trợ.", "Ask the help desk if needed.") + "</small>";
      default: return esc(t.status);
    }
  }
  // the counters that serve this service and the numbers they serve now, from the public board
  function renderWhere() {
    var t = state.ticket, b = state.board;
    var waiting = t && t.status === "waiting";
    $("where").hidden = !waiting;
    if (!waiting) return;
    var serving = [], names = (t.counters || []).map(function (c) { return c.name; });
    if (b) {
      var mine = (b.counters || []).filter(function (c) { return (c.services || []).indexOf(t.service) >= 0; });
      if (!names.length) names = mine.filter(function (c) { return c.state === "open"; }).map(function (c) { return c.name; });
      mine.forEach(function (c) { if (c.current && c.state === "open") serving.push(c.current.code + " · " + c.name); });
    }
    $("counters").textContent = names.length ? names.join(", ") : tr("Hiện chưa có quầy mở", "No counter open now");
    $("serving").textContent = serving.length ? serving.join("; ") : "—";
  }
  function render(t) {
    if (!t) return;
    var before = state.ticket;
    state.ticket = t;
    $("track").setAttribute("data-status", t.status);
    $("code").textContent = t.code;
    $("service").textContent = en && t.service_name_en ? t.service_name_en : t.service_name;
    $("status").innerHTML = statusHtml(t);
    var waiting = t.status === "waiting";
    $("facts").hidden = !waiting;
    $("cancel-box").hidden = !waiting;
    $("ahead").textContent = t.ahead;
    var m = t.estimated_wait_minutes;
    $("wait").textContent = m == null ? "—" : (m < 1 ? tr("< 1 phút", "< 1 min") : "~" + m + tr(" phút", " min"));
    renderWhere();
    var callKey = t.status === "called" ? t.id + "@" + t.called_at + "#" + t.call_count : null;
    if (callKey && callKey !== state.lastCall && before) alertCalled();
    if (callKey) state.lastCall = callKey;
  }

  // --- ring and vibrate -------------------------------------------------------------------
  var ctx = null;
  function beep() {
    if (!ctx) return;
    try {
      [0, 0.45, 0.9].forEach(function (at) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = 880; o.type = "sine";
        g.gain.setValueAtTime(0.0001, ctx.currentTime + at);
        g.gain.exponentialRampToValueAtTime(0.5, ctx.currentTime + at + 0.03);
        g.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.35);
        o.connect(g); g.connect(ctx.destination); o.start(ctx.currentTime + at); o.stop(ctx.currentTime + at + 0.4);
      });
    } catch (e) { /* no sound: the screen still says it */ }
  }
  function alertCalled() {
    state.alerts += 1;
    document.body.setAttribute("data-alerts", state.alerts);
    try { if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 800]); } catch (e) { /* not on this phone */ }
    beep();
    var title = document.title, n = 0;
    var timer = setInterval(function () { document.title = n++ % 2 ? title : "🔔 " + tr("ĐẾN LƯỢT QUÝ VỊ", "YOUR TURN"); if (n > 12) { clearInterval(timer); document.title = title; } }, 800);
  }
  $("alert-on").addEventListener("click", function () {
    try {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (AC && !ctx) ctx = new AC();
      if (ctx && ctx.resume) ctx.resume();
    } catch (e) { ctx = null; }
    try { if (navigator.vibrate) navigator.vibrate(80); } catch (e) { /* not on this phone */ }
    state.alertOn = true;
    $("alert-on").hidden = true; $("alert-ok").hidden = false;
  });

  // --- cancel, with confirmation ------------------------------------------------------------
  $("cancel").addEventListener("click", function () { $("confirm").hidden = false; $("cancel").hidden = true; });
  $("cancel-no").addEventListener("click", function () { $("confirm").hidden = true; $("cancel").hidden = false; });
  $("cancel-yes").addEventListener("click", function () {
    $("cancel-yes").disabled = true;
    fetch("/api/v1/track/" + encodeURIComponent(D.token) + "/cancel", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})
      .then(function (r) { return r.json().then(function (data) { return {status: r.status, data: data}; }); })
      .then(function (res) {
        $("cancel-yes").disabled = false; $("confirm").hidden = true; $("cancel").hidden = false;
        var msg = $("cancel-msg"); msg.hidden = false;
        if (res.status === 200) { msg.textContent = tr("Đã hủy số thứ tự. Trân trọng cảm ơn quý vị.", "Your number was cancelled. Thank you."); render(res.data.ticket); }
        else msg.textContent = ((res.data || {}).error || {}).message || tr("Chưa hủy được, xin thử lại.", "Could not cancel, please retry.");
      })
      .catch(function () { $("cancel-yes").disabled = false; $("cancel-msg").hidden = false; $("cancel-msg").textContent = tr("Mất kết nối, xin thử lại.", "Connection lost, please retry."); });
  });

  render(D.ticket);
  var socket = io({transports: ["websocket"], reconnectionDelayMax: 5000}), pending = false, last = 0;
  function refresh() {
    var now = Date.now();
    if (pending || now - last < 2000) return;
    pending = true; last = now;
    socket.emit("track", {token: D.token}, function (res) { pending = false; if (res && res.ticket) render(res.ticket); });
  }
  socket.on("connect", function () { $("live").classList.remove("off"); last = 0; refresh(); });
  socket.on("disconnect", function () { $("live").classList.add("off"); });
  socket.on("ticket", function (t) { if (t && t.status !== "waiting") render(t); last = 0; pending = false; refresh(); });
  function onBoard(b) { state.board = b; renderWhere(); setTimeout(refresh, 100); }
  socket.on("board", onBoard);
  // a call carries what it moved on the board (counters, recent calls, waiting counts)
  socket.on("ticket_called", function (m) { if (m && m.board && state.board) onBoard(Object.assign({}, state.board, m.board)); });
})();

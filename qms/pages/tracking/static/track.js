/* Tracking page: follows one ticket live through the `track` room; shows no personal data. */
(function () {
  "use strict";
  var D = window.QMS_TRACK, en = D.lang === "en";
  var $ = function (id) { return document.getElementById(id); };
  function tr(vi, e) { return en ? e : vi; }
  function statusHtml(t) {
    var counter = t.counter_name || (t.counter ? tr("Quầy ", "Counter ") + t.counter : "");
    switch (t.status) {
      case "waiting": return tr("Đang chờ đến lượt", "Waiting for your turn") + "<small>" + tr("Xin vui lòng ở gần khu vực chờ.", "Please stay near the waiting area.") + "</small>";
      case "called": return tr("Đến lượt bạn! Mời đến ", "Your turn! Please go to ") + esc(counter) + "<small>" + tr("Số của bạn đang được gọi.", "Your number is being called.") + "</small>";
      case "serving": return tr("Đang được phục vụ tại ", "Being served at ") + esc(counter);
      case "done": return tr("Đã hoàn thành. Cảm ơn bạn!", "Finished. Thank you!");
      case "no_show": return tr("Đã gọi nhưng bạn vắng mặt", "You were called but absent") + "<small>" + tr("Xin đến bàn hướng dẫn để được hỗ trợ.", "Please go to the help desk.") + "</small>";
      case "transferred": return tr("Vé đã được chuyển sang lĩnh vực khác", "Moved to another service");
      case "cancelled": return tr("Vé đã bị hủy", "This ticket was cancelled") + "<small>" + tr("Xin đến bàn hướng dẫn nếu cần.", "Ask the help desk if needed.") + "</small>";
      default: return esc(t.status);
    }
  }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function render(t) {
    if (!t) return;
    D.ticket = t;
    $("track").setAttribute("data-status", t.status);
    $("code").textContent = t.code;
    $("service").textContent = en && t.service_name_en ? t.service_name_en : t.service_name;
    $("status").innerHTML = statusHtml(t);
    var waiting = t.status === "waiting";
    $("facts").hidden = !waiting;
    $("ahead").textContent = t.ahead;
    var m = t.estimated_wait_minutes;
    $("wait").textContent = m == null ? "—" : (m < 1 ? tr("< 1 phút", "< 1 min") : "~" + m + tr(" phút", " min"));
    window.qmsTrack = {ticket: t};
  }
  render(D.ticket);
  var socket = io({reconnectionDelayMax: 5000}), pending = false, last = 0;
  function refresh() {
    var now = Date.now();
    if (pending || now - last < 2000) return;
    pending = true; last = now;
    socket.emit("track", {token: D.token}, function (res) { pending = false; if (res && res.ticket) render(res.ticket); });
  }
  socket.on("connect", function () { $("live").classList.remove("off"); last = 0; refresh(); });
  socket.on("disconnect", function () { $("live").classList.add("off"); });
  socket.on("ticket", function (t) { if (t && t.status !== "waiting") render(t); last = 0; pending = false; refresh(); });
  socket.on("board", function () { setTimeout(refresh, 100); });
})();

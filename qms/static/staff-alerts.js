/* On every staff page (included once by layout/base.html):
   - IT and leadership see and hear a newly reported incident (Socket.IO "incident" to the
     staff room), with a link to it, until they close the alert;
   - officers and leadership see the paper register's reminder while paper dossiers wait to be
     entered into the official system or returned (GET /api/v1/paper-dossiers/summary). */
(function () {
  "use strict";
  var me = document.currentScript;
  var role = me ? me.getAttribute("data-role") : "";
  var en = me && me.getAttribute("data-lang") === "en";
  var alerted = role === "it" || role === "leader" || role === "admin";
  var reminded = role === "officer" || role === "leader" || role === "admin";
  function t(vi, english) { return en ? english : vi; }

  var style = document.createElement("style");
  style.textContent =
    ".sa-stack{position:fixed;top:12px;right:12px;z-index:9999;display:grid;gap:10px;max-width:min(440px,calc(100vw - 24px))}" +
    ".sa-alert{background:#b3261e;color:#fff;border-radius:14px;padding:14px 16px;box-shadow:0 6px 24px rgba(0,0,0,.3);font-size:17px;line-height:1.35}" +
    ".sa-alert.drill{background:#5b1d99}" +
    ".sa-alert b{display:block;font-size:19px;margin-bottom:4px}" +
    ".sa-alert a{color:#fff;font-weight:800}" +
    ".sa-alert button{float:right;margin:-4px -6px 0 8px;background:rgba(255,255,255,.2);color:#fff;border:0;border-radius:8px;font-size:16px;padding:4px 10px;cursor:pointer}" +
    ".sa-paper{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;background:#fff4ce;color:#5c3a00;border-bottom:2px solid #e0b100;padding:10px 20px;font-size:16px;font-weight:600}" +
    ".sa-paper.late{background:#fdecea;color:#8c1d18;border-bottom-color:#b3261e}" +
    ".sa-paper a{font-weight:800;color:inherit}";
  document.head.appendChild(style);

  // --- new incidents --------------------------------------------------------------------
  var stack = null;
  var audio = null;

  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (at, i) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = i === 1 ? 660 : 880;
        gain.gain.setValueAtTime(0.0001, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + at + 0.3);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.32);
      });
    } catch (e) { /* no sound device: the alert is still on screen */ }
  }

  function showIncident(incident) {
    if (!stack) {
      stack = document.createElement("div");
      stack.className = "sa-stack";
      stack.setAttribute("role", "alert");
      stack.setAttribute("aria-live", "assertive");
      document.body.appendChild(stack);
    }
    var box = document.createElement("div");
    box.className = "sa-alert" + (incident.is_drill ? " drill" : "");
    box.setAttribute("data-incident", incident.id);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "✕";
    close.setAttribute("aria-label", t("Đóng", "Close"));
    close.onclick = function () { box.remove(); };
    var title = document.createElement("b");
    title.textContent = (incident.is_drill ? t("Diễn tập · ", "Drill · ") : "") +
      t("Sự cố mới: ", "New incident: ") + incident.type.code + " " + incident.type.title;
    var line = document.createElement("div");
    line.textContent = (incident.description || "").slice(0, 160);
    var link = document.createElement("a");
    link.href = "/incidents/" + incident.id;
    link.textContent = t("Xem và xử lý →", "Open and handle →");
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(line);
    box.appendChild(link);
    stack.insertBefore(box, stack.firstChild);
    while (stack.children.length > 3) stack.removeChild(stack.lastChild);
    chime();
  }

  if (alerted && window.io) {
    var socket = window.io({transports: ["websocket"], reconnectionDelayMax: 10000 });
    socket.on("incident", function (data) {
      if (!data || data.action !== "reported" || !data.incident) return;
      showIncident(data.incident);
    });
    window.QMS_STAFF_ALERTS = socket; // tests wait for its connection
  }

  // --- the paper register's reminder ----------------------------------------------------
  if (!reminded || /^\/paper(\/|$)/.test(location.pathname)) return;
  var bar = null;

  function remind() {
    fetch("/api/v1/paper-dossiers/summary", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        var waiting = s.outstanding || 0, calls = s.callbacks_due || 0;
        if (!waiting && !calls) { if (bar) { bar.remove(); bar = null; } return; }
        if (!bar) {
          bar = document.createElement("div");
          bar.className = "sa-paper";
          bar.setAttribute("role", "status");
          var header = document.querySelector(".staff-top");
          if (header && header.parentNode) header.parentNode.insertBefore(bar, header.nextSibling);
          else document.body.insertBefore(bar, document.body.firstChild);
        }
        bar.className = "sa-paper" + (s.overdue ? " late" : "");
        var parts = [];
        if (s.received) parts.push(s.received + t(" hồ sơ giấy chưa nhập hệ thống", " paper dossiers not yet entered"));
        if (s.entered) parts.push(s.entered + t(" chưa trả kết quả", " results not yet returned"));
        if (s.overdue) parts.push(s.overdue + t(" quá hạn hẹn", " overdue"));
        if (calls) parts.push(calls + t(" công dân cần gọi báo kết quả", " citizens to call back"));
        bar.textContent = "";
        var text = document.createElement("span");
        text.textContent = t("Nhắc việc: ", "Reminder: ") + parts.join(" · ");
        var link = document.createElement("a");
        link.href = waiting ? "/paper" : "/paper/assisted?view=callback";
        link.textContent = t("Mở sổ hồ sơ giấy →", "Open the paper register →");
        bar.appendChild(text);
        bar.appendChild(link);
      })
      .catch(function () { /* offline for a moment: the next check shows it */ });
  }
  remind();
  setInterval(remind, 300000);
})();

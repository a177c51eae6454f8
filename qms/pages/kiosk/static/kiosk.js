/* Kiosk: services → priority → ticket, then back to the start by itself.
   The server is the authority; the page never shows a raw error. */
(function () {
  "use strict";
  var CFG = window.QMS_KIOSK || {};
  var params = new URLSearchParams(location.search);
  var KIOSK_ID = (params.get("kiosk") || "").slice(0, 40) || null;
  var TEXT = {
    vi: {
      chooseService: "Xin mời chọn lĩnh vực", chooseServiceHint: "Chạm vào lĩnh vực cần giải quyết hồ sơ",
      waiting: "Đang chờ:", paused: "Tạm ngừng nhận hồ sơ",
      priorityQ: "Quý vị có thuộc đối tượng ưu tiên không?",
      noPriority: "Không ưu tiên", noPriorityHint: "Lấy số thông thường",
      priorityHint: "Nếu thuộc đối tượng ưu tiên, xin chạm vào ô phù hợp:",
      back: "← Quay lại", yourNumber: "Số thứ tự của quý vị",
      ahead: "Số người đang chờ trước", wait: "Thời gian chờ dự kiến", minutes: "phút", lessMinute: "dưới 1 phút",
      qrHint: "Quét mã QR bằng điện thoại để theo dõi lượt gọi của quý vị.",
      printing: "Vé giấy đang được in… Nếu không nhận được vé, xin chụp màn hình hoặc đến bàn hướng dẫn.",
      printed: "Vé giấy đã được in. Xin mời nhận vé bên dưới.",
      printFailed: "Máy in đang gặp sự cố. Xin chụp màn hình này hoặc đến bàn hướng dẫn.",
      printNone: "Xin ghi nhớ số thứ tự hoặc chụp màn hình này, rồi chờ gọi số.",
      done: "Xong", countdown: "Tự động quay lại sau {n} giây",
      standbyTitle: "Xin mời lấy số tại máy bấm số chính",
      standbyText: "Máy này đang ở chế độ dự phòng. Cán bộ hướng dẫn sẵn sàng hỗ trợ quý vị.",
      offlineTitle: "Mất kết nối tới máy chủ, đang thử lại…",
      offlineText: "Xin quý vị vui lòng đợi trong giây lát hoặc đến bàn hướng dẫn.",
      rateLimited: "Xin vui lòng đợi giây lát rồi chạm lại.",
      inactive: "Lĩnh vực này đang tạm ngừng nhận hồ sơ. Xin mời chọn lĩnh vực khác hoặc đến bàn hướng dẫn.",
      failed: "Chưa lấy được số. Xin vui lòng thử lại hoặc đến bàn hướng dẫn.",
      priorityMark: "Ưu tiên: "
    },
    en: {
      chooseService: "Please choose a service", chooseServiceHint: "Touch the service you need",
      waiting: "Waiting:", paused: "Not accepting files now",
      priorityQ: "Do you qualify for priority service?",
      noPriority: "No priority", noPriorityHint: "Take a regular number",
      priorityHint: "If you qualify for priority, touch the matching box:",
      back: "← Back", yourNumber: "Your number",
      ahead: "People ahead of you", wait: "Estimated wait", minutes: "min", lessMinute: "under 1 min",
      qrHint: "Scan the QR code with your phone to follow your turn.",
      printing: "Your paper ticket is printing… If you do not get it, take a photo of this screen or go to the help desk.",
      printed: "Your paper ticket is printed. Please take it below.",
      printFailed: "The printer has a problem. Please take a photo of this screen or go to the help desk.",
      printNone: "Please remember your number or take a photo of this screen, then wait to be called.",
      done: "Done", countdown: "Back to start in {n} s",
      standbyTitle: "Please take a number at the main ticket machine",
      standbyText: "This kiosk is on standby. The help desk is ready to assist you.",
      offlineTitle: "Lost connection to the server, retrying…",
      offlineText: "Please wait a moment or go to the help desk.",
      rateLimited: "Please wait a moment and touch again.",
      inactive: "This service is not accepting files now. Please choose another or go to the help desk.",
      failed: "Could not take a number. Please try again or go to the help desk.",
      priorityMark: "Priority: "
    }
  };
  var ICONS = {
    elderly: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><circle cx="28" cy="10" r="6" fill="currentColor"/><path d="M28 18c-6 2-9 8-9 15v9M26 20l2 18-6 20M30 38l8 20M32 24l10 8"/><path d="M46 32v26"/></svg>',
    disabled: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><circle cx="30" cy="9" r="6" fill="currentColor"/><path d="M30 17v20h16l6 16"/><path d="M30 26h14"/><path d="M22 30a15 15 0 1 0 22 18"/></svg>',
    pregnant: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"><circle cx="30" cy="9" r="6" fill="currentColor"/><path d="M28 17c-4 4-4 10-2 14"/><path d="M32 19c10 6 14 14 8 22-2 3-6 4-10 4"/><path d="M26 31l-2 14M28 45l-2 14M34 45l2 14"/></svg>',
    merit: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="4" stroke-linejoin="round"><path d="M22 4h20l-6 16h-8z" fill="currentColor" opacity=".35"/><circle cx="32" cy="40" r="18"/><path d="M32 28l3.5 7.5 8 .8-6 5.4 1.8 8-7.3-4.2-7.3 4.2 1.8-8-6-5.4 8-.8z" fill="currentColor"/></svg>',
    other: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="4"><circle cx="32" cy="32" r="24"/><path d="M32 18v28M18 32h28"/></svg>'
  };

  var lang = "vi", services = [], priorities = [], waiting = {}, mode = "standalone";
  var chosen = null, busy = false, timer = null, remaining = 0, lastTicket = null;
  var $ = function (id) { return document.getElementById(id); };
  function tr(key) { return (TEXT[lang] || TEXT.vi)[key] || TEXT.vi[key] || ""; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function nameOf(item) { return lang === "en" && item.name_en ? item.name_en : item.name; }

  function applyText() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = tr(el.getAttribute("data-t")); });
    document.querySelectorAll("#lang [data-l]").forEach(function (el) { el.classList.toggle("on", el.getAttribute("data-l") === lang); });
    renderServices(); renderPriorities(); renderChosen(); if (lastTicket) renderTicket(lastTicket);
    renderNotices(window.qmsKiosk.notices);
  }

  function renderServices() {
    var box = $("services");
    box.classList.toggle("many", services.length > 10);
    box.innerHTML = services.map(function (s) {
      var n = waiting[s.code] != null ? waiting[s.code] : s.waiting;
      return '<button type="button" class="k-service' + (s.active ? "" : " inactive") + '" data-service="' + esc(s.code) + '">' +
        '<span class="k-letter">' + esc(s.code) + '</span><span class="k-svc-text"><span class="k-svc-name">' + esc(nameOf(s)) +
        '</span><span class="k-svc-wait">' + (s.active ? esc(tr("waiting")) + ' <b>' + esc(n) + '</b>' : esc(tr("paused"))) + '</span></span></button>';
    }).join("");
  }
  function renderPriorities() {
    $("priorities").innerHTML = priorities.map(function (p) {
      return '<button type="button" class="k-priority" data-priority="' + esc(p.code) + '">' + (ICONS[p.icon] || ICONS[p.code] || ICONS.other) +
        '<span>' + esc(nameOf(p)) + '</span></button>';
    }).join("");
  }
  function renderChosen() {
    if (!chosen) return;
    $("chosen").innerHTML = '<span class="k-letter">' + esc(chosen.code) + '</span><span>' + esc(nameOf(chosen)) + '</span>';
  }
  function renderNotices(notices) {
    notices = notices || [];
    var text = notices.map(function (n) { return lang === "en" && n.text_en ? n.text_en : n.text; }).filter(Boolean).join("   •   ");
    $("ticker-wrap").hidden = !text;
    if ($("ticker").textContent !== text) {
      $("ticker").textContent = text;
      $("ticker").style.setProperty("--ticker-s", Math.max(15, text.length / 6) + "s");
    }
  }

  function show(screen) {
    document.body.setAttribute("data-screen", screen);
    if (screen !== "ticket") { clearInterval(timer); timer = null; }
  }
  function toStart() {
    chosen = null; lastTicket = null; busy = false;
    if (lang !== "vi") { lang = "vi"; applyText(); }
    show("services");
  }
  var toastTimer = null;
  function toast(key) {
    $("toast").textContent = tr(key); $("toast").hidden = false;
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { $("toast").hidden = true; }, 5000);
  }
  function setMode(m) {
    mode = m || mode;
    if (window.qmsKiosk && window.qmsKiosk.modes[window.qmsKiosk.modes.length - 1] !== mode) window.qmsKiosk.modes.push(mode);
    var standby = mode === "standby" || mode === "draining";
    $("standby").hidden = !standby;
    if (standby && document.body.getAttribute("data-screen") !== "ticket") toStart();
  }
  var offlineSince = null, onlineTimer = null;
  function setOnline(ok) {
    if (ok) {
      if (offlineSince === null) return;
      // stay up long enough to be read, then step aside by itself
      var wait = Math.max(0, offlineSince + 3000 - Date.now());
      clearTimeout(onlineTimer);
      onlineTimer = setTimeout(function () { offlineSince = null; $("offline").hidden = true; }, wait);
      return;
    }
    clearTimeout(onlineTimer);
    if (offlineSince === null) offlineSince = Date.now();
    $("offline").hidden = false;
  }

  function loadCatalogue() {
    return Promise.all([getJSON("/api/v1/services"), getJSON("/api/v1/priorities")]).then(function (r) {
      services = r[0]; priorities = r[1]; renderServices(); renderPriorities();
      window.qmsKiosk.ready = true; setOnline(true);
    });
  }
  function getJSON(url) {
    return fetch(url, {cache: "no-store"}).then(function (r) { if (!r.ok) throw new Error("http " + r.status); return r.json(); });
  }
  function retryCatalogue() {
    loadCatalogue().catch(function () { setOnline(false); setTimeout(retryCatalogue, 3000); });
  }

  function pickService(code) {
    if (busy) return;
    var s = services.filter(function (x) { return x.code === code; })[0];
    if (!s) return;
    if (!s.active) { toast("inactive"); return; }
    chosen = s; renderChosen();
    if (!priorities.length) { issue(null); return; }
    show("priority");
  }

  function issue(priority) {
    if (busy || !chosen) return;
    busy = true;
    var body = {service: chosen.code, priority: priority || null, kiosk: KIOSK_ID};
    fetch("/api/v1/tickets", {method: "POST", headers: {"Content-Type": "application/json", "X-Kiosk-Id": KIOSK_ID || ""}, body: JSON.stringify(body)})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return {status: r.status, data: data}; });
      })
      .then(function (res) {
        busy = false;
        if (res.status === 201) { showTicket(res.data); return; }
        var code = res.data && res.data.error && res.data.error.code;
        if (code === "standby") { setMode((res.data.error && res.data.error.mode) || "standby"); toStart(); return; }
        if (code === "service_inactive") { chosen.active = false; toStart(); renderServices(); toast("inactive"); return; }
        if (res.status === 429) { toStart(); toast("rateLimited"); return; }
        toStart(); toast("failed"); loadCatalogue().catch(function () {});
      })
      .catch(function () {
        busy = false; toStart(); setOnline(false); retryCatalogue();
      });
  }

  function renderTicket(t) {
    $("t-code").textContent = t.code;
    $("t-service").textContent = lang === "en" && t.service_name_en ? t.service_name_en : t.service_name;
    var p = priorities.filter(function (x) { return x.code === t.priority; })[0];
    $("t-priority").hidden = !t.priority;
    $("t-priority").textContent = t.priority ? tr("priorityMark") + (p ? nameOf(p) : t.priority) : "";
    $("t-ahead").textContent = t.ahead;
    var m = t.estimated_wait_minutes;
    $("t-wait").textContent = m == null ? "—" : (m < 1 ? tr("lessMinute") : "~" + m + " " + tr("minutes"));
    renderCountdown();
  }
  function showTicket(t) {
    lastTicket = t;
    var path = (t.track_url || "").replace(/^https?:\/\/[^/]+/, "");
    $("t-qr").src = path + "/qr.svg";
    // no "print" in the answer: this kiosk has no printer, the screen is the ticket
    setPrintStatus(t.print ? (t.print.state || "printing") : "none");
    renderTicket(t);
    show("ticket");
    remaining = CFG.returnSeconds || 10;
    renderCountdown();
    clearInterval(timer);
    timer = setInterval(function () {
      remaining -= 1; renderCountdown();
      if (remaining <= 0) toStart();
    }, 1000);
    window.qmsKiosk.lastTicket = t;
  }
  function renderCountdown() { $("countdown").textContent = tr("countdown").replace("{n}", Math.max(0, remaining)); }
  // The print engineer's agent reports here: state is printing | printed | failed.
  function setPrintStatus(state) {
    var el = $("print-status");
    el.setAttribute("data-state", state);
    var key = {printed: "printed", failed: "printFailed", none: "printNone"}[state] || "printing";
    $("print-text").setAttribute("data-t", key);
    $("print-text").textContent = tr($("print-text").getAttribute("data-t"));
  }

  function clock() {
    try {
      $("clock").textContent = new Intl.DateTimeFormat("vi-VN", {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: CFG.timezone || undefined}).format(new Date());
    } catch (e) { $("clock").textContent = new Date().toTimeString().slice(0, 5); }
  }

  function connect() {
    if (!window.io) { return; }
    var socket = io({reconnectionDelayMax: 5000});
    socket.on("connect", function () { setOnline(true); if (!window.qmsKiosk.ready) retryCatalogue(); });
    socket.on("disconnect", function () { setTimeout(function () { if (!socket.connected) setOnline(false); }, 1500); });
    socket.on("board", function (b) {
      setOnline(true);
      waiting = b.waiting || {};
      if (b.services && services.length) {
        var changed = false;
        services.forEach(function (s) { var info = b.services[s.code]; if (info && info.active !== s.active) { s.active = info.active; changed = true; } });
        if (Object.keys(b.services).length !== services.length) { loadCatalogue().catch(function () {}); }
        if (changed) renderServices();
      }
      if (document.body.getAttribute("data-screen") === "services") renderServices();
      window.qmsKiosk.notices = b.notices || []; renderNotices(b.notices);
      setMode(b.mode);
    });
    socket.on("print_status", function (d) { if (lastTicket && d && d.ticket_id === lastTicket.id) setPrintStatus(d.state); });
    window.qmsKiosk.socket = socket;
  }

  window.qmsKiosk = {ready: false, notices: [], modes: [], setPrintStatus: setPrintStatus, kiosk: KIOSK_ID};
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  document.addEventListener("selectstart", function (e) { e.preventDefault(); });
  document.addEventListener("dragstart", function (e) { e.preventDefault(); });
  document.addEventListener("gesturestart", function (e) { e.preventDefault(); });
  document.addEventListener("touchmove", function (e) { if (e.touches.length > 1) e.preventDefault(); }, {passive: false});
  document.addEventListener("wheel", function (e) { if (e.ctrlKey) e.preventDefault(); }, {passive: false});
  document.addEventListener("keydown", function (e) { if ((e.ctrlKey || e.metaKey) && ["+", "-", "=", "0"].indexOf(e.key) >= 0) e.preventDefault(); });
  window.addEventListener("error", function (e) { e.preventDefault && e.preventDefault(); return true; });
  window.addEventListener("unhandledrejection", function (e) { e.preventDefault(); });

  $("services").addEventListener("click", function (e) { var b = e.target.closest("[data-service]"); if (b) pickService(b.getAttribute("data-service")); });
  $("priorities").addEventListener("click", function (e) { var b = e.target.closest("[data-priority]"); if (b) issue(b.getAttribute("data-priority")); });
  $("no-priority").addEventListener("click", function () { issue(null); });
  $("back").addEventListener("click", toStart);
  $("done").addEventListener("click", toStart);
  $("lang").addEventListener("click", function () { lang = lang === "vi" ? "en" : "vi"; applyText(); });
  $("t-qr").addEventListener("error", function () { this.style.visibility = "hidden"; });
  $("t-qr").addEventListener("load", function () { this.style.visibility = "visible"; });

  applyText(); clock(); setInterval(clock, 5000);
  retryCatalogue(); connect();
})();

/* Waiting-room display: board + live calls over Socket.IO, queued spoken announcements.
   Announcements never overlap: one Audio element plays each announcement's parts in order. */
(function () {
  "use strict";
  var CFG = window.QMS_DISPLAY || {};
  var HIGHLIGHT_MS = (CFG.highlightSeconds || 8) * 1000;
  var WEEKDAYS = {Sun: "Chủ Nhật", Mon: "Thứ Hai", Tue: "Thứ Ba", Wed: "Thứ Tư", Thu: "Thứ Năm", Fri: "Thứ Sáu", Sat: "Thứ Bảy"};
  var WELCOME = "Trung tâm Phục vụ hành chính công xin kính chào quý công dân. Xin vui lòng giữ trật tự và chờ đến lượt.";
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }

  var state = {
    board: null, serverDelta: 0, lastCallKey: null,
    flashCounter: {}, heroUntil: 0, hero: null,
    announcements: [], queue: [], playing: null, played: [], soundBlocked: false, connected: false
  };
  window.qmsDisplay = state;

  // --- clock (centre's time zone, corrected by the server's clock) -------------------------
  function parts(date) {
    var out = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: CFG.timezone || undefined, weekday: "short", day: "2-digit", month: "2-digit",
      year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false}).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function tick() {
    var p;
    try { p = parts(new Date(Date.now() + state.serverDelta)); } catch (e) { p = parts(new Date()); }
    $("date").textContent = (WEEKDAYS[p.weekday] || "") + ", ngày " + p.day + "/" + p.month + "/" + p.year;
    $("clock").textContent = (p.hour === "24" ? "00" : p.hour) + ":" + p.minute;
  }

  // --- rendering ----------------------------------------------------------------------------
  function callKey(c) { return c ? (c.ticket_id || c.ticket) + "@" + c.called_at : null; }
  function renderBoard() {
    var b = state.board; if (!b) return;
    var now = Date.now();
    var counters = b.counters || [];
    var box = $("counters");
    box.style.setProperty("--cols", counters.length <= 4 ? 2 : counters.length <= 9 ? 3 : 4);
    box.innerHTML = counters.map(function (c) {
      var cur = c.current, cls = "d-counter", code;
      if (c.state !== "open") { cls += " paused"; code = c.state === "paused" ? "Tạm dừng" : "Đóng"; }
      else if (!cur) { cls += " idle"; code = "—"; }
      else code = cur.code;
      if (cur && (state.flashCounter[c.number] || 0) > now) cls += " flash";
      return '<div class="' + cls + '" data-counter="' + c.number + '" data-code="' + esc(cur ? cur.code : "") + '"><div class="d-counter-name">' +
        esc(c.name) + '<small>Counter ' + c.number + '</small></div><div class="d-counter-code">' + esc(code) + '</div></div>';
    }).join("");
    var recent = (b.recent || []).slice(0, 5);
    $("recent").innerHTML = recent.map(function (r) {
      return '<li data-code="' + esc(r.ticket) + '"><span>' + esc(r.ticket) + (r.recall ? '<span class="rc">GỌI LẠI</span>' : "") +
        '</span><span class="to">➜ ' + esc(r.counter_name || ("Quầy " + r.counter)) + '</span></li>';
    }).join("");
    var services = b.services || {}, waiting = b.waiting || {};
    $("waiting").innerHTML = Object.keys(services).map(function (code) {
      var s = services[code];
      return '<div class="d-wait' + (s.active ? "" : " off") + '" data-service="' + esc(code) + '"><span class="l">' + esc(code) +
        '</span><span class="nm">' + esc(s.name) + '</span><span class="n">' + esc(waiting[code] || 0) + '</span></div>';
    }).join("");
    renderHero();
    renderNotices(b.notices || [], b.mode);
  }
  function renderHero() {
    var h = state.hero, el = $("hero");
    if (!h) return;
    $("hero-code").textContent = h.code;
    $("hero-counter").textContent = (h.counterName || ("Quầy " + h.counter)).toUpperCase();
    $("hero-sub").textContent = h.recall ? "Gọi lại · Recall" : "Xin mời đến quầy · Please go to the counter";
    el.setAttribute("data-code", h.code);
    el.classList.toggle("flash", state.heroUntil > Date.now());
  }
  function renderNotices(notices, mode) {
    var texts = notices.map(function (n) { return n.text; }).filter(Boolean);
    var text = (texts.length ? texts : [WELCOME]).join("     •     ");
    var el = $("ticker");
    if (el.textContent !== text) { el.textContent = text; el.style.setProperty("--ticker-s", Math.max(20, text.length / 5) + "s"); }
  }
  function highlight(code, counterNumber, counterName, recall) {
    var until = Date.now() + HIGHLIGHT_MS;
    state.hero = {code: code, counter: counterNumber, counterName: counterName, recall: recall};
    state.heroUntil = until;
    state.flashCounter[counterNumber] = until;
    renderBoard(); renderHero();
    setTimeout(function () { renderBoard(); renderHero(); }, HIGHLIGHT_MS + 50);
  }

  // --- board and calls ---------------------------------------------------------------------
  function onBoard(b) {
    var first = !state.board;
    state.board = b;
    if (b.server_time) { var t = Date.parse(b.server_time); if (!isNaN(t)) state.serverDelta = t - Date.now(); }
    var latest = (b.recent || [])[0];
    var key = callKey(latest);
    if (latest && key !== state.lastCallKey) {
      state.lastCallKey = key;
      if (first) state.hero = {code: latest.ticket, counter: latest.counter, counterName: latest.counter_name, recall: latest.recall};
      else highlight(latest.ticket, latest.counter, latest.counter_name, latest.recall); // a call made while we were cut off
    }
    renderBoard();
  }
  function onCalled(msg) {
    var t = msg.ticket || {}, c = msg.counter || {};
    if (state.board) {
      (state.board.counters || []).forEach(function (x) { if (x.number === c.number) x.current = t; });
      var call = {ticket: t.code, ticket_id: t.id, counter: c.number, counter_name: c.name, called_at: t.called_at, recall: !!msg.recall};
      state.board.recent = [call].concat((state.board.recent || []).filter(function (r) { return !(r.ticket_id === t.id && !msg.recall && !r.recall); })).slice(0, 10);
    }
    highlight(t.code, c.number, c.name, !!msg.recall);
    if (msg.announcement) announce(msg.announcement, t.code, c.number, !!msg.recall);
  }

  // --- announcements -----------------------------------------------------------------------
  var audio = new Audio();
  audio.preload = "auto";
  function announce(a, code, counter, recall) {
    var item = {text: a.text || "", audio: (a.audio || []).slice(), code: code, counter: counter, recall: recall, received: Date.now()};
    state.announcements.push(item);
    if (state.announcements.length > 100) state.announcements.shift();
    state.queue.push(item);
    document.body.setAttribute("data-announcements", state.announcements.length);
    playNext();
  }
  function playNext() {
    if (state.playing || state.soundBlocked || !state.queue.length) return;
    var item = state.queue.shift();
    state.playing = item;
    playParts(item, item.audio.slice(), function () {
      state.played.push(item.text);
      if (state.played.length > 100) state.played.shift();
      state.playing = null;
      setTimeout(playNext, 400);
    });
  }
  function playParts(item, urls, done) {
    if (!urls.length) { done(); return; }
    var url = urls.shift(), finished = false, guard;
    function next() { if (finished) return; finished = true; clearTimeout(guard); playParts(item, urls, done); }
    audio.onended = next;
    audio.onerror = next; // a missing segment is skipped; the visual call is already shown
    guard = setTimeout(next, 12000);
    audio.src = url;
    var p;
    try { p = audio.play(); } catch (e) { next(); return; }
    if (p && p.catch) p.catch(function (err) {
      if (finished) return;
      if (err && err.name === "NotAllowedError") {
        finished = true; clearTimeout(guard);
        state.soundBlocked = true; state.playing = null;
        state.queue.unshift(item); // start this announcement again once sound is allowed
        $("sound").hidden = false;
      } else next();
    });
  }
  $("sound").addEventListener("click", function () {
    $("sound").hidden = true; state.soundBlocked = false;
    var unlock = new Audio(); try { unlock.play().catch(function () {}); } catch (e) { /* nothing */ }
    playNext();
  });

  // --- connection --------------------------------------------------------------------------
  function connect() {
    var socket = io({reconnectionDelay: 500, reconnectionDelayMax: 3000, timeout: 8000});
    var badgeTimer = null;
    socket.on("connect", function () {
      state.connected = true; clearTimeout(badgeTimer); $("badge").hidden = true;
      document.body.setAttribute("data-connected", "1");
    });
    socket.on("disconnect", function () {
      state.connected = false; document.body.setAttribute("data-connected", "0");
      clearTimeout(badgeTimer);
      badgeTimer = setTimeout(function () { if (!socket.connected) $("badge").hidden = false; }, 1000);
    });
    socket.on("connect_error", function () {
      state.connected = false; document.body.setAttribute("data-connected", "0"); $("badge").hidden = false;
    });
    socket.on("board", onBoard);
    socket.on("ticket_called", onCalled);
    state.socket = socket;
  }
  window.addEventListener("error", function (e) { if (e.preventDefault) e.preventDefault(); });
  tick(); setInterval(tick, 1000);
  setInterval(function () { if (state.heroUntil && state.heroUntil < Date.now()) renderHero(); }, 1000);
  connect();
})();

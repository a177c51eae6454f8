/* Waiting-room display: the board and live calls over Socket.IO, spoken calls in order.

   Layout: every size is a multiple of --u (one pixel of a 1920×1080 screen, or of 1080×1920
   on its side); after each render the hero, the counter tiles, the last calls and the pages of
   waiting counts are fitted into the boxes the CSS grid gives them, so nothing scrolls, nothing
   overlaps and nothing falls off the screen, from 1 to 16 counters and 1 to 20 services.

   Speech: announcements never overlap and never cut a sentence. A call arriving alone gets the
   whole announcement (chime, sentence × repeat). When calls pile up, the repeat is dropped at
   the next sentence boundary and every waiting call is said once in its brief form ("a hai đến
   quầy số hai"), a little faster when needed, so the newest call is spoken within LAG_TARGET_MS.
   A queued call that no longer stands (its counter paused, called someone else, or moved the
   ticket on) is not said. */
(function () {
  "use strict";
  var CFG = window.QMS_DISPLAY || {};
  var HIGHLIGHT_MS = (CFG.highlightSeconds || 8) * 1000;
  var PAGE_MS = (CFG.pageSeconds || 8) * 1000;
  var LAG_TARGET_MS = 12000; // aim below the promised 15 s: segments load and start late
  var MAX_RATE = 1.4; // the bundled voice speaks 140 words a minute; ×1.4 is everyday speech
  var GAP_MS = 100;
  var SUBSET = (CFG.services || []).length ? CFG.services : null;
  var WEEKDAYS = {Sun: "Chủ Nhật", Mon: "Thứ Hai", Tue: "Thứ Ba", Wed: "Thứ Tư", Thu: "Thứ Năm", Fri: "Thứ Sáu", Sat: "Thứ Bảy"};
  var WELCOME = "Trung tâm Phục vụ hành chính công xin kính chào quý công dân. Xin quý vị vui lòng giữ trật tự và chờ đến lượt.";
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }

  var state = {
    board: null, serverDelta: 0, lastCallKey: null, flashCounter: {}, heroUntil: 0, flashKey: null, hero: null,
    announcements: [], queue: [], playing: null, played: [], spoken: [], soundBlocked: false, connected: false,
    batch: false, u: 1, waitingPage: 0, waitingPages: [], media: [], mediaIndex: 0
  };
  window.qmsDisplay = state;

  // --- clock (centre's time zone, corrected by the server's clock) -------------------------
  function parts(date) {
    var out = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: CFG.timezone || undefined, weekday: "short", day: "2-digit", month: "2-digit",
      year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false}).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    if (out.hour === "24") out.hour = "00";
    return out;
  }
  function tick() {
    var p;
    try { p = parts(new Date(Date.now() + state.serverDelta)); } catch (e) { p = parts(new Date()); }
    $("date").textContent = (WEEKDAYS[p.weekday] || "") + ", ngày " + p.day + "/" + p.month + "/" + p.year;
    $("clock").textContent = p.hour + ":" + p.minute;
  }
  function whenText(isoText) {
    var d = new Date(isoText); if (isNaN(d)) return "";
    var p = parts(d);
    return p.hour + ":" + p.minute + ", " + (WEEKDAYS[p.weekday] || "") + " ngày " + p.day + "/" + p.month + "/" + p.year;
  }

  // --- what this screen shows: ?services=A,B keeps one hall's services ----------------------
  function inSubset(code) { return !SUBSET || SUBSET.indexOf(code) >= 0; }
  function shownCounters(b) {
    return (b.counters || []).filter(function (c) {
      return !SUBSET || (c.services || []).some(inSubset) || (c.current && inSubset(c.current.service));
    });
  }
  function shownRecent(b) { return (b.recent || []).filter(function (r) { return inSubset(r.service); }); }
  function counterOf(b, number) { return (b.counters || []).filter(function (c) { return c.number === number; })[0]; }
  // a call stands while its counter is open and still holds that very ticket
  function stands(b, call) {
    var c = counterOf(b, call.counter);
    return !!(c && c.state === "open" && c.current && c.current.id === call.ticket_id &&
      (c.current.status === "called" || c.current.status === "serving"));
  }
  function callKey(c) { return c ? (c.ticket_id || c.ticket) + "@" + c.called_at : null; }
  function recallText(n) { return "Gọi lại lần " + Math.max(2, n || 2); }

  // --- measuring ------------------------------------------------------------------------------
  var probe = document.createElement("span");
  probe.style.cssText = "position:absolute;left:-10000px;top:0;visibility:hidden;white-space:nowrap;font-variant-numeric:tabular-nums";
  document.body.appendChild(probe);
  function textWidth(text, weight, size) {
    probe.style.fontWeight = weight; probe.style.fontSize = size + "px"; probe.textContent = text;
    return probe.getBoundingClientRect().width;
  }
  function innerWidth(el) {
    var cs = getComputedStyle(el);
    return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  }
  function refCode(codes) {
    var digits = 3;
    codes.forEach(function (c) { var m = /\d+$/.exec(c || ""); if (m) digits = Math.max(digits, m[0].length); });
    return "M" + new Array(digits + 1).join("8");
  }
  function setUnit() {
    var W = window.innerWidth, H = window.innerHeight, portrait = H > W * 1.05;
    var u = portrait ? Math.min(W / 1080, H / 1920) : Math.min(W / 1920, H / 1080);
    state.u = u;
    document.documentElement.style.setProperty("--u", u + "px");
    document.body.setAttribute("data-orient", portrait ? "portrait" : "landscape");
  }

  // --- rendering ------------------------------------------------------------------------------
  function renderBoard() {
    var b = state.board; if (!b) return;
    renderStatus(b);
    renderCounters(b);
    renderRecent(b);
    renderWaiting(b);
    renderHero();
    renderNotices(b);
    fitAll();
  }
  function renderStatus(b) {
    var el = $("status"), rec = b.reception || {}, html = "", kind = "";
    if (rec.paused) {
      kind = "paused";
      html = "TẠM DỪNG TIẾP NHẬN" + (rec.reason ? ": " + esc(rec.reason) : "") +
        "<small>Công dân đã có số thứ tự xin vui lòng chờ được gọi. Trân trọng cảm ơn quý vị.</small>";
    } else if (b.open_now === false) {
      kind = "closed";
      html = "Trung tâm đang ngoài giờ tiếp nhận hồ sơ." +
        (b.next_open ? "<small>Mời quý công dân quay lại lúc " + esc(whenText(b.next_open)) + ".</small>" : "");
    }
    el.hidden = !html;
    el.setAttribute("data-kind", kind);
    if (el.innerHTML !== html) el.innerHTML = html;
  }
  function renderCounters(b) {
    var now = Date.now();
    $("counters").innerHTML = shownCounters(b).map(function (c) {
      var cur = c.current, cls = "d-counter", code, why = "";
      if (c.state !== "open") { cls += " paused"; code = c.state === "paused" ? "Tạm dừng" : "Đã đóng"; }
      else if (!cur) { cls += " idle"; code = "—"; }
      else code = cur.code;
      // the officer's pause reason, under "Tạm dừng"
      if (c.state !== "open" && c.reason) { cls += " why"; why = '<span class="d-counter-reason">' + esc(c.reason) + '</span>'; }
      if (c.state === "open" && cur && (state.flashCounter[c.number] || 0) > now) cls += " flash";
      return '<div class="' + cls + '" data-counter="' + c.number + '" data-code="' + esc(c.state === "open" && cur ? cur.code : "") +
        '"><div class="d-counter-name">' + esc(c.name) + '</div><div class="d-counter-code">' + esc(code) + why + '</div></div>';
    }).join("");
  }
  function renderRecent(b) {
    $("recent").innerHTML = shownRecent(b).slice(0, 8).map(function (r) {
      return '<li data-code="' + esc(r.ticket) + '"><span class="cd">' + esc(r.ticket) + '</span>' +
        (r.recall ? '<span class="rc">' + recallText(r.call_number) + '</span>' : "") +
        '<span class="to">➜ ' + esc(r.counter_name || ("Quầy " + r.counter)) + '</span></li>';
    }).join("");
  }
  function renderWaiting(b) {
    var services = b.services || {}, waiting = b.waiting || {};
    $("waiting").innerHTML = Object.keys(services).filter(function (code) {
      return inSubset(code) && (services[code].active || waiting[code]);
    }).map(function (code) {
      var s = services[code];
      return '<div class="d-wait' + (s.active ? "" : " off") + '" data-service="' + esc(code) + '"><span class="l">' + esc(code) +
        '</span><span class="nm">' + window.QmsPhrases.html(s.name) + '</span><span class="n">' + esc(waiting[code] || 0) + '</span></div>';
    }).join("");
    window.QmsPhrases.fit($("waiting"), ".nm");  // "Thể thao" never splits across lines
  }
  function standingCall() {
    var b = state.board; if (!b) return null;
    var recent = shownRecent(b);
    for (var i = 0; i < recent.length; i++) if (stands(b, recent[i])) return recent[i];
    return null;
  }
  function renderHero() {
    var el = $("hero"), call = standingCall();
    state.hero = call;
    if (!call) {
      el.setAttribute("data-state", "idle"); el.setAttribute("data-code", ""); el.classList.remove("flash");
      var b = state.board || {}, rec = b.reception || {};
      $("hero-idle").textContent = rec.paused ? "Tạm dừng tiếp nhận hồ sơ" : b.open_now === false ? "Ngoài giờ tiếp nhận hồ sơ" : "Xin kính chào quý công dân";
      return;
    }
    el.setAttribute("data-state", "call");
    $("hero-code").textContent = call.ticket;
    $("hero-counter").textContent = (call.counter_name || ("Quầy " + call.counter)).toUpperCase();
    $("hero-sub").innerHTML = call.recall ? '<span class="rc">' + recallText(call.call_number) + "</span>" : "Xin mời đến quầy";
    el.setAttribute("data-code", call.ticket);
    el.classList.toggle("flash", state.heroUntil > Date.now() && state.flashKey === callKey(call));
  }
  function renderNotices(b) {
    var texts = (b.notices || []).map(function (n) { return n.text; }).filter(Boolean);
    if (!texts.length) texts = [WELCOME];
    if (b.hotline) texts.push("Đường dây nóng: " + b.hotline);
    var text = texts.join("     •     "), el = $("ticker");
    if (el.textContent !== text) { el.textContent = text; el.style.setProperty("--ticker-s", Math.max(20, text.length / 5) + "s"); }
  }

  // --- fitting ------------------------------------------------------------------------------------
  function fitAll() {
    if (!state.board) return;
    document.body.setAttribute("data-many", shownCounters(state.board).length > 8 ? "1" : "0");
    fitHero(); fitColumnB(); fitCounters(); paginateWaiting();
  }
  function fitHero() {
    var u = state.u, hero = $("hero"), avail = innerWidth(hero);
    var b = state.board, counters = shownCounters(b);
    var names = counters.map(function (c) { return c.name.toUpperCase(); });
    var longest = names.reduce(function (a, n) { return textWidth(n, 800, 100) > textWidth(a, 800, 100) ? n : a; }, "QUẦY 1");
    var wc = textWidth(refCode([$("hero-code").textContent]), 800, 100) / 100;
    var wt = (textWidth(longest, 800, 100) + textWidth("➜", 400, 90) + 24 * u / 1) / 100;
    var gap = 28 * u, fmax = 200 * u, ratio = 0.62;
    var f = Math.min(fmax, (avail - gap) / (wc + ratio * wt));
    if (f < 150 * u) { ratio = 0.5; f = Math.min(fmax, (avail - gap) / (wc + ratio * wt)); }
    var stack = f < 150 * u;
    var to = ratio * f;
    if (stack) { f = Math.min(fmax, avail / wc); to = Math.min(ratio * f, avail / wt); }
    hero.setAttribute("data-stack", stack ? "1" : "0");
    hero.style.setProperty("--hero-code", Math.floor(f) + "px");
    hero.style.setProperty("--hero-to", Math.floor(to) + "px");
  }
  function fitColumnB() {
    var u = state.u, portrait = document.body.getAttribute("data-orient") === "portrait";
    var colB = document.querySelector(".d-col-b"), hasMedia = document.body.getAttribute("data-media") === "1";
    var H = colB.clientHeight, W = colB.clientWidth;
    var row = 74 * u, head = 46 * u, mediaH = 0;
    if (hasMedia) {
      mediaH = portrait ? Math.min(W * 9 / 16, H * 0.45) : Math.min(W * 9 / 16, H * 0.36);
      colB.style.setProperty("--media-h", Math.floor(mediaH) + "px");
    }
    var services = Object.keys(state.board.services || {}).filter(inSubset).length;
    var rows;
    if (portrait) rows = Math.floor((H - mediaH - 14 * u - head) / row);
    else rows = Math.floor((H - mediaH - head - 14 * u) * (services > 6 || hasMedia ? 0.3 : 0.42) / row);
    rows = Math.max(1, Math.min(8, rows));
    var items = $("recent").children;
    for (var i = 0; i < items.length; i++) items[i].hidden = i >= rows;
  }
  function fitCounters() {
    var u = state.u, box = $("counters"), tiles = box.children, n = tiles.length;
    if (!n) return;
    var portrait = document.body.getAttribute("data-orient") === "portrait";
    var W = box.clientWidth, H = box.clientHeight, gap = (portrait ? 10 : 14) * u, pad = 10 * u;
    var codes = [], names = [];
    for (var i = 0; i < n; i++) { codes.push(tiles[i].getAttribute("data-code")); names.push(tiles[i].firstChild.textContent); }
    var wc = textWidth(refCode(codes), 800, 100) / 100;
    var wn = names.reduce(function (m, t) { return Math.max(m, textWidth(t, 700, 100) / 100); }, 0.1);
    var best = null;
    for (var cols = 1; cols <= Math.min(n, 8); cols++) {
      var rows = Math.ceil(n / cols);
      var tw = (W - (cols - 1) * gap) / cols - pad, th = (H - (rows - 1) * gap) / rows - 8 * u;
      var fc = Math.min(th / (1.02 + 0.3 * 1.12), tw / wc * 0.99, 150 * u);
      var fn = Math.max(24 * u, Math.min(44 * u, 0.3 * fc, tw / wn));
      fc = Math.min(fc, (th - fn * 1.12) / 1.02);
      var score = fc - (rows * cols - n) * 0.01;
      if (!best || score > best.score) best = {cols: cols, rows: rows, fc: fc, fn: fn, score: score};
    }
    box.style.setProperty("--cols", best.cols);
    box.style.setProperty("--rows", best.rows);
    box.style.setProperty("--gap", gap + "px");
    var fc = best.fc;
    for (var tries = 0; tries < 12; tries++) {
      box.style.setProperty("--fc", Math.floor(fc) + "px");
      box.style.setProperty("--fn", Math.floor(Math.min(best.fn, fc * 0.5)) + "px");
      var over = false;
      for (var j = 0; j < n && !over; j++) {
        var t = tiles[j], tr = t.getBoundingClientRect(), cr = t.lastChild.getBoundingClientRect(), nr = t.firstChild.getBoundingClientRect();
        over = cr.width > t.clientWidth - 4 * u || nr.top < tr.top || cr.bottom > tr.bottom;
      }
      if (!over) break;
      fc *= 0.94;
    }
    state.counterFont = Math.floor(fc);
  }
  function paginateWaiting() {
    var box = $("waiting"), rows = Array.prototype.slice.call(box.children), u = state.u;
    rows.forEach(function (r) { r.hidden = false; });
    var H = box.clientHeight, gap = 8 * u, pages = [], cur = [], used = 0;
    rows.forEach(function (r) {
      var h = r.offsetHeight, need = (cur.length ? gap : 0) + h;
      if (cur.length && used + need > H + 0.5) { pages.push(cur); cur = [r]; used = h; }
      else { cur.push(r); used += need; }
    });
    if (cur.length) pages.push(cur);
    state.waitingPages = pages.map(function (p) { return p.map(function (r) { return r.getAttribute("data-service"); }); });
    if (state.waitingPage >= pages.length) state.waitingPage = 0;
    showWaitingPage(state.waitingPage);
  }
  function showWaitingPage(i) {
    var pages = state.waitingPages, box = $("waiting");
    state.waitingPage = pages.length ? i % pages.length : 0;
    var on = pages[state.waitingPage] || [];
    Array.prototype.forEach.call(box.children, function (r) { r.hidden = on.indexOf(r.getAttribute("data-service")) < 0; });
    $("waiting-page").textContent = pages.length > 1 ? "Trang " + (state.waitingPage + 1) + "/" + pages.length : "";
  }
  state.showWaitingPage = showWaitingPage;
  setInterval(function () { if (state.waitingPages.length > 1) showWaitingPage(state.waitingPage + 1); }, PAGE_MS);

  function highlight(call) {
    var until = Date.now() + HIGHLIGHT_MS;
    state.heroUntil = until; state.flashKey = callKey(call);
    state.flashCounter[call.counter] = until;
    renderBoard();
    setTimeout(renderBoard, HIGHLIGHT_MS + 50);
  }

  // --- board and calls ---------------------------------------------------------------------
  function adopt(b) {
    state.board = b;
    if (b.server_time) { var t = Date.parse(b.server_time); if (!isNaN(t)) state.serverDelta = t - Date.now(); }
  }
  function onBoard(b) {
    var first = !state.board;
    adopt(b);
    var latest = shownRecent(b)[0], key = callKey(latest);
    if (latest && key !== state.lastCallKey) {
      state.lastCallKey = key;
      if (!first && stands(b, latest)) { highlight(latest); return; } // a call made while we were cut off
    }
    renderBoard();
    pump();
  }
  function onCalled(msg) {
    var t = msg.ticket || {}, c = msg.counter || {};
    // what the call moved on the board (counters, recent calls, waiting counts): no push follows
    if (msg.board && state.board) adopt(Object.assign({}, state.board, msg.board));
    if (!inSubset(t.service)) { if (msg.board && state.board) { renderBoard(); pump(); } return; }
    var call = {ticket: t.code, ticket_id: t.id, service: t.service, counter: c.number, counter_name: c.name,
      called_at: t.called_at, recall: !!msg.recall, call_number: t.call_count};
    if (state.board) {
      (state.board.counters || []).forEach(function (x) { if (x.number === c.number) { x.current = t; x.state = "open"; } });
      state.board.recent = [call].concat((state.board.recent || []).filter(function (r) { return callKey(r) !== callKey(call); })).slice(0, 10);
    }
    state.lastCallKey = callKey(call);
    highlight(call);
    if (msg.announcement) announce(msg.announcement, call);
  }

  // --- announcements -----------------------------------------------------------------------
  var durations = {}; // url → seconds, learnt as segments load
  function estimate(urls) { return urls.reduce(function (s, u) { return s + (durations[u] || 0.5); }, 0); }
  function announce(a, call) {
    var brief = a.brief || {};
    var item = {text: a.text || "", audio: (a.audio || []).slice(), brief: (brief.audio || []).slice(), opening: (brief.opening || []).slice(),
      code: call.ticket, counter: call.counter, ticketId: call.ticket_id, recall: call.recall, calledAt: Date.parse(call.called_at) || Date.now(),
      received: Date.now()};
    state.announcements.push(item);
    if (state.announcements.length > 100) state.announcements.shift();
    state.queue.push(item);
    prepare(item.audio.concat(item.brief, item.opening));
    document.body.setAttribute("data-announcements", state.announcements.length);
    pump();
  }
  // calls that no longer stand are not said; of one counter's calls only the newest is said
  function prune() {
    var b = state.board, boardTime = b && b.server_time ? Date.parse(b.server_time) : 0;
    state.queue = state.queue.filter(function (item, i) {
      var newer = state.queue.slice(i + 1).some(function (o) { return o.counter === item.counter; });
      if (newer) return false;
      if (b && boardTime >= item.calledAt) return stands(b, {counter: item.counter, ticket_id: item.ticketId});
      return true;
    });
  }
  function pump() {
    if (state.playing || state.soundBlocked) return;
    prune();
    if (!state.queue.length) { state.batch = false; return; }
    var item = state.queue.shift(), urls, form;
    if (!state.batch && !state.queue.length) { form = "full"; urls = item.audio; }
    else {
      form = "brief";
      urls = state.batch || !item.opening.length ? item.brief : [item.audio[0]].concat(item.opening, item.brief);
      if (!urls.length) urls = item.audio;
      state.batch = true;
    }
    var record = {code: item.code, counter: item.counter, form: form, rate: 1, received: item.received, started: Date.now(), ended: null};
    state.playing = item;
    playList(urls.slice(), form === "full", record, function (cut) {
      record.ended = Date.now(); record.cut = cut;
      state.spoken.push(record); if (state.spoken.length > 200) state.spoken.shift();
      state.played.push(item.text); if (state.played.length > 100) state.played.shift();
      state.playing = null;
      if (cut) state.batch = true;
      setTimeout(pump, state.queue.length ? GAP_MS : 400);
    }, item);
  }
  // with calls waiting, speak fast enough that the newest starts within LAG_TARGET_MS
  function backlogRate(left) {
    if (!state.queue.length) return 1;
    var newest = state.queue[state.queue.length - 1];
    var before = estimate(left) + state.queue.slice(0, -1).reduce(function (sum, q) { return sum + estimate(q.brief.length ? q.brief : q.audio); }, 0);
    var time = (newest.received + LAG_TARGET_MS - Date.now()) / 1000 - state.queue.length * GAP_MS / 1000;
    return time > 0 ? Math.min(MAX_RATE, Math.max(1, before / time)) : MAX_RATE;
  }
  // ready elements per segment URL, loaded as soon as a call arrives: no wait between words
  var ready = {};
  function prepare(urls) {
    urls.forEach(function (url) {
      var list = ready[url] || (ready[url] = []);
      if (list.length < 2) { var el = new Audio(); el.preload = "auto"; el.src = url; el.load(); list.push(el); }
    });
  }
  function take(url) {
    var list = ready[url] || [], el = list.shift();
    prepare([url]);
    return el || new Audio(url);
  }
  prepare(CFG.speech || []);
  function playList(urls, stopAtPause, record, done, item) {
    prepare(urls);
    function step() {
      if (!urls.length) { done(false); return; }
      var url = urls.shift();
      if (stopAtPause && /\/pause\.wav$/.test(url) && state.queue.length) { done(true); return; } // the repeat gives way
      if (/\/chime\.wav$/.test(url) === false) record.rate = Math.max(record.rate, Math.round(backlogRate([url].concat(urls)) * 100) / 100);
      var el = take(url), finished = false, guard;
      function next() { if (finished) return; finished = true; clearTimeout(guard); step(); }
      el.onloadedmetadata = function () { if (isFinite(el.duration)) durations[url] = el.duration; };
      if (isFinite(el.duration) && el.duration) durations[url] = el.duration;
      el.onended = next;
      el.onerror = next; // a missing segment is skipped; the call is already on the screen
      guard = setTimeout(next, 12000);
      if (/\/chime\.wav$/.test(url)) el.onplaying = function () { // its last 0.35 s are silence
        if (isFinite(el.duration) && el.duration > 0.8) setTimeout(next, (el.duration - 0.35) * 1000);
      };
      el.playbackRate = /\/chime\.wav$/.test(url) ? 1 : record.rate;
      var p;
      try { p = el.play(); } catch (e) { next(); return; }
      if (p && p.catch) p.catch(function (err) {
        if (finished) return;
        if (err && err.name === "NotAllowedError") {
          finished = true; clearTimeout(guard);
          state.soundBlocked = true; state.playing = null;
          state.queue.unshift(item); // said again once sound is allowed
          $("sound").hidden = false;
        } else next();
      });
    }
    step();
  }
  function unblock() {
    if (!state.soundBlocked) return;
    $("sound").hidden = true; state.soundBlocked = false;
    pump();
  }
  $("sound").addEventListener("click", unblock);
  document.addEventListener("keydown", unblock);
  document.addEventListener("pointerdown", unblock);

  // --- the centre's guidance videos and pictures -------------------------------------------
  function loadMedia() {
    if (CFG.media === false) return;
    fetch("/display/media.json", {cache: "no-store"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (list) {
      var urls = (list || []).map(function (m) { return m.url; }).join("|");
      if (urls === state.media.map(function (m) { return m.url; }).join("|")) return;
      state.media = list || []; state.mediaIndex = -1;
      document.body.setAttribute("data-media", state.media.length ? "1" : "0");
      fitAll();
      nextMedia();
    }).catch(function () {});
  }
  var mediaTimer = null;
  function nextMedia() {
    clearTimeout(mediaTimer);
    var box = $("media");
    if (!state.media.length) { box.innerHTML = ""; return; }
    state.mediaIndex = (state.mediaIndex + 1) % state.media.length;
    var m = state.media[state.mediaIndex];
    if (m.kind === "video") {
      box.innerHTML = '<video muted autoplay playsinline preload="auto"></video>';
      var v = box.firstChild; v.muted = true; v.src = m.url;
      v.onended = nextMedia; v.onerror = function () { mediaTimer = setTimeout(nextMedia, 2000); };
      var p = v.play(); if (p && p.catch) p.catch(function () { mediaTimer = setTimeout(nextMedia, 5000); });
    } else {
      box.innerHTML = '<img alt="">';
      box.firstChild.src = m.url;
      mediaTimer = setTimeout(nextMedia, (m.seconds || 12) * 1000);
    }
  }

  // --- connection --------------------------------------------------------------------------
  function connect() {
    var socket = io({transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 3000, timeout: 8000});
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
  var resizeTimer = null;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(function () { setUnit(); renderBoard(); }, 100); });
  setUnit();
  state.fit = function () { setUnit(); renderBoard(); };
  tick(); setInterval(tick, 1000);
  setInterval(function () { if (state.heroUntil && state.heroUntil < Date.now() && $("hero").classList.contains("flash")) renderHero(); }, 1000);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { renderBoard(); });
  connect();
  loadMedia(); setInterval(loadMedia, 60000);
})();

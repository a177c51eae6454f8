/* Counter page. The server is the authority: every action names the ticket shown
   (ticket_id) and this page (page); a 409 "stale" answer refreshes the page state and says so,
   a 409 "held_by_other" means another officer took the counter over.
   One officer per counter: the page holds its counter by renewing a short lease
   (POST /counters/<n>/hold); a page that is gone stops renewing and the hold lapses. */
(function () {
  "use strict";
  var CFG = window.QMS_COUNTER || {}, S = CFG.strings || {}, KEYS = CFG.keys || {}, ME = CFG.me || {};
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var STORE = "qms.counter";
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function fill(text, values) { return String(text || "").replace(/\{(\w+)\}/g, function (m, k) { return values[k] == null ? "" : values[k]; }); }
  function pageId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "p" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var st = {
    number: null, counter: null, waiting: [], services: [], priorities: {}, busy: false, serverDelta: 0,
    socket: null, page: pageId(), holding: false, holdTimer: null, renew: 20, holder: null
  };
  window.qmsCounter = st;

  function api(method, path, body, keepalive) {
    var opts = {method: method, credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}};
    if (method !== "GET") { opts.headers["Content-Type"] = "application/json"; opts.headers["X-CSRFToken"] = CSRF; opts.body = JSON.stringify(body || {}); }
    if (keepalive) opts.keepalive = true;
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { location.href = "/login?next=/counter"; }
      return r.json().catch(function () { return {}; }).then(function (data) { return {status: r.status, data: data}; });
    });
  }
  function errorOf(res) { return (res && res.data && res.data.error) || {}; }
  var msgTimer = null;
  function say(text, kind, seconds) {
    var el = $("msg"); el.textContent = text; el.setAttribute("data-kind", kind || "info"); el.hidden = false;
    clearTimeout(msgTimer);
    msgTimer = setTimeout(function () { el.hidden = true; }, (seconds || (kind === "warn" ? 9 : 5)) * 1000);
  }
  function localName(x) { return x ? (S.lang === "en" && x.name_en ? x.name_en : x.name) : ""; }
  function serviceOf(code) { return st.services.filter(function (x) { return x.code === code; })[0]; }
  function serviceName(code) { var s = serviceOf(code); return s ? localName(s) : code; }
  function priorityName(code) { var p = st.priorities[code]; return p ? localName(p) : code; }
  function hhmm(isoText) { return String(isoText || "").slice(11, 16); }
  function view() { return $("app").getAttribute("data-view"); }
  function setView(name) { $("app").setAttribute("data-view", name); }

  // --- choose a counter ----------------------------------------------------------------------
  function showChooser() {
    stopHold();
    st.number = null; st.counter = null;
    setView("choose");
    Promise.all([api("GET", "/api/v1/counters"), api("GET", "/api/v1/counter-holds")]).then(function (r) {
      var list = Array.isArray(r[0].data) ? r[0].data : [], holds = {};
      (Array.isArray(r[1].data) ? r[1].data : []).forEach(function (h) { holds[h.counter] = h.holder; });
      $("counter-list").innerHTML = list.map(function (c) {
        var h = holds[c.number];
        var who = h ? S.working + ": " + (h.user_id === ME.id ? S.you : h.name) : S.free;
        return '<button type="button" data-number="' + c.number + '"' + (h ? ' data-held="1"' : "") + '><b>' + esc(c.name) + '</b>' +
          '<small>' + esc(S.services) + ": " + esc(c.services.join(", ")) + '</small>' +
          '<small>' + esc(S[c.state] || c.state) + (c.reason ? " – " + esc(c.reason) : "") + (c.current ? " · " + esc(S.current) + " " + esc(c.current.code) : "") + '</small>' +
          '<small class="c-who">' + esc(who) + '</small></button>';
      }).join("");
    }).catch(function () { say(S.offline, "warn"); setTimeout(function () { if (view() === "choose") showChooser(); }, 3000); });
  }
  $("counter-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-number]"); if (!b) return;
    choose(parseInt(b.getAttribute("data-number"), 10));
  });
  $("change-counter").addEventListener("click", function () { release(); localStorage.removeItem(STORE); showChooser(); });

  function choose(n, takeOver) {
    st.number = n; localStorage.setItem(STORE, String(n));
    join();
    return api("POST", "/api/v1/counters/" + n + "/hold", {page: st.page, take_over: !!takeOver}).then(function (res) {
      if (st.number !== n) return;
      var err = errorOf(res);
      if (res.status === 200) return holding(res.data, takeOver);
      if (err.code === "held_by_other") return showHeld(err.holder);
      if (res.status === 404) { localStorage.removeItem(STORE); showChooser(); return; }
      say(err.message || S.offline, "warn");
    }).catch(function () { say(S.offline, "warn"); st.holdTimer = setTimeout(function () { if (st.number === n) choose(n); }, 5000); });
  }

  // --- one officer per counter ------------------------------------------------------------------
  function holding(answer, tookOver) {
    var before = st.holder;
    st.holding = true; st.holder = answer.holder; st.renew = Math.max(5, answer.renew_seconds || 20);
    if (view() !== "work") {
      setView("work");
      refresh(); loadDay();
      if (tookOver && before && before.user_id !== ME.id) say(S.tookOver + " " + before.name, "ok");
    }
    scheduleRenew();
  }
  function showHeld(holder) {
    st.holding = false; st.holder = holder;
    setView("held");
    $("held-counter").textContent = (st.counter && st.counter.number === st.number) ? st.counter.name : fill(S.counterN, {n: st.number});
    $("held-name").textContent = holder ? holder.name : "—";
    $("held-since").textContent = holder ? S.heldSince + " " + hhmm(holder.since) + "." : "";
    $("take-over").disabled = false;
    scheduleRenew();  // the hold may lapse: this page then takes the counter by itself
  }
  function scheduleRenew() { clearTimeout(st.holdTimer); st.holdTimer = setTimeout(renew, st.renew * 1000); }
  function stopHold() { clearTimeout(st.holdTimer); st.holdTimer = null; st.holding = false; }
  function renew() {
    var n = st.number; if (!n) return;
    api("POST", "/api/v1/counters/" + n + "/hold", {page: st.page}).then(function (res) {
      if (st.number !== n) return;
      var err = errorOf(res);
      if (res.status === 200) holding(res.data);
      else if (err.code === "held_by_other") { if (view() === "work") lost(err.holder); else showHeld(err.holder); }
      else scheduleRenew();
    }).catch(scheduleRenew);
  }
  function lost(holder) {
    var name = st.counter ? st.counter.name : fill(S.counterN, {n: st.number});
    localStorage.removeItem(STORE);
    closeDialogs();
    showChooser();
    say(holder && holder.user_id !== ME.id ? name + ": " + holder.name + " " + S.takenOver : S.lostHold, "warn", 60);
  }
  function release(keepalive) {
    if (!st.number || !st.holding) return;
    var n = st.number;
    stopHold();
    api("POST", "/api/v1/counters/" + n + "/release", {page: st.page}, keepalive).catch(function () {});
  }
  window.addEventListener("pagehide", function () { release(true); });
  $("take-over").addEventListener("click", function () { $("take-over").disabled = true; choose(st.number, true); });
  $("held-back").addEventListener("click", function () { localStorage.removeItem(STORE); showChooser(); });

  // --- state ---------------------------------------------------------------------------------
  function refresh() {
    if (!st.number) return Promise.resolve();
    var n = st.number;
    return Promise.all([api("GET", "/api/v1/counters/" + n), api("GET", "/api/v1/counters/" + n + "/queue")]).then(function (r) {
      if (st.number !== n) return;
      if (r[0].status === 404) { localStorage.removeItem(STORE); showChooser(); return; }
      if (r[0].status === 200) st.counter = r[0].data;
      var before = st.waiting.length, loaded = st.loaded;
      if (r[1].status === 200) { st.waiting = r[1].data.waiting || []; st.loaded = true; }
      if (view() === "work" && loaded && before === 0 && st.waiting.length > 0 && st.counter && !st.counter.current && st.counter.state === "open") arrived();
      render();
    }).catch(function () { setConn(false); });
  }
  var queueTimer = null;
  function refreshSoon() { clearTimeout(queueTimer); queueTimer = setTimeout(refresh, 250); }

  function render() {
    var c = st.counter; if (!c || c.number !== st.number) return;
    $("counter-name").textContent = c.name;
    $("counter-services").textContent = c.services.map(function (s) { return s + " " + serviceName(s); }).join(" · ");
    $("counter-state").textContent = (S[c.state] || c.state);
    $("counter-state").setAttribute("data-state", c.state);
    $("paused-banner").hidden = c.state === "open";
    $("paused-reason").textContent = c.state !== "open" && c.reason ? " – " + c.reason : "";
    $("pause-label").textContent = c.state === "open" ? S.pause : S.resume;
    document.body.setAttribute("data-counter-state", c.state);
    var t = c.current;
    $("current").setAttribute("data-status", t ? t.status : "none");
    $("current").setAttribute("data-ticket-id", t ? t.id : "");
    $("cur-code").textContent = t ? t.code : "—";
    $("cur-service").textContent = t ? serviceName(t.service) : S.noTicket;
    $("cur-priority").hidden = !(t && t.priority);
    $("cur-priority").textContent = t && t.priority ? "★ " + S.priority + ": " + priorityName(t.priority) : "";
    $("cur-status").textContent = t ? (S[t.status] || t.status) + (t.call_count > 1 ? " · " + t.call_count + " " + S.calls : "") : "";
    var paper = $("paper-link"), base = paper.getAttribute("href").split("?")[0];
    paper.setAttribute("href", t ? base + "?ticket=" + encodeURIComponent(t.code) : base);
    tickElapsed();
    var can = {
      next: c.state === "open", call_number: c.state === "open", recall: !!t, start: !!t && t.status === "called", done: !!t,
      no_show: !!t, transfer: !!t, pause: true, reprint: !!t, issue: true
    };
    document.querySelectorAll("[data-action]").forEach(function (b) { b.disabled = !can[b.getAttribute("data-action")]; });
    $("waiting-count").textContent = st.waiting.length;
    var now = Date.now() + st.serverDelta, head = st.waiting[0];
    $("next-line").innerHTML = head ? esc(S.nextUp) + " <b>" + esc(head.code) + "</b> · " + esc(serviceName(head.service)) +
      (head.priority ? " · ★ " + esc(priorityName(head.priority)) : "") : esc(S.nobodyWaiting);
    $("queue").innerHTML = st.waiting.length ? st.waiting.map(function (w) {
      var mins = Math.max(0, Math.floor((now - Date.parse(w.issued_at)) / 60000));
      var mine = w.reserved_counter === c.number;
      return '<li data-code="' + esc(w.code) + '" class="' + (w.priority ? "prio" : "") + (mine ? " mine" : "") + '" tabindex="-1"><b>' + esc(w.code) + '</b><span class="svc">' +
        esc(serviceName(w.service)) + (mine ? '<span class="rs">➜ ' + esc(S.reservedHere) + '</span>' : "") +
        (w.priority ? '<span class="pr">★ ' + esc(priorityName(w.priority)) + '</span>' : "") + '</span>' +
        '<span class="age">' + mins + " " + esc(S.min) + '</span></li>';
    }).join("") : '<li class="empty">' + esc(S.queueEmpty) + '</li>';
  }
  function tickElapsed() {
    var t = st.counter && st.counter.current;
    if (!t || !t.called_at) { $("elapsed").textContent = "--:--"; return; }
    var secs = Math.max(0, Math.floor((Date.now() + st.serverDelta - Date.parse(t.called_at)) / 1000));
    var m = Math.floor(secs / 60), s = secs % 60;
    $("elapsed").textContent = (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  // --- the officer's own figures of the day -----------------------------------------------------
  var dayTimer = null;
  function loadDay() {
    clearTimeout(dayTimer);
    dayTimer = setTimeout(function () {
      api("GET", "/api/v1/me/today").then(function (res) {
        if (res.status !== 200) return;
        var d = res.data;
        $("day-served").textContent = d.served;
        $("day-noshow").textContent = d.no_show;
        $("day-transferred").textContent = d.transferred;
        var avg = d.average_service_minutes;
        $("day-average").textContent = avg == null ? "–" : (S.lang === "en" ? String(avg) : String(avg).replace(".", ","));
      }).catch(function () {});
    }, 300);
  }
  setInterval(function () { if (view() === "work") loadDay(); }, 60000);

  // --- actions -------------------------------------------------------------------------------
  var PATHS = {next: "call-next", recall: "recall", start: "start", done: "complete", no_show: "no-show", transfer: "transfer", call_number: "call"};
  function act(action, extra) {
    if (!st.number || !st.counter || st.busy || view() !== "work") return;
    // the pause key pauses at once (the officer may be leaving), then asks why
    if (action === "pause") { if (st.counter.state !== "open") return setState("open"); setState("paused"); return openPause(); }
    if (action === "transfer" && !extra) { return openTransfer(); }
    if (action === "no_show" && !extra) { return openNoShow(); }
    if (action === "call_number" && !extra) { return openCall(); }
    if (action === "issue") { return openIssue(); }
    if (action === "reprint") { return reprint(); }
    var btn = document.querySelector('.c-actions [data-action="' + action + '"]');
    if ((action === "next" || action === "call_number") && st.counter.state !== "open") { say(S.notOpen, "warn"); return; }
    if (btn && btn.disabled) return;
    var shown = st.counter.current;
    var body = Object.assign({ticket_id: shown ? shown.id : null, page: st.page}, extra || {});
    st.busy = true;
    return api("POST", "/api/v1/counters/" + st.number + "/" + PATHS[action], body).then(function (res) {
      st.busy = false;
      if (res.status === 200) {
        var t = res.data.ticket;
        if (action === "next" || action === "call_number") say(t ? S.called_ok + " " + t.code : S.empty, t ? "ok" : "info");
        else if (action === "recall") say(S.recalled + " " + (t ? t.code : ""), "ok");
        else if (action === "done") say(S.done_ok + " " + (shown ? shown.code : ""), "ok");
        else if (action === "start") say(S.start_ok + " " + (shown ? shown.code : ""), "ok");
        else if (action === "no_show") say((body.requeue ? S.requeue_ok : S.noshow_ok) + " " + (shown ? shown.code : ""), "ok");
        else if (action === "transfer") {
          var to = body.counter ? counterLabel(body.counter) : body.service + " " + serviceName(body.service);
          say(S.transfer_ok + " " + to + " (" + (shown ? shown.code : "") + ")", "ok");
        }
        // the answer already tells the new state: the next key press must name the right ticket
        st.counter.current = (action === "next" || action === "call_number" || action === "recall" || action === "start") ? t : null;
        if (res.data.counter) { st.counter.state = res.data.counter.state; st.counter.reason = res.data.counter.reason; }
        render(); refresh(); loadDay();
        return res;
      }
      failed(res);
      refresh();
      return res;
    }).catch(function () { st.busy = false; say(S.offline, "warn"); setConn(false); });
  }
  function failed(res) {
    var err = errorOf(res);
    if (err.code === "held_by_other") { lost(err.holder); return; }
    if (err.code === "stale") say(S.stale, "warn");
    else if (err.code === "counter_not_open") say(S.notOpen, "warn");
    else say(explain(err) || S.offline, "warn");
  }
  // the server's messages are bilingual; the page says them in the officer's language
  function explain(err, code) {
    var c = {code: code || "", n: err.counter || err.reserved_for || "", service: err.service ? serviceName(err.service) : ""};
    if (err.code === "unknown_ticket") return fill(S.errUnknownTicket, c);
    if (err.code === "invalid_code") return fill(S.errInvalidCode, c);
    if (err.code === "not_waiting") {
      c.status = S["st_" + err.status_now] || err.status_now;
      return fill(err.counter ? S.errNotWaitingAt : S.errNotWaiting, c);
    }
    if (err.code === "not_served_here") return fill(err.reserved_for ? S.errReserved : S.errNotServed, c);
    if (err.code === "counter_closed") return S.errCounterClosed;
    if (err.code === "service_inactive") return S.errServiceInactive;
    return err.message;
  }
  function reprint() {
    var t = st.counter.current; if (!t) return;
    st.busy = true;
    api("POST", "/api/v1/tickets/" + t.id + "/reprint", {}).then(function (res) {
      st.busy = false;
      if (res.status === 201) say(S.reprinted + " " + t.code, "ok");
      else say(errorOf(res).message || S.offline, "warn");
    }).catch(function () { st.busy = false; say(S.offline, "warn"); });
  }
  var stateChain = Promise.resolve();
  function setState(state, reason) {
    // one after another: a reason chosen a moment after the pause lands after it
    stateChain = stateChain.then(function () {
      st.busy = true;
      return api("POST", "/api/v1/counters/" + st.number + "/state", {state: state, reason: reason || null, page: st.page}).then(function (res) {
        st.busy = false;
        if (res.status === 200) {
          st.counter.state = res.data.counter.state; st.counter.reason = res.data.counter.reason;
          say(state === "open" ? S.resumed : S.pausedWith + (reason ? ": " + reason : ""), "ok");
          render();
        } else failed(res);
        refresh();
      }).catch(function () { st.busy = false; say(S.offline, "warn"); });
    });
    return stateChain;
  }
  document.querySelector(".c-work").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]"); if (!b || b.disabled) return;
    b.blur(); act(b.getAttribute("data-action"));
  });
  $("queue").addEventListener("click", function (e) {
    var li = e.target.closest("li[data-code]"); if (!li || !st.counter || st.counter.state !== "open") return;
    openCall(li.getAttribute("data-code"));
  });

  // --- dialogs: call a number, transfer, no-show, pause, issue ---------------------------------
  function closeDialogs() { document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); }); }
  function openDialog(id) { closeDialogs(); $(id).showModal(); }

  function openCall(code) {
    $("call-code").value = code || "";
    $("call-error").hidden = true;
    openDialog("dlg-call");
    $("call-code").focus(); $("call-code").select();
  }
  function resolveCode(raw) {
    var v = String(raw || "").trim().toUpperCase();
    if (!v) return {error: S.callEmpty};
    if (/^[0-9]{1,4}$/.test(v)) {
      var n = parseInt(v, 10);
      var same = st.waiting.filter(function (w) { return w.number === n; });
      if (same.length === 1) return {code: same[0].code};
      if (same.length === 0 && st.counter.services.length === 1) return {code: st.counter.services[0] + ("00" + n).slice(-Math.max(3, String(n).length))};
      return {error: S.callNeedsPrefix};
    }
    return {code: v};
  }
  function callError(text) { $("call-error").textContent = text; $("call-error").hidden = false; }
  $("call-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var got = resolveCode($("call-code").value);
    if (got.error) { callError(got.error); return; }
    if (st.counter.state !== "open") { callError(S.notOpen); return; }
    $("call-go").disabled = true;
    var p = act("call_number", {code: got.code});
    if (!p) { $("call-go").disabled = false; return; }
    p.then(function (res) {
      $("call-go").disabled = false;
      if (!res) return;
      if (res.status === 200) { $("dlg-call").close(); return; }
      var err = errorOf(res);
      if (err.code === "held_by_other") return;
      $("msg").hidden = true;
      callError(err.code === "stale" ? S.stale : err.code === "counter_not_open" ? S.notOpen : explain(err, got.code));
    });
  });

  var transfer = {tab: "service", targets: []};
  function openTransfer() {
    var cur = st.counter.current; if (!cur) return;
    $("transfer-code").textContent = cur.code;
    openDialog("dlg-transfer");
    showTransferTab("service");
    Promise.all([api("GET", "/api/v1/counters"), api("GET", "/api/v1/counter-holds")]).then(function (r) {
      var holds = {};
      (Array.isArray(r[1].data) ? r[1].data : []).forEach(function (h) { holds[h.counter] = h.holder; });
      transfer.counters = (Array.isArray(r[0].data) ? r[0].data : []).filter(function (c) { return c.number !== st.number; }).map(function (c) {
        c.holder = holds[c.number]; return c;
      });
      if (transfer.tab === "counter") showTransferTab("counter");
    }).catch(function () {});
  }
  function showTransferTab(tab) {
    var cur = st.counter.current; if (!cur) return;
    transfer.tab = tab;
    document.querySelectorAll("#dlg-transfer [data-tab]").forEach(function (b) { b.setAttribute("aria-selected", b.getAttribute("data-tab") === tab ? "true" : "false"); });
    $("transfer-hint").textContent = tab === "service" ? S.toService : S.toCounter;
    if (tab === "service") {
      transfer.targets = st.services.filter(function (s) { return s.active && s.code !== cur.service; }).map(function (s) { return {service: s.code}; });
      $("transfer-list").innerHTML = transfer.targets.map(function (x, i) {
        var s = serviceOf(x.service);
        return '<button type="button" class="c-dlg-item" data-service="' + esc(s.code) + '"><kbd>' + (i < 9 ? i + 1 : "") + '</kbd>' +
          esc(s.code) + " — " + esc(localName(s)) + '</button>';
      }).join("");
    } else {
      var list = transfer.counters || [];
      transfer.targets = list.map(function (c) { return {counter: c.number, closed: c.state === "closed"}; });
      $("transfer-list").innerHTML = list.map(function (c, i) {
        var note = c.state === "closed" ? S.counterClosed : (S[c.state] || c.state) + (c.holder ? " · " + c.holder.name : "");
        return '<button type="button" class="c-dlg-item" data-counter="' + c.number + '"' + (c.state === "closed" ? " disabled" : "") + '><kbd>' + (i < 9 ? i + 1 : "") + '</kbd>' +
          esc(c.name) + ' <small>' + esc(c.services.join(", ")) + " · " + esc(note) + '</small></button>';
      }).join("");
    }
  }
  function counterLabel(number) {
    var c = (transfer.counters || []).filter(function (x) { return x.number === number; })[0];
    return c ? c.name : fill(S.counterN, {n: number});
  }
  function pickTransfer(target) {
    if (!target || target.closed) return;
    $("dlg-transfer").close();
    act("transfer", target.counter ? {counter: target.counter} : {service: target.service});
  }
  $("dlg-transfer").addEventListener("click", function (e) {
    var tab = e.target.closest("[data-tab]");
    if (tab) { showTransferTab(tab.getAttribute("data-tab")); return; }
    var b = e.target.closest("[data-service],[data-counter]"); if (!b || b.disabled) return;
    pickTransfer(b.hasAttribute("data-counter") ? {counter: parseInt(b.getAttribute("data-counter"), 10)} : {service: b.getAttribute("data-service")});
  });

  function openNoShow() {
    if (!st.counter.current) return;
    $("noshow-code").textContent = st.counter.current.code;
    openDialog("dlg-noshow");
  }
  $("dlg-noshow").addEventListener("click", function (e) {
    var b = e.target.closest("[data-requeue]"); if (!b) return;
    $("dlg-noshow").close(); act("no_show", {requeue: b.getAttribute("data-requeue") === "1"});
  });

  var REASONS = S.reasons || [];
  $("pause-list").innerHTML = REASONS.map(function (r, i) {
    return '<button type="button" class="c-dlg-item" data-reason="' + i + '"><kbd>' + (i + 1) + '</kbd>' + esc(r[1]) + '</button>';
  }).join("");
  function openPause() { $("pause-other").value = ""; openDialog("dlg-pause"); }
  function pauseWith(reason) { $("dlg-pause").close(); if (reason) setState("paused", reason); }
  $("pause-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-reason]"); if (!b) return;
    pauseWith(REASONS[parseInt(b.getAttribute("data-reason"), 10)][0]);
  });
  $("pause-form").addEventListener("submit", function (e) { e.preventDefault(); pauseWith($("pause-other").value.trim()); });

  var issue = {priority: null, targets: []};
  function openIssue() {
    var mine = st.counter ? st.counter.services : [];
    issue.targets = st.services.filter(function (s) { return s.active; }).sort(function (a, b) {
      var ia = mine.indexOf(a.code), ib = mine.indexOf(b.code);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    });
    issue.priority = null;
    var prios = [{code: null, name: S.noPriority}].concat(Object.keys(st.priorities).map(function (k) { return st.priorities[k]; }));
    $("issue-priority").innerHTML = prios.map(function (p) {
      return '<button type="button" class="c-chip" data-priority="' + esc(p.code || "") + '" aria-checked="' + (p.code ? "false" : "true") + '" role="radio">' +
        esc(p.code ? localName(p) : p.name) + '</button>';
    }).join("");
    $("issue-list").innerHTML = issue.targets.map(function (s, i) {
      return '<button type="button" class="c-dlg-item" data-issue="' + esc(s.code) + '"><kbd>' + (i < 9 ? i + 1 : "") + '</kbd>' + esc(s.code) + " — " + esc(localName(s)) + '</button>';
    }).join("");
    $("issue-error").hidden = true;
    openDialog("dlg-issue");
  }
  $("issue-priority").addEventListener("click", function (e) {
    var b = e.target.closest("[data-priority]"); if (!b) return;
    issue.priority = b.getAttribute("data-priority") || null;
    document.querySelectorAll("#issue-priority [data-priority]").forEach(function (x) { x.setAttribute("aria-checked", x === b ? "true" : "false"); });
  });
  function issueTicket(code) {
    if (issue.busy) return;
    issue.busy = true;
    api("POST", "/api/v1/tickets", {service: code, priority: issue.priority, override: true}).then(function (res) {
      issue.busy = false;
      if (res.status === 201) {
        $("dlg-issue").close();
        say(S.issued + " " + res.data.code + " · " + serviceName(res.data.service), "ok", 12);
        refresh();
        return;
      }
      $("issue-error").textContent = errorOf(res).message || S.offline; $("issue-error").hidden = false;
    }).catch(function () { issue.busy = false; say(S.offline, "warn"); });
  }
  $("issue-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-issue]"); if (b) issueTicket(b.getAttribute("data-issue"));
  });
  document.querySelectorAll("[data-close]").forEach(function (b) { b.addEventListener("click", function () { b.closest("dialog").close(); }); });
  // a closed dialog keeps no focus: the keypad's next key is the desk's again
  document.querySelectorAll("dialog").forEach(function (d) {
    d.addEventListener("close", function () { if (d.contains(document.activeElement)) document.activeElement.blur(); });
  });

  // --- keyboard: a USB numeric keypad works as the call-button box ---------------------------
  var keyToAction = {};
  Object.keys(KEYS).forEach(function (action) { (KEYS[action] || []).forEach(function (k) { keyToAction[k] = action; }); });
  var LABELS = {
    next: S.next, recall: S.recall, start: S.start, done: S.done, no_show: S.no_show, transfer: S.transfer,
    pause: S.pauseKey, call_number: S.callKey, issue: S.issueKey
  };
  function keyLabel(k) { return k === "Enter" ? "Enter" : k === " " ? "Space" : k; }
  document.querySelectorAll("kbd[data-keys]").forEach(function (el) { el.textContent = (KEYS[el.getAttribute("data-keys")] || []).map(keyLabel).join(" / "); });
  $("keys-legend").innerHTML = Object.keys(LABELS).filter(function (a) { return (KEYS[a] || []).length; }).map(function (a) {
    return '<span class="k">' + esc(LABELS[a]) + " " + KEYS[a].map(function (k) { return "<kbd>" + esc(keyLabel(k)) + "</kbd>"; }).join(" ") + "</span>";
  }).join(" · ");
  function digit(e) { var i = parseInt(e.key, 10); return String(i) === e.key ? i : null; }
  function isKey(e, action) { return (KEYS[action] || []).indexOf(e.key) >= 0; }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    var inClosed = e.target && e.target.closest && e.target.closest("dialog:not([open])");
    if (inClosed) e.target.blur();
    var tag = inClosed ? "" : (e.target && e.target.tagName) || "";
    if ($("dlg-call").open || (tag === "INPUT" && e.target.id === "pause-other")) {
      if (e.key === "/" && $("dlg-call").open) { e.preventDefault(); $("dlg-call").close(); }
      return;  // typing a number or a reason
    }
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var i = digit(e);
    // in a picking dialog a key picks, switches or closes; any other key but Esc and Tab is
    // swallowed, so a habitual Enter never clicks the first item
    if ((document.querySelector("dialog[open]") || {}).id && e.key !== "Escape" && e.key !== "Tab") e.preventDefault();
    if ($("dlg-transfer").open) {
      if (i >= 1 && i <= 9) pickTransfer(transfer.targets[i - 1]);
      else if (e.key === "+") showTransferTab(transfer.tab === "service" ? "counter" : "service");
      else if (isKey(e, "transfer")) $("dlg-transfer").close();
      return;
    }
    if ($("dlg-noshow").open) {
      if (e.key === "-" || isKey(e, "no_show")) { $("dlg-noshow").close(); act("no_show", {requeue: false}); }
      else if (e.key === "+") { $("dlg-noshow").close(); act("no_show", {requeue: true}); }
      return;
    }
    if ($("dlg-pause").open) {
      if (i >= 1 && i <= REASONS.length) pauseWith(REASONS[i - 1][0]);
      else if (isKey(e, "pause")) { $("dlg-pause").close(); setState("open"); }  // pressed again: resume
      else if (e.key === "/") $("dlg-pause").close();
      return;
    }
    if ($("dlg-issue").open) {
      if (i >= 1 && i <= 9 && issue.targets[i - 1]) issueTicket(issue.targets[i - 1].code);
      else if (isKey(e, "issue") || e.key === "/") $("dlg-issue").close();
      return;
    }
    var action = keyToAction[e.key];
    if (!action || view() !== "work") return;
    e.preventDefault();
    act(action);
  });

  // --- sound: a chime when a citizen arrives at an idle counter, or asks for help ------------
  var audioCtx = null;
  function unlockSound() {
    try { if (!audioCtx) audioCtx = new (window.AudioContext || window.webkitAudioContext)(); if (audioCtx.resume) audioCtx.resume(); } catch (e) { audioCtx = null; }
  }
  document.addEventListener("pointerdown", unlockSound);
  document.addEventListener("keydown", unlockSound);
  function chime(notes) {
    if (!audioCtx) return;
    try {
      notes.forEach(function (f, i) {
        var o = audioCtx.createOscillator(), g = audioCtx.createGain(), at = audioCtx.currentTime + i * 0.28;
        o.frequency.value = f; g.gain.setValueAtTime(0.0001, at); g.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, at + 0.5); o.connect(g); g.connect(audioCtx.destination); o.start(at); o.stop(at + 0.55);
      });
    } catch (e) { /* no sound card: the flash says it */ }
  }
  function arrived() {
    st.arrivals = (st.arrivals || 0) + 1;
    document.body.setAttribute("data-arrivals", st.arrivals);
    document.body.classList.remove("c-arrive"); void document.body.offsetWidth; document.body.classList.add("c-arrive");
    chime([660, 880]);
    say(S.arrived, "info");
  }

  // --- help requests from the kiosks ----------------------------------------
  st.help = {};
  function renderHelp() {
    var items = Object.keys(st.help).map(function (k) { return st.help[k]; }).sort(function (a, b) { return a.id - b.id; });
    $("help").hidden = !items.length;
    $("help").innerHTML = items.map(function (h) {
      var when = (h.created_at || "").slice(11, 16);
      if (h.acknowledged_by) return '<div class="c-help-item taken" data-help="' + h.id + '">✔ ' + esc(h.kiosk) + ": " + esc(h.acknowledged_by) + " " + esc(S.helpTaken) + "</div>";
      return '<div class="c-help-item" data-help="' + h.id + '"><span>' + esc(S.helpAsk) + " <b>" + esc(h.kiosk) + "</b> · " + esc(when) + "</span>" +
        '<button type="button" data-ack="' + h.id + '">' + esc(S.helpGo) + "</button></div>";
    }).join("");
  }
  function helpChanged(h) {
    if (!h || !h.id) return;
    var isNew = !st.help[h.id] && !h.acknowledged_by;
    st.help[h.id] = h;
    if (h.acknowledged_by) setTimeout(function () { delete st.help[h.id]; renderHelp(); }, 20000);
    renderHelp();
    if (isNew || (!h.acknowledged_by && h.presses > 1)) chime([880, 660, 880]);
  }
  function loadHelp() {
    api("GET", "/api/v1/help-requests?open=1").then(function (res) {
      if (res.status === 200 && Array.isArray(res.data)) { st.help = {}; res.data.forEach(function (h) { st.help[h.id] = h; }); renderHelp(); }
    }).catch(function () {});
  }
  $("help").addEventListener("click", function (e) {
    var b = e.target.closest("[data-ack]"); if (!b) return;
    b.disabled = true;
    api("POST", "/api/v1/help-requests/" + b.getAttribute("data-ack") + "/ack", {}).then(function (res) {
      if (res.status === 200) helpChanged(res.data);
      else { var err = errorOf(res); if (err.request) helpChanged(err.request); say(err.message || S.offline, "warn"); }
    }).catch(function () { b.disabled = false; say(S.offline, "warn"); });
  });

  // --- live updates --------------------------------------------------------------------------
  function setConn(ok) { $("conn").classList.toggle("off", !ok); if (!ok) say(S.offline, "warn"); }
  function join() {
    var s = st.socket, n = st.number;
    if (!s || !s.connected || !n) return;
    s.emit("join_counter", {counter: n}, function (res) {
      if (st.number !== n) return;
      if (res && res.counter) { st.counter = res.counter; st.waiting = res.waiting || []; st.loaded = true; render(); loadHelp(); }
      else if (res && res.error && res.error.code === "login_required") location.href = "/login?next=/counter";
    });
  }
  function connect() {
    var s = io({transports: ["websocket"], reconnectionDelayMax: 5000});
    st.socket = s;
    s.on("connect", function () {
      $("conn").classList.remove("off"); if ($("msg").getAttribute("data-kind") === "warn" && $("msg").textContent === S.offline) $("msg").hidden = true;
      join(); refresh();
      if (st.number && view() === "work") renew();  // back after a cut: still ours?
    });
    s.on("disconnect", function () { setTimeout(function () { if (!s.connected) setConn(false); }, 1500); });
    s.on("counter_state", function () { refreshSoon(); });
    s.on("counter_hold", function (d) {
      if (!d || d.counter !== st.number) return;
      if (d.lost_page === st.page) { lost(d.holder); return; }
      if (view() === "held") { if (!d.holder) renew(); else showHeld(d.holder); }
    });
    s.on("help_requested", helpChanged);
    s.on("help_acknowledged", helpChanged);
    function onBoard(b) {
      if (b.server_time) { var t = Date.parse(b.server_time); if (!isNaN(t)) st.serverDelta = t - Date.now(); }
      refreshSoon();
    }
    s.on("board", onBoard);
    // a call carries what it moved on the board (counters, recent calls, waiting counts)
    s.on("ticket_called", function (m) { if (m && m.board) onBoard(m.board); });
  }

  Promise.all([api("GET", "/api/v1/services"), api("GET", "/api/v1/priorities")]).then(function (r) {
    st.services = Array.isArray(r[0].data) ? r[0].data : [];
    (Array.isArray(r[1].data) ? r[1].data : []).forEach(function (p) { st.priorities[p.code] = p; });
    render();
  }).catch(function () {});
  setInterval(tickElapsed, 1000);
  setInterval(function () { if (st.number) render(); }, 30000);
  var saved = parseInt(localStorage.getItem(STORE) || "", 10);
  connect();
  if (saved > 0) choose(saved); else showChooser();
})();

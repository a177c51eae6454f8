/* Counter page. The server is the authority: every action names the ticket shown
   (ticket_id); a 409 "stale" answer refreshes the page state and says so. */
(function () {
  "use strict";
  var CFG = window.QMS_COUNTER || {}, S = CFG.strings || {}, KEYS = CFG.keys || {};
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var STORE = "qms.counter";
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  var st = {number: null, counter: null, waiting: [], services: [], priorities: {}, busy: false, serverDelta: 0, socket: null};
  window.qmsCounter = st;

  function api(method, path, body) {
    var opts = {method: method, credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}};
    if (method !== "GET") { opts.headers["Content-Type"] = "application/json"; opts.headers["X-CSRFToken"] = CSRF; opts.body = JSON.stringify(body || {}); }
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { location.href = "/login?next=/counter"; }
      return r.json().catch(function () { return {}; }).then(function (data) { return {status: r.status, data: data}; });
    });
  }
  var msgTimer = null;
  function say(text, kind) {
    var el = $("msg"); el.textContent = text; el.setAttribute("data-kind", kind || "info"); el.hidden = false;
    clearTimeout(msgTimer); msgTimer = setTimeout(function () { el.hidden = true; }, kind === "warn" ? 9000 : 5000);
  }
  function serviceName(code) {
    var s = st.services.filter(function (x) { return x.code === code; })[0];
    return s ? (CFG.strings.lang === "en" && s.name_en ? s.name_en : s.name) : code;
  }
  function priorityName(code) { var p = st.priorities[code]; return p ? (S.lang === "en" && p.name_en ? p.name_en : p.name) : code; }

  // --- choose a counter ----------------------------------------------------------------------
  function showChooser() {
    $("app").setAttribute("data-view", "choose");
    api("GET", "/api/v1/counters").then(function (res) {
      var list = Array.isArray(res.data) ? res.data : [];
      $("counter-list").innerHTML = list.map(function (c) {
        return '<button type="button" data-number="' + c.number + '"><b>' + esc(c.name) + '</b><small>' + esc(S.services) + ": " + esc(c.services.join(", ")) +
          '</small><small>' + esc(S[c.state] || c.state) + (c.current ? " · " + esc(S.current) + " " + esc(c.current.code) : "") + '</small></button>';
      }).join("");
    }).catch(function () { say(S.offline, "warn"); setTimeout(showChooser, 3000); });
  }
  $("counter-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-number]"); if (!b) return;
    choose(parseInt(b.getAttribute("data-number"), 10));
  });
  $("change-counter").addEventListener("click", function () { localStorage.removeItem(STORE); st.number = null; showChooser(); });
  function choose(n) {
    st.number = n; localStorage.setItem(STORE, String(n));
    $("app").setAttribute("data-view", "work");
    refresh(); join();
  }

  // --- state ---------------------------------------------------------------------------------
  function refresh() {
    if (!st.number) return Promise.resolve();
    var n = st.number;
    return Promise.all([api("GET", "/api/v1/counters/" + n), api("GET", "/api/v1/counters/" + n + "/queue")]).then(function (r) {
      if (r[0].status === 404) { localStorage.removeItem(STORE); showChooser(); return; }
      if (r[0].status === 200) st.counter = r[0].data;
      if (r[1].status === 200) st.waiting = r[1].data.waiting || [];
      render();
    }).catch(function () { setConn(false); });
  }
  var queueTimer = null;
  function refreshSoon() { clearTimeout(queueTimer); queueTimer = setTimeout(refresh, 250); }

  function render() {
    var c = st.counter; if (!c) return;
    $("counter-name").textContent = c.name;
    $("counter-services").textContent = c.services.map(function (s) { return s + " " + serviceName(s); }).join(" · ");
    $("counter-state").textContent = S[c.state] || c.state;
    $("counter-state").setAttribute("data-state", c.state);
    $("pause-label").textContent = c.state === "open" ? S.pause : S.resume;
    var t = c.current;
    $("current").setAttribute("data-status", t ? t.status : "none");
    $("current").setAttribute("data-ticket-id", t ? t.id : "");
    $("cur-code").textContent = t ? t.code : "—";
    $("cur-service").textContent = t ? serviceName(t.service) : S.noTicket;
    $("cur-priority").hidden = !(t && t.priority);
    $("cur-priority").textContent = t && t.priority ? "★ " + S.priority + ": " + priorityName(t.priority) : "";
    $("cur-status").textContent = t ? (S[t.status] || t.status) + (t.call_count > 1 ? " · " + t.call_count + " " + S.calls : "") : "";
    tickElapsed();
    var can = {
      next: c.state === "open", recall: !!t, start: !!t && t.status === "called", done: !!t,
      no_show: !!t, transfer: !!t, pause: true, reprint: !!t
    };
    document.querySelectorAll("[data-action]").forEach(function (b) { b.disabled = !can[b.getAttribute("data-action")]; });
    $("waiting-count").textContent = st.waiting.length;
    var now = Date.now() + st.serverDelta;
    $("queue").innerHTML = st.waiting.length ? st.waiting.map(function (w) {
      var mins = Math.max(0, Math.floor((now - Date.parse(w.issued_at)) / 60000));
      return '<li data-code="' + esc(w.code) + '"' + (w.priority ? ' class="prio"' : "") + '><b>' + esc(w.code) + '</b><span class="svc">' +
        esc(serviceName(w.service)) + (w.priority ? '<span class="pr">★ ' + esc(priorityName(w.priority)) + '</span>' : "") + '</span>' +
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

  // --- actions -------------------------------------------------------------------------------
  var PATHS = {next: "call-next", recall: "recall", start: "start", done: "complete", no_show: "no-show", transfer: "transfer"};
  function act(action, extra) {
    if (!st.number || !st.counter || st.busy) return;
    if (action === "pause") { return setState(st.counter.state === "open" ? "paused" : "open"); }
    if (action === "transfer" && !extra) { return openTransfer(); }
    if (action === "no_show" && !extra) { return openNoShow(); }
    if (action === "reprint") { return reprint(); }
    var btn = document.querySelector('[data-action="' + action + '"]');
    if (btn && btn.disabled) return;
    var shown = st.counter.current;
    var body = Object.assign({ticket_id: shown ? shown.id : null}, extra || {});
    st.busy = true;
    api("POST", "/api/v1/counters/" + st.number + "/" + PATHS[action], body).then(function (res) {
      st.busy = false;
      if (res.status === 200) {
        var t = res.data.ticket;
        if (action === "next") say(t ? S.called_ok + " " + t.code : S.empty, t ? "ok" : "info");
        else if (action === "recall") say(S.recalled + " " + (t ? t.code : ""), "ok");
        else if (action === "done") say(S.done_ok + " " + (shown ? shown.code : ""), "ok");
        else if (action === "start") say(S.start_ok + " " + (shown ? shown.code : ""), "ok");
        else if (action === "no_show") say((body.requeue ? S.requeue_ok : S.noshow_ok) + " " + (shown ? shown.code : ""), "ok");
        else if (action === "transfer") say(S.transfer_ok + " " + body.service + " " + serviceName(body.service) + " (" + (shown ? shown.code : "") + ")", "ok");
        // the answer already tells the new state: the next key press must name the right ticket
        st.counter.current = (action === "next" || action === "recall" || action === "start") ? t : null;
        if (res.data.counter) st.counter.state = res.data.counter.state;
        render(); refresh();
        return;
      }
      var err = (res.data && res.data.error) || {};
      if (err.code === "stale") say(S.stale, "warn");
      else if (err.code === "counter_not_open") say(S.notOpen, "warn");
      else say(err.message || S.offline, "warn");
      refresh();
    }).catch(function () { st.busy = false; say(S.offline, "warn"); setConn(false); });
  }
  function reprint() {
    var t = st.counter.current; if (!t) return;
    st.busy = true;
    api("POST", "/api/v1/tickets/" + t.id + "/reprint", {}).then(function (res) {
      st.busy = false;
      if (res.status === 201) say((S.lang === "en" ? "Reprint sent for " : "Đã gửi lệnh in lại vé ") + t.code, "ok");
      else say(((res.data || {}).error || {}).message || S.offline, "warn");
    }).catch(function () { st.busy = false; say(S.offline, "warn"); });
  }
  function setState(state) {
    st.busy = true;
    api("POST", "/api/v1/counters/" + st.number + "/state", {state: state}).then(function (res) {
      st.busy = false;
      if (res.status !== 200) say(((res.data || {}).error || {}).message || S.offline, "warn");
      refresh();
    }).catch(function () { st.busy = false; say(S.offline, "warn"); });
  }
  document.querySelector(".c-actions").addEventListener("click", function (e) {
    var b = e.target.closest("[data-action]"); if (!b || b.disabled) return;
    b.blur(); act(b.getAttribute("data-action"));
  });

  // transfer and no-show dialogs
  var transferTargets = [];
  function openTransfer() {
    var cur = st.counter.current; if (!cur) return;
    transferTargets = st.services.filter(function (s) { return s.active && s.code !== cur.service; });
    $("transfer-list").innerHTML = transferTargets.map(function (s, i) {
      return '<button type="button" class="c-dlg-item" data-service="' + esc(s.code) + '"><kbd>' + (i < 9 ? i + 1 : "") + '</kbd>' +
        esc(s.code) + " — " + esc(S.lang === "en" && s.name_en ? s.name_en : s.name) + '</button>';
    }).join("");
    $("dlg-transfer").showModal();
  }
  $("transfer-list").addEventListener("click", function (e) {
    var b = e.target.closest("[data-service]"); if (!b) return;
    $("dlg-transfer").close(); act("transfer", {service: b.getAttribute("data-service")});
  });
  function openNoShow() {
    if (!st.counter.current) return;
    $("noshow-code").textContent = st.counter.current.code;
    $("dlg-noshow").showModal();
  }
  $("dlg-noshow").addEventListener("click", function (e) {
    var b = e.target.closest("[data-requeue]"); if (!b) return;
    $("dlg-noshow").close(); act("no_show", {requeue: b.getAttribute("data-requeue") === "1"});
  });
  document.querySelectorAll("[data-close]").forEach(function (b) { b.addEventListener("click", function () { b.closest("dialog").close(); }); });

  // --- keyboard: a USB numeric keypad works as the call-button box ---------------------------
  var keyToAction = {};
  Object.keys(KEYS).forEach(function (action) { (KEYS[action] || []).forEach(function (k) { keyToAction[k] = action; }); });
  var LABELS = {next: S.next, recall: S.recall, no_show: S.no_show, transfer: S.transfer, done: S.done, start: S.start, pause: S.pauseKey};
  function keyLabel(k) { return k === "Enter" ? "Enter" : k === " " ? "Space" : k; }
  document.querySelectorAll("kbd[data-keys]").forEach(function (el) { el.textContent = (KEYS[el.getAttribute("data-keys")] || []).map(keyLabel).join(" / "); });
  $("keys-legend").innerHTML = Object.keys(LABELS).filter(function (a) { return (KEYS[a] || []).length; }).map(function (a) {
    return esc(LABELS[a]) + " " + KEYS[a].map(function (k) { return "<kbd>" + esc(keyLabel(k)) + "</kbd>"; }).join(" ");
  }).join(" · ");
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if ($("dlg-transfer").open) {
      var i = parseInt(e.key, 10);
      if (i >= 1 && i <= 9 && transferTargets[i - 1]) { e.preventDefault(); $("dlg-transfer").close(); act("transfer", {service: transferTargets[i - 1].code}); }
      else if ((KEYS.transfer || []).indexOf(e.key) >= 0) { e.preventDefault(); $("dlg-transfer").close(); }
      return;
    }
    if ($("dlg-noshow").open) {
      if (e.key === "-" || (KEYS.no_show || []).indexOf(e.key) >= 0) { e.preventDefault(); $("dlg-noshow").close(); act("no_show", {requeue: false}); }
      else if (e.key === "+") { e.preventDefault(); $("dlg-noshow").close(); act("no_show", {requeue: true}); }
      return;
    }
    var action = keyToAction[e.key];
    if (!action || $("app").getAttribute("data-view") !== "work") return;
    e.preventDefault();
    act(action);
  });

  // --- live updates --------------------------------------------------------------------------
  function setConn(ok) { $("conn").classList.toggle("off", !ok); if (!ok) say(S.offline, "warn"); }
  function join() {
    var s = st.socket;
    if (!s || !s.connected || !st.number) return;
    s.emit("join_counter", {counter: st.number}, function (res) {
      if (res && res.counter) { st.counter = res.counter; st.waiting = res.waiting || []; render(); }
      else if (res && res.error && res.error.code === "login_required") location.href = "/login?next=/counter";
    });
  }
  function connect() {
    var s = io({reconnectionDelayMax: 5000});
    st.socket = s;
    s.on("connect", function () { $("conn").classList.remove("off"); $("msg").hidden = true; join(); refresh(); });
    s.on("disconnect", function () { setTimeout(function () { if (!s.connected) setConn(false); }, 1500); });
    s.on("counter_state", function () { refreshSoon(); });
    s.on("board", function (b) {
      if (b.server_time) { var t = Date.parse(b.server_time); if (!isNaN(t)) st.serverDelta = t - Date.now(); }
      refreshSoon();
    });
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

/* Counter-side rating tablet: sleeps until its counter finishes a ticket, then one question. */
(function () {
  "use strict";
  var D = window.QMS_RATE, en = D.lang === "en";
  var root = document.getElementById("rate"), $ = function (id) { return document.getElementById(id); };
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var current = null, score = null, reason = null, timer = null, busy = false, shown = {};
  function tr(vi, e) { return en ? e : vi; }
  function state(name) { root.setAttribute("data-state", name); }
  function sleepIn(seconds) { clearTimeout(timer); timer = setTimeout(sleep, seconds * 1000); }
  function sleep() { clearTimeout(timer); current = null; score = null; reason = null; state("sleep"); }
  function wake(prompt, again) {
    if (!prompt || !prompt.ticket || (shown[prompt.ticket.id] && !again)) return;
    shown[prompt.ticket.id] = true;
    current = prompt.ticket; score = null; reason = null;
    $("code").textContent = current.code;
    $("comment").value = "";
    document.querySelectorAll(".rt-reason").forEach(function (b) { b.classList.remove("on"); });
    $("send").disabled = true;
    state("ask");
    var left = prompt.closes_at ? (Date.parse(prompt.closes_at) - Date.now()) / 1000 : D.awake;
    sleepIn(Math.max(5, Math.min(D.awake, left)));
  }
  function thanks(note, refused) {
    $("thanks-note").textContent = note;
    document.querySelector(".rt-thanks").classList.toggle("rt-refused", !!refused);
    state("thanks");
    current = null;
    sleepIn(5);
  }
  function send() {
    if (!current || busy) return;
    busy = true;
    var body = {ticket: current.id, score: score, source: "counter_page"};
    if (reason) { body.reason = reason; var c = $("comment").value.trim(); if (c) body.comment = c; }
    fetch("/api/v1/ratings", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
      .then(function (res) {
        busy = false;
        if (res.ok) thanks(tr("Ý kiến của quý vị giúp Trung tâm phục vụ tốt hơn.", "Your opinion helps us serve you better."));
        else thanks((res.body.error && res.body.error.message || "").split(". ")[0] + ".", true);
      })
      .catch(function () { busy = false; thanks(tr("Chưa gửi được, xin quý vị thử lại sau.", "Could not send; please try again."), true); });
  }
  document.querySelectorAll(".rt-level").forEach(function (b) {
    b.addEventListener("click", function () {
      score = parseInt(b.getAttribute("data-score"), 10);
      if (b.getAttribute("data-asks") === "1") { state("why"); sleepIn(D.awake); } else send();
    });
  });
  document.querySelectorAll(".rt-reason").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll(".rt-reason").forEach(function (x) { x.classList.remove("on"); });
      b.classList.add("on"); reason = b.getAttribute("data-reason"); $("send").disabled = false; sleepIn(D.awake);
    });
  });
  $("comment").addEventListener("input", function () { sleepIn(D.awake); });
  $("back").addEventListener("click", function () { reason = null; state("ask"); sleepIn(D.awake); });
  $("send").addEventListener("click", send);

  var socket = io({transports: ["websocket"], reconnectionDelayMax: 5000});
  socket.on("connect", function () {
    $("offline").hidden = true;
    socket.emit("join_rating", {counter: D.counter}, function (res) {
      if (res && res.pending && root.getAttribute("data-state") === "sleep") wake(res.pending);
    });
  });
  socket.on("disconnect", function () { $("offline").hidden = false; });
  socket.on("rating_open", function (p) { if (p && p.counter === D.counter) wake(p, true); });
  socket.on("rated", function (r) {  // rated elsewhere (the phone, the pad): nothing left to ask
    if (current && r && r.ticket === current.id) thanks(tr("Quý vị đã đánh giá vé này.", "This ticket has been rated."));
  });
  // asleep, ask now and then: catches a finish missed while offline and keeps the session alive
  setInterval(function () {
    if (root.getAttribute("data-state") !== "sleep") return;
    fetch("/rate/pending?counter=" + D.counter, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && j.pending && root.getAttribute("data-state") === "sleep") wake(j.pending); })
      .catch(function () {});
  }, 5 * 60 * 1000);
  if (D.pending) wake(D.pending);
})();

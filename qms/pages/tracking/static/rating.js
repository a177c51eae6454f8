/* The rating question on the phone page: shown when the ticket is done,
   watches the status that track.js writes on #track, posts the answer with the ticket's token. */
(function () {
  "use strict";
  var box = document.getElementById("rating"), track = document.getElementById("track");
  if (!box || !track) return;
  var token = track.getAttribute("data-token"), en = (window.QMS_TRACK || {}).lang === "en";
  var q = function (sel) { return box.querySelector(sel); };
  var score = null, reason = null, busy = false, live = false;
  function tr(vi, e) { return en ? e : vi; }
  function show(part) {
    ["rw-ask", "rw-why", "rw-thanks"].forEach(function (c) { q("." + c).hidden = c !== part; });
    box.hidden = false;
  }
  function message(text) { var m = q("#rw-msg"); m.textContent = text || ""; m.hidden = !text; }
  function labelOf(s) { var b = q('.rw-level[data-score="' + s + '"]'); return b ? b.getAttribute("data-label") : String(s); }
  function thanks(s) { q("#rw-given").textContent = s ? tr("Quý vị đã chọn: ", "You chose: ") + labelOf(s) + "." : ""; show("rw-thanks"); }
  function update() {
    if (track.getAttribute("data-status") !== "done") { box.hidden = true; return; }
    var given = box.getAttribute("data-score");
    if (given) thanks(given);
    else if (box.getAttribute("data-rateable") === "1" || live) { if (box.hidden) show("rw-ask"); }
    else box.hidden = true;  // finished long ago: the rating window has closed
  }
  function send() {
    if (busy) return;
    busy = true; message("");
    var body = {token: token, score: score, source: "phone"};
    if (reason) { body.reason = reason; var c = q("#rw-comment").value.trim(); if (c) body.comment = c; }
    fetch("/api/v1/ratings", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body), credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
      .then(function (res) {
        busy = false;
        if (res.ok || (res.body.error && res.body.error.code === "already_rated")) {
          box.setAttribute("data-score", res.ok ? res.body.score : "");
          thanks(res.ok ? res.body.score : null);
        } else {
          message((res.body.error && res.body.error.message || tr("Chưa gửi được.", "Could not send.")).split(". ")[0] + ".");
        }
      })
      .catch(function () { busy = false; message(tr("Chưa gửi được, xin quý vị thử lại.", "Could not send, please try again.")); });
  }
  box.querySelectorAll(".rw-level").forEach(function (b) {
    b.addEventListener("click", function () {
      score = parseInt(b.getAttribute("data-score"), 10); reason = null;
      if (b.getAttribute("data-asks") === "1") { show("rw-why"); } else send();
    });
  });
  box.querySelectorAll(".rw-reason").forEach(function (b) {
    b.addEventListener("click", function () {
      box.querySelectorAll(".rw-reason").forEach(function (x) { x.classList.remove("on"); });
      b.classList.add("on"); reason = b.getAttribute("data-reason"); q("#rw-send").disabled = false;
    });
  });
  q("#rw-back").addEventListener("click", function () { message(""); show("rw-ask"); });
  q("#rw-send").addEventListener("click", send);
  // track.js writes the live status on #track: a ticket finished while the page is open is rateable
  var was = track.getAttribute("data-status");
  new MutationObserver(function () {
    var now = track.getAttribute("data-status");
    if (now === "done" && was !== "done") live = true;
    was = now;
    update();
  })
    .observe(track, {attributes: true, attributeFilter: ["data-status"]});
  update();
})();

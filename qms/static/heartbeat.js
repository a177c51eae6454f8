/* Page heartbeat: kiosk, display and counter pages tell the server they are
   alive, so /admin/devices shows a dead screen and an incident opens when one goes silent.
   Which device this page is: data-device on the script tag, else window.QMS_HEARTBEAT_DEVICE,
   else from the page: /kiosk?kiosk=ID, /display?name=NAME, /counter (the chosen counter). */
(function () {
  "use strict";
  var tag = document.currentScript;
  var interval = 30000;

  function device() {
    var given = (tag && tag.getAttribute("data-device")) || window.QMS_HEARTBEAT_DEVICE;
    if (given) return given;
    var params = new URLSearchParams(location.search);
    var path = location.pathname;
    if (path.indexOf("/kiosk") === 0) return "kiosk:" + (params.get("kiosk") || "default").slice(0, 40);
    if (path.indexOf("/display") === 0) {
      return "display:" + (params.get("name") || params.get("display") || "default").slice(0, 40);
    }
    if (path.indexOf("/counter") === 0) {
      var n = parseInt(localStorage.getItem("qms.counter") || "", 10);
      return n > 0 ? "counter:" + n : null;  // no counter chosen yet: nothing to report
    }
    return null;
  }

  function beat() {
    var name = device();
    if (name) {
      fetch("/api/v1/devices/heartbeat", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({device: name}),
        credentials: "same-origin",
        keepalive: true
      }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (answer) {
        if (answer && answer.interval) interval = Math.max(5000, answer.interval * 1000);
      }).catch(function () { /* the server is away: the next beat tries again */ });
    }
    setTimeout(beat, interval);
  }

  setTimeout(beat, 1500);
})();

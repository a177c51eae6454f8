// /province: the centres' part is fetched again every 15 s (a silent centre shows up without a reload)
(function () {
  var box = document.getElementById("pv-live");
  if (!box) return;
  function refresh() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok || r.redirected) throw new Error(r.status); return r.text(); })
      .then(function (html) { box.innerHTML = html; box.classList.remove("stale"); })
      .catch(function () { box.classList.add("stale"); });
  }
  setInterval(refresh, 15000);
})();

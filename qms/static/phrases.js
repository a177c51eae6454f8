/* Service names wrap between phrases, never inside a Vietnamese word.

   "Văn hóa – Thể thao – Du lịch" may break after a dash ("Văn hóa –" / "Thể thao – Du lịch"),
   never between "Thể" and "thao": most Vietnamese words are two syllables, and a line break
   inside one reads as two words. Used by the kiosk and the waiting-room display:
   QmsPhrases.html(name) builds the markup, QmsPhrases.fit(root, selector) splits a phrase
   wider than its box (two syllables at a time, then any space) once it is on the page. */
(function () {
  "use strict";
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  var JOINERS = {"và": 1, "hoặc": 1, "and": 1, "or": 1, "&": 1};
  function html(name) {
    var out = [], cur = [];
    String(name || "").split(/\s+/).filter(Boolean).forEach(function (word) {
      var joiner = JOINERS[word.toLowerCase()];
      if (joiner && cur.length) { out.push(cur); cur = []; }
      cur.push(word);
      if (joiner || /[–—\-,;:/)]$/.test(word)) { out.push(cur); cur = []; }
    });
    if (cur.length) out.push(cur);
    return out.map(function (words) { return '<span class="ph">' + esc(words.join(" ")) + "</span>"; }).join(" ");
  }
  function fit(root, selector) {
    root.querySelectorAll(selector).forEach(function (el) {
      el.classList.remove("loose");
      var width = el.clientWidth;
      function wide(ph) { return ph.offsetWidth > width + 1; }
      // a phrase wider than its box: split it into two-syllable words ("Chứng thực" /
      // "bản sao"), and only then at any space
      Array.prototype.filter.call(el.querySelectorAll(".ph"), wide).forEach(function (ph) {
        var words = [], pairs = [];
        ph.textContent.split(" ").forEach(function (w) {  // a lone "–" stays with its word
          if (words.length && !/[0-9A-Za-zÀ-ỹ]/.test(w)) words[words.length - 1] += " " + w; else words.push(w);
        });
        for (var i = 0; i < words.length; i += 2) pairs.push(words.slice(i, i + 2).join(" "));
        ph.outerHTML = pairs.map(function (p) { return '<span class="ph">' + esc(p) + "</span>"; }).join(" ");
      });
      if (Array.prototype.some.call(el.querySelectorAll(".ph"), wide)) el.classList.add("loose");
    });
  }
  window.QmsPhrases = {html: html, fit: fit};
})();

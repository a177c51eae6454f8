/* Kiosk: services → priority → ticket, then back to the start by itself.
   The server is the authority; the page never shows a raw error. Every board push redraws
   the counts and the centre's state (open, closed until…, paused because…, standby). */
(function () {
  "use strict";
  var CFG = window.QMS_KIOSK || {};
  var params = new URLSearchParams(location.search);
  var KIOSK_ID = (params.get("kiosk") || "").slice(0, 40) || null;
  var HAS_SCANNER = params.get("scanner") === "1";
  var TEXT = {
    vi: {
      chooseService: "Xin mời chọn lĩnh vực", chooseServiceHint: "Chạm vào lĩnh vực cần giải quyết hồ sơ",
      waiting: "Đang chờ:", paused: "Tạm ngừng nhận hồ sơ", capReached: "Đã hết số hôm nay",
      noCounter: "Hiện chưa có quầy phục vụ",
      pagePrev: "◀ Trang trước", pageNext: "Trang sau ▶", pageNo: "Trang {n}/{m}",
      largeText: "Chữ to", hotline: "Đường dây nóng", help: "Cần hỗ trợ", close: "Đóng",
      priorityQ: "Quý vị có thuộc đối tượng ưu tiên không?",
      noPriority: "Không ưu tiên", noPriorityHint: "Lấy số thông thường",
      priorityHint: "Nếu thuộc đối tượng ưu tiên, xin chạm vào ô phù hợp:",
      scanHint: "Người từ {age} tuổi trở lên: đưa mã QR trên thẻ căn cước vào máy quét để được ưu tiên ngay.",
      scanned: "Quý vị được ưu tiên: {name}. Xin mời chọn lĩnh vực.",
      scanYoung: "Theo thẻ căn cước, quý vị chưa đủ {age} tuổi để được ưu tiên người cao tuổi.",
      scanInvalid: "Không đọc được mã này. Xin quý vị chạm vào màn hình để chọn.",
      scanNoCategory: "Máy chưa nhận ưu tiên người cao tuổi. Xin quý vị chạm vào màn hình để chọn.",
      back: "← Quay lại", yourNumber: "Số thứ tự của quý vị",
      gotoLabel: "Khi được gọi số, mời quý vị đến:",
      gotoNone: "Hiện chưa có quầy phục vụ lĩnh vực này. Số của quý vị vẫn được giữ, xin vui lòng chờ.",
      counter: "Quầy",
      ahead: "Số người đang chờ trước", wait: "Thời gian chờ dự kiến", minutes: "phút", lessMinute: "dưới 1 phút",
      qrHint: "Quét mã QR bằng điện thoại để theo dõi lượt gọi của quý vị.",
      printing: "Vé giấy đang được in… Nếu không nhận được vé, xin chụp màn hình hoặc đến bàn hướng dẫn.",
      printed: "Vé giấy đã được in. Xin mời nhận vé bên dưới.",
      printFailed: "Máy in đang gặp sự cố. Xin chụp màn hình này hoặc ghi nhớ số thứ tự.",
      printNone: "Xin ghi nhớ số thứ tự hoặc chụp màn hình này, rồi chờ gọi số.",
      done: "Xong", countdown: "Tự động quay lại sau {n} giây",
      standbyTitle: "Xin mời lấy số tại máy bấm số chính",
      standbyText: "Máy này đang ở chế độ dự phòng. Cán bộ hướng dẫn sẵn sàng hỗ trợ quý vị.",
      pausedTitle: "Trung tâm tạm dừng tiếp nhận hồ sơ",
      pausedReason: "Lý do: {reason}", pausedSince: "(từ {time})",
      pausedText: "Công dân đã có số thứ tự xin vui lòng chờ, các quầy vẫn gọi số. Trân trọng cảm ơn quý vị.",
      closedTitle: "Hiện ngoài giờ tiếp nhận hồ sơ",
      reopenLabel: "Trung tâm tiếp nhận hồ sơ trở lại lúc",
      reopenUnknown: "Xin quý vị xem giờ làm việc trên bảng thông tin của Trung tâm.",
      closedText: "Xin mời quý vị quay lại trong giờ làm việc. Trân trọng cảm ơn quý vị.",
      today: "Hôm nay", tomorrow: "Ngày mai",
      weekdays: ["Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"],
      helpSendingTitle: "Đang gửi yêu cầu hỗ trợ…", helpSendingText: "Xin quý vị vui lòng chờ trong giây lát.",
      helpSentTitle: "Đã báo cán bộ hỗ trợ",
      helpSentText: "Xin quý vị vui lòng đứng chờ tại máy này, cán bộ sẽ đến ngay.",
      helpAckedTitle: "Cán bộ đang đến hỗ trợ quý vị",
      helpAckedBy: "Cán bộ {name} đã nhận yêu cầu. Xin quý vị vui lòng chờ tại máy này.",
      helpAckedText: "Xin quý vị vui lòng chờ tại máy này.",
      helpFailedTitle: "Chưa gửi được yêu cầu hỗ trợ",
      helpFailedText: "Xin quý vị đến bàn hướng dẫn để được hỗ trợ.",
      helpFailedHotline: "Xin quý vị đến bàn hướng dẫn hoặc gọi đường dây nóng {hotline}.",
      offlineTitle: "Mất kết nối tới máy chủ, đang thử lại…",
      offlineText: "Xin quý vị vui lòng đợi trong giây lát hoặc đến bàn hướng dẫn.",
      rateLimited: "Xin vui lòng đợi giây lát rồi chạm lại.",
      inactive: "Lĩnh vực này đang tạm ngừng nhận hồ sơ. Xin mời chọn lĩnh vực khác hoặc đến bàn hướng dẫn.",
      capToast: "Lĩnh vực này đã hết số hôm nay. Xin mời quý vị quay lại vào ngày làm việc tiếp theo.",
      failed: "Chưa lấy được số. Xin vui lòng thử lại hoặc đến bàn hướng dẫn.",
      priorityMark: "Ưu tiên: "
    },
    en: {
      chooseService: "Please choose a service", chooseServiceHint: "Touch the service you need",
      waiting: "Waiting:", paused: "Not accepting files now", capReached: "No more numbers today",
      noCounter: "No counter serving right now",
      pagePrev: "◀ Previous", pageNext: "Next ▶", pageNo: "Page {n}/{m}",
      largeText: "Large text", hotline: "Hotline", help: "Need help", close: "Close",
      priorityQ: "Do you qualify for priority service?",
      noPriority: "No priority", noPriorityHint: "Take a regular number",
      priorityHint: "If you qualify for priority, touch the matching box:",
      scanHint: "Aged {age} or over: hold the QR code of your ID card to the scanner for priority at once.",
      scanned: "You have priority: {name}. Please choose a service.",
      scanYoung: "According to your ID card you are under {age}: no elderly priority.",
      scanInvalid: "This code could not be read. Please touch the screen to choose.",
      scanNoCategory: "This kiosk has no elderly priority. Please touch the screen to choose.",
      back: "← Back", yourNumber: "Your number",
      gotoLabel: "When your number is called, please go to:",
      gotoNone: "No counter serves this right now. Your number is kept; please wait.",
      counter: "Counter",
      ahead: "People ahead of you", wait: "Estimated wait", minutes: "min", lessMinute: "under 1 min",
      qrHint: "Scan the QR code with your phone to follow your turn.",
      printing: "Your paper ticket is printing… If you do not get it, take a photo of this screen or go to the help desk.",
      printed: "Your paper ticket is printed. Please take it below.",
      printFailed: "The printer has a problem. Please take a photo of this screen or remember your number.",
      printNone: "Please remember your number or take a photo of this screen, then wait to be called.",
      done: "Done", countdown: "Back to start in {n} s",
      standbyTitle: "Please take a number at the main ticket machine",
      standbyText: "This kiosk is on standby. The help desk is ready to assist you.",
      pausedTitle: "Reception is paused",
      pausedReason: "Reason: {reason}", pausedSince: "(since {time})",
      pausedText: "If you already have a number, please wait: the counters still call numbers. Thank you.",
      closedTitle: "Reception is closed now",
      reopenLabel: "Reception opens again at",
      reopenUnknown: "Please see the opening hours on the centre's notice board.",
      closedText: "Please come back during opening hours. Thank you.",
      today: "Today", tomorrow: "Tomorrow",
      weekdays: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
      helpSendingTitle: "Sending your request…", helpSendingText: "Please wait a moment.",
      helpSentTitle: "Staff have been told",
      helpSentText: "Please stay at this kiosk: someone is coming.",
      helpAckedTitle: "Someone is coming to help you",
      helpAckedBy: "{name} took your request. Please wait at this kiosk.",
      helpAckedText: "Please wait at this kiosk.",
      helpFailedTitle: "Your request could not be sent",
      helpFailedText: "Please go to the help desk.",
      helpFailedHotline: "Please go to the help desk or call the hotline {hotline}.",
      offlineTitle: "Lost connection to the server, retrying…",
      offlineText: "Please wait a moment or go to the help desk.",
      rateLimited: "Please wait a moment and touch again.",
      inactive: "This service is not accepting files now. Please choose another or go to the help desk.",
      capToast: "This service has no more numbers today. Please come back on the next working day.",
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

  var lang = "vi", large = false, services = [], priorities = [], waiting = {}, mode = "standalone";
  var board = null, serverOffset = 0, hotline = CFG.hotline || "";
  var chosen = null, busy = false, timer = null, remaining = 0, lastTicket = null, scanned = null;
  var page = 0, perPage = 0, layoutSig = null, capLocal = {};
  var closedOverride = null, pausedOverride = null, centreState = "open";
  var help = null, helpTimer = null, lastTouch = Date.now();
  var $ = function (id) { return document.getElementById(id); };
  function tr(key) { return (TEXT[lang] || TEXT.vi)[key] || TEXT.vi[key] || ""; }
  function fill(text, values) { return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; }); }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function nameOf(item) { return lang === "en" && item.name_en ? item.name_en : item.name; }
  function screen() { return document.body.getAttribute("data-screen"); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* names wrap between phrases, never inside a word (qms/static/phrases.js) */
  var phrasesHtml = window.QmsPhrases.html;
  function fitNames(root) { window.QmsPhrases.fit(root, ".k-svc-name, .k-chosen-name, .k-ticket-service"); }

  /* ---- the centre's clock (server time through the board, in the centre's time zone) ---- */
  function serverNow() { return new Date(Date.now() + serverOffset); }
  function centreParts(date) {
    var out = {};
    try {
      new Intl.DateTimeFormat("en-US", {timeZone: CFG.timezone || undefined, year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", weekday: "short", hour12: false}).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    } catch (e) {
      return {y: date.getFullYear(), m: date.getMonth() + 1, d: date.getDate(), hh: date.getHours(), mm: date.getMinutes(), wd: date.getDay()};
    }
    return {y: +out.year, m: +out.month, d: +out.day, hh: +out.hour % 24, mm: +out.minute,
      wd: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(out.weekday)};
  }
  function clock() { var p = centreParts(serverNow()); $("clock").textContent = pad(p.hh) + ":" + pad(p.mm); }
  function reopenParts(iso) {
    var at = new Date(iso || "");
    if (!iso || isNaN(at.getTime())) return null;
    var p = centreParts(at), now = centreParts(serverNow());
    var days = Math.round((Date.UTC(p.y, p.m - 1, p.d) - Date.UTC(now.y, now.m - 1, now.d)) / 86400000);
    var dmy = pad(p.d) + "/" + pad(p.m) + "/" + p.y, wd = tr("weekdays")[p.wd] || "";
    var day = days === 0 ? tr("today") + " (" + wd + ", " + dmy + ")"
      : days === 1 ? tr("tomorrow") + " (" + wd + ", " + dmy + ")"
      : wd.charAt(0).toUpperCase() + wd.slice(1) + ", " + dmy;
    return {time: pad(p.hh) + ":" + pad(p.mm), day: day};
  }

  /* ---- services: what the board says about each ---- */
  function boardInfo(code) { return (board && board.services && board.services[code]) || {}; }
  function openCountersOf(code) {
    var info = boardInfo(code);
    if (typeof info.open_counters === "number") return info.open_counters;
    if (!board || !board.counters) return null;  // unknown: say nothing rather than guess
    return board.counters.filter(function (c) { return c.state === "open" && (c.services || []).indexOf(code) >= 0; }).length;
  }
  function serviceState(s) {
    var info = boardInfo(s.code);
    var active = info.active !== undefined ? info.active : s.active;
    if (!active) return "inactive";
    var full = "cap_reached" in info ? info.cap_reached : (s.cap_reached || capLocal[s.code]);
    if (full) return "full";
    return openCountersOf(s.code) === 0 ? "nocounter" : "open";
  }
  function descriptionOf(s) {
    var info = boardInfo(s.code);
    return lang === "en" ? "" : (info.description || s.description || "");
  }
  function waitingOf(s) { return waiting[s.code] != null ? waiting[s.code] : (s.waiting || 0); }
  function statusHtml(s, state) {
    if (state === "inactive") return '<span class="k-svc-note">' + esc(tr("paused")) + "</span>";
    if (state === "full") return '<span class="k-svc-note">' + esc(tr("capReached")) + "</span>";
    var html = '<span class="k-svc-wait">' + esc(tr("waiting")) + " <b>" + esc(waitingOf(s)) + "</b></span>";
    if (state === "nocounter") html += '<span class="k-svc-note">' + esc(tr("noCounter")) + "</span>";
    return html;
  }
  function tileHtml(s, wide, withDesc) {
    var state = serviceState(s), desc = withDesc ? descriptionOf(s) : "";
    return '<button type="button" class="k-service' + (wide ? " wide" : "") + '" data-service="' + esc(s.code) + '" data-state="' + state + '"' +
      (state === "full" || state === "inactive" ? ' aria-disabled="true"' : "") + ">" +
      '<span class="k-letter">' + esc(s.code) + '</span><span class="k-svc-text"><span class="k-svc-name">' + phrasesHtml(nameOf(s)) + "</span>" +
      (desc ? '<span class="k-svc-desc">' + esc(desc) + "</span>" : "") +
      '<span class="k-svc-status">' + statusHtml(s, state) + "</span></span></button>";
  }

  /* Lays the tiles out to fit the screen: all on one page when they fit (descriptions first
     to go), else pages of whole rows with large "next/previous" buttons. */
  function signature() {
    return JSON.stringify([lang, large, page, !$("ticker-wrap").hidden, !$("scanned").hidden, !$("footline").hidden, window.innerHeight, window.innerWidth,
      services.map(function (s) { return [s.code, nameOf(s), serviceState(s), descriptionOf(s)]; })]);
  }
  function renderServices(force) {
    if (screen() !== "services") { layoutSig = null; return; }  // hidden: measured when shown
    var sig = signature();
    if (!force && sig === layoutSig) { updateCounts(); return; }
    var box = $("services"), n = services.length;
    var cols = large || n <= 4 ? 1 : 2;
    box.style.setProperty("--cols", cols);
    var wanted = page;
    function render(count, p, withDesc, dense) {
      var pages = Math.max(1, Math.ceil(n / count));
      var slice = services.slice(p * count, p * count + count);
      var rows = Math.max(1, Math.ceil(count / cols));
      box.classList.toggle("dense", dense);
      box.style.gridTemplateRows = "repeat(" + rows + ", minmax(min-content, " + (large ? 420 : 340) + "px))";
      box.innerHTML = slice.map(function (s, i) {
        return tileHtml(s, cols === 2 && i === slice.length - 1 && slice.length % 2 === 1, withDesc);
      }).join("");
      $("pager").hidden = pages < 2;
      $("page-no").textContent = fill(tr("pageNo"), {n: p + 1, m: pages});
      $("page-prev").disabled = p === 0;
      $("page-next").disabled = p >= pages - 1;
      fitNames(box);
      return box.scrollHeight <= box.clientHeight + 1;
    }
    function draw(count, withDesc, dense) {  // every page of this split must fit
      var pages = Math.max(1, Math.ceil(n / count));
      for (var p = 0; p < pages; p++) if (!render(count, p, withDesc, dense)) return false;
      return true;
    }
    // all on one page if at all possible: descriptions go first, then the compact tiles
    var dense = false, withDesc = true, fits = n === 0 || draw(n, true, false);
    if (!fits) { withDesc = false; fits = draw(n, false, false); }
    if (!fits && !large) { dense = true; fits = draw(n, false, true); }
    perPage = n;
    if (!fits) {  // whole rows per page, one row fewer each try
      for (perPage = (Math.ceil(n / cols) - 1) * cols; perPage > cols; perPage -= cols) {
        if (draw(perPage, false, dense)) break;
      }
      if (perPage <= cols) perPage = cols;
    }
    page = Math.min(wanted, Math.max(1, Math.ceil(n / Math.max(1, perPage))) - 1);
    if (n) render(Math.max(1, perPage), page, withDesc, dense);
    layoutSig = signature();
    window.qmsKiosk.layout = {perPage: perPage, pages: Math.max(1, Math.ceil(n / Math.max(1, perPage))), page: page, dense: dense};
  }
  function updateCounts() {
    services.forEach(function (s) {
      var b = document.querySelector('[data-service="' + s.code + '"] .k-svc-wait b');
      if (b) b.textContent = waitingOf(s);
    });
  }

  function renderPriorities() {
    $("priorities").innerHTML = priorities.map(function (p) {
      return '<button type="button" class="k-priority" data-priority="' + esc(p.code) + '">' + (ICONS[p.icon] || ICONS[p.code] || ICONS.other) +
        "<span>" + esc(nameOf(p)) + "</span></button>";
    }).join("");
    var elderly = priorityOf(CFG.elderlyPriority);
    $("scan-hint").hidden = !(HAS_SCANNER && elderly);
    $("scan-hint-text").textContent = fill(tr("scanHint"), {age: CFG.elderlyAge || 60});
  }
  function priorityOf(code) { return priorities.filter(function (p) { return p.code === code; })[0] || null; }
  function renderChosen() {
    if (!chosen) return;
    $("chosen").innerHTML = '<span class="k-letter">' + esc(chosen.code) + '</span><span class="k-chosen-name">' + phrasesHtml(nameOf(chosen)) + "</span>";
  }
  function renderScanned() {
    var p = scanned && priorityOf(scanned);
    $("scanned").hidden = !p;
    $("scanned-text").textContent = p ? fill(tr("scanned"), {name: nameOf(p)}) : "";
    window.qmsKiosk.scanned = p ? scanned : null;  // the category only: nothing of the card
  }
  function renderHotline() {
    $("hotline-box").hidden = !hotline;
    $("hotline").textContent = hotline;
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
  function applyText() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = tr(el.getAttribute("data-t")); });
    // the centre's own welcome line, in Vietnamese only
    if (lang === "vi" && CFG.welcome) $("screen-services").querySelector(".k-sub").textContent = CFG.welcome;
    $("footline").hidden = !CFG.footer || lang !== "vi";
    $("footline").textContent = CFG.footer || "";
    document.querySelectorAll("#lang [data-l]").forEach(function (el) { el.classList.toggle("on", el.getAttribute("data-l") === lang); });
    renderNotices(window.qmsKiosk.notices);
    renderPriorities(); renderChosen(); renderScanned(); applyState();
    if (lastTicket) renderTicket(lastTicket);
    if (help) renderHelp();
    renderServices();
  }

  /* ---- the centre's state: standby > paused > closed > open ---- */
  function applyState() {
    var reception = (board && board.reception) || {};
    var st = "open";
    if (mode === "standby" || mode === "draining") st = "standby";
    else if (reception.paused || pausedOverride) st = "paused";
    else if ((board && board.open_now === false) || closedOverride) st = "closed";
    if (st !== centreState) hideToast();  // a message about the old state no longer holds
    centreState = st;
    document.body.setAttribute("data-state", st);
    $("standby").hidden = st !== "standby";
    $("paused").hidden = st !== "paused";
    $("closed").hidden = st !== "closed";
    if (st === "paused") {
      var reason = reception.paused ? reception.reason : (pausedOverride || {}).reason;
      var since = reception.paused && reception.since ? centreParts(new Date(reception.since)) : null;
      $("paused-reason").hidden = !reason;
      $("paused-reason").textContent = reason ? fill(tr("pausedReason"), {reason: reason}) +
        (since ? " " + fill(tr("pausedSince"), {time: pad(since.hh) + ":" + pad(since.mm)}) : "") : "";
    }
    if (st === "closed") {
      var next = board && board.open_now === false ? board.next_open : (closedOverride || {}).next_open;
      var when = reopenParts(next);
      $("reopen-label").textContent = when ? tr("reopenLabel") : tr("reopenUnknown");
      $("reopen").hidden = !when;
      $("reopen").innerHTML = when ? "<b>" + esc(when.time) + "</b><span>" + esc(when.day) + "</span>" : "";
    }
    if (st !== "open" && screen() === "priority") toStart();
    if (st !== "open" && scanned) { scanned = null; renderScanned(); }
  }
  function setMode(m) {
    mode = m || mode;
    if (window.qmsKiosk.modes[window.qmsKiosk.modes.length - 1] !== mode) window.qmsKiosk.modes.push(mode);
    applyState();
  }

  /* ---- screens ---- */
  function show(name) {
    document.body.setAttribute("data-screen", name);
    if (name !== "ticket") { clearInterval(timer); timer = null; }
    if (name === "services") renderServices();
  }
  function toStart() {
    chosen = null; lastTicket = null; busy = false; scanned = null; page = 0;
    var reset = lang !== "vi" || large;
    lang = "vi"; large = false; document.body.classList.remove("large"); $("large").setAttribute("aria-pressed", "false");
    renderScanned();
    show("services");
    if (reset) applyText();
  }
  var toastTimer = null;
  function hideToast() { clearTimeout(toastTimer); $("toast").hidden = true; }
  function toast(key, values) {
    $("toast").textContent = fill(tr(key), values || {}); $("toast").hidden = false;
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { $("toast").hidden = true; }, 6000);
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
      services = r[0]; priorities = r[1];
      layoutSig = null; renderPriorities(); renderServices();
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
    if (busy || centreState !== "open") return;
    var s = services.filter(function (x) { return x.code === code; })[0];
    if (!s) return;
    var state = serviceState(s);
    if (state === "inactive") { toast("inactive"); return; }
    if (state === "full") { toast("capToast"); return; }
    chosen = s; renderChosen();
    if (scanned) { issue(scanned); return; }  // the card already said which priority
    if (!priorities.length) { issue(null); return; }
    show("priority");
    fitNames($("chosen"));
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
        var err = (res.data && res.data.error) || {};
        var code = err.code, svc = chosen;
        toStart();
        if (code === "standby") { setMode(err.mode || "standby"); return; }
        if (code === "closed") { closedOverride = {next_open: err.next_open || (err.data || {}).next_open || null, at: Date.now()}; applyState(); return; }
        if (code === "paused") { pausedOverride = {reason: err.reason || (err.data || {}).reason || "", at: Date.now()}; applyState(); return; }
        if (code === "cap_reached") { if (svc) capLocal[svc.code] = true; renderServices(true); toast("capToast"); return; }
        if (code === "service_inactive") { if (svc) svc.active = false; renderServices(true); toast("inactive"); return; }
        if (res.status === 429) { toast("rateLimited"); return; }
        toast("failed"); loadCatalogue().catch(function () {});
      })
      .catch(function () {
        busy = false; toStart(); setOnline(false); retryCatalogue();
      });
  }

  /* ---- the ticket screen ---- */
  function counterLabel(c) {
    var name = c.name || "";
    if (lang === "en") return tr("counter") + " " + c.number + (name && name.indexOf(String(c.number)) < 0 ? " – " + name : "");
    return name.indexOf(String(c.number)) >= 0 ? name : tr("counter") + " " + c.number + (name ? " – " + name : "");
  }
  function renderTicket(t) {
    $("t-code").textContent = t.code;
    $("t-service").innerHTML = phrasesHtml(lang === "en" && t.service_name_en ? t.service_name_en : t.service_name);
    var p = priorityOf(t.priority);
    $("t-priority").hidden = !t.priority;
    $("t-priority").textContent = t.priority ? tr("priorityMark") + (p ? nameOf(p) : t.priority) : "";
    $("t-ahead").textContent = t.ahead;
    var counters = t.counters;
    var goto = $("t-goto");
    goto.hidden = !Array.isArray(counters);
    goto.setAttribute("data-count", Array.isArray(counters) ? counters.length : 0);
    if (Array.isArray(counters)) {
      $("t-goto-label").textContent = counters.length ? tr("gotoLabel") : tr("gotoNone");
      $("t-counters").innerHTML = counters.map(function (c) {
        return '<span class="k-goto-counter" data-counter="' + esc(c.number) + '">' + esc(counterLabel(c)) + "</span>";
      }).join("");
    }
    var m = t.estimated_wait_minutes, none = Array.isArray(counters) && !counters.length;
    $("t-wait").classList.toggle("k-wait-note", none);
    $("t-wait").textContent = none ? tr("noCounter") : m == null ? "—" : (m < 1 ? tr("lessMinute") : "~" + m + " " + tr("minutes"));
    renderCountdown();
    fitNames($("screen-ticket"));
  }
  function showTicket(t) {
    lastTicket = t;
    var path = (t.track_url || "").replace(/^https?:\/\/[^/]+/, "");
    $("t-qr").src = path + "/qr.svg";
    show("ticket");
    // no "print" in the answer: this kiosk has no printer, the screen is the only ticket
    var state = t.print ? (t.print.state || "printing") : "none";
    remaining = state === "printed" ? CFG.returnSeconds || 10 : CFG.screenTicketSeconds || 30;
    setPrintStatus(state);
    renderTicket(t);
    clearInterval(timer);
    timer = setInterval(function () {
      remaining -= 1; renderCountdown();
      if (remaining <= 0) toStart();
    }, 1000);
    window.qmsKiosk.lastTicket = t;
  }
  function renderCountdown() { $("countdown").textContent = fill(tr("countdown"), {n: Math.max(0, remaining)}); }
  // The print worker or the kiosk's agent reports here: state is printing | printed | failed.
  function setPrintStatus(state) {
    var el = $("print-status");
    el.setAttribute("data-state", state);
    var key = {printed: "printed", failed: "printFailed", none: "printNone"}[state] || "printing";
    $("print-text").setAttribute("data-t", key);
    $("print-text").textContent = tr(key);
    // paper in hand: the screen may go back soon; no paper: it stays long enough to be noted
    if (state === "printed") remaining = Math.min(remaining, CFG.returnSeconds || 10);
    else if (state === "failed") remaining = Math.max(remaining, CFG.screenTicketSeconds || 30);
    if (screen() === "ticket") renderCountdown();
  }

  /* ---- help: the staff pages and the counters are alerted; an officer acknowledges ---- */
  function renderHelp() {
    if (!help) return;
    var st = help.state, titles = {sending: "helpSendingTitle", sent: "helpSentTitle", acked: "helpAckedTitle", failed: "helpFailedTitle"};
    $("help-panel").setAttribute("data-state", st);
    $("help-title").textContent = tr(titles[st]);
    var text = st === "sending" ? tr("helpSendingText") : st === "sent" ? tr("helpSentText")
      : st === "acked" ? (help.by ? fill(tr("helpAckedBy"), {name: help.by}) : tr("helpAckedText"))
      : hotline ? fill(tr("helpFailedHotline"), {hotline: hotline}) : tr("helpFailedText");
    $("help-text").textContent = text;
    window.qmsKiosk.help = {state: st, id: help.id};
  }
  function openHelp() { $("help-panel").hidden = false; renderHelp(); }
  function closeHelp() {
    $("help-panel").hidden = true; clearTimeout(helpTimer);
    if (help && (help.state === "failed" || help.state === "acked")) help = null;
  }
  function askHelp() {
    // someone is already coming: show it again; still waiting: press again (the server
    // re-alerts the same request, it does not open a second one)
    if (help && (help.state === "sending" || (help.state === "acked" && Date.now() - help.at < 180000))) { openHelp(); return; }
    help = {state: "sending", at: Date.now(), id: help && help.state === "sent" ? help.id : null, by: null};
    openHelp();
    fetch("/api/v1/help-requests", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({kiosk: KIOSK_ID || "kiosk"})})
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return {status: r.status, data: d}; }); })
      .then(function (res) {
        if (!help || help.state !== "sending") return;
        if (res.status === 201 && res.data && res.data.id != null) {
          help.id = res.data.id;
          if (res.data.acknowledged_at || acked[help.id]) { acknowledge(acked[help.id] || res.data); return; }
          help.state = "sent"; renderHelp();
        } else { help.state = "failed"; renderHelp(); }
      })
      .catch(function () { if (help && help.state === "sending") { help.state = "failed"; renderHelp(); } });
  }
  var acked = {};
  function acknowledge(d) {
    if (!d) return;
    acked[d.id] = d;
    if (!help || help.id == null || String(d.id) !== String(help.id)) return;
    help.state = "acked"; help.by = d.acknowledged_by || null;
    openHelp();
    clearTimeout(helpTimer);
    helpTimer = setTimeout(closeHelp, 30000);
  }

  /* ---- a keyboard-wedge QR scanner: the CCCD's date of birth selects the elderly priority.
     The kiosk takes no typing, so every key goes here (a scanner's Space or Enter must never
     press a focused button); the code is read and forgotten, nothing of it is kept or sent. */
  var scanBuf = "", scanTimer = null;
  function finishScan() {
    clearTimeout(scanTimer);
    var text = scanBuf;
    scanBuf = "";
    if (text.length < 8) return;  // a stray key, not a code
    var result = window.QmsCccd.classify(text, centreParts(serverNow()), CFG.elderlyAge || 60);
    text = "";
    onScan(result);
  }
  function onScan(result) {
    touch();
    if (busy || centreState !== "open") return;
    if (result === "invalid") { toast("scanInvalid"); return; }
    if (result === "young") { toast("scanYoung", {age: CFG.elderlyAge || 60}); return; }
    var elderly = priorityOf(CFG.elderlyPriority);
    if (!elderly) { toast("scanNoCategory"); return; }
    if (screen() === "priority" && chosen) { issue(elderly.code); return; }
    if (screen() === "ticket") toStart();
    scanned = elderly.code;
    hideToast(); renderScanned(); renderServices();
  }
  document.addEventListener("keydown", function (e) {
    e.preventDefault();
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    if (e.key === "Enter" || e.key === "Tab") { finishScan(); return; }
    if (e.key && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      scanBuf = scanBuf.length > 2000 ? "" : scanBuf + e.key;
    }
    clearTimeout(scanTimer);
    scanTimer = setTimeout(finishScan, 400);  // scanners without a final Enter
  }, true);

  /* ---- idle: a half-finished choice goes back to the start ---- */
  function touch() { lastTouch = Date.now(); }
  function idleCheck() {
    if (screen() === "ticket" || busy) return;
    var dirty = screen() !== "services" || page > 0 || large || lang !== "vi" || scanned;
    if (dirty && Date.now() - lastTouch > (CFG.idleSeconds || 60) * 1000) { toStart(); renderServices(true); }
  }

  /* Opening and closing are moments, not events: the board is read again at the opening
     time the board announced, and every minute in case a closing time passed. */
  var reopenTimer = null;
  function refreshBoard() {
    getJSON("/api/v1/board").then(onBoard).catch(function () {});
  }
  function scheduleReopen() {
    clearTimeout(reopenTimer);
    var at = board && board.open_now === false && Date.parse(board.next_open || "");
    if (at && !isNaN(at)) reopenTimer = setTimeout(refreshBoard, Math.min(2147483000, Math.max(1000, at - serverNow().getTime() + 1500)));
  }
  function onBoard(b) {
    board = b; window.qmsKiosk.board = b; window.qmsKiosk.boards += 1;
    waiting = b.waiting || {};
    if (b.server_time) { var t = Date.parse(b.server_time); if (!isNaN(t)) serverOffset = t - Date.now(); }
    if (typeof b.hotline === "string") { hotline = b.hotline; renderHotline(); }
    if ("open_now" in b) closedOverride = null;  // the board knows the calendar: it decides
    if (b.reception) pausedOverride = null;
    var codes = Object.keys(b.services || {});
    if (services.length && (codes.length !== services.length || services.some(function (s) { return codes.indexOf(s.code) < 0; }))) {
      loadCatalogue().catch(function () {});
    }
    services.forEach(function (s) {
      var info = (b.services || {})[s.code];
      if (info) { s.name = info.name || s.name; s.name_en = info.name_en || s.name_en; s.active = info.active; }
      if (info && "cap_reached" in info) delete capLocal[s.code];
    });
    window.qmsKiosk.notices = b.notices || []; renderNotices(b.notices);
    setMode(b.mode);
    renderServices();
    clock();
    scheduleReopen();
  }
  function connect() {
    if (!window.io) { return; }
    var socket = io({transports: ["websocket"], reconnectionDelayMax: 5000});
    socket.on("connect", function () { setOnline(true); if (!window.qmsKiosk.ready) retryCatalogue(); });
    socket.on("disconnect", function () { setTimeout(function () { if (!socket.connected) setOnline(false); }, 1500); });
    var lastBoard = null;
    socket.on("board", function (b) { lastBoard = b; setOnline(true); onBoard(b); });
    // a call carries what it moved on the board (counters, recent calls, waiting counts)
    socket.on("ticket_called", function (m) {
      if (m && m.board && lastBoard) { lastBoard = Object.assign({}, lastBoard, m.board); setOnline(true); onBoard(lastBoard); }
    });
    socket.on("print_status", function (d) { if (lastTicket && d && d.ticket_id === lastTicket.id) setPrintStatus(d.state); });
    socket.on("help_acknowledged", acknowledge);
    window.qmsKiosk.socket = socket;
  }

  window.qmsKiosk = {ready: false, notices: [], modes: [], boards: 0, setPrintStatus: setPrintStatus, kiosk: KIOSK_ID,
    help: null, scanned: null, layout: null};
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  document.addEventListener("selectstart", function (e) { e.preventDefault(); });
  document.addEventListener("dragstart", function (e) { e.preventDefault(); });
  document.addEventListener("gesturestart", function (e) { e.preventDefault(); });
  document.addEventListener("touchmove", function (e) { if (e.touches.length > 1) e.preventDefault(); }, {passive: false});
  document.addEventListener("wheel", function (e) { if (e.ctrlKey) e.preventDefault(); }, {passive: false});
  document.addEventListener("pointerdown", touch, true);
  window.addEventListener("error", function (e) { e.preventDefault && e.preventDefault(); return true; });
  window.addEventListener("unhandledrejection", function (e) { e.preventDefault(); });
  window.addEventListener("resize", function () { renderServices(); });

  $("services").addEventListener("click", function (e) { var b = e.target.closest("[data-service]"); if (b) pickService(b.getAttribute("data-service")); });
  $("priorities").addEventListener("click", function (e) { var b = e.target.closest("[data-priority]"); if (b) issue(b.getAttribute("data-priority")); });
  $("no-priority").addEventListener("click", function () { issue(null); });
  $("back").addEventListener("click", function () { chosen = null; show("services"); });
  $("done").addEventListener("click", toStart);
  $("page-prev").addEventListener("click", function () { if (page > 0) { page -= 1; renderServices(true); } });
  $("page-next").addEventListener("click", function () { page += 1; renderServices(true); });
  $("lang").addEventListener("click", function () { lang = lang === "vi" ? "en" : "vi"; applyText(); });
  $("large").addEventListener("click", function () {
    large = !large; document.body.classList.toggle("large", large);
    $("large").setAttribute("aria-pressed", String(large));
    page = 0; renderServices(true); renderChosen(); fitNames(document.body);
  });
  $("help").addEventListener("click", askHelp);
  $("help-close").addEventListener("click", closeHelp);
  $("t-qr").addEventListener("error", function () { this.style.visibility = "hidden"; });
  $("t-qr").addEventListener("load", function () { this.style.visibility = "visible"; });

  renderHotline(); applyText(); clock(); setInterval(clock, 5000); setInterval(idleCheck, 1000);
  setInterval(function () { if (window.qmsKiosk.ready) refreshBoard(); }, 60000);
  retryCatalogue(); connect();
})();

"""The waiting-room TV at a real centre's size, in Debian's chromium against a real `qms serve`.

Every counter's code and every service's name must be seen: the element at its centre is
itself (document.elementFromPoint), inside the screen; the waiting counts page through when
they do not fit, so each service is checked on its page.
"""

import pytest
import requests

from tests.browser import WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXTRA_SERVICES = [
    ("I", "Tư pháp – Quốc tịch"),
    ("K", "Giáo dục – Đào tạo"),
    ("L", "Y tế – Bảo hiểm y tế"),
    ("M", "Văn hóa – Thể thao – Du lịch"),
    ("N", "Tài chính – Kế hoạch"),
    ("P", "Dân tộc – Tôn giáo"),
    ("Q", "Thông tin – Truyền thông"),
]
DEMO_SERVICES = ["A", "B", "C", "D", "E", "F", "G", "H", "T"]

# every element named here must be the one seen at its own centre, inside the screen
SEEN = """(selector) => Array.from(document.querySelectorAll(selector)).filter(el => !el.closest('[hidden]')).map(el => {
  const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const top = document.elementFromPoint(x, y);
  const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight + 0.5 && r.width > 0;
  return {text: el.textContent, inside, seen: !!top && (top === el || el.contains(top)), height: r.height,
          font: parseFloat(getComputedStyle(el).fontSize)};
})"""

# the phrases of each name (between its dashes) that the page set on more than one line
PHRASES_ON_TWO_LINES = """(selector) => {
  const split = [];
  for (const el of document.querySelectorAll(selector)) {
    const chars = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
    const text = chars.map(([node, i]) => node.data[i]).join("");
    for (const m of text.matchAll(/[^–-]+/g)) {
      const start = m.index + m[0].length - m[0].trimStart().length;
      const end = m.index + m[0].trimEnd().length;
      if (end <= start) continue;
      const range = document.createRange();
      range.setStart(chars[start][0], chars[start][1]);
      range.setEnd(chars[end - 1][0], chars[end - 1][1] + 1);
      const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) split.push(text.slice(start, end));
    }
  }
  return split;
}"""


class Centre:
    """Set-up through the admin API of the live server."""

    def __init__(self, live):
        self.live = live
        self.admin = live.token()

    def put(self, path, body):
        r = requests.put(
            self.live.url + "/api/v1" + path, json=body, headers=self.admin, timeout=10
        )
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, path, body=None):
        r = requests.post(
            self.live.url + "/api/v1" + path, json=body or {}, headers=self.admin, timeout=10
        )
        assert r.status_code in (200, 201), r.text
        return r.json()

    def shape(self, counters, services):
        codes = DEMO_SERVICES[:services] + [c for c, _ in EXTRA_SERVICES][: max(0, services - 9)]
        for code, name in EXTRA_SERVICES[: max(0, services - 9)]:
            self.put(f"/services/{code}", {"name": name})
        for n in range(1, counters + 1):
            self.put(f"/counters/{n}", {"name": f"Quầy {n}", "services": [codes[n % len(codes)]]})
        return codes

    def call_everywhere(self, counters, codes):
        """A ticket at every counter but the last, which is paused: codes of every width."""
        for n in range(1, counters + 1):
            service = codes[n % len(codes)]
            self.post("/tickets", {"service": service})
        shown = {}
        for n in range(1, counters):
            shown[n] = self.post(f"/counters/{n}/call-next")["ticket"]["code"]
        self.post(f"/counters/{counters}/state", {"state": "paused"})
        return shown


def open_display(open_page, live, size, query=""):
    page = open_page(live.url + "/display" + query, size)
    page.wait_for_selector("body[data-connected='1']")
    page.wait_for_function("window.qmsDisplay.board !== null")
    return page


def check_everything_seen(page, counters, services, size):
    page.evaluate("window.qmsDisplay.fit()")
    page.wait_for_timeout(300)
    tiles = page.evaluate(SEEN, ".d-counter .d-counter-code")
    assert len(tiles) == counters
    assert all(t["inside"] and t["seen"] for t in tiles), tiles
    names = page.evaluate(SEEN, ".d-counter .d-counter-name")
    assert all(t["inside"] and t["seen"] for t in names), names
    seen_services = set()
    pages = page.evaluate("window.qmsDisplay.waitingPages")
    for i, codes in enumerate(pages):
        page.evaluate(f"window.qmsDisplay.showWaitingPage({i})")
        rows = page.evaluate(SEEN, ".d-wait .nm")
        counts = page.evaluate(SEEN, ".d-wait .n")
        assert all(r["inside"] and r["seen"] for r in rows + counts), (i, rows, counts)
        seen_services |= set(codes)
        unit = page.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u'))"
        )
        assert all(r["font"] >= 36 * unit - 0.5 for r in rows + counts), rows
        # a name wraps between its phrases, never inside one: "Thể" / "thao" reads as two words
        split = page.evaluate(PHRASES_ON_TWO_LINES, ".d-wait:not([hidden]) .nm")
        assert split == [], split
    assert seen_services == set(services)
    hero = page.evaluate(SEEN, "#hero-code")
    assert hero and hero[0]["inside"] and hero[0]["seen"], hero
    return tiles, hero[0]


@pytest.mark.parametrize("counters, services", [(4, 9), (8, 9), (12, 16), (16, 16)])
def test_every_counter_and_service_is_seen_at_1080p(
    live, open_page, screenshot, counters, services
):
    centre = Centre(live)
    codes = centre.shape(counters, services)
    shown = centre.call_everywhere(counters, codes)
    page = open_display(open_page, live, "display")
    last_called = max(shown)  # the newest call stands: its counter is open and holds it
    page.wait_for_selector(f"#hero[data-code='{shown[last_called]}']")
    page.wait_for_selector(f".d-counter[data-counter='{counters}'].paused")
    tiles, hero = check_everything_seen(page, counters, codes, "display")
    assert hero["height"] >= 150, hero
    called = [t for t in tiles if t["text"] not in ("—", "Tạm dừng")]
    assert len(called) == counters - 1
    assert all(t["height"] >= 80 for t in called), tiles
    screenshot(page, "display" if counters == 8 else f"display-{counters}-counters")


@pytest.mark.parametrize(
    "viewport, name",
    [({"width": 1280, "height": 720}, "720p"), ({"width": 1080, "height": 1920}, "portrait")],
)
def test_sixteen_counters_and_services_fit_at_720p_and_portrait(
    live, browser, screenshot, viewport, name
):
    centre = Centre(live)
    codes = centre.shape(16, 16)
    centre.call_everywhere(16, codes)
    context = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(live.url + "/display")
        page.wait_for_selector("body[data-connected='1']")
        page.wait_for_selector("#hero[data-state='call']")
        check_everything_seen(page, 16, codes, name)
        screenshot(page, f"display-16-counters-{name}")
    finally:
        context.close()


def test_a_hall_shows_its_own_services_only(live, open_page):
    centre = Centre(live)
    centre.post("/tickets", {"service": "C"})
    centre.post("/tickets", {"service": "A"})
    page = open_display(open_page, live, "display", "?services=A,B")
    page.wait_for_selector(".d-wait[data-service='A']")
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('.d-wait')).map(e => e.dataset.service)"
    )
    assert shown == ["A", "B"]
    tiles = page.evaluate(
        "Array.from(document.querySelectorAll('.d-counter')).map(e => +e.dataset.counter)"
    )
    assert tiles == [1, 4], "counters 1 and 4 serve A or B"
    # a call of hall 2 is neither shown nor said here
    centre.post("/counters/2/call-next")
    centre.post("/counters/1/call-next")
    page.wait_for_selector("#hero[data-code='A001']")
    assert page.evaluate("window.qmsDisplay.announcements.map(a => a.code)") == ["A001"]


def test_the_hero_shows_only_a_call_that_still_stands(live, open_page):
    centre = Centre(live)
    for service in ("A", "C", "B"):
        centre.post("/tickets", {"service": service})
    page = open_display(open_page, live, "display")
    centre.post("/counters/2/call-next")  # C001 at counter 2
    page.wait_for_selector("#hero[data-code='C001']")
    centre.post("/counters/1/call-next")  # A001 at counter 1, the newest call
    page.wait_for_selector("#hero[data-code='A001']")
    centre.post("/counters/1/state", {"state": "paused"})
    # counter 1 paused: its call no longer stands, the hero goes back to counter 2's
    page.wait_for_selector("#hero[data-code='C001']")
    page.wait_for_selector(".d-counter[data-counter='1'].paused")
    centre.post("/counters/2/transfer", {"service": "B"})
    # C001 moved on: nothing stands, the hero greets instead of sending people to a counter
    page.wait_for_selector("#hero[data-state='idle']")
    assert page.locator("#hero-idle").inner_text() == "Xin kính chào quý công dân"
    centre.post("/counters/1/state", {"state": "open"})
    page.wait_for_selector("#hero[data-code='A001']")
    centre.post("/counters/1/recall")
    page.wait_for_selector("#hero-sub:has-text('Gọi lại lần 2')")
    page.wait_for_selector("#recent li[data-code='A001'] .rc:has-text('Gọi lại lần 2')")
    chip = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('#recent .rc'));"
        " return [s.color, s.backgroundColor]; })()"
    )
    assert chip == ["rgb(16, 17, 20)", "rgb(245, 197, 24)"], "dark ink on gold, never gold on white"


def test_blocked_sound_is_a_small_badge_not_a_modal(live, browser):
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="vi-VN", bypass_csp=True
    )
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        # as a TV started without the autoplay flag: every play() is refused
        page.add_init_script(
            "HTMLMediaElement.prototype.play = function () {"
            " return Promise.reject(new DOMException('blocked', 'NotAllowedError')); };"
        )
        page.goto(live.url + "/display")
        page.wait_for_selector("body[data-connected='1']")
        centre = Centre(live)
        centre.post("/tickets", {"service": "A"})
        centre.post("/counters/1/call-next")
        page.wait_for_selector("#sound", state="visible")
        box = page.locator("#sound").bounding_box()
        assert box["width"] * box["height"] < 0.05 * 1920 * 1080
        # the call is on the screen all the same, nothing dims it
        seen = page.evaluate(SEEN, "#hero-code")
        assert seen[0]["seen"] and seen[0]["text"] == "A001"
    finally:
        context.close()


def test_reception_pause_and_closed_hours_in_plain_words(live, open_page):
    page = open_display(open_page, live, "display")
    page.evaluate(
        "window.qmsDisplay.socket.listeners('board')[0](Object.assign({}, window.qmsDisplay.board,"
        " {reception: {paused: true, reason: 'Mất điện', since: null}}))"
    )
    text = page.locator("#status").inner_text()
    assert text.startswith("TẠM DỪNG TIẾP NHẬN: Mất điện")
    assert "Công dân đã có số thứ tự xin vui lòng chờ được gọi" in text
    page.evaluate(
        "window.qmsDisplay.socket.listeners('board')[0](Object.assign({}, window.qmsDisplay.board,"
        " {reception: {paused: false, reason: '', since: null}, open_now: false,"
        " next_open: '2026-11-24T07:30:00+07:00'}))"
    )
    text = page.locator("#status").inner_text()
    assert text.startswith("Trung tâm đang ngoài giờ tiếp nhận hồ sơ.")
    assert "Mời quý công dân quay lại lúc 07:30, Thứ Ba ngày 24/11/2026." in text


def test_a_call_moves_the_waiting_count_with_no_board_push_after_it(live, open_page):
    """The call's own message carries what it moved; the TV merges it into its board."""
    centre = Centre(live)
    centre.post("/tickets", {"service": "A"})
    centre.post("/tickets", {"service": "A"})
    page = open_display(open_page, live, "display")
    page.wait_for_selector(".d-wait[data-service='A'] .n:text-is('2')")
    page.evaluate(
        "window.__boards = 0; window.qmsDisplay.socket.on('board', () => window.__boards++)"
    )
    centre.post("/counters/1/call-next")
    page.wait_for_selector("#hero[data-code='A001']")
    page.wait_for_selector(".d-wait[data-service='A'] .n:text-is('1')")
    page.wait_for_selector(".d-counter[data-counter='1'] :text('A001')")
    page.wait_for_timeout(800)  # a board push would come within 0.15 s of the call
    assert page.evaluate("window.__boards") == 0
    # the rest of the board is still there: the services' names and the other counters
    assert page.locator(".d-wait[data-service='B'] .nm").inner_text() != ""

"""The citizen's kiosk in Debian's chromium against a real `qms serve`, at 1080×1920.

Every wait has a deadline and waits for behaviour; nothing asserts on speed.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from qms.liveserver import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# a CCCD chip card's QR: number|old CMND|name|date of birth|sex|address|issue date
CCCD_1950 = "001050012345|012345678|Nguyen Van An|15031950|Nam|Thon 1, xa Tan Ky|01012021"
CCCD_2000 = "001200012345||Tran Thi Binh|01062000|Nu|Thon 2, xa Tan Ky|01012021"
CCCD_1960 = "001060012345||Le Van Cuong|10101960|Nam|Thon 3, xa Tan Ky|01012021"
LONG_NAMES = [
    "Xây dựng – Đô thị – Tài nguyên và Môi trường",
    "Văn hóa – Thông tin – Thể thao và Du lịch",
    "Giáo dục – Đào tạo",
    "Tư pháp – Hộ tịch – Chứng thực bản sao",
    "Lao động – Việc làm",
    "Nội vụ – Tôn giáo",
    "Kinh tế – Hạ tầng – Giao thông vận tải",
]


@pytest.fixture
def screen_only(tmp_path):
    """A centre whose kiosk has no printer (the screen is the ticket); short return timer,
    a long no-paper timer and a higher elderly age, from the environment."""
    server = LiveServer(
        tmp_path / "screen-only",
        env={
            "QMS_PRINTER": "",
            "QMS_KIOSK_RETURN_SECONDS": "2",
            "QMS_KIOSK_SCREEN_TICKET_SECONDS": "600",
            "QMS_KIOSK_ELDERLY_AGE": "70",
        },
    )
    server.init()
    server.start()
    yield server
    server.stop()


def open_kiosk(open_page, server, query="?kiosk=K1"):
    kiosk = open_page(server.url + "/kiosk" + query, "kiosk")
    kiosk.wait_for_function("() => window.qmsKiosk.ready && window.qmsKiosk.boards > 0")
    kiosk.wait_for_selector("[data-service='A'] .k-svc-wait b")
    return kiosk


def count_of(kiosk, code):
    return kiosk.locator(f"[data-service='{code}'] .k-svc-wait b").inner_text()


def wait_count(kiosk, code, n):
    kiosk.wait_for_function(
        f"() => (document.querySelector(\"[data-service='{code}'] .k-svc-wait b\") || {{}})"
        f".textContent === '{n}'"
    )


def take_number(kiosk, code, priority=None):
    kiosk.click(f"[data-service='{code}']")
    kiosk.click(f"[data-priority='{priority}']" if priority else "#no-priority")
    kiosk.wait_for_selector("#screen-ticket", state="visible")
    return kiosk.evaluate("window.qmsKiosk.lastTicket")


def counters_shown(kiosk):
    return kiosk.locator("#t-counters .k-goto-counter").evaluate_all(
        "els => els.map(e => e.textContent)"
    )


def admin_put(server, path, body):
    response = requests.put(server.url + path, json=body, headers=server.token(), timeout=10)
    assert response.ok, response.text


def visible_and_inside(kiosk, selector):
    """Each match is inside the viewport and is itself the element at its centre."""
    return kiosk.evaluate(
        """sel => Array.from(document.querySelectorAll(sel)).every(el => {
            const r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
                && (top === el || el.contains(top));
        })""",
        selector,
    )


def test_counts_follow_every_board_and_the_ticket_names_its_counters(live, open_page, screenshot):
    kiosk = open_kiosk(open_page, live)
    assert kiosk.locator(".k-service").count() == 9
    assert visible_and_inside(kiosk, ".k-service")
    assert kiosk.locator("#hotline").inner_text() == "1900 0000"
    screenshot(kiosk, "kiosk-services")

    ticket = take_number(kiosk, "A")
    assert ticket["counters"] == [{"number": 1, "name": "Quầy 1"}, {"number": 4, "name": "Quầy 4"}]
    assert counters_shown(kiosk) == ["Quầy 1", "Quầy 4"]
    assert kiosk.locator("#t-goto-label").inner_text() == "Khi được gọi số, mời quý vị đến:"
    kiosk.wait_for_selector("#print-status[data-state='printed']")
    screenshot(kiosk, "kiosk-ticket")
    # paper in hand: the screen goes back after the short timer (10 s by default) at most
    assert int(kiosk.locator("#countdown").inner_text().split()[-2]) <= 10

    # tickets taken elsewhere while this screen shows the ticket: counted on return
    for body in ({"service": "A"}, {"service": "B"}, {"service": "B"}):
        assert requests.post(live.url + "/api/v1/tickets", json=body, timeout=10).status_code == 201
    kiosk.click("#done")
    kiosk.wait_for_selector("#screen-services", state="visible")
    wait_count(kiosk, "A", "2")
    wait_count(kiosk, "B", "2")
    # … and while the services are on screen: every board redraws them
    for _ in range(3):
        assert requests.post(live.url + "/api/v1/tickets", json={"service": "C"}, timeout=10).ok
    wait_count(kiosk, "C", "3")
    assert count_of(kiosk, "A") == "2"

    # three counters serve B now: all three are named, in counter order
    admin_put(live, "/api/v1/counters/2", {"name": "Quầy 2", "services": ["C", "D", "H", "B"]})
    ticket = take_number(kiosk, "B")
    assert ticket["code"] == "B003"
    assert counters_shown(kiosk) == ["Quầy 1", "Quầy 2", "Quầy 4"]
    assert visible_and_inside(kiosk, "#t-counters .k-goto-counter, #done, #t-code")
    screenshot(kiosk, "kiosk-ticket-3-counters")
    kiosk.click("#done")
    wait_count(kiosk, "B", "3")

    # large text: the nine services still on one page, names at 54 px, the ticket whole
    kiosk.click("#large")
    kiosk.wait_for_function(
        "() => window.qmsKiosk.layout && document.body.classList.contains('large')"
    )
    assert kiosk.evaluate("window.qmsKiosk.layout.pages") == 1
    assert visible_and_inside(kiosk, ".k-service, #help")
    screenshot(kiosk, "kiosk-large-text")
    take_number(kiosk, "D")
    assert visible_and_inside(kiosk, "#t-code, #t-counters .k-goto-counter, #t-qr, #done")
    screenshot(kiosk, "kiosk-large-text-ticket")


def test_no_counter_open_says_so_and_still_issues(live, open_page, api, screenshot):
    kiosk = open_kiosk(open_page, live)
    for number in (2,):  # Quầy 2 alone serves C, D and H
        assert api("POST", f"/api/v1/counters/{number}/state", {"state": "closed"}, staff=True).ok
    kiosk.wait_for_selector("[data-service='C'][data-state='nocounter']")
    assert "Hiện chưa có quầy phục vụ" in kiosk.locator("[data-service='C']").inner_text()
    assert kiosk.locator("[data-service='A']").get_attribute("data-state") == "open"
    ticket = take_number(kiosk, "C")
    assert ticket["code"] == "C001"
    assert ticket["counters"] == [] and ticket["estimated_wait_minutes"] is None
    assert kiosk.locator("#t-wait").inner_text() == "Hiện chưa có quầy phục vụ"
    assert (
        kiosk.locator("#t-goto-label")
        .inner_text()
        .startswith("Hiện chưa có quầy phục vụ lĩnh vực này.")
    )
    screenshot(kiosk, "kiosk-ticket-no-counter")


def test_without_paper_the_ticket_stays_until_done(screen_only, open_page, screenshot):
    kiosk = open_kiosk(open_page, screen_only, query="")
    ticket = take_number(kiosk, "A")
    assert "print" not in ticket
    assert kiosk.get_attribute("#print-status", "data-state") == "none"
    assert kiosk.locator("#countdown").inner_text() == "Tự động quay lại sau 600 giây"
    # three ticks: longer than the 2 s a printed ticket would stay, and still on screen
    kiosk.wait_for_function(
        "() => document.getElementById('countdown').textContent === 'Tự động quay lại sau 597 giây'"
    )
    assert kiosk.get_attribute("body", "data-screen") == "ticket"
    assert kiosk.locator("#t-code").inner_text() == "A001"
    kiosk.click("#done")
    kiosk.wait_for_selector("#screen-services", state="visible")
    assert kiosk.get_attribute("body", "data-screen") == "services"


def test_a_scanned_cccd_selects_elderly_and_nothing_of_it_leaves_the_page(
    live, open_page, screenshot
):
    kiosk = open_kiosk(open_page, live, query="?kiosk=K1&scanner=1")
    sent = []
    kiosk.on("request", lambda r: sent.append((r.url, r.post_data or "")))

    # a malformed code: a short message, nothing selected
    kiosk.keyboard.type("https://example.test/not-a-card\n")
    kiosk.wait_for_selector("#toast:has-text('Không đọc được mã này')")
    assert kiosk.evaluate("window.qmsKiosk.scanned") is None
    assert kiosk.locator("#scanned").is_hidden()

    # under 60: no elderly priority, said plainly
    kiosk.keyboard.type(CCCD_2000 + "\n")
    kiosk.wait_for_selector("#toast:has-text('chưa đủ 60 tuổi')")
    assert kiosk.evaluate("window.qmsKiosk.scanned") is None

    # 60 or older on the services screen: the next tap takes an elderly number
    kiosk.keyboard.type(CCCD_1950 + "\n")
    kiosk.wait_for_selector("#scanned:has-text('Quý vị được ưu tiên: Người cao tuổi')")
    assert kiosk.locator("#toast").is_hidden()  # the message about the last card is gone
    screenshot(kiosk, "kiosk-cccd-scanned")
    kiosk.click("[data-service='B']")
    kiosk.wait_for_selector("#screen-ticket", state="visible")
    ticket = kiosk.evaluate("window.qmsKiosk.lastTicket")
    assert (ticket["code"], ticket["priority"]) == ("B001", "elderly")
    assert kiosk.locator("#t-priority").inner_text() == "Ưu tiên: Người cao tuổi"
    kiosk.click("#done")
    kiosk.wait_for_selector("#screen-services", state="visible")
    assert kiosk.locator("#scanned").is_hidden()

    # on the priority screen: the scan takes the number at once
    kiosk.click("[data-service='A']")
    kiosk.wait_for_selector("#scan-hint", state="visible")
    assert "Người từ 60 tuổi trở lên" in kiosk.locator("#scan-hint").inner_text()
    kiosk.keyboard.type(CCCD_1950 + "\n")
    kiosk.wait_for_selector("#screen-ticket", state="visible")
    ticket = kiosk.evaluate("window.qmsKiosk.lastTicket")
    assert (ticket["code"], ticket["priority"]) == ("A001", "elderly")

    # the card went nowhere: no request carried any of it; only the category did
    card_parts = ("001050012345", "15031950", "Nguyen", "Tan Ky", "001200012345")
    assert sent, "the kiosk made its ticket requests"
    for url, body in sent:
        assert not any(part in url or part in body for part in card_parts), url
    posted = [body for url, body in sent if url.endswith("/api/v1/tickets")]
    assert len(posted) == 2 and all('"priority":"elderly"' in body for body in posted)


def test_the_elderly_age_is_configurable_and_dates_are_exact(screen_only, open_page):
    kiosk = open_kiosk(open_page, screen_only, query="?scanner=1")
    kiosk.keyboard.type(CCCD_1960 + "\n")  # in their sixties: under the centre's 70
    kiosk.wait_for_selector("#toast:has-text('chưa đủ 70 tuổi')")
    assert kiosk.evaluate("window.qmsKiosk.scanned") is None
    classify = "([text, today, age]) => window.QmsCccd.classify(text, today, age)"
    leap = "001000012345||X|29022000|Nu|Y|01012021"
    cases = [
        ([leap, {"y": 2060, "m": 2, "d": 28}, 60], "young"),
        ([leap, {"y": 2060, "m": 2, "d": 29}, 60], "elderly"),
        ([leap, {"y": 2061, "m": 3, "d": 1}, 60], "elderly"),
        (["001000012345||X|31022000|Nu|Y|01012021", {"y": 2070, "m": 1, "d": 1}, 60], "invalid"),
        (["001000012345||X|01012000|Nu|Y", {"y": 2070, "m": 1, "d": 1}, 60], "invalid"),
        (["00100001234||X|01012000|Nu|Y|01012021", {"y": 2070, "m": 1, "d": 1}, 60], "invalid"),
        (["001000012345||X|01012030|Nu|Y|01012021", {"y": 2026, "m": 1, "d": 1}, 60], "invalid"),
    ]
    assert [kiosk.evaluate(classify, args) for args, _ in cases] == [want for _, want in cases]


def test_help_button_reaches_the_staff_and_the_acknowledgment_comes_back(
    live, open_page, api, screenshot
):
    kiosk = open_kiosk(open_page, live, query="?kiosk=k1")
    kiosk.click("#help")
    kiosk.wait_for_selector("#help-panel[data-state='sent']")
    assert kiosk.locator("#help-title").inner_text() == "Đã báo cán bộ hỗ trợ"
    open_requests = api("GET", "/api/v1/help-requests?open=1", staff=True).json()
    mine = [r for r in open_requests if r["kiosk"] == "k1"]
    assert len(mine) == 1 and mine[0]["acknowledged_by"] is None
    assert kiosk.evaluate("window.qmsKiosk.help.id") == mine[0]["id"]
    # still waiting, the citizen presses again: the same request alerts again, no second one
    kiosk.click("#help-close")
    kiosk.click("#help")
    kiosk.wait_for_function(
        "() => window.qmsKiosk.help.state === 'sent' && window.qmsKiosk.help.id !== null"
    )
    again = api("GET", "/api/v1/help-requests?open=1", staff=True).json()
    assert [(r["id"], r["presses"]) for r in again] == [(mine[0]["id"], 2)]

    ack = api("POST", f"/api/v1/help-requests/{mine[0]['id']}/ack", {}, staff=True)
    assert ack.status_code == 200, ack.text
    kiosk.wait_for_selector("#help-panel[data-state='acked']")
    assert kiosk.locator("#help-title").inner_text() == "Cán bộ đang đến hỗ trợ quý vị"
    assert ack.json()["acknowledged_by"] in kiosk.locator("#help-text").inner_text()
    screenshot(kiosk, "kiosk-help-acknowledged")


def test_large_text_and_sixteen_long_services_fit_without_breaking_a_phrase(
    live, open_page, screenshot
):
    for i, name in enumerate(LONG_NAMES):
        admin_put(live, f"/api/v1/services/{'IJKLMNP'[i]}", {"name": name, "position": 20 + i})
    kiosk = open_kiosk(open_page, live)
    kiosk.wait_for_function("() => document.querySelectorAll('.k-service').length === 16")
    layout = kiosk.evaluate("window.qmsKiosk.layout")
    assert layout["pages"] == 1
    sizes = kiosk.locator(".k-service").evaluate_all(
        """els => els.map(el => {
            const name = el.querySelector('.k-svc-name');
            return [el.getBoundingClientRect().height, parseFloat(getComputedStyle(name).fontSize),
                    name.classList.contains('loose')];
        })"""
    )
    assert min(h for h, _, _ in sizes) >= 120
    assert min(f for _, f, _ in sizes) >= 36
    assert not any(loose for _, _, loose in sizes)  # every phrase fits whole in its tile
    assert visible_and_inside(kiosk, ".k-service, #help")
    # "Đô thị" and "Môi trường" each stay on one line
    lines = kiosk.locator("[data-service='I'] .ph").evaluate_all(
        "els => els.map(e => [e.textContent, e.getClientRects().length])"
    )
    assert [text for text, _ in lines] == [
        "Xây dựng –",
        "Đô thị –",
        "Tài nguyên",
        "và",
        "Môi trường",
    ]
    assert all(rects == 1 for _, rects in lines)
    screenshot(kiosk, "kiosk-services-16")

    kiosk.click("#large")
    kiosk.wait_for_function("() => document.body.classList.contains('large')")
    layout = kiosk.evaluate("window.qmsKiosk.layout")
    assert layout["pages"] > 1
    font = kiosk.locator(".k-svc-name").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert font >= 52
    assert visible_and_inside(kiosk, ".k-service, #page-next")
    screenshot(kiosk, "kiosk-large-text-16")
    shown = kiosk.locator(".k-service").count()
    kiosk.click("#page-next")
    kiosk.wait_for_function(
        f"() => window.qmsKiosk.layout.page === 1 && window.qmsKiosk.layout.perPage === {shown}"
    )
    assert kiosk.locator("#page-no").inner_text() == f"Trang 2/{layout['pages']}"
    # the large text stays for this citizen's ticket, then the next citizen starts normal
    take_number(kiosk, kiosk.locator(".k-service").first.get_attribute("data-service"))
    kiosk.click("#done")
    kiosk.wait_for_selector("#screen-services", state="visible")
    assert not kiosk.evaluate("document.body.classList.contains('large')")
    assert kiosk.evaluate("window.qmsKiosk.layout.pages") == 1


def closed_now_calendar():
    """Every day one hour of reception that does not include the present local time."""
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    start = now.hour + 2 if now.hour < 20 else 1
    span = [f"{start:02d}:00", f"{start + 1:02d}:00"]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return {"weekly": {d: [span] for d in days}, "holidays": [], "cutoff_minutes": 0}


def test_closed_paused_and_sold_out_are_said_plainly(live, open_page, screenshot):
    admin = live.token()
    kiosk = open_kiosk(open_page, live)

    # a daily cap of one: after the first number the tile is greyed, "Đã hết số hôm nay"
    admin_put(live, "/api/v1/services/B", {"name": "Chứng thực", "position": 1, "daily_cap": 1})
    take_number(kiosk, "B")
    kiosk.click("#done")
    kiosk.wait_for_selector("[data-service='B'][data-state='full']")
    assert kiosk.locator("[data-service='B'] .k-svc-note").inner_text() == "Đã hết số hôm nay"
    screenshot(kiosk, "kiosk-cap-reached")
    kiosk.click("[data-service='B']", force=True)  # aria-disabled: a touch still lands
    kiosk.wait_for_selector("#toast:has-text('Lĩnh vực này đã hết số hôm nay')")
    assert kiosk.get_attribute("body", "data-screen") == "services"

    # outside opening hours: the closed screen says when reception opens again
    calendar = requests.put(
        live.url + "/api/v1/calendar", json=closed_now_calendar(), headers=admin, timeout=10
    )
    assert calendar.ok, calendar.text
    next_open = datetime.fromisoformat(calendar.json()["next_open"])
    local = next_open.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    kiosk.wait_for_selector("body[data-state='closed']")
    assert kiosk.locator("#closed h1").inner_text() == "Hiện ngoài giờ tiếp nhận hồ sơ"
    assert kiosk.locator("#reopen-label").inner_text() == "Trung tâm tiếp nhận hồ sơ trở lại lúc"
    assert kiosk.locator("#reopen b").inner_text() == local.strftime("%H:%M")
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    day_word = {today: "Hôm nay", today + timedelta(days=1): "Ngày mai"}[local.date()]
    assert kiosk.locator("#reopen span").inner_text().startswith(day_word + " (")
    assert local.strftime("%d/%m/%Y") in kiosk.locator("#reopen span").inner_text()
    assert visible_and_inside(kiosk, "#closed h1, #reopen, #help")
    screenshot(kiosk, "kiosk-closed")
    refused = requests.post(live.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "closed")

    # reception paused centre-wide: said with its reason, above the closed screen
    paused = requests.post(
        live.url + "/api/v1/reception",
        json={"paused": True, "reason": "Mất điện"},
        headers=admin,
        timeout=10,
    )
    assert paused.ok, paused.text
    kiosk.wait_for_selector("body[data-state='paused']")
    assert kiosk.locator("#paused h1").inner_text() == "Trung tâm tạm dừng tiếp nhận hồ sơ"
    assert kiosk.locator("#paused-reason").inner_text().startswith("Lý do: Mất điện")
    assert kiosk.locator("#closed").is_hidden()
    requests.delete(live.url + "/api/v1/calendar", headers=admin, timeout=10).raise_for_status()
    kiosk.wait_for_function("() => window.qmsKiosk.board.open_now === true")
    assert kiosk.get_attribute("body", "data-state") == "paused"
    screenshot(kiosk, "kiosk-paused")

    # resumed: the services are back and a number is taken
    requests.post(
        live.url + "/api/v1/reception", json={"paused": False}, headers=admin, timeout=10
    ).raise_for_status()
    kiosk.wait_for_selector("body[data-state='open']")
    assert take_number(kiosk, "A")["code"] == "A001"


def test_a_refusal_the_board_has_not_shown_yet_is_said_too(live, open_page):
    """The kiosk tapped between a pause and the board push: the 409 itself raises the screen."""
    kiosk = open_kiosk(open_page, live)
    body = {"error": {"code": "paused", "message": "x", "reason": "Hệ thống gián đoạn"}}
    kiosk.route("**/api/v1/tickets", lambda route: route.fulfill(status=409, json=body))
    kiosk.click("[data-service='A']")
    kiosk.click("#no-priority")
    kiosk.wait_for_selector("body[data-state='paused']")
    assert kiosk.locator("#paused-reason").inner_text() == "Lý do: Hệ thống gián đoạn"

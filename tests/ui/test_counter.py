"""The counter page in Debian's chromium against a real `qms serve`."""

import re

import pytest
import requests

from tests.browser import OFFICER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECOND = ("officer2", "second-desk-pass-7")


def login_at_counter(open_page, live, number=1, user=OFFICER):
    counter = open_page(live.url + "/counter", "counter")
    counter.fill("#username", user[0])
    counter.fill("#password", user[1])
    counter.click("button[type=submit]")
    counter.wait_for_url(re.compile(r"/counter$"))
    counter.click(f"[data-number='{number}']")
    counter.wait_for_selector("#counter-state[data-state='open']")
    return counter


def code_shown(page, code):
    page.wait_for_function(f"document.getElementById('cur-code').textContent === '{code}'")


def test_a_kiosk_help_request_reaches_the_officer_and_is_acknowledged(
    live, open_page, api, screenshot
):
    counter = login_at_counter(open_page, live, 2)  # a second browser: its own context
    display = open_page(live.url + "/display", "display")  # the kiosk hears as a display does
    display.wait_for_selector("body[data-connected='1']")
    display.evaluate(
        "window.acks = []; window.qmsDisplay.socket.on('help_acknowledged', h => window.acks.push(h))"
    )
    made = api("POST", "/api/v1/help-requests", {"kiosk": "k1"})
    assert made.status_code == 201
    item = counter.wait_for_selector(f".c-help-item[data-help='{made.json()['id']}']")
    assert "Công dân cần hỗ trợ tại máy lấy số k1" in item.inner_text()
    screenshot(counter, "counter-help")
    counter.click(f"[data-ack='{made.json()['id']}']")
    counter.wait_for_selector(".c-help-item.taken:has-text('officer1 đang đến hỗ trợ')")
    display.wait_for_function("window.acks.length === 1")
    assert display.evaluate("window.acks[0].acknowledged_by") == "officer1"
    open_now = api("GET", "/api/v1/help-requests?open=1", staff=True).json()
    assert open_now == []


def test_enter_while_paused_says_why_nothing_was_called(live, open_page, api):
    assert api("POST", "/api/v1/tickets", {"service": "A"}).status_code == 201
    counter = login_at_counter(open_page, live)
    counter.keyboard.press("9")  # pauses at once, then asks why
    counter.wait_for_selector("#counter-state[data-state='paused']")
    counter.wait_for_selector("#dlg-pause[open]")
    counter.keyboard.press("Escape")  # no reason
    counter.keyboard.press("Enter")
    counter.wait_for_selector(
        "#msg[data-kind='warn']:has-text('Quầy đang tạm dừng nên chưa gọi số')"
    )
    assert counter.locator("#cur-code").inner_text() == "—"
    assert requests.get(live.url + "/api/v1/counters/1", timeout=5).json()["reason"] is None


def test_an_idle_counter_is_told_when_a_citizen_arrives(live, open_page, api):
    counter = login_at_counter(open_page, live)
    counter.wait_for_selector("#queue li.empty")
    assert api("POST", "/api/v1/tickets", {"service": "A"}).status_code == 201
    counter.wait_for_selector("body[data-arrivals='1']")
    counter.wait_for_selector("#msg:has-text('Có công dân mới đang chờ quầy của bạn')")
    assert requests.get(live.url + "/api/v1/counters/1", timeout=5).json()["current"] is None


def test_the_desk_calls_a_number_transfers_to_a_counter_pauses_and_is_taken_over(
    live, open_page, api, screenshot
):
    live.qms("user", "add", SECOND[0], "--role", "officer", "--password", SECOND[1])
    for service, priority in (("A", None), ("A", None), ("B", "elderly"), ("A", None), ("C", None)):
        body = {"service": service, **({"priority": priority} if priority else {})}
        assert api("POST", "/api/v1/tickets", body).status_code == 201
    display = open_page(live.url + "/display", "display")
    display.wait_for_selector("body[data-connected='1']")
    first = login_at_counter(open_page, live, 1)
    first.wait_for_selector("#queue li[data-code='A003']")

    # a given number, typed on the keypad's spare key 2: A003, out of turn
    first.keyboard.press("2")
    first.wait_for_selector("#dlg-call[open]")
    first.keyboard.type("a3")
    first.keyboard.press("Enter")
    code_shown(first, "A003")
    first.wait_for_selector("#msg[data-kind='ok']:has-text('Đã gọi A003')")
    # a number this counter does not serve is refused in words, and nothing changes
    first.keyboard.press("2")
    first.keyboard.type("C001")
    first.keyboard.press("Enter")
    first.wait_for_selector(
        "#call-error:has-text('Số C001 thuộc lĩnh vực Đất đai, quầy này không phục vụ.')"
    )
    screenshot(first, "counter-call")
    first.keyboard.press("Escape")
    code_shown(first, "A003")

    # transfer to counter 2: "+" switches the dialog to counters, a digit picks one
    first.keyboard.press("/")
    first.wait_for_selector("#dlg-transfer[open]")
    first.keyboard.press("+")
    first.wait_for_selector("#transfer-list [data-counter='2']")
    screenshot(first, "counter-transfer")
    first.keyboard.press("1")  # counter 2: the list leaves out this counter
    first.wait_for_selector("#msg[data-kind='ok']:has-text('Đã chuyển sang Quầy 2 (A003)')")
    code_shown(first, "—")

    # counter 2's officer (C, D, H) gets A003 before C001, which waited longer
    second = login_at_counter(open_page, live, 2, SECOND)
    second.wait_for_selector("#queue li.mine[data-code='A003']")
    codes = second.locator("#queue li[data-code]").evaluate_all(
        "items => items.map(li => li.dataset.code)"
    )
    assert codes == ["A003", "C001"]
    second.keyboard.press("Enter")
    code_shown(second, "A003")

    # the day's figures: A003 transferred by officer1
    first.wait_for_function("document.getElementById('day-transferred').textContent === '1'")
    first.keyboard.press("Enter")  # B001 (priority) next
    code_shown(first, "B001")
    first.keyboard.press("0")
    code_shown(first, "—")
    first.wait_for_function("document.getElementById('day-served').textContent === '1'")
    first.keyboard.press("Enter")
    code_shown(first, "A001")
    assert first.get_attribute("#paper-link", "href") == "/paper?ticket=A001"

    # a staff-issued ticket (key 3): the counter's own services come first
    first.keyboard.press("3")
    first.wait_for_selector("#dlg-issue[open]")
    first.click("#issue-priority [data-priority='elderly']")
    screenshot(first, "counter-issue")
    first.keyboard.press("2")  # B, the counter's second service
    first.wait_for_selector("#msg[data-kind='ok']:has-text('Đã cấp số B002 · Chứng thực')")
    issued = api("GET", "/api/v1/counters/1/queue", staff=True).json()["waiting"]
    assert [(t["code"], t["priority"]) for t in issued] == [("B002", "elderly"), ("A002", None)]
    first.wait_for_timeout(12200)  # the confirmation fades, as the officer sees the desk
    first.wait_for_selector("#next-line:has-text('Người tiếp theo: B002 · Chứng thực')")
    screenshot(first, "counter-desk")

    # pause with a reason: the display's tile says it
    first.keyboard.press("9")
    first.wait_for_selector("#dlg-pause[open]")
    first.keyboard.press("2")
    first.wait_for_selector("#paused-reason:has-text('Họp, làm việc khác')")
    assert first.locator("#counter-state").inner_text() == "Tạm dừng"
    tile = display.wait_for_selector(
        ".d-counter[data-counter='1'] .d-counter-reason:has-text('Họp, làm việc khác')"
    )
    assert tile.is_visible()
    first.wait_for_timeout(5200)  # "Đã tạm dừng quầy" gives way to the paused banner
    first.wait_for_selector("#paused-banner:visible")
    screenshot(first, "counter-paused")
    screenshot(display, "display-counter-paused")

    # officer2 opens counter 1 in another browser: who holds it, and take over
    third = open_page(live.url + "/counter", "counter")
    third.fill("#username", SECOND[0])
    third.fill("#password", SECOND[1])
    third.click("button[type=submit]")
    third.wait_for_url(re.compile(r"/counter$"))
    held_tile = third.wait_for_selector("[data-number='1'][data-held='1']")
    assert "Đang làm việc: officer1" in held_tile.inner_text()
    held_tile.click()
    third.wait_for_selector("#app[data-view='held']")
    assert third.locator("#held-name").inner_text() == "officer1"
    assert third.locator("#held-counter").inner_text() == "Quầy 1"
    screenshot(third, "counter-held")
    third.click("#take-over")
    third.wait_for_selector("#app[data-view='work']")
    third.wait_for_selector("#counter-name:has-text('Quầy 1')")
    code_shown(third, "A001")
    # the first page is told over Socket.IO and goes back to the counter picker
    first.wait_for_selector("#app[data-view='choose']")
    first.wait_for_selector("#msg[data-kind='warn']:has-text('officer2 đã nhận quầy này')")
    assert first.evaluate("localStorage.getItem('qms.counter')") is None
    first.wait_for_selector("[data-number='1'][data-held='1']:has-text('Đang làm việc: officer2')")
    screenshot(first, "counter-taken-over")
    holds = api("GET", "/api/v1/counter-holds", staff=True).json()
    assert sorted((h["counter"], h["holder"]["name"]) for h in holds) == [
        (1, "officer2"),
        (2, "officer2"),
    ]

"""The centre sets itself up in Debian's chromium against a real `qms serve`: services,
counters, an officer with a one-time password, the lock and its reset, the calendar's 409,
and `next` that never leaves the site. Every wait waits for behaviour, never for time."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser import OFFICER

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def login(page, username, password):
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_admin_sets_up_a_service_a_counter_and_an_officer_who_then_calls(
    live, open_page, screenshot
):
    admin = open_page(live.url + "/login?next=/admin/services", "counter")
    login(admin, "admin", live.admin_password)
    admin.wait_for_url(re.compile(r"/admin/services$"))
    screenshot(admin, "admin-services")

    admin.fill("#new-code", "K")
    admin.fill("#new-name", "Tư pháp")
    admin.fill("#new-name-en", "Justice")
    admin.fill("#new-description", "Chứng thực bản sao, chữ ký")
    admin.fill("#new-cap", "50")
    admin.click("#add-service button[type=submit]")
    admin.wait_for_selector("tr[data-service='K']")
    assert "Đã thêm lĩnh vực K." in admin.locator(".ok-box").inner_text()

    admin.goto(live.url + "/admin/counters")
    admin.fill("#new-number", "5")
    admin.fill("#new-cname", "Quầy 5 – Tư pháp")
    admin.fill("#new-services", "K, A")
    admin.click("#add-counter button[type=submit]")
    admin.wait_for_selector("tr[data-counter='5']")
    assert admin.locator("tr[data-counter='5'] input[name=services]").input_value() == "K, A"

    admin.goto(live.url + "/admin/users")
    admin.fill("#new-username", "an.lv")
    admin.fill("#new-full-name", "Lê Văn An")
    admin.fill("#new-title", "Công chức Tư pháp – Hộ tịch")
    admin.select_option("#new-role", "officer")
    admin.click("#add-user button[type=submit]")
    admin.wait_for_selector("#one-time-password")
    one_time = admin.locator("#one-time-password").inner_text()
    assert len(one_time) == 16
    screenshot(admin, "admin-users-one-time")
    admin.goto(live.url + "/admin/users")
    assert one_time not in admin.content()  # shown once

    ticket = requests.post(live.url + "/api/v1/tickets", json={"service": "K"}, timeout=10).json()
    assert ticket["code"] == "K001"

    officer = open_page(live.url + "/counter", "counter")
    login(officer, "an.lv", one_time)
    officer.wait_for_url(re.compile(r"/password\?next=/counter$"))
    assert officer.locator("#must-change").is_visible()
    screenshot(officer, "password-change")
    officer.goto(live.url + "/counter")  # nothing opens before the change
    officer.wait_for_url(re.compile(r"/password"))
    officer.fill("#current_password", one_time)
    officer.fill("#new_password", "sông Lam nước trong")
    officer.fill("#confirm_password", "sông Lam nước trong")
    officer.click("button[type=submit]")
    officer.wait_for_url(re.compile(r"/counter$"))
    officer.click("[data-number='5']")
    officer.wait_for_selector("#queue li[data-code='K001']")
    officer.click("[data-action='next']")
    officer.wait_for_function("document.getElementById('cur-code').textContent === 'K001'")

    admin.goto(live.url + "/admin/audit")
    audit = admin.locator("#audit").inner_text()
    assert "Thêm lĩnh vực K – Tư pháp" in audit
    assert "Thêm quầy 5 – Quầy 5 – Tư pháp" in audit
    assert "Tạo tài khoản an.lv (officer)" in audit
    assert "an.lv đổi mật khẩu" in audit
    screenshot(admin, "admin-audit")


def test_a_locked_account_and_its_reset(live, open_page, screenshot):
    officer = open_page(live.url + "/login", "counter")
    for _ in range(5):
        login(officer, OFFICER[0], "not-my-password")
        officer.wait_for_selector(".error-box")
    message = officer.locator(".error-box").inner_text()
    assert "Tài khoản đang tạm khóa vì nhập sai mật khẩu 5 lần liên tiếp" in message
    login(officer, OFFICER[0], OFFICER[1])  # even the right password waits
    officer.wait_for_selector(".error-box")
    assert "tạm khóa" in officer.locator(".error-box").inner_text()
    screenshot(officer, "login-locked")

    admin = open_page(live.url + "/login?next=/admin/users", "counter")
    login(admin, "admin", live.admin_password)
    admin.wait_for_url(re.compile(r"/admin/users$"))
    row = admin.locator(f"tr[data-user='{OFFICER[0]}']")
    assert "Đang khóa đến" in row.inner_text()
    screenshot(admin, "admin-users-locked")
    row.locator("button[data-action='reset']").click()
    admin.wait_for_selector("#one-time-password")
    one_time = admin.locator("#one-time-password").inner_text()

    login(officer, OFFICER[0], one_time)
    officer.wait_for_url(re.compile(r"/password"))
    officer.fill("#current_password", one_time)
    officer.fill("#new_password", "hoa phượng đỏ sân trường")
    officer.fill("#confirm_password", "hoa phượng đỏ sân trường")
    officer.click("button[type=submit]")
    officer.wait_for_url(re.compile(r"/counter$"))
    incidents = requests.get(
        live.url + "/api/v1/incidents?status=open", headers=live.token(), timeout=10
    ).json()
    assert [i["type"]["code"] for i in incidents if i["source_key"] == f"account:{OFFICER[0]}"] == [
        "2.2"
    ]


def test_the_api_answers_409_closed_outside_the_calendar(live):
    admin = live.token()
    now = datetime.now(ZONE)
    # one short span every day, far from now: reception is closed at this moment
    start = (now + timedelta(hours=6)).replace(minute=0, second=0, microsecond=0)
    span = [start.strftime("%H:%M"), (start + timedelta(minutes=30)).strftime("%H:%M")]
    if span[1] < span[0]:
        span = ["03:00", "03:30"]
    week = {d: [span] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    r = requests.put(
        live.url + "/api/v1/calendar", json={"weekly": week}, headers=admin, timeout=10
    )
    assert r.status_code == 200, r.text
    assert r.json()["open_now"] is False
    expected = r.json()["next_open"]
    assert expected is not None
    refused = requests.post(live.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "closed"
    assert refused.json()["error"]["next_open"] == expected
    assert "hết giờ tiếp nhận" in refused.json()["error"]["message"]
    board = requests.get(live.url + "/api/v1/board", timeout=10).json()
    assert (board["open_now"], board["next_open"]) == (False, expected)
    staff = live.token(*OFFICER)
    ok = requests.post(
        live.url + "/api/v1/tickets",
        json={"service": "A", "override": True},
        headers=staff,
        timeout=10,
    )
    assert ok.status_code == 201
    assert ok.json()["code"] == "A001"


def test_next_with_a_tab_stays_on_the_site(live, open_page):
    page = open_page(live.url + "/login?next=/%09/example.org", "counter")
    login(page, *OFFICER)
    page.wait_for_url(re.compile(r"/counter$"))
    assert page.url == live.url + "/counter"


def _add_counters(live, upto):
    admin = live.token()
    codes = ["A", "B", "C", "D", "E", "F", "G", "H", "T"]
    for n in range(5, upto + 1):
        services = [codes[n % 9], codes[(n + 3) % 9]]
        r = requests.put(
            live.url + f"/api/v1/counters/{n}",
            json={
                "name": f"Quầy {n}",
                "services": services,
                "state": "open" if n % 5 else "paused",
            },
            headers=admin,
            timeout=10,
        )
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("counters", [8, 16])
def test_admin_pages_at_8_and_16_counters(live, open_page, screenshot, counters):
    _add_counters(live, counters)
    page = open_page(live.url + "/login?next=/admin/counters", "counter")
    login(page, "admin", live.admin_password)
    page.wait_for_url(re.compile(r"/admin/counters$"))
    assert page.locator("#counters tbody tr").count() == counters
    # nothing wider than the officer's 1366-pixel screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, f"admin-counters-{counters}")
    full = screenshot(page, f"admin-counters-{counters}-full")
    page.screenshot(path=str(full), full_page=True)
    for name in ("services", "priorities", "centre", "calendar"):
        page.goto(live.url + f"/admin/{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, name
        screenshot(page, f"admin-{name}-{counters}")

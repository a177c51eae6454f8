"""The paper register in chromium: an officer records a dossier in seconds, its slip prints on
the ticket printer, it is entered and returned; IT sees and hears a new incident on any page."""

import pytest
import requests

from tests import waiting
from tests.browser import OFFICER

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IT = ("it1", "cntt-pass-42")


def login(page, user, password, next_url):
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**" + next_url.split("?")[0] + "*")


def wait_for(predicate, what, patience=20):
    return waiting.wait_for(predicate, what, patience, 0.1)


def test_officer_records_enters_and_returns_a_paper_dossier(live, open_page, screenshot):
    page = open_page(live.url + "/login?next=/paper", "counter")
    login(page, *OFFICER, "/paper")
    assert page.locator(".empty").inner_text() == "Không còn hồ sơ giấy nào chờ xử lý."
    page.fill("#citizen_name", "Nguyễn Thị Ánh Tuyết")
    page.fill("#phone", "0977 606 968")
    page.fill("#procedure", "Đăng ký khai sinh")
    page.fill("#documents", "Tờ khai đăng ký khai sinh\nGiấy chứng sinh")
    assert page.locator("input[name=print_slip]").is_checked()  # the live server has a printer
    printed_before = live.printer_path.stat().st_size if live.printer_path.exists() else 0
    page.click("button.pp-save")
    page.wait_for_selector(".flash.ok")
    flash = page.locator(".flash.ok").inner_text()
    assert flash.startswith("Đã ghi nhận hồ sơ HSG-")
    assert "Đang in giấy hẹn trên máy in vé." in flash
    item = page.locator(".pp-item").first
    assert "Nguyễn Thị Ánh Tuyết · 0977.606.968" in item.inner_text()
    assert "Chờ nhập hệ thống" not in item.inner_text()
    assert item.locator(".pill.received").inner_text() == "Đã tiếp nhận, chờ nhập hệ thống"
    wait_for(
        lambda: live.printer_path.exists() and live.printer_path.stat().st_size > printed_before,
        "the slip on the ticket printer",
    )
    screenshot(page, "paper-register-counter")

    item.locator("input[name=official_code]").fill("000.00.23.H42-261124-0007")
    item.locator("button:has-text('Đã nhập hệ thống')").click()
    page.wait_for_selector(".pp-item .pill.entered")
    assert "000.00.23.H42-261124-0007" in page.locator(".pp-item").first.inner_text()
    page.locator("button:has-text('Đã trả kết quả')").click()
    page.wait_for_selector(".empty")
    assert page.locator(".pp-count").first.inner_text() == "0 chờ nhập hệ thống"
    headers = live.token(*OFFICER)
    [dossier] = requests.get(live.url + "/api/v1/paper-dossiers", headers=headers, timeout=5).json()
    assert (dossier["status"], dossier["official_code"]) == (
        "returned",
        "000.00.23.H42-261124-0007",
    )
    assert dossier["documents"] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]

    # the citizen's phone opens the slip's QR link: no name, no phone
    phone = open_page(dossier["status_url"], "phone")
    assert phone.locator(".code").inner_text() == dossier["code"]
    assert phone.locator(".state").inner_text() == "Đã trả kết quả"
    assert "Nguyễn" not in phone.content()
    screenshot(phone, "paper-status-phone")


def test_it_sees_and_hears_a_new_incident_and_officers_see_the_reminder(
    live, open_page, screenshot
):
    live.qms("user", "add", IT[0], "--role", "it", "--password", IT[1])
    it_page = open_page(live.url + "/login?next=/admin/devices", "counter")
    login(it_page, *IT, "/admin/devices")
    it_page.wait_for_function("window.QMS_STAFF_ALERTS && window.QMS_STAFF_ALERTS.connected")
    officer = live.token(*OFFICER)
    requests.post(
        live.url + "/api/v1/paper-dossiers",
        json={"citizen_name": "Lê Văn Cường", "procedure": "Chứng thực chữ ký"},
        headers=officer,
        timeout=5,
    ).raise_for_status()
    incident = requests.post(
        live.url + "/api/v1/incidents",
        json={"type": "2.4", "description": "Phần mềm một cửa không truy cập được"},
        headers=officer,
        timeout=5,
    ).json()
    alert = it_page.wait_for_selector(f".sa-alert[data-incident='{incident['id']}']")
    assert alert.query_selector("b").inner_text() == "Sự cố mới: 2.4 Sập hệ thống phần mềm"
    assert alert.query_selector("a").get_attribute("href") == f"/incidents/{incident['id']}"
    screenshot(it_page, "incident-alert-it")

    counter = open_page(live.url + f"/login?next=/incidents/{incident['id']}", "counter")
    login(counter, *OFFICER, f"/incidents/{incident['id']}")
    bar = counter.wait_for_selector(".sa-paper")
    assert "1 hồ sơ giấy chưa nhập hệ thống" in bar.inner_text()
    entry = counter.locator("a:has-text('Ghi nhận hồ sơ giấy')")
    entry.click()
    counter.wait_for_url("**/paper?incident=*")
    assert counter.locator("#incident").input_value() == str(incident["id"])
    screenshot(counter, "paper-from-incident")

"""An IT officer on a phone works an incident through the real pages, in chromium."""

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_report_tick_publish_and_resolve_an_incident_on_a_phone(live, open_page):
    phone = open_page(live.url + "/login?next=/incidents/new", "phone")
    phone.fill("#username", "admin")
    phone.fill("#password", live.admin_password)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/incidents/new")

    phone.check("input[name=type][value='2.1']")
    phone.fill("#description", "Máy in quầy 2 báo hết giấy")
    phone.click("button.btn-big")
    phone.wait_for_url("**/incidents/*")
    assert phone.locator("h1").inner_text() == "2.1. Máy in hết giấy, hết mực"

    # the plan's first handling step, ticked from the checklist
    phone.locator("button.tick").first.click()
    phone.wait_for_selector("button.tick:has-text('✓')")

    # tell citizens: the notice reaches the display's board
    phone.click("form[action$='/notice'] button")
    phone.wait_for_load_state()
    notices = requests.get(live.url + "/api/v1/board", timeout=5).json()["notices"]
    assert any("khắc phục sự cố" in n["text"] for n in notices)

    phone.fill("#res-text", "Đã thay cuộn giấy mới")
    phone.click("form[action$='/resolve'] button")
    phone.wait_for_load_state()
    incident_id = int(phone.url.rstrip("/").rsplit("/", 1)[-1])
    token = live.token()
    incident = requests.get(
        f"{live.url}/api/v1/incidents/{incident_id}", headers=token, timeout=5
    ).json()
    assert incident["status"] == "resolved"
    assert incident["resolution"] == "Đã thay cuộn giấy mới"
    assert incident["checklist"][0]["done"] is True
    # resolving withdrew the public notice
    assert requests.get(live.url + "/api/v1/board", timeout=5).json()["notices"] == []

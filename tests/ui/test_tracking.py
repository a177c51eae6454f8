"""The citizen's phone page in Debian's chromium against a real `qms serve`."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_phone_shows_counters_rings_when_called_and_cancels(live, open_page, api, screenshot):
    first = api("POST", "/api/v1/tickets", {"service": "A"}).json()
    mine = api("POST", "/api/v1/tickets", {"service": "A"}).json()
    phone = open_page(mine["track_url"], "phone")
    phone.evaluate(
        "window.vibrations = []; navigator.vibrate = p => { window.vibrations.push(p); return true; }"
    )
    phone.wait_for_selector("#track[data-status='waiting']")
    assert phone.locator("#counters").inner_text() == "Quầy 1, Quầy 4"
    phone.click("#alert-on")
    phone.wait_for_selector("#alert-ok", state="visible")

    assert (
        api("POST", "/api/v1/counters/1/call-next", {}, staff=True).json()["ticket"]["code"]
        == (first["code"])
    )
    phone.wait_for_function(
        f"document.getElementById('serving').textContent === '{first['code']} · Quầy 1'"
    )
    screenshot(phone, "track")

    assert (
        api("POST", "/api/v1/counters/4/call-next", {}, staff=True).json()["ticket"]["code"]
        == (mine["code"])
    )
    phone.wait_for_selector("#track[data-status='called']")
    phone.wait_for_selector("body[data-alerts='1']")
    assert "Đến lượt quý vị! Mời đến Quầy 4" in phone.locator("#status").inner_text()
    assert phone.evaluate("window.vibrations.length") >= 2  # the tap, then the call
    screenshot(phone, "track-called")


def test_cancel_asks_first_then_cancels(live, open_page, api):
    mine = api("POST", "/api/v1/tickets", {"service": "B"}).json()
    phone = open_page(mine["track_url"], "phone")
    phone.wait_for_selector("#track[data-status='waiting']")
    phone.click("#cancel")
    phone.wait_for_selector("#confirm", state="visible")
    phone.click("#cancel-no")
    assert api("GET", f"/api/v1/tickets/{mine['id']}").json()["status"] == "waiting"
    phone.click("#cancel")
    phone.click("#cancel-yes")
    phone.wait_for_selector("#track[data-status='cancelled']")
    assert "Số thứ tự đã được hủy" in phone.locator("#status").inner_text()
    assert api("GET", f"/api/v1/tickets/{mine['id']}").json()["status"] == "cancelled"
    token = mine["track_url"].rsplit("/", 1)[-1]
    again = api("POST", f"/api/v1/track/{token}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_waiting"

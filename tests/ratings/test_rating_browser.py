"""Real chromium on a real `qms serve`: a finished ticket rated from the citizen's phone page and
from the counter-side tablet; the report page with its charts; the live dashboard."""

import os
from datetime import datetime, timedelta

import pytest
import requests

from tests.browser import OFFICER, SCREENSHOTS, WAIT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TABLET = ("tablet1", "tablet-pass-42")
LEADER = ("giamdoc", "leader-pass-42")


def _admin(live):
    return live.token("admin", live.admin_password)


def _ratings(live):
    r = requests.get(live.url + "/api/v1/ratings", headers=_admin(live), timeout=10)
    r.raise_for_status()
    return r.json()


def _serve(api, service="A"):
    """Issue a ticket, call it at counter 1; returns the ticket (the caller completes it)."""
    ticket = api("POST", "/api/v1/tickets", {"service": service}).json()
    called = api("POST", "/api/v1/counters/1/call-next", {}, staff=True).json()
    assert called["ticket"]["id"] == ticket["id"]
    return ticket


def _login(page, live, user, password, next_url):
    page.goto(f"{live.url}/login?next={next_url}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_a_citizen_rates_from_the_phone_page(live, api, open_page, screenshot):
    ticket = _serve(api)
    phone = open_page(ticket["track_url"].replace("http://qms.test", live.url), "phone")
    phone.wait_for_selector("#track[data-status=called]")
    assert phone.locator("#rating").is_hidden()
    api("POST", "/api/v1/counters/1/complete", {}, staff=True)
    phone.wait_for_selector("#track[data-status=done]")
    phone.wait_for_selector("#rating .rw-ask >> visible=true")
    screenshot(phone, "rating-phone")
    phone.click(".rw-level.rw-low")
    phone.wait_for_selector(".rw-why >> visible=true")
    phone.click('.rw-reason[data-reason="unclear_guidance"]')
    phone.fill("#rw-comment", "Cần hướng dẫn kỹ hơn về giấy tờ")
    phone.click("#rw-send")
    phone.wait_for_selector(".rw-thanks >> visible=true")
    assert "Không hài lòng" in phone.inner_text(".rw-thanks")
    screenshot(phone, "rating-phone-thanks")
    [rating] = _ratings(live)
    assert (rating["code"], rating["score"], rating["reason"], rating["source"]) == (
        ticket["code"],
        1,
        "unclear_guidance",
        "phone",
    )
    assert rating["comment"] == "Cần hướng dẫn kỹ hơn về giấy tờ"
    # reloaded later, the page says it was rated instead of asking again
    phone.reload()
    phone.wait_for_selector(".rw-thanks >> visible=true")
    assert phone.locator(".rw-ask").is_hidden()


def test_a_citizen_rates_on_the_counter_side_tablet(live, api, browser, screenshot):
    live.qms("user", "add", TABLET[0], "--role", "device", "--password", TABLET[1])
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    errors = []
    try:
        tablet = context.new_page()
        tablet.set_default_timeout(WAIT_MS)
        tablet.on("pageerror", lambda exc: errors.append(str(exc)))
        _login(tablet, live, *TABLET, "/rate?counter=1")
        tablet.wait_for_selector("#rate[data-state=sleep]")
        tablet.wait_for_function(
            "!document.getElementById('offline') || document.getElementById('offline').hidden"
        )
        screenshot(tablet, "rating-tablet-sleep")
        ticket = _serve(api)
        api("POST", "/api/v1/counters/1/complete", {}, staff=True)
        tablet.wait_for_selector("#rate[data-state=ask]")
        assert tablet.inner_text("#code") == ticket["code"]
        screenshot(tablet, "rating-tablet")
        tablet.click('.rt-level[data-score="3"]')
        tablet.wait_for_selector("#rate[data-state=thanks]")
        screenshot(tablet, "rating-tablet-thanks")
        tablet.wait_for_selector("#rate[data-state=sleep]")  # sleeps again by itself
        [rating] = _ratings(live)
        assert (rating["ticket"], rating["score"], rating["source"], rating["counter"]) == (
            ticket["id"],
            3,
            "counter_page",
            1,
        )
        # the officer's own session cannot open the tablet's page nor rate through it
        officer_headers = live.token(*OFFICER)
        refused = requests.post(
            live.url + "/api/v1/ratings",
            json={"ticket": ticket["id"], "score": 3},
            headers=officer_headers,
            timeout=10,
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "staff_cannot_rate")
    finally:
        context.close()
    assert errors == []


@pytest.fixture
def live_history(tmp_path):
    """A live server over four months of a busy centre, with a leader and named officers."""
    from qms import create_app
    from qms.liveserver import LiveServer
    from qms.reports.history import ZONE, busy_days, write

    server = LiveServer(tmp_path / "history")
    server.init()
    server.qms("user", "add", LEADER[0], "--role", "leader", "--password", LEADER[1])
    names = ("Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Mai", "Phạm Quốc Bảo")
    for n, name in enumerate(names, start=1):
        server.qms(
            "user",
            "add",
            f"canbo{n}",
            "--role",
            "officer",
            "--password",
            "pw-" + "x" * 10,
            "--name",
            name,
        )
    app = create_app({"DATA_DIR": str(server.data_dir)})
    with app.app_context():
        from sqlalchemy import select

        from qms.auth.models import User
        from qms.extensions import get_db

        with get_db().write() as s:
            officers = list(
                s.scalars(select(User.id).where(User.username.like("canbo%")).order_by(User.id))
            )
            today = datetime.now(ZONE).date()
            # today included whatever the hour: /admin shows a day's worth of figures
            write(s, busy_days(today - timedelta(days=120), today, officers, 160))
    app.extensions["qms"].db.dispose()
    server.start()
    yield server
    server.stop()


def test_the_report_page_with_its_charts(live_history, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    errors = []
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _login(page, live_history, *LEADER, "/reports?period=quarter")
        page.wait_for_function(
            "['chart-days','chart-hours','chart-satisfaction'].every(id => window.Chart.getChart(id))"
        )
        bars = page.evaluate("window.Chart.getChart('chart-days').data.datasets[0].data.length")
        assert bars > 0
        target = SCREENSHOTS if os.environ.get("QMS_SCREENSHOTS") == "1" else None
        page.wait_for_timeout(400)
        shot = (target or live_history.data_dir) / "reports.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        page.click('.rp-tabs button[data-tab="officer"]')
        assert "Nguyễn Thị Lan" in page.inner_text('[data-panel="officer"]')
        xlsx = page.request.get(live_history.url + page.get_attribute("#export-xlsx", "href"))
        assert xlsx.ok and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        printable = context.new_page()
        printable.goto(live_history.url + page.get_attribute("#print", "href"))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printable.inner_text("body")
        printable.screenshot(path=str(shot.with_name("reports-print.png")), full_page=True)
        page.goto(live_history.url + "/admin")
        page.wait_for_function("window.Chart.getChart('chart-hours')")
        page.wait_for_timeout(400)
        page.screenshot(path=str(shot.with_name("reports-dashboard.png")), full_page=True)
    finally:
        context.close()
    assert errors == []


def test_the_dashboard_follows_today_live(live, api, browser):
    live.qms("user", "add", LEADER[0], "--role", "leader", "--password", LEADER[1])
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        _login(page, live, *LEADER, "/admin")
        page.wait_for_function("window.Chart.getChart('chart-hours')")
        before = int(page.inner_text("#kpi-issued"))
        api("POST", "/api/v1/tickets", {"service": "A"})
        page.wait_for_selector(f"#kpi-issued:text-is('{before + 1}')")
    finally:
        context.close()

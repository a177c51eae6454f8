"""The province page: every centre with its mode in words and colour, queues, incidents, last
seen (a silent centre flagged), one centre's incidents, and the cross-centre report."""

import sqlite3
from datetime import date, datetime, timedelta

import pytest
import requests

from qms.liveserver import LiveServer
from tests.forms import login_through_form

CENTRES = (
    ("TK", "Xã Tân Kỳ", "standalone", {"A": 7, "B": 3, "C": 2}, 4),
    ("NH", "Xã Nghĩa Hành", "fallback", {"A": 12, "B": 5, "D": 4}, 3),
    ("DL", "Xã Đồng Lạc", "standby", {"A": 1}, 2),
)


def ingest(url, token, records):
    r = requests.post(
        url + "/api/v1/province/ingest",
        json={"records": records},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()


def figures(day, issued, served, rated, satisfied, wait):
    return {
        "day": day.isoformat(),
        "is_final": True,
        "issued": issued,
        "served": served,
        "no_show": issued - served,
        "cancelled": 0,
        "wait_p50_min": wait,
        "wait_p90_min": wait * 2.2,
        "wait_avg_min": wait * 1.1,
        "wait_max_min": wait * 3,
        "within_target_pct": 80.0,
        "rated": rated,
        "satisfied": satisfied,
        "satisfied_pct": round(100 * satisfied / rated, 1),
        "ratings": [],
    }


def seed(url, tokens, today):
    """What three centres would have sent: mode, queue, incidents, a week of figures."""
    for n, (code, _, mode, waiting, counters) in enumerate(CENTRES):
        records = [
            {"seq": 1, "kind": "mode", "at": None, "data": {"mode": mode, "since": None}},
            {
                "seq": 2,
                "kind": "queue",
                "at": None,
                "data": {
                    "mode": mode,
                    "waiting": waiting,
                    "waiting_total": sum(waiting.values()),
                    "counters_open": counters,
                },
            },
        ]
        for k in range(1, 8):
            day = today - timedelta(days=k)
            records.append(
                {
                    "seq": 2 + k,
                    "kind": "figures",
                    "at": None,
                    "data": figures(day, 80 + 10 * n + k, 72 + 10 * n + k, 40, 36 - n, 6.5 + n),
                }
            )
        ingest(url, tokens[code], records)
    incidents = [
        (
            "NH",
            1,
            "2.8",
            "Lỗi hệ thống bấm số xếp hàng tự động QMS 1.2",
            "handling",
            "QMS 1.2 không cấp được số từ 07:40, đã chuyển sang hệ thống dự phòng.",
        ),
        ("NH", 2, "2.1", "Máy in hết giấy, hết mực", "reported", "Máy in tại ki-ốt hết giấy."),
        ("TK", 3, "2.7", "Sự cố mất điện", "resolved", "Mất điện 20 phút, đã có điện lại."),
    ]
    for n, (code, centre_id, kind, title, status, text) in enumerate(incidents):
        ingest(
            url,
            tokens[code],
            [
                {
                    "seq": 100 + n,
                    "kind": "incident",
                    "at": None,
                    "data": {
                        "centre_id": centre_id,
                        "type": kind,
                        "type_title": title,
                        "status": status,
                        "is_open": status in ("reported", "handling"),
                        "description": text,
                        "occurred_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    },
                }
            ],
        )


@pytest.fixture
def province(tmp_path):
    server = LiveServer(tmp_path / "province", env={"QMS_ROLE": "province"})
    server.init(demo=False)
    server.qms("user", "add", "pvlead", "--role", "leader", "--password", "province-pass-42")
    tokens = {
        code: server.qms("centre", "add", code, "--name", name).stdout.split()[-1]
        for code, name, *_ in CENTRES
    }
    server.start()
    yield server, tokens
    server.stop()


@pytest.mark.slow
def test_province_page_shows_every_centre(province, open_page, screenshot):
    server, tokens = province
    today = date.today()
    seed(server.url, tokens, today)
    # Đồng Lạc has been silent for three hours
    silent_since = datetime.utcnow() - timedelta(hours=3)
    with sqlite3.connect(server.data_dir / "qms.sqlite3") as db:
        db.execute(
            "UPDATE province_centres SET last_seen_dt = ? WHERE code = 'DL'",
            (silent_since.isoformat(sep=" "),),
        )
    page = open_page(server.url + "/province", "counter")
    page.fill("#username", "pvlead")
    page.fill("#password", "province-pass-42")
    page.click("button[type=submit]")
    page.wait_for_selector(".pv-table")
    rows = page.locator("#pv-live tbody tr")
    assert rows.count() == 3
    fallback = page.locator("tr[data-code=NH]")
    assert "Đang chạy dự phòng" in fallback.inner_text()
    assert "mode-fallback" in fallback.get_attribute("class")
    silent = page.locator("tr[data-code=DL]")
    assert "Mất liên lạc" in silent.inner_text()
    assert "3 giờ trước" in silent.inner_text()
    assert "Hoạt động độc lập" in page.locator("tr[data-code=TK]").inner_text()
    assert page.locator(".pv-kpi.alert b").inner_text() == "1"
    path = screenshot(page, "province")
    assert path.exists()
    page.set_viewport_size({"width": 1366, "height": 1500})
    screenshot(page, "province-full")
    page.click("tr[data-code=NH] a >> nth=0")
    page.wait_for_selector("text=Lỗi hệ thống bấm số")
    assert "Đang xử lý" in page.inner_text("main")
    screenshot(page, "province-centre")


@pytest.fixture
def province_page_client(province_app):
    return province_app.test_client()


def test_the_page_is_for_leadership_on_a_province(
    app, client, leader, province_app, province_page_client, add_centre
):
    from qms.auth.operations import create_user

    assert client.get("/province").status_code == 404  # a centre is no province
    add_centre("TK", "Xã Tân Kỳ")
    assert province_page_client.get("/province").status_code == 302  # log in first
    with province_app.app_context():
        create_user("pv-leader", "leader", "correct-horse-42")
        create_user("pv-officer", "officer", "correct-horse-42")
    other = province_app.test_client()
    login_through_form(other, "pv-officer", "correct-horse-42", "/province")
    assert other.get("/province").status_code == 403
    login_through_form(province_page_client, "pv-leader", "correct-horse-42", "/province")
    page = province_page_client.get("/province")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Xã Tân Kỳ" in text and "Chưa có dữ liệu" in text and "chưa từng liên lạc" in text
    live = province_page_client.get("/province/live")
    assert live.status_code == 200 and "Xã Tân Kỳ" in live.get_data(as_text=True)
    assert province_page_client.get("/province/centres/TK").status_code == 200
    assert province_page_client.get("/province/centres/NOPE").status_code == 404
    bad = province_page_client.get("/province?from=2026-13-01")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.get_data(as_text=True)

"""Issue 14's gaps in the incident module: alerts (e-mail through the centre's relay, the staff
pages' script), contacts with phone numbers, the pause in the timeline, Vietnamese-only 2.8
descriptions, drills and their reports."""

import time

import pytest

from qms import signals
from tests.relay import Relay

pytestmark = pytest.mark.storage


def test_a_new_incident_is_mailed_to_it_and_leadership(app, client, officer):
    pytest.importorskip("aiosmtpd")
    from email import message_from_string, policy

    with Relay() as relay:
        app.config.update(
            SMTP_URL=f"smtp://127.0.0.1:{relay.port}",
            INCIDENT_ALERT_EMAILS="it@tanky.gov.vn, giamdoc@tanky.gov.vn",
            MAIL_FROM="hcc-queue@tanky.gov.vn",
        )
        client.post(
            "/api/v1/incident-types/2.3",
            json={
                "contacts": [
                    "VNPT Nghệ An | 0238 3 800 126",
                    "Phó Giám đốc Trung tâm - 0977.606.968",
                ]
            },
            headers=officer["headers"],
        )
        incident = client.post(
            "/api/v1/incidents",
            json={"type": "2.3", "description": "Mất mạng Internet toàn Trung tâm"},
            headers=officer["headers"],
        ).get_json()
        assert relay.arrived.wait(10), "no e-mail reached the relay"
    [(to, raw)] = relay.messages
    assert to == ["it@tanky.gov.vn", "giamdoc@tanky.gov.vn"]
    mail = message_from_string(raw, policy=policy.default)
    assert mail["Subject"] == "Sự cố 2.3 Mất mạng Internet – TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    body = mail.get_content()
    assert "Mất mạng Internet toàn Trung tâm" in body
    assert f"http://qms.test/incidents/{incident['id']}" in body
    assert officer["username"] in body


def test_no_relay_configured_sends_nothing_and_reports_normally(client, officer):
    response = client.post("/api/v1/incidents", json={"type": "2.1"}, headers=officer["headers"])
    assert response.status_code == 201


def test_contacts_carry_phone_numbers(client, create_user):
    it = create_user("it")
    saved = client.post(
        "/api/v1/incident-types/2.8",
        json={
            "contacts": [
                "Phó Giám đốc Trung tâm | 0977.606.968",
                {"name": "Kỹ thuật VNPT tỉnh", "phone": "1800 1166"},
                "Nhà cung cấp dịch vụ QMS",
            ]
        },
        headers=it["headers"],
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["contacts"] == [
        {
            "name": "Phó Giám đốc Trung tâm",
            "phone": "0977.606.968",
            "phone_digits": "0977606968",
            "line": "Phó Giám đốc Trung tâm | 0977.606.968",
        },
        {
            "name": "Kỹ thuật VNPT tỉnh",
            "phone": "1800 1166",
            "phone_digits": "18001166",
            "line": "Kỹ thuật VNPT tỉnh | 1800 1166",
        },
        {
            "name": "Nhà cung cấp dịch vụ QMS",
            "phone": "",
            "phone_digits": "",
            "line": "Nhà cung cấp dịch vụ QMS",
        },
    ]
    bad = client.post(
        "/api/v1/incident-types/2.8",
        json={"contacts": [{"name": "VNPT", "phone": "gọi anh Nam"}]},
        headers=it["headers"],
    )
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (422, "invalid_phone")
    still = client.get("/api/v1/incident-types", headers=it["headers"]).get_json()
    assert [c["phone"] for c in still[7]["contacts"]] == ["0977.606.968", "1800 1166", ""]


def test_pause_and_resume_go_into_every_open_incident(app, client, officer, leader):
    first = client.post("/api/v1/incidents", json={"type": "2.7"}, headers=officer["headers"])
    second = client.post("/api/v1/incidents", json={"type": "2.3"}, headers=officer["headers"])
    closed = client.post("/api/v1/incidents", json={"type": "2.1"}, headers=officer["headers"])
    client.post(
        f"/api/v1/incidents/{closed.get_json()['id']}/resolve",
        json={"resolution": "Thay giấy"},
        headers=leader["headers"],
    )
    user = {"id": leader["id"], "username": leader["username"], "role": "leader", "name": "Trần B"}
    signals.reception_changed.send(app, paused=True, reason="Mất điện lưới", user=user)
    signals.reception_changed.send(app, paused=False, reason="", user=user)
    for incident in (first.get_json(), second.get_json()):
        timeline = client.get(
            f"/api/v1/incidents/{incident['id']}", headers=officer["headers"]
        ).get_json()["timeline"]
        assert [(e["kind"], e["summary"], e["user"]) for e in timeline[-2:]] == [
            (
                "reception_paused",
                "Lãnh đạo tạm dừng tiếp nhận toàn Trung tâm: Mất điện lưới",
                leader["username"],
            ),
            ("reception_resumed", "Tiếp nhận trở lại toàn Trung tâm", leader["username"]),
        ]
    resolved = client.get(
        f"/api/v1/incidents/{closed.get_json()['id']}", headers=officer["headers"]
    ).get_json()["timeline"]
    assert "reception_paused" not in [e["kind"] for e in resolved]


def test_the_automatic_qms_incident_is_described_in_vietnamese_only(app, client, officer):
    signals.mode_changed.send(
        app,
        old="standby",
        new="fallback",
        reason="Hệ thống QMS 1.2 không phản hồi. Primary QMS not responding "
        "(không kết nối được / cannot connect)",
        user=None,
        automatic=True,
    )
    [incident] = client.get("/api/v1/incidents", headers=officer["headers"]).get_json()
    assert incident["description"] == (
        "Hệ thống QMS 1.2 gặp sự cố (tự động phát hiện); chuyển sang bấm số dự phòng. "
        "Lý do: Hệ thống QMS 1.2 không phản hồi (không kết nối được)."
    )
    assert incident["is_drill"] is False


def test_a_running_drill_marks_what_it_provokes_and_its_report_is_listed_apart(
    app, client, officer, leader, clock
):
    clock("2026-11-23T09:00:00")
    started = client.post(
        "/api/v1/drills", json={"title": "Diễn tập quý IV"}, headers=leader["headers"]
    )
    assert started.status_code == 201
    drill = started.get_json()
    again = client.post("/api/v1/drills", json={}, headers=leader["headers"])
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "drill_running")
    assert client.post("/api/v1/drills", json={}, headers=officer["headers"]).status_code == 403
    signals.mode_changed.send(
        app, old="standby", new="fallback", reason="", user=None, automatic=True
    )
    [incident] = client.get("/api/v1/incidents", headers=officer["headers"]).get_json()
    assert incident["is_drill"] is True
    assert incident["description"].startswith("Diễn tập: ")
    clock("2026-11-23T09:20:00")
    steps = [
        {"name": "QMS 1.2 gặp sự cố", "ok": True, "detail": "", "seconds": 2.5},
        {"name": "Tạm dừng tiếp nhận", "ok": None, "detail": "bỏ qua"},
    ]
    finished = client.post(
        f"/api/v1/drills/{drill['id']}/finish",
        json={"steps": steps, "created": {"dossiers": ["HSG-261123-001"]}},
        headers=leader["headers"],
    ).get_json()
    assert finished["status"] == "finished" and finished["outcome"] == "passed"
    assert finished["created"] == {"incidents": [incident["id"]], "dossiers": ["HSG-261123-001"]}
    assert (finished["minutes"], finished["steps_passed"], finished["steps_skipped"]) == (20, 1, 1)
    bad = client.post(
        f"/api/v1/drills/{drill['id']}/finish", json={"steps": []}, headers=leader["headers"]
    )
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (409, "drill_finished")
    report = client.get(
        "/api/v1/incidents/report?year=2026&quarter=4", headers=officer["headers"]
    ).get_json()
    assert report["incidents"]["total"] == 0 and report["drills"]["total"] == 1
    assert [(r["id"], r["title"], r["outcome"]) for r in report["drill_reports"]] == [
        (drill["id"], "Diễn tập quý IV", "passed")
    ]
    # after the drill, a real outage is a real incident
    signals.mode_changed.send(
        app, old="fallback", new="standby", reason="", user=None, automatic=True
    )
    signals.mode_changed.send(
        app, old="standby", new="fallback", reason="", user=None, automatic=True
    )
    latest = client.get("/api/v1/incidents?status=open", headers=officer["headers"]).get_json()
    assert [i["is_drill"] for i in latest] == [False]


def test_printed_quarterly_report_lists_so_noi_vu_and_drills(client, leader, login, clock):
    clock("2026-11-23T09:00:00")
    drill = client.post("/api/v1/drills", json={}, headers=leader["headers"]).get_json()
    client.post(
        f"/api/v1/drills/{drill['id']}/finish",
        json={"steps": [{"name": "A", "ok": False}]},
        headers=leader["headers"],
    )
    login(leader)
    html = client.get("/incidents/reports/print?year=2026&quarter=4").get_data(as_text=True)
    assert "- UBND xã (b/c);<br>- Sở Nội vụ (b/c);<br>- Trung tâm PVHCC tỉnh (b/c);" in html
    assert "Chưa đạt (1 bước)" in html


def test_staff_pages_carry_the_alert_script_for_their_role(client, create_user, login):
    it = create_user("it")
    login(it)
    html = client.get("/incidents").get_data(as_text=True)
    assert 'src="/static/staff-alerts.js" defer data-role="it"' in html
    script = client.get("/static/staff-alerts.js")
    assert script.status_code == 200
    script.close()


def test_a_reported_incident_reaches_the_staff_room(
    app, client, officer, create_user, socket_client, login
):
    it = create_user("it")
    login(it)
    staff = socket_client(client)
    public = socket_client()
    staff.get_received()
    public.get_received()
    client.post("/api/v1/incidents", json={"type": "2.6"}, headers=officer["headers"])
    deadline = time.monotonic() + 10
    events = []
    while time.monotonic() < deadline and not events:
        events = [e for e in staff.get_received() if e["name"] == "incident"]
    assert [e["args"][0]["action"] for e in events] == ["reported"]
    assert events[0]["args"][0]["incident"]["type"]["code"] == "2.6"
    assert [e for e in public.get_received() if e["name"] == "incident"] == []

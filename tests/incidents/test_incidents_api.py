"""Catalogue, lifecycle, permissions and bad input through the JSON API."""

from datetime import timedelta

import pytest

from qms.models import utcnow
from qms.timeutil import to_local

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


def local_text(minutes_ago):
    return to_local(utcnow() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def test_catalogue_has_the_plans_nine_types(client, officer):
    types = client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    by_code = {t["code"]: t for t in types}
    assert [t["code"] for t in types] == [f"2.{n}" for n in range(1, 10)]
    assert by_code["2.1"]["title"] == "Máy in hết giấy, hết mực"
    assert by_code["2.1"]["steps"] == [
        "Kiểm tra khay giấy của máy in.",
        "Thêm giấy in đúng loại, kích cỡ.",
        "Khởi động lại lệnh in nếu cần.",
        "Đổ mực.",
    ]
    assert "nghẽn giấy" in by_code["2.1"]["symptoms"]
    assert {c for c, t in by_code.items() if t["category"] == "simple"} == {"2.1", "2.2"}
    assert "VNPT" in by_code["2.2"]["responsible"]
    assert any("Viettel" in c["name"] for c in by_code["2.3"]["contacts"])
    assert any("Sở KH&CN" in c["name"] for c in by_code["2.4"]["contacts"])
    assert by_code["2.7"]["title"] == "Sự cố mất điện"
    assert any("điện lực" in c["name"] for c in by_code["2.7"]["contacts"])
    assert by_code["2.8"]["title"] == "Lỗi hệ thống bấm số xếp hàng tự động QMS 1.2"
    assert any("Đài truyền thanh" in s for s in by_code["2.9"]["steps"])
    for item in types:
        assert item["steps"] and item["responsible"] and item["symptoms"]


PROTECTED = [
    ("get", "/api/v1/incident-types"),
    ("post", "/api/v1/incident-types"),
    ("post", "/api/v1/incident-types/2.1"),
    ("get", "/api/v1/incidents"),
    ("get", "/api/v1/incidents?status=open"),
    ("post", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/1"),
    ("post", "/api/v1/incidents/1/steps/1"),
    ("post", "/api/v1/incidents/1/notes"),
    ("post", "/api/v1/incidents/1/escalate"),
    ("post", "/api/v1/incidents/1/resolve"),
    ("post", "/api/v1/incidents/1/close"),
    ("post", "/api/v1/incidents/1/confirm"),
    ("post", "/api/v1/incidents/1/dismiss"),
    ("post", "/api/v1/incidents/1/notice"),
    ("post", "/api/v1/incidents/1/notice/withdraw"),
    ("get", "/api/v1/incidents/export.xlsx?from=2026-01-01&to=2026-03-31"),
    ("get", "/api/v1/incidents/report?year=2026&quarter=1"),
    ("post", "/api/v1/incidents/report/proposals"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_nothing_without_login(client, method, path, report):
    report("2.1")  # something exists that could leak
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"


@pytest.mark.parametrize(
    "path",
    [
        "/incidents",
        "/incidents/new",
        "/incidents/1",
        "/incidents/types",
        "/incidents/reports",
        "/incidents/reports/print?year=2026&quarter=1",
    ],
)
def test_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_lifecycle_and_roles(client, officer, it_user, report, act):
    incident = report("2.1", description="Máy in quầy 1 báo hết giấy", scope="printer:kiosk-1")
    assert incident["status"] == "reported"
    assert incident["type"]["code"] == "2.1"
    assert incident["reporter"]["id"] == officer["id"]
    assert [s["done"] for s in incident["checklist"]] == [False] * 4
    iid = incident["id"]

    ticked = act(iid, "steps/1", {"done": True}, user=officer)
    assert ticked["status"] == "handling"
    assert ticked["checklist"][0]["done"] is True
    assert ticked["checklist"][0]["done_by"] == officer["username"]
    assert ticked["checklist"][0]["done_at"]
    assert act(iid, "steps/2", user=officer)["checklist"][1]["done"] is True
    assert act(iid, "steps/2", {"done": False}, user=officer)["checklist"][1]["done"] is False
    act(iid, "notes", {"text": "Đã thay cuộn giấy mới"}, user=officer, expect=201)

    for action, body in (
        ("resolve", {"resolution": "Thay giấy"}),
        ("close", {}),
        ("notice", {"text": "Xin chờ"}),
        ("dismiss", {}),
    ):
        denied = act(iid, action, body, user=officer, expect=403)
        assert denied["error"]["code"] == "forbidden_role"

    # the plan: "chuyên viên hoặc lãnh đạo Trung tâm" contacts the next level, so an officer
    # records the escalation they made
    escalated = act(
        iid,
        "escalate",
        {"to": "Doanh nghiệp CNTT", "channel": "zalo", "note": "Nhờ hỗ trợ"},
        user=officer,
    )
    assert escalated["status"] == "escalated"
    assert escalated["escalations"][0]["to"] == "Doanh nghiệp CNTT"
    assert escalated["escalations"][0]["channel"] == "zalo"
    assert escalated["escalations"][0]["by"] == officer["username"]
    assert escalated["escalated_at"]

    act(iid, "close", expect=409)  # not resolved yet
    resolved = act(iid, "resolve", {"resolution": "Đã thay giấy, in thử tốt"})
    assert resolved["status"] == "resolved"
    assert resolved["duration_minutes"] is not None
    act(iid, "resolve", {"resolution": "again"}, expect=409)
    act(iid, "steps/3", user=officer, expect=409)
    closed = act(iid, "close")
    assert closed["status"] == "closed"

    full = client.get(f"/api/v1/incidents/{iid}", headers=officer["headers"]).get_json()
    kinds = [e["kind"] for e in full["timeline"]]
    assert kinds == [
        "reported",
        "step_done",
        "step_done",
        "step_undone",
        "note",
        "escalated",
        "resolved",
        "closed",
    ]
    assert full["timeline"][4]["data"]["text"] == "Đã thay cuộn giấy mới"
    assert full["type"]["steps"][0] == "Kiểm tra khay giấy của máy in."


def test_leader_and_admin_may_resolve(create_user, report, act):
    for role in ("leader", "admin"):
        incident = report("2.2")
        assert (
            act(incident["id"], "resolve", {"resolution": "ok"}, user=create_user(role))["status"]
            == "resolved"
        )


def test_every_change_is_an_audit_row(app, report, act):
    from sqlalchemy import select

    from qms.extensions import get_db
    from qms.incidents.models import IncidentEvent
    from qms.models import LogEntry

    incident = report("2.4")
    act(incident["id"], "escalate", {"to": "Sở KH&CN", "channel": "phone"})
    with get_db().read() as s:
        events = s.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident["id"])
        ).all()
        logged = s.scalars(select(LogEntry.kind).where(LogEntry.kind.like("incident.%"))).all()
    assert [e.kind for e in events] == ["reported", "escalated"]
    assert all(e.event_dt and e.summary for e in events)
    assert events[1].data["to"] == "Sở KH&CN"
    assert {"incident.reported", "incident.escalated"} <= set(logged)


def test_complex_types_suggest_escalation(report, act):
    simple = report("2.1")
    complex_ = report("2.3")
    assert simple["suggest_escalation"] is False
    assert complex_["suggest_escalation"] is True
    after = act(complex_["id"], "escalate", {"to": "VNPT Nghệ An", "channel": "phone"})
    assert after["suggest_escalation"] is False


def test_long_incident_suggests_paper_reception(report):
    assert report("2.3", occurred_at=local_text(45))["suggest_paper"] is True
    assert report("2.3", occurred_at=local_text(10))["suggest_paper"] is False


@pytest.mark.parametrize("app_config", [{"INCIDENT_PAPER_AFTER_MINUTES": 5}])
def test_paper_threshold_is_configurable(report):
    assert report("2.4", occurred_at=local_text(10))["suggest_paper"] is True


def test_occurred_at_with_offset_and_local(report):
    with_offset = report("2.1", occurred_at="2025-03-01T08:30:00+07:00")
    local = report("2.1", occurred_at="2025-03-01T08:30")
    assert with_offset["occurred_at"] == local["occurred_at"] == "2025-03-01T08:30:00+07:00"


def test_list_filters(client, officer, report, act):
    a = report("2.1", occurred_at="2025-02-01T09:00")
    b = report("2.3", occurred_at="2025-02-10T09:00", is_drill=True)
    c = report("2.3", occurred_at="2025-05-10T09:00")
    act(a["id"], "resolve", {"resolution": "ok"})

    def ids(query):
        response = client.get(f"/api/v1/incidents{query}", headers=officer["headers"])
        assert response.status_code == 200, response.get_json()
        return [i["id"] for i in response.get_json()]

    assert ids("?status=open") == [c["id"], b["id"]]
    assert ids("") == [c["id"], b["id"], a["id"]]  # open first
    assert ids("?type=2.3") == [c["id"], b["id"]]
    assert ids("?drill=only") == [b["id"]]
    assert ids("?drill=exclude&type=2.3") == [c["id"]]
    assert ids("?from=2025-02-01&to=2025-02-28") == [b["id"], a["id"]]
    assert ids("?status=resolved") == [a["id"]]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"type": "9.9"}, 404, "unknown_type"),
        ({}, 422, "missing_field"),
        ({"type": 2.1}, 422, "invalid_type"),
        ({"type": "2.1", "occurred_at": "hôm qua"}, 422, "invalid_datetime"),
        ({"type": "2.1", "occurred_at": "2999-01-01T00:00"}, 422, "future_datetime"),
        ({"type": "2.1", "is_drill": "yes"}, 422, "invalid_type"),
        ({"type": "2.1", "colour": "red"}, 422, "unknown_field"),
        ({"type": "2.1", "description": "x" * 2001}, 422, "too_long"),
    ],
)
def test_report_bad_input(client, officer, body, status, code):
    response = client.post("/api/v1/incidents", json=body, headers=officer["headers"])
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert client.get("/api/v1/incidents", headers=officer["headers"]).get_json() == []


def test_action_bad_input(client, officer, report, act):
    iid = report("2.1")["id"]
    assert act(iid, "steps/9", user=officer, expect=404)["error"]["code"] == "unknown_step"
    assert act(iid, "steps/0", user=officer, expect=404)["error"]["code"] == "unknown_step"
    assert (
        act(iid, "escalate", {"to": "VNPT", "channel": "pigeon"}, expect=422)["error"]["code"]
        == "invalid_value"
    )
    assert (
        act(iid, "escalate", {"to": "  ", "channel": "phone"}, expect=422)["error"]["code"]
        == "missing_field"
    )
    early = act(iid, "resolve", {"resolution": "x", "resolved_at": "2000-01-01T00:00"}, expect=422)
    assert early["error"]["code"] == "resolved_before_occurred"
    assert act(iid, "notes", {"text": ""}, user=officer, expect=422)["error"]["code"] == (
        "missing_field"
    )
    assert (
        act(999, "resolve", {"resolution": "x"}, expect=404)["error"]["code"] == "unknown_incident"
    )
    assert act(iid, "confirm", user=officer, expect=409)["error"]["code"] == "nothing_to_confirm"
    for path in ("/api/v1/incidents/999", "/api/v1/incidents/abc"):
        assert client.get(path, headers=officer["headers"]).status_code == 404
    for query, code in (
        ("?from=2025-13-01", "invalid_date"),
        ("?drill=maybe", "invalid_value"),
        ("?status=lost", "invalid_value"),
    ):
        response = client.get(f"/api/v1/incidents{query}", headers=officer["headers"])
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == code
    for query, code in (
        # the published query schema answers first (web/validation), then the report itself
        ("?year=2026&quarter=5", "out_of_range"),
        ("?year=abc", "invalid_type"),
        ("?year=1900&quarter=1", "invalid_quarter"),
    ):
        response = client.get(f"/api/v1/incidents/report{query}", headers=officer["headers"])
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == code
    response = client.get(
        "/api/v1/incidents/export.xlsx?from=2026-03-01&to=2026-01-01", headers=officer["headers"]
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_range"


def test_catalogue_is_editable_with_room_for_new_types(client, officer, it_user, report):
    old = report("2.1")
    denied = client.post(
        "/api/v1/incident-types/2.1", json={"title": "x"}, headers=officer["headers"]
    )
    assert denied.status_code == 403
    edited = client.post(
        "/api/v1/incident-types/2.1",
        json={"steps": ["Kiểm tra khay giấy của máy in.", "Thay cuộn giấy nhiệt 80 mm."]},
        headers=it_user["headers"],
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["steps"][1] == "Thay cuộn giấy nhiệt 80 mm."
    assert edited.get_json()["title"] == "Máy in hết giấy, hết mực"
    new_type = {
        "code": "2.10",
        "title": "Hỏng màn hình gọi số",
        "category": "simple",
        "steps": ["Kiểm tra nguồn điện màn hình", "Khởi động lại trình duyệt"],
        "contacts": ["Nhà cung cấp thiết bị"],
    }
    created = client.post("/api/v1/incident-types", json=new_type, headers=it_user["headers"])
    assert created.status_code == 201, created.get_json()
    again = client.post("/api/v1/incident-types", json=new_type, headers=it_user["headers"])
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/incident-types", json={**new_type, "code": "abc"}, headers=it_user["headers"]
    )
    assert bad.status_code == 422
    codes = [
        t["code"]
        for t in client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    ]
    assert codes[-2:] == ["2.9", "2.10"]
    assert len(report("2.10")["checklist"]) == 2
    # history is not rewritten by catalogue edits
    kept = client.get(f"/api/v1/incidents/{old['id']}", headers=officer["headers"]).get_json()
    assert len(kept["checklist"]) == 4
    retired = client.post(
        "/api/v1/incident-types/2.10", json={"active": False}, headers=it_user["headers"]
    )
    assert retired.get_json()["active"] is False
    assert report("2.10", expect=404)["error"]["code"] == "unknown_type"


def test_notice_reaches_the_board_and_is_withdrawn(client, report, act):
    iid = report("2.3")["id"]
    published = act(iid, "notice", {"text": "Mất mạng Internet, Trung tâm đang khắc phục."})
    assert published["notice"]["active"] is True
    board = client.get("/api/v1/board").get_json()
    assert [n["text"] for n in board["notices"] if n["source"] == "incident"] == [
        "Mất mạng Internet, Trung tâm đang khắc phục."
    ]
    act(iid, "notice", {"text": "Cập nhật: dự kiến 30 phút nữa."})  # replaces, never stacks
    texts = [n["text"] for n in client.get("/api/v1/board").get_json()["notices"]]
    assert texts.count("Cập nhật: dự kiến 30 phút nữa.") == 1
    assert "Mất mạng Internet, Trung tâm đang khắc phục." not in texts
    act(iid, "notice/withdraw")
    assert not [
        n for n in client.get("/api/v1/board").get_json()["notices"] if n["source"] == "incident"
    ]
    act(iid, "notice", {"text": "Xin lỗi vì sự bất tiện."})
    act(iid, "resolve", {"resolution": "Mạng đã ổn định"})
    assert not [
        n for n in client.get("/api/v1/board").get_json()["notices"] if n["source"] == "incident"
    ]
    assert act(iid, "notice", {"text": "late"}, expect=409)["error"]["code"] == "incident_not_open"


def test_incident_changed_signal_carries_a_dict(app, report, act):
    from qms import signals

    seen = []

    def receiver(sender, incident, action):
        seen.append((action, incident["id"], incident["status"]))

    signals.incident_changed.connect(receiver, sender=app)
    try:
        iid = report("2.2")["id"]
        act(iid, "resolve", {"resolution": "Cấp lại mật khẩu"})
    finally:
        signals.incident_changed.disconnect(receiver, sender=app)
    assert seen == [("reported", iid, "reported"), ("resolved", iid, "resolved")]


def test_openapi_documents_incident_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/incident-types",
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}/escalate",
        "/api/v1/incidents/{incident_id}/resolve",
        "/api/v1/incidents/export.xlsx",
    ):
        assert path in paths
    assert (
        paths["/api/v1/incidents/{incident_id}/resolve"]["post"]["description"]
        == "Roles: it, leader"
    )


def test_paper_reception_is_recorded_once(client, officer, report, act):
    iid = report("2.3", occurred_at=local_text(40))["id"]
    act(iid, "paper", user=officer, expect=403)
    started = act(iid, "paper")
    assert started["paper_since"] and started["suggest_paper"] is False
    assert act(iid, "paper", expect=409)["error"]["code"] == "paper_already"
    kinds = [
        e["kind"]
        for e in client.get(f"/api/v1/incidents/{iid}", headers=officer["headers"]).get_json()[
            "timeline"
        ]
    ]
    assert kinds == ["reported", "paper_reception"]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200


def upload(client, user, iid, data, name="anh.png"):
    from io import BytesIO

    return client.post(
        f"/api/v1/incidents/{iid}/attachments",
        data={"file": (BytesIO(data), name)},
        headers=user["headers"],
        content_type="multipart/form-data",
    )


def test_attachments_are_small_images_or_pdf(client, officer, report, data_dir):
    iid = report("2.1")["id"]
    big_photo = b"\xff\xd8\xff\xe0" + b"\x01" * (200 * 1024)  # beyond the app's 64 KB body cap
    response = upload(client, officer, iid, big_photo, "màn hình lỗi.jpg")
    assert response.status_code == 201, response.get_json()
    response = upload(client, officer, iid, PDF, "../../phieu VNPT.pdf")
    assert response.status_code == 201
    incident = client.get(f"/api/v1/incidents/{iid}", headers=officer["headers"]).get_json()
    names = [(a["filename"], a["content_type"]) for a in incident["attachments"]]
    assert names == [("màn hình lỗi.jpg", "image/jpeg"), ("phieu VNPT.pdf", "application/pdf")]
    assert [e["kind"] for e in incident["timeline"]] == ["reported", "attachment", "attachment"]
    with client.get(incident["attachments"][1]["url"], headers=officer["headers"]) as got:
        assert got.status_code == 200
        assert got.data == PDF
        assert got.mimetype == "application/pdf"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(incident["attachments"][1]["url"]).status_code == 401
    stored = list((data_dir / "attachments" / str(iid)).iterdir())
    assert len(stored) == 2 and all(".." not in p.name for p in stored)


@pytest.mark.parametrize("app_config", [{"INCIDENT_ATTACHMENT_MAX_BYTES": 1024}])
def test_attachment_limits(client, officer, report, data_dir):
    iid = report("2.1")["id"]
    too_big = upload(client, officer, iid, b"\xff\xd8\xff" + b"\x00" * 2000, "a.jpg")
    assert too_big.status_code == 413
    assert too_big.get_json()["error"]["code"] == "attachment_too_large"
    script = upload(client, officer, iid, b"<script>alert(1)</script>", "x.png")
    assert script.status_code == 422
    assert script.get_json()["error"]["code"] == "unsupported_file"
    missing = client.post(f"/api/v1/incidents/{iid}/attachments", headers=officer["headers"])
    assert missing.status_code == 422
    assert upload(client, officer, 999, PNG).status_code == 404
    assert (
        client.get(f"/api/v1/incidents/{iid}/attachments/1", headers=officer["headers"]).status_code
        == 404
    )
    assert not (data_dir / "attachments" / "999").exists()
    # the raised limit is for uploads only: other bodies keep the app-wide cap
    big_note = client.post(
        f"/api/v1/incidents/{iid}/notes",
        data="x" * 70000,
        content_type="application/json",
        headers=officer["headers"],
    )
    assert big_note.status_code == 413
    assert big_note.get_json()["error"]["code"] == "payload_too_large"


def test_writes_answer_what_get_gives(client, officer, it_user, report, act):
    """One serializer per resource: POST answers and GET answers have the same shape."""
    h = officer["headers"]
    created = report("2.1", description="Máy in quầy 1 hết giấy")
    got = client.get(f"/api/v1/incidents/{created['id']}", headers=h).get_json()
    assert list(created) == list(got)
    assert list(created) == [
        "id",
        "type",
        "status",
        "is_open",
        "description",
        "scope",
        "source_key",
        "is_drill",
        "is_automatic",
        "needs_confirmation",
        "occurred_at",
        "reported_at",
        "reporter",
        "checklist",
        "escalations",
        "escalated_at",
        "resolution",
        "resolved_at",
        "closed_at",
        "outcome",
        "duration_minutes",
        "open_minutes",
        "notice",
        "suggest_escalation",
        "paper_since",
        "suggest_paper",
        "timeline",
        "attachments",
    ]
    assert created["timeline"] == got["timeline"]
    assert created["type"] == got["type"]
    [entry] = got["timeline"]
    assert list(entry) == ["id", "kind", "at", "user", "summary", "data"]

    attached = upload(client, officer, created["id"], PNG)
    assert attached.status_code == 201
    after_upload = attached.get_json()
    got = client.get(f"/api/v1/incidents/{created['id']}", headers=h).get_json()
    assert list(after_upload) == list(got)
    assert after_upload["attachments"] == got["attachments"]
    [attachment] = got["attachments"]
    assert list(attachment) == ["id", "filename", "content_type", "size", "uploaded_at", "url"]

    resolved = act(created["id"], "resolve", {"resolution": "Thay giấy"})
    got = client.get(f"/api/v1/incidents/{created['id']}", headers=h).get_json()
    assert list(resolved) == list(got)
    assert resolved["timeline"] == got["timeline"]

    # a row of the book is the same incident without its timeline and attachments
    [row] = client.get("/api/v1/incidents", headers=h).get_json()
    assert list(row) == list(got)[:-2]
    assert row["type"] == got["type"]

    # an incident type: the catalogue, a created type, a type inside an incident
    catalogue = client.get("/api/v1/incident-types", headers=h).get_json()
    new_type = client.post(
        "/api/v1/incident-types",
        json={"code": "2.10", "title": "Hỏng loa gọi số", "category": "simple"},
        headers=it_user["headers"],
    ).get_json()
    assert list(new_type) == list(catalogue[0]) == list(got["type"])
    assert got["type"] == next(t for t in catalogue if t["code"] == "2.1")


def test_reading_the_catalogue_never_writes_it(app, client, officer, runner):
    """Migration 0004 seeds the plan's types; `qms incidents seed` restores a missing one."""
    from sqlalchemy import func, select

    from qms.extensions import get_db
    from qms.incidents.models import IncidentType
    from qms.models import LogEntry

    seeded = select(LogEntry.id).where(LogEntry.kind == "incident.catalogue_seeded")
    with get_db().write() as s:
        s.delete(s.get(IncidentType, "2.9"))
        before = s.scalars(seeded).all()  # the test database's own seeding, if any
    for path in ("/api/v1/incident-types", "/api/v1/incidents"):
        assert client.get(path, headers=officer["headers"]).status_code == 200
    codes = [
        t["code"]
        for t in client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    ]
    assert codes == [f"2.{n}" for n in range(1, 9)]
    with get_db().read() as s:
        assert s.scalar(select(func.count(IncidentType.code))) == 8
        assert s.scalars(seeded).all() == before

    result = runner.invoke(args=["incidents", "seed"])
    assert result.exit_code == 0, result.output
    assert result.output == "Incident types added: 1\n"
    codes = [
        t["code"]
        for t in client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    ]
    assert codes == [f"2.{n}" for n in range(1, 10)]
    assert runner.invoke(args=["incidents", "seed"]).output == "Incident types added: 0\n"

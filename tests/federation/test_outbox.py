"""The centre's outbox and the province's ingest, in one process: order, idempotence, back-off,
tokens, snapshots, day-end figures and the cross-centre report."""

from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from qms.federation import operations, sender
from qms.federation.models import OutboxRecord
from qms.state import get_state
from qms.timeutil import local_day, utcnow

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


def outbox(app):
    with get_state(app).db.read() as s:
        return [(r.seq, r.kind, r.sent_dt is not None) for r in s.scalars(select(OutboxRecord))]


def pending_kinds(app):
    return [kind for _, kind, sent in outbox(app) if not sent]


def send(centre):
    centre["runtime"].next_attempt = 0.0  # no waiting out the back-off in a test
    return sender.send_pending(centre["app"], centre["runtime"])


def province_get(province_client, headers, path):
    response = province_client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def report_incident(client, officer, description="Máy in quầy 2 hết giấy"):
    response = client.post(
        "/api/v1/incidents",
        json={"type": "2.1", "description": description},
        headers=officer["headers"],
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def it_user(create_user):
    return create_user("it")


def test_incident_changes_arrive_once_in_order(
    centre, client, officer, it_user, province_client, province_leader
):
    incident = report_incident(client, officer)
    resolved = client.post(
        f"/api/v1/incidents/{incident['id']}/resolve",
        json={"resolution": "Đã thay giấy in"},
        headers=it_user["headers"],
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert pending_kinds(centre["app"]) == ["incident", "incident"]

    assert send(centre) == 2
    assert [sent for _, _, sent in outbox(centre["app"])] == [True, True]
    incidents = province_get(
        province_client, province_leader, "/api/v1/province/incidents?centre=TK"
    )
    assert [(i["centre_id"], i["type"], i["status"]) for i in incidents] == [
        (incident["id"], "2.1", "resolved")
    ]
    assert incidents[0]["description"] == "Máy in quầy 2 hết giấy"
    assert incidents[0]["type_title"] == "Máy in hết giấy, hết mực"
    assert incidents[0]["is_open"] is False
    records = province_get(province_client, province_leader, "/api/v1/province/records?centre=TK")
    assert [r["seq"] for r in records] == [seq for seq, _, _ in outbox(centre["app"])]


def test_a_lost_answer_means_a_resend_the_province_does_not_store_twice(
    centre, client, officer, province_client, province_leader
):
    report_incident(client, officer, "Lần một")
    report_incident(client, officer, "Lần hai")
    centre["link"].lose_answers = True
    assert send(centre) == 0  # stored there, but the centre never heard so
    assert pending_kinds(centre["app"]) == ["incident", "incident"]
    assert centre["runtime"].failures == 1
    centre["link"].lose_answers = False
    assert send(centre) == 2
    assert centre["link"].posts == [[1, 2], [1, 2]]
    records = province_get(province_client, province_leader, "/api/v1/province/records?centre=TK")
    assert [r["seq"] for r in records] == [1, 2]
    incidents = province_get(
        province_client, province_leader, "/api/v1/province/incidents?centre=TK"
    )
    assert [i["description"] for i in incidents] == ["Lần một", "Lần hai"]


def test_offline_backs_off_keeps_every_record_and_never_blocks_issuing(
    centre, client, officer, issue
):
    centre["link"].down = True
    runtime = centre["runtime"]
    for n in range(3):
        report_incident(client, officer, f"Sự cố {n}")
        sender.send_pending(centre["app"], runtime)  # tries once, then waits out the back-off
    assert runtime.failures == 1  # the two later rounds were inside the back-off window
    for _ in range(4):
        assert issue("A")["code"]
    assert pending_kinds(centre["app"]) == ["incident"] * 3
    for n in range(2, 8):
        runtime.next_attempt = 0.0
        sender.send_pending(centre["app"], runtime)
        assert runtime.failures == n
    ceiling = centre["app"].config["FEDERATION_RETRY_MAX_SECONDS"]
    assert sender.backoff_seconds(40, ceiling) <= ceiling
    assert sender.backoff_seconds(1, ceiling) <= 2.0
    centre["link"].down = False
    assert send(centre) == 3
    assert runtime.failures == 0
    assert pending_kinds(centre["app"]) == []


def test_a_failing_outbox_write_is_counted_and_the_incident_still_saved(
    centre, client, officer, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(operations, "add_record", broken)
    incident = report_incident(client, officer)
    assert incident["status"] == "reported"
    assert centre["runtime"].dropped == 1
    assert outbox(centre["app"]) == []


def test_nothing_is_written_without_a_province(app, client, officer):
    report_incident(client, officer)
    assert outbox(app) == []


def test_a_wrong_or_revoked_token_stores_nothing(centre, province_app, province_client):
    body = {"records": [{"seq": 1, "kind": "mode", "at": None, "data": {"mode": "fallback"}}]}
    for headers in ({}, {"Authorization": "Bearer hccp_wrong"}, {"Authorization": "Basic x"}):
        response = province_client.post("/api/v1/province/ingest", json=body, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "invalid_centre_token"
    from qms.province.models import ProvinceRecord
    from qms.province.operations import revoke_centre

    with province_app.app_context():
        revoke_centre("TK")
    good = {"Authorization": f"Bearer {centre['token']}"}
    assert (
        province_client.post("/api/v1/province/ingest", json=body, headers=good).status_code == 401
    )
    with get_state(province_app).db.read() as s:
        assert s.scalar(select(func.count(ProvinceRecord.id))) == 0
    centre["runtime"].next_attempt = 0.0
    sender.send_pending(centre["app"], centre["runtime"])
    assert centre["runtime"].last_error == "Máy chủ tỉnh từ chối mã xác thực của trung tâm (401)."


def test_bad_records_are_refused_whole(centre, province_client):
    good = {"Authorization": f"Bearer {centre['token']}"}
    cases = (
        ([{"seq": 0, "kind": "mode", "data": {}}], "invalid_record"),
        ([{"seq": 1, "kind": "mode"}], "invalid_record"),
        (
            [{"seq": 1, "kind": "mode", "data": {}}, {"seq": "2", "kind": "x", "data": {}}],
            "invalid_record",
        ),
        ([3], "invalid_type"),
    )
    for records, code in cases:
        response = province_client.post(
            "/api/v1/province/ingest", json={"records": records}, headers=good
        )
        assert response.status_code == 422, records
        assert response.get_json()["error"]["code"] == code


def test_records_older_than_what_the_province_holds_do_not_undo_it(
    centre, province_client, province_leader
):
    good = {"Authorization": f"Bearer {centre['token']}"}
    late = {"seq": 5, "kind": "mode", "at": None, "data": {"mode": "fallback"}}
    early = {"seq": 4, "kind": "mode", "at": None, "data": {"mode": "standby"}}
    for batch in ([late], [early, late]):
        answer = province_client.post(
            "/api/v1/province/ingest", json={"records": batch}, headers=good
        ).get_json()
        assert answer["stored"] == sorted(r["seq"] for r in batch)
    centres = province_get(province_client, province_leader, "/api/v1/province/centres")
    assert centres[0]["mode"] == "fallback"


def test_queue_changes_coalesce_into_one_snapshot(centre, issue, province_client, province_leader):
    app, runtime = centre["app"], centre["runtime"]
    runtime.finals_checked = local_day(utcnow())  # this test looks at snapshots only
    runtime.figures_at = 1e18
    for _ in range(5):
        issue("A")
    issue("B")
    assert runtime.queue_dirty is True
    assert outbox(app) == []  # issuing wrote nothing to the outbox
    sender.tick(app, runtime)
    sender.tick(app, runtime)  # nothing changed since: no second snapshot
    assert [kind for _, kind, _ in outbox(app)] == ["queue"]
    [centre_row] = province_get(province_client, province_leader, "/api/v1/province/centres")
    assert {k: centre_row[k] for k in ("code", "name", "mode", "waiting", "open_incidents")} == {
        "code": "TK",
        "name": "Xã Tân Kỳ",
        "mode": "standalone",
        "waiting": 6,
        "open_incidents": 0,
    }
    assert centre_row["waiting_by_service"]["A"] == 5
    assert centre_row["waiting_by_service"]["B"] == 1
    assert centre_row["last_seen"] is not None
    assert centre_row["is_silent"] is False


def test_day_end_figures_reach_the_cross_centre_report_and_its_workbook(
    centre, clock, issue, client, officer, province_client, province_leader
):
    from openpyxl import load_workbook

    app, runtime = centre["app"], centre["runtime"]
    clock("2026-11-23T09:00:00")
    runtime.finals_checked = date(2026, 11, 23)
    runtime.figures_at = 1e18
    runtime.snapshot_at = 1e18
    for _ in range(3):
        issue("A")
    called = client.post("/api/v1/counters/1/call-next", headers=officer["headers"])
    assert called.status_code == 200, called.get_json()
    clock("2026-11-24T07:30:00")
    sender.tick(app, runtime)
    assert [kind for _, kind, _ in outbox(app)] == ["figures"]
    report = province_get(
        province_client,
        province_leader,
        "/api/v1/province/reports?from=2026-11-23&to=2026-11-24",
    )
    [row] = report["rows"]
    assert (row["centre"], row["day"], row["is_final"], row["issued"]) == (
        "TK",
        "2026-11-23",
        True,
        3,
    )
    assert report["centres"][0]["issued"] == 3
    assert report["totals"]["issued"] == 3
    sender.tick(app, runtime)
    assert [kind for _, kind, _ in outbox(app)] == ["figures"]  # once per day
    response = province_client.get(
        "/api/v1/province/reports.xlsx?from=2026-11-23&to=2026-11-24", headers=province_leader
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    sheet = book["Theo ngày"]
    assert sheet["A6"].value == "Mã trung tâm"
    assert sheet["E6"].value == "Số phiếu cấp"
    assert sheet["A7"].value == "TK"
    assert sheet["C7"].value.date() == date(2026, 11, 23)
    assert sheet["C7"].number_format == "DD/MM/YYYY"
    assert sheet["E7"].value == 3
    assert book["Tổng hợp"]["B8"].value == "Toàn tỉnh"


def test_province_routes_need_leadership_and_a_province(
    centre, province_client, province_app, client, leader
):
    from qms.auth.operations import create_user, issue_token

    with province_app.app_context():
        officer_id = create_user("pv-officer", "officer", "correct-horse-42")
        token, _ = issue_token(officer_id)
    for path in ("/api/v1/province/centres", "/api/v1/province/incidents?centre=TK"):
        assert province_client.get(path).status_code == 401
        denied = province_client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert denied.status_code == 403
        # the centre's own instance is no province
        assert client.get(path, headers=leader["headers"]).status_code == 404


def test_unknown_centre_is_404(province_client, province_leader):
    response = province_client.get(
        "/api/v1/province/incidents?centre=NOPE", headers=province_leader
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_centre"


def test_figures_on_demand(centre, client, leader):
    response = client.post("/api/v1/federation/figures", json={}, headers=leader["headers"])
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["is_final"] is False
    assert pending_kinds(centre["app"]) == ["figures"]
    future = client.post(
        "/api/v1/federation/figures", json={"date": "2099-01-01"}, headers=leader["headers"]
    )
    assert future.status_code == 422
    status = client.get("/api/v1/federation/status", headers=leader["headers"]).get_json()
    assert (status["configured"], status["pending"], status["last_sent_seq"]) == (True, 1, None)
    send(centre)
    status = client.get("/api/v1/federation/status", headers=leader["headers"]).get_json()
    assert (status["pending"], status["last_sent_seq"], status["last_error"]) == (0, 1, None)


def test_centre_commands_on_the_province(province_app):
    from qms.province.models import ProvinceCentre

    runner = province_app.test_cli_runner()
    with province_app.app_context():  # the province's, not the centre app of the fixture
        added = runner.invoke(args=["centre", "add", "TK", "--name", "Xã Tân Kỳ"])
        assert added.exit_code == 0, added.output
        token = added.output.strip().splitlines()[-1]
        assert token.startswith("hccp_") and len(token) > 40
        assert runner.invoke(args=["centre", "add", "TK", "--name", "X"]).exit_code == 1
        listed = runner.invoke(args=["centre", "list"])
        assert "TK" in listed.output and "never" in listed.output
        assert runner.invoke(args=["centre", "revoke", "TK"]).exit_code == 0
        assert "revoked" in runner.invoke(args=["centre", "list"]).output
    with get_state(province_app).db.read() as s:
        stored = s.get(ProvinceCentre, "TK").token_hash
    assert token not in stored and len(stored) == 64


def test_centre_commands_refuse_on_a_centre(runner):
    result = runner.invoke(args=["centre", "add", "TK", "--name", "Xã Tân Kỳ"])
    assert result.exit_code == 1
    assert "QMS_ROLE=province" in result.output

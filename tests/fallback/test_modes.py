"""Mode switching: who may switch, what is recorded, outages, notices, the signal."""

import pytest
from sqlalchemy import select

from qms import signals
from qms.models import LogEntry, Notice

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


def _log(db, kind="mode.switch"):
    with db.read() as s:
        return [e.data for e in s.scalars(select(LogEntry).where(LogEntry.kind == kind))]


def test_primary_configured_starts_in_standby_and_refuses_issuing(client):
    assert client.get("/api/v1/health").get_json()["mode"] == "standby"
    response = client.post("/api/v1/tickets", json={"service": "A"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "standby"


def test_officer_may_not_switch_leader_may_with_reason_recorded(app, client, db, officer, leader):
    seen = []

    def listener(sender, **kwargs):
        seen.append(kwargs)

    signals.mode_changed.connect(listener, sender=app)
    body = {"mode": "fallback", "reason": "QMS 1.2 treo máy in"}
    response = client.post("/api/v1/mode", json=body, headers=officer["headers"])
    assert response.status_code == 403
    assert client.get("/api/v1/mode").get_json()["mode"] == "standby"
    response = client.post("/api/v1/mode", json=body, headers=leader["headers"])
    assert response.status_code == 200
    state = client.get("/api/v1/mode").get_json()
    assert state["mode"] == "fallback"
    assert state["reason"] == "QMS 1.2 treo máy in"
    assert state["by"] == leader["username"]
    assert state["automatic"] is False
    assert _log(db) == [
        {
            "old": "standby",
            "new": "fallback",
            "reason": "QMS 1.2 treo máy in",
            "automatic": False,
            "outage": 1,
        }
    ]
    assert len(seen) == 1
    assert seen[0]["old"] == "standby" and seen[0]["new"] == "fallback"
    assert seen[0]["user"]["username"] == leader["username"] and seen[0]["automatic"] is False
    signals.mode_changed.disconnect(listener, sender=app)


def test_switch_publishes_notice_and_opens_then_closes_outage(client, db, switch, leader):
    switch("fallback", "sự cố")
    with db.read() as s:
        notices = s.scalars(select(Notice).where(Notice.is_active.is_(True))).all()
        assert [(n.source, n.source_ref) for n in notices] == [("mode", "fallback")]
    board = client.get("/api/v1/board").get_json()
    assert board["mode"] == "fallback"
    assert any(n["source"] == "mode" for n in board["notices"])
    outages = client.get("/api/v1/fallback/outages", headers=leader["headers"]).get_json()
    assert len(outages) == 1 and outages[0]["is_open"] and outages[0]["reason"] == "sự cố"
    switch("draining", "QMS 1.2 đã chạy lại")  # queue empty: drains straight to standby
    assert client.get("/api/v1/mode").get_json()["mode"] == "standby"
    outage = client.get("/api/v1/fallback/outages/1", headers=leader["headers"]).get_json()
    assert outage["ended_at"] and outage["draining_at"] and not outage["is_open"]
    assert [(e["old"], e["new"], e["automatic"]) for e in _log(db)] == [
        ("standby", "fallback", False),
        ("fallback", "draining", False),
        ("draining", "standby", True),
    ]
    with db.read() as s:
        assert not s.scalars(select(Notice).where(Notice.is_active.is_(True))).all()


def test_anonymous_cannot_read_status_or_switch(client):
    assert client.get("/api/v1/fallback/status").status_code == 401
    assert client.post("/api/v1/mode", json={"mode": "fallback"}).status_code == 401
    assert client.get("/api/v1/fallback/outages").status_code == 401


def test_draining_refuses_issuing_calls_the_rest_then_returns_to_standby(
    client, switch, officer, issue, adopt
):
    switch("fallback")
    adopt("A", 7, 8)
    local = issue("A")
    assert local["code"] == "A009"
    switch("draining", "QMS 1.2 trở lại")
    response = client.post("/api/v1/tickets", json={"service": "A"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "standby" and error["mode"] == "draining"
    assert "máy chính" in error["message"]
    called = []
    for _ in range(3):
        body = client.post(
            "/api/v1/counters/1/call-next", json={}, headers=officer["headers"]
        ).get_json()
        called.append(body["ticket"]["code"])
        assert client.get("/api/v1/mode").get_json()["mode"] == "draining"
    assert called == ["A007", "A008", "A009"]
    client.post("/api/v1/counters/1/complete", json={}, headers=officer["headers"])
    state = client.get("/api/v1/mode").get_json()
    assert state["mode"] == "standby" and state["automatic"] is True


def test_restart_of_the_app_keeps_fallback_and_queue(
    app, client, switch, issue, database_url, data_dir, app_config
):
    from qms import create_app

    switch("fallback")
    ticket = issue("B")
    again = create_app({"DATA_DIR": str(data_dir), "DATABASE_URL": database_url, **app_config})
    with again.app_context():
        other = again.test_client()
        assert other.get("/api/v1/mode").get_json()["mode"] == "fallback"
        assert other.get(f"/api/v1/tickets/{ticket['id']}").get_json()["status"] == "waiting"
    again.extensions["qms"].db.dispose()


def test_standalone_cannot_switch(client, create_user, app):
    app.config["PRIMARY_URL"] = None
    leader = create_user("leader")
    response = client.post("/api/v1/mode", json={"mode": "fallback"}, headers=leader["headers"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_primary"

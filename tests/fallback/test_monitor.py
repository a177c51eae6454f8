"""The health monitor, tick by tick against a real (in-process) QMS 1.2 simulator."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from qms.fallback import monitor, operations
from qms.liveserver import free_port
from qms.models import LogEntry
from qms.timeutil import utcnow


def _mode(client):
    return client.get("/api/v1/mode").get_json()["mode"]


def _switches(db):
    with db.read() as s:
        return [
            (e.data["old"], e.data["new"])
            for e in s.scalars(select(LogEntry).where(LogEntry.kind == "mode.switch"))
        ]


def test_probe_http_status_and_tcp(simulator, sim_port):
    simulator.up()
    assert monitor.probe(f"http://127.0.0.1:{sim_port}/health", 1.0) == (True, None)
    ok, error = monitor.probe(f"http://127.0.0.1:{sim_port}/nothing", 1.0)
    assert not ok and error == "HTTP 404"
    assert monitor.probe(f"http://127.0.0.1:{sim_port}/nothing", 1.0, expect="200,404")[0]
    assert monitor.probe(f"tcp://127.0.0.1:{sim_port}", 1.0)[0]
    assert monitor.probe(f"http://127.0.0.1:{sim_port}/x", 1.0, kind="tcp")[0]
    closed = free_port()
    ok, error = monitor.probe(f"tcp://127.0.0.1:{closed}", 1.0)
    assert not ok and "tcp" in error
    assert not monitor.probe(f"http://127.0.0.1:{closed}/health", 1.0)[0]


def test_expected_status_spec():
    match = monitor.expected_status("2xx, 301")
    assert match(200) and match(204) and match(301)
    assert not match(302) and not match(500)


def test_takeover_after_threshold_and_drain_back_when_primary_returns(
    app, client, db, simulator, issue
):
    simulator.up()
    assert monitor.tick(app) is None  # first success: primary known up, nothing to do
    assert _mode(client) == "standby"
    simulator.down()
    assert [monitor.tick(app), monitor.tick(app)] == [None, None]
    assert _mode(client) == "standby"  # two failures are below the threshold of three
    assert monitor.tick(app) == "down"
    state = client.get("/api/v1/mode").get_json()
    assert state["mode"] == "fallback" and state["automatic"] is True and state["by"] is None
    ticket = issue("A")
    monitor.tick(app)
    assert _mode(client) == "fallback"
    simulator.up()
    assert monitor.tick(app) is None  # one success is below the recovery threshold of two
    assert _mode(client) == "fallback"
    assert monitor.tick(app) == "up"
    assert _mode(client) == "draining"  # a local ticket still waits
    assert client.post("/api/v1/tickets", json={"service": "A"}).status_code == 409
    from qms.queue.operations.calling import call_next, complete

    call_next(1)
    assert _mode(client) == "draining"
    complete(1)
    assert _mode(client) == "standby"
    assert _switches(db) == [
        ("standby", "fallback"),
        ("fallback", "draining"),
        ("draining", "standby"),
    ]
    assert ticket["code"] == "A001"


def test_monitor_loop_finishes_draining_on_its_own(app, client, switch, simulator):
    switch("fallback")
    simulator.up()
    with app.app_context():
        # draining with an empty queue is ended by the next tick even without a queue change
        from qms.extensions import get_db
        from qms.models import Setting

        with get_db().write() as s:
            row = s.get(Setting, "mode")
            row.value = {**row.value, "mode": "draining"}
    monitor.tick(app)
    assert _mode(client) == "standby"


def test_recovery_needs_successes_spanning_the_recover_seconds(app):
    app.config.update(PRIMARY_RECOVER_THRESHOLD=3, PRIMARY_RECOVER_SECONDS=15)
    t0 = utcnow()
    downs = [
        operations.record_probe(False, "refused", now=t0 + timedelta(seconds=i)) for i in range(3)
    ]
    assert downs == [None, None, "down"]
    # five quick successes (2 s apart): count reached, time span not
    results = [
        operations.record_probe(True, now=t0 + timedelta(seconds=10 + 2 * i)) for i in range(5)
    ]
    assert results == [None] * 5
    # a failure resets the streak; then successes over 16 s bring the primary back
    operations.record_probe(False, "timeout", now=t0 + timedelta(seconds=30))
    results = [
        operations.record_probe(True, now=t0 + timedelta(seconds=31 + 4 * i)) for i in range(5)
    ]
    assert results == [None, None, None, None, "up"]


def test_flapping_primary_switches_the_mode_once(app, client, db, simulator):
    app.config.update(
        PRIMARY_FAIL_THRESHOLD=2, PRIMARY_RECOVER_THRESHOLD=3, PRIMARY_RECOVER_SECONDS=5
    )
    t0 = utcnow()
    step = 0
    for _cycle in range(10):  # up 1 s, down 1 s, probes every 0.3 s: simulated clock, real probes
        simulator.up()
        for _ in range(3):
            ok, error = monitor.probe(app.config["PRIMARY_URL"], 1.0)
            assert ok
            monitor.act(operations.record_probe(ok, error, now=t0 + timedelta(seconds=0.3 * step)))
            step += 1
        simulator.down()
        for _ in range(3):
            ok, error = monitor.probe(app.config["PRIMARY_URL"], 1.0)
            assert not ok
            monitor.act(
                operations.record_probe(ok, error, now=t0 + timedelta(seconds=0.3 * step)), error
            )
            step += 1
    assert _mode(client) == "fallback"
    assert _switches(db) == [("standby", "fallback")]


@pytest.mark.parametrize(
    "app_config",
    [{"PRIMARY_URL": "http://127.0.0.1:9/health", "TAKEOVER": "ask", "PRIMARY_PROBE_TIMEOUT": 0.5}],
)
def test_ask_mode_records_a_request_instead_of_switching(app, client, db, leader, switch):
    pushed = []
    from qms import signals

    def listener(sender, status):
        pushed.append(status)

    signals.fallback_status.connect(listener, sender=app)
    for _ in range(3):
        monitor.tick(app)
    assert _mode(client) == "standby"
    status = client.get("/api/v1/fallback/status", headers=leader["headers"]).get_json()
    assert status["takeover_request"]["pending"] is True
    assert status["primary"]["primary_up"] is False and status["primary"]["consecutive_fail"] == 3
    assert any(p.get("event") == "takeover_requested" for p in pushed)
    monitor.tick(app)  # still down: one request, not one per probe
    with db.read() as s:
        assert (
            len(s.scalars(select(LogEntry).where(LogEntry.kind == "takeover.requested")).all()) == 1
        )
    switch("fallback", "Lãnh đạo đồng ý tiếp quản")
    status = client.get("/api/v1/fallback/status", headers=leader["headers"]).get_json()
    assert (
        status["takeover_request"] is None
        and status["outage"]["reason"] == "Lãnh đạo đồng ý tiếp quản"
    )
    signals.fallback_status.disconnect(listener, sender=app)


def test_forced_fallback_is_not_undone_while_the_primary_stays_up(app, client, switch, simulator):
    simulator.up()
    for _ in range(4):
        monitor.tick(app)
    switch("fallback", "QMS 1.2 báo khỏe nhưng máy in hỏng")
    for _ in range(4):
        monitor.tick(app)
    assert _mode(client) == "fallback"


def test_probe_state_survives_in_settings(
    app, client, leader, simulator, database_url, data_dir, app_config
):
    from qms import create_app

    simulator.up()
    monitor.tick(app)
    monitor.tick(app)
    again = create_app({"DATA_DIR": str(data_dir), "DATABASE_URL": database_url, **app_config})
    with again.app_context():
        from qms.fallback.queries import status

        primary = status()["primary"]
        assert (
            primary["primary_up"] is True and primary["consecutive_ok"] == 2 and primary["last_ok"]
        )
    again.extensions["qms"].db.dispose()

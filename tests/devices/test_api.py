"""Reprint, status for staff, the agent protocol, permissions, print-test and start-up checks."""

import pytest
from PIL import Image

from qms.devices.worker import LocalWorker

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


@pytest.fixture
def device(create_user):
    """A kiosk PC's account, bound to kiosk k1 (it may act for k1 only)."""
    from qms.devices.operations.binding import bind_account

    account = create_user("device")
    bind_account(account["id"], kiosk="k1")
    return account


def hello(client, device, kiosk="k1", **body):
    r = client.post(f"/api/v1/agents/{kiosk}/hello", json=body, headers=device["headers"])
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_reprint_and_devices_overview(app, client, issue, officer, fake_printer):
    printer = fake_printer()
    app.config["PRINTER"] = printer.url
    ticket = issue("A")
    worker = LocalWorker(app)
    assert worker.step()["action"] == "printed"
    r = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=officer["headers"])
    assert r.status_code == 201, r.get_json()
    job = r.get_json()["job"]
    assert job["kind"] == "reprint" and job["target"] == "local" and job["code"] == ticket["code"]
    assert worker.step()["action"] == "printed"
    printer.settle()
    assert len(printer.jobs) == 2
    overview = client.get("/api/v1/devices/printers", headers=officer["headers"]).get_json()
    [local] = [d for d in overview["devices"] if d["device"] == "printer:local"]
    assert local["state"] == "ok" and local["queued"] == 0
    assert client.get("/api/v1/devices").status_code == 401
    assert (
        client.post("/api/v1/tickets/99999/reprint", headers=officer["headers"]).status_code == 404
    )


def test_reprint_without_any_printer_is_409(client, issue, officer):
    ticket = issue("A")
    r = client.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=officer["headers"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "no_printer"


def test_permissions(client, device, officer):
    r = client.post("/api/v1/counters/1/call-next", headers=device["headers"])
    assert r.status_code == 403
    assert client.get("/api/v1/devices", headers=device["headers"]).status_code == 403
    r = client.post("/api/v1/agents/k1/hello", json={}, headers=officer["headers"])
    assert r.status_code == 403
    r = client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=officer["headers"])
    assert r.status_code == 403
    assert client.get("/api/v1/agents/k1/jobs/next?wait=0").status_code == 401
    r = client.post("/api/v1/agents/local/hello", json={}, headers=device["headers"])
    assert r.status_code == 422


def test_agent_protocol(app, client, device, device_signals):
    app.config["AGENT_CLAIM_TIMEOUT"] = 0
    info = hello(client, device, printer_state="ok")
    assert info["instance"]
    assert (
        client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=device["headers"]).status_code
        == 204
    )
    ticket = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).get_json()
    assert ticket["print"]["target"] == "agent:k1"
    other = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k2"}).get_json()
    assert "print" not in other  # no agent for k2 and no server printer: screen only

    r = client.get("/api/v1/agents/k1/jobs/next?wait=1", headers=device["headers"])
    assert r.status_code == 200
    job = r.get_json()["job"]
    assert job["ticket_id"] == ticket["id"] and job["payload"]["track_url"] == ticket["track_url"]
    # not acknowledged within the claim timeout: offered again with a new token
    again = client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=device["headers"]).get_json()[
        "job"
    ]
    assert again["id"] == job["id"] and again["claim_token"] != job["claim_token"]
    stale = {"claim_token": job["claim_token"], "status": "failed", "error": "x"}
    r = client.post(
        f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=stale, headers=device["headers"]
    )
    assert r.status_code == 409
    # a failure with a printer fault: back to the queue, printer marked failed once
    fail = {
        "claim_token": again["claim_token"],
        "status": "failed",
        "error": "no paper",
        "kind": "paper_out",
    }
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=fail, headers=device["headers"])
    assert r.status_code == 200 and r.get_json()["job"]["status"] == "queued"
    assert [(s["device"], s["kind"]) for s in device_signals["failed"]] == [
        ("printer:k1", "paper_out")
    ]
    status = client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()
    assert status["state"] == "failed"
    # printed on the old token (the paper exists): accepted once, then a duplicate
    ok = {"claim_token": job["claim_token"], "status": "printed"}
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=ok, headers=device["headers"])
    assert r.status_code == 200
    assert r.get_json()["duplicate"] is False
    assert r.get_json()["job"]["status"] == "printed"
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=ok, headers=device["headers"])
    assert r.get_json()["duplicate"] is True
    assert len(device_signals["recovered"]) == 1
    assert (
        client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=device["headers"]).status_code
        == 204
    )
    r = client.post("/api/v1/agents/k2/jobs/1/ack", json=ok, headers=device["headers"])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "device_not_bound"


def test_agent_routes_documented(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/agents/{kiosk}/hello",
        "/api/v1/agents/{kiosk}/jobs/next",
        "/api/v1/agents/{kiosk}/jobs/{job_id}/ack",
        "/api/v1/tickets/{ticket_id}/print",
        "/api/v1/tickets/{ticket_id}/reprint",
        "/api/v1/devices",
        "/api/v1/devices/printers",
        "/api/v1/devices/heartbeat",
        "/api/v1/counters/{counter}/presses",
    ):
        assert path in doc["paths"], path


def test_print_test_cli_png(runner, tmp_path):
    target = tmp_path / "t.png"
    result = runner.invoke(args=["print-test", "--png", str(target), "--profile", "58mm"])
    assert result.exit_code == 0, result.output
    with Image.open(target) as image:
        assert image.width == 384 and image.height > 600


def test_print_test_cli_printer(runner, fake_printer):
    from tests.devices.conftest import split_jobs

    printer = fake_printer()
    result = runner.invoke(args=["print-test", "--printer", printer.url])
    assert result.exit_code == 0, result.output
    printer.settle()
    assert len(split_jobs(printer.jobs[0])) == 1


def test_print_test_cli_bad_url(runner):
    result = runner.invoke(args=["print-test", "--printer", "lpt1:whatever"])
    assert result.exit_code == 1
    assert "unknown printer URL scheme" in result.output
    result = runner.invoke(args=["print-test"])
    assert result.exit_code == 2
    assert "no printer" in result.output


def test_gevent_refuses_a_printer_that_would_block_every_request(runner, app, monkeypatch):
    from qms.devices import check_gevent_devices

    monkeypatch.setattr("qms.serve.run", lambda *a, **k: pytest.fail("it served"))

    assert check_gevent_devices({"SERVE_WORKER_CLASS": "gthread", "PRINTER": "usb:0x0416"}) is None
    for ok in ("tcp://10.0.0.9:9100", "serial:/dev/ttyUSB0", "dummy", None):
        assert check_gevent_devices({"SERVE_WORKER_CLASS": "gevent", "PRINTER": ok}) is None
    app.config["PRINTER"] = "usb:0x0416:0x5011"
    result = runner.invoke(args=["serve", "--port", "1", "--worker-class", "gevent"])
    assert result.exit_code == 1
    assert "print agent" in result.output and "--worker-class gthread" in result.output


def test_unknown_printer_scheme_fails_at_start(data_dir, database_url):
    from qms import create_app
    from qms.devices import check_printer_config

    assert "unknown printer URL scheme" in check_printer_config({"PRINTER": "bogus:1"})
    assert check_printer_config({"PRINTER": "tcp://127.0.0.1:9100"}) is None
    with pytest.raises(RuntimeError, match="QMS_PRINTER"):
        create_app(
            {
                "DATA_DIR": str(data_dir),
                "DATABASE_URL": database_url,
                "START_BACKGROUND": True,
                "PRINTER": "bogus:1",
            }
        )


def test_admin_page(app, client, create_user, auth, issue, fake_printer):
    app.config["PRINTER"] = fake_printer().url
    it = create_user("it")
    issue("A")
    auth(it, next_url="/admin/devices")
    page = client.get("/admin/devices")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Máy in máy chủ" in html
    assert "A001" in html
    assert 'action="/admin/devices/test-print"' in html  # it may test the printers


def test_every_answer_gives_a_job_the_same_shape(app, client, device, officer, create_user):
    from qms.devices import queries

    hello(client, device)
    ticket = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).get_json()
    next_job = client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=device["headers"])
    claimed = next_job.get_json()["job"]
    ok = {"claim_token": claimed["claim_token"], "status": "printed"}
    acked = client.post(
        f"/api/v1/agents/k1/jobs/{claimed['id']}/ack", json=ok, headers=device["headers"]
    ).get_json()["job"]
    reprinted = client.post(
        f"/api/v1/tickets/{ticket['id']}/reprint", headers=officer["headers"]
    ).get_json()["job"]
    it = create_user("it")
    sample = client.post(
        "/api/v1/devices/test-print", json={"target": "k1"}, headers=it["headers"]
    ).get_json()["job"]
    listed = queries.recent_jobs()

    keys = {
        "id",
        "ticket_id",
        "code",
        "kind",
        "target",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "printed_at",
        "claim_token",
        "payload",
    }
    for job in (claimed, acked, reprinted, sample, *listed):
        assert set(job) == keys
    assert (claimed["id"], claimed["status"], claimed["code"]) == (
        ticket["print"]["job"],
        "printing",
        ticket["code"],
    )
    assert (acked["status"], acked["claim_token"]) == ("printed", None)
    assert (reprinted["kind"], reprinted["target"], reprinted["status"]) == (
        "reprint",
        "agent:k1",
        "queued",
    )
    assert (sample["kind"], sample["ticket_id"]) == ("test", None)
    assert [job["id"] for job in listed] == [sample["id"], reprinted["id"], claimed["id"]]


def test_agent_job_never_acknowledged_expires_but_late_print_counts(app, client, device):
    from datetime import timedelta

    from qms.devices.operations import jobs
    from qms.models import utcnow

    hello(client, device)
    ticket = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).get_json()
    job = client.get("/api/v1/agents/k1/jobs/next?wait=0", headers=device["headers"]).get_json()[
        "job"
    ]
    assert jobs.expire_jobs(utcnow() + timedelta(seconds=10)) == 0  # claim still fresh
    later = utcnow() + timedelta(seconds=app.config["PRINT_JOB_TTL"] + 60)
    assert jobs.expire_jobs(later) == 1
    assert client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()["status"] == "expired"
    ok = {"claim_token": job["claim_token"], "status": "printed"}
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=ok, headers=device["headers"])
    assert r.get_json()["job"]["status"] == "printed"


def test_agent_cli_rejects_bad_arguments(runner):
    base = ["agent", "--server", "http://127.0.0.1:9", "--kiosk", "k1"]
    result = runner.invoke(args=[*base, "--printer", "bogus:x", "--token", "t"])
    assert result.exit_code == 1
    assert "unknown printer URL scheme" in result.output
    result = runner.invoke(args=[*base, "--printer", "dummy"])
    assert result.exit_code == 2
    assert "--token" in result.output
    result = runner.invoke(
        args=[
            "agent",
            "--server",
            "http://x",
            "--kiosk",
            "local",
            "--printer",
            "dummy",
            "--token",
            "t",
        ]
    )
    assert result.exit_code == 2
    assert "--kiosk" in result.output


def test_test_print_goes_through_the_worker(app, client, create_user, officer, fake_printer):
    from tests.devices.conftest import printed_urls

    printer = fake_printer()
    app.config["PRINTER"] = printer.url
    it = create_user("it")
    r = client.post("/api/v1/devices/test-print", json={}, headers=officer["headers"])
    assert r.status_code == 403
    r = client.post("/api/v1/devices/test-print", json={"target": "local"}, headers=it["headers"])
    assert r.status_code == 201 and r.get_json()["job"]["kind"] == "test"
    assert LocalWorker(app).step()["action"] == "printed"
    printer.settle()
    assert printed_urls(printer.jobs[0]) == ["http://qms.test/kiosk"]
    r = client.post("/api/v1/devices/test-print", json={"target": "k9"}, headers=it["headers"])
    assert r.status_code == 404

"""The server's print path: job committed with the ticket, worker prints once, faults retried."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from qms.devices.models import DeviceState, PrintJob
from qms.devices.worker import LocalWorker
from qms.models import utcnow
from tests.devices.conftest import printed_urls, split_jobs

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


@pytest.fixture
def printer_app(app, fake_printer, request):
    mode = getattr(request, "param", "ok")
    printer = fake_printer(mode)
    app.config["PRINTER"] = printer.url
    app.config["PRINTER_STATUS_TIMEOUT"] = 0.3
    return app, printer


def jobs_of(app, ticket_id=None):
    with app.extensions["qms"].db.read() as s:
        q = select(PrintJob).order_by(PrintJob.id)
        if ticket_id is not None:
            q = q.where(PrintJob.ticket_id == ticket_id)
        return list(s.scalars(q))


def test_job_commits_with_ticket_and_prints_once(printer_app, client):
    app, printer = printer_app
    r = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"})
    assert r.status_code == 201
    ticket = r.get_json()
    assert ticket["print"]["status"] == "queued" and ticket["print"]["target"] == "local"
    [job] = jobs_of(app, ticket["id"])
    assert job.id == ticket["print"]["job"] and job.status == "queued"
    assert job.payload["code"] == ticket["code"]
    assert job.payload["counters"]  # the counters serving A, from the demo set-up
    assert client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()["status"] == "queued"

    worker = LocalWorker(app)
    assert worker.step()["action"] == "printed"
    assert worker.step()["action"] == "idle"  # the print itself was the latest status news
    printer.settle()
    assert len(printer.jobs) == 1
    raw = printer.jobs[0]
    assert raw.startswith(b"\x1b@") and b"\x1dv0" in raw
    assert printed_urls(raw) == [ticket["track_url"]]
    status = client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()
    assert status["status"] == "printed" and status["state"] == "printed"
    assert status["message_vi"].startswith("Vé giấy đã được in")


def test_dummy_transport_bytes(app, issue):
    from printer_drivers import DummyTransport

    app.config["PRINTER"] = "dummy"
    dummy = DummyTransport()
    app.extensions["qms"].printer_transport = dummy
    ticket = issue("H", priority="elderly")
    assert LocalWorker(app).step()["action"] == "printed"
    assert len(split_jobs(bytes(dummy.output))) == 1
    assert printed_urls(bytes(dummy.output)) == [ticket["track_url"]]
    [job] = jobs_of(app, ticket["id"])
    assert job.payload["priority_label"] == "Người cao tuổi"
    assert job.payload["centre_name"] == app.config["CENTRE_NAME"]


def test_no_printer_no_job(app, client, issue):
    ticket = issue("A")
    assert "print" not in ticket
    assert jobs_of(app) == []
    status = client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()
    assert status["status"] == "none"
    assert client.get("/api/v1/tickets/999999/print").status_code == 404


def test_refused_printer_retried_with_backoff_until_fixed(
    app, client, fake_printer, device_signals
):
    from qms.liveserver import free_port

    port = free_port()  # nothing listens there: connection refused
    app.config["PRINTER"] = f"tcp://127.0.0.1:{port}?timeout=2&connect_timeout=1"
    app.config["PRINTER_STATUS_TIMEOUT"] = 0.3
    r = client.post("/api/v1/tickets", json={"service": "B"})
    assert r.status_code == 201
    ticket = r.get_json()

    worker = LocalWorker(app)
    t0 = utcnow()
    assert worker.step(t0)["action"] == "failed"
    [job] = jobs_of(app)
    assert job.status == "queued" and job.attempts == 1
    assert job.next_attempt_dt == t0 + timedelta(seconds=1)
    assert worker.step(t0 + timedelta(seconds=0.5))["action"] == "backoff"
    assert worker.step(t0 + timedelta(seconds=1))["action"] == "failed"
    [job] = jobs_of(app)
    assert job.attempts == 2 and job.next_attempt_dt == t0 + timedelta(seconds=3)
    assert worker.step(t0 + timedelta(seconds=3))["action"] == "failed"
    assert [job.attempts for job in jobs_of(app)] == [3]
    assert len(device_signals["failed"]) == 1  # once for the fault, not per retry
    assert device_signals["failed"][0]["device"] == "printer:local"
    assert device_signals["failed"][0]["kind"] == "offline"
    status = client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()
    assert status["state"] == "failed" and "bàn hướng dẫn" in status["message_vi"]
    # the kiosk's next ticket knows at once that the printer is in trouble
    assert (
        client.post("/api/v1/tickets", json={"service": "B"}).get_json()["print"]["state"]
        == "failed"
    )

    printer = fake_printer("ok", port=port)  # plugged back in
    results = [worker.step(t0 + timedelta(seconds=20 + i))["action"] for i in range(4)]
    assert results.count("printed") == 2
    printer.settle()
    assert len(printer.jobs) == 2
    assert printed_urls(b"".join(printer.jobs))[0] == ticket["track_url"]
    assert [j.status for j in jobs_of(app)] == ["printed", "printed"]
    assert len(device_signals["recovered"]) == 1
    assert len(device_signals["failed"]) == 1


@pytest.mark.parametrize("printer_app", ["paper_out"], indirect=True)
def test_paper_out_nothing_printed_until_refilled(
    printer_app, client, device_signals, create_user, auth
):
    app, printer = printer_app
    r = client.post("/api/v1/tickets", json={"service": "C"})
    assert r.status_code == 201
    worker = LocalWorker(app)
    t0 = utcnow()
    assert worker.step(t0)["action"] == "failed"
    assert worker.step(t0 + timedelta(seconds=1))["action"] == "failed"
    printer.settle()
    assert printer.jobs == []  # the status was read first: not a byte of the job was sent
    assert [s["kind"] for s in device_signals["failed"]] == ["paper_out"]
    with app.extensions["qms"].db.read() as s:
        assert s.get(DeviceState, "printer:local").kind == "paper_out"
    # the officer reads what to do in Vietnamese; the driver's words only as technical detail
    auth(create_user("it"), next_url="/admin/devices")
    html = client.get("/admin/devices").get_data(as_text=True)
    assert "Máy in hết giấy: lắp cuộn giấy mới" in html
    for raw in re.findall(r"PaperOutError[^<]*", html):
        before = html[: html.index(raw)]
        assert before.rfind("<details") > before.rfind("</details>"), raw

    printer.mode = "ok"
    actions = [worker.step(t0 + timedelta(seconds=10 + i))["action"] for i in range(3)]
    assert actions.count("printed") == 1
    printer.settle()
    assert len(printer.jobs) == 1
    assert len(device_signals["recovered"]) == 1


@pytest.mark.parametrize("printer_app", ["silent"], indirect=True)
def test_silent_printer_with_required_status(printer_app, client, device_signals):
    app, printer = printer_app
    app.config["PRINTER_REQUIRE_STATUS"] = True
    assert client.post("/api/v1/tickets", json={"service": "A"}).status_code == 201
    result = LocalWorker(app).step()
    assert result["action"] == "failed"
    assert [s["kind"] for s in device_signals["failed"]] == ["offline"]
    printer.settle()
    assert printer.jobs == []


@pytest.mark.parametrize("printer_app", ["paper_out"], indirect=True)
def test_idle_status_poll_notices_paper_out(printer_app, device_signals):
    app, printer = printer_app
    worker = LocalWorker(app)
    assert worker.step()["action"] == "polled"
    assert [s["kind"] for s in device_signals["failed"]] == ["paper_out"]
    printer.mode = "ok"
    worker.step(utcnow() + timedelta(seconds=60))
    assert len(device_signals["recovered"]) == 1


def test_old_jobs_expire(printer_app, client):
    app, printer = printer_app
    client.post("/api/v1/tickets", json={"service": "A"})
    later = utcnow() + timedelta(seconds=app.config["PRINT_JOB_TTL"] + 1)
    assert LocalWorker(app).step(later)["action"] == "polled"  # a new worker asks the printer
    assert [j.status for j in jobs_of(app)] == ["expired"]
    printer.settle()
    assert printer.jobs == []


def test_interrupted_local_job_never_printed_twice(printer_app, client):
    from qms.devices.operations import jobs

    app, printer = printer_app
    client.post("/api/v1/tickets", json={"service": "A"})
    [job] = jobs_of(app)
    jobs.claim(job.id, "dead-process")
    assert jobs.fail_interrupted_local("new-process") == [job.id]
    assert LocalWorker(app, holder="new-process").step()["action"] == "polled"
    printer.settle()
    assert printer.jobs == []


def test_kiosk_hears_print_status(printer_app, client, socket_client):
    app, printer = printer_app
    kiosk = socket_client()
    kiosk.get_received()
    ticket = client.post("/api/v1/tickets", json={"service": "A"}).get_json()
    LocalWorker(app).step()
    events = [e["args"][0] for e in kiosk.get_received() if e["name"] == "print_status"]
    assert {"ticket_id": ticket["id"], "state": "printed", "kiosk": None} in events


def test_a_print_job_problem_never_costs_the_ticket(printer_app, client, monkeypatch):
    from qms.devices.operations import jobs

    app, _ = printer_app

    def broken(rt, ticket):
        raise KeyError("CENTRE_NAME")  # the payload cannot be built

    monkeypatch.setattr(jobs, "ticket_payload", broken)
    r = client.post("/api/v1/tickets", json={"service": "A"})
    assert r.status_code == 201 and "print" not in r.get_json()
    assert jobs_of(app) == []

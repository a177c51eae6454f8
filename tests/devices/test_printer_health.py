"""Printer health: a silent TCP printer is flagged unknown after a configurable
time, a garbage-answering one is never counted as printed, the print lease is released on stop."""

import sqlite3
import time

import pytest

from qms.devices.worker import LocalWorker
from qms.liveserver import LiveServer

pytestmark = pytest.mark.storage


def local_state(client, officer):
    listed = client.get("/api/v1/devices", headers=officer["headers"]).get_json()
    return {d["id"]: d for d in listed}["printer:local"]


def test_a_silent_printer_is_flagged_unknown_after_the_configured_time(
    app, client, clock, officer, issue, fake_printer
):
    printer = fake_printer("silent")
    app.config.update(PRINTER=printer.url, PRINTER_SILENT_SECONDS=45, PRINTER_STATUS_TIMEOUT=0.2)
    worker = LocalWorker(app)
    t0 = clock("2026-11-25T08:00:00")
    issue("A")
    assert worker.step(t0)["action"] == "printed"  # it took the bytes: we cannot know better
    assert local_state(client, officer)["state"] != "online"
    clock("2026-11-25T08:00:44")
    worker.poll_status()
    from qms.devices.queries import device_state

    assert device_state("printer:local") == ("unknown", None)
    clock("2026-11-25T08:00:46")
    worker.poll_status()
    assert device_state("printer:local") == ("unknown", "no_status")
    state = local_state(client, officer)
    assert state["state"] == "fault" and "no answer to status queries" in state["detail"]
    # it answers again: ok, and the silence is forgotten
    printer.mode = "ok"
    clock("2026-11-25T08:01:00")
    worker.poll_status()
    assert device_state("printer:local") == ("ok", None)
    assert local_state(client, officer)["state"] == "online"


def test_a_garbage_answering_printer_is_not_counted_as_printed(
    app, client, issue, fake_printer, device_signals
):
    printer = fake_printer("garbage")
    app.config.update(PRINTER=printer.url, PRINTER_STATUS_TIMEOUT=0.2)
    ticket = issue("A")
    result = LocalWorker(app).step()
    assert result["action"] == "failed"
    assert "does not match 0xx1xx10" in result["result"]["last_error"]
    status = client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()
    assert status["status"] == "queued" and status["state"] == "failed"
    printer.settle()
    assert printer.jobs == []  # not one byte of the ticket went there
    assert [(s["device"], s["kind"]) for s in device_signals["failed"]] == [
        ("printer:local", "error")
    ]


@pytest.mark.slow
def test_the_print_lease_is_released_on_stop(tmp_path, fake_printer):
    printer = fake_printer()
    server = LiveServer(tmp_path / "srv", env={"QMS_PRINTER": printer.url})
    server.init()
    database = tmp_path / "srv" / "qms.sqlite3"

    def holders():
        with sqlite3.connect(database) as db:
            return [
                row[0] for row in db.execute("SELECT holder FROM leases WHERE name = 'printer'")
            ]

    server.start()
    try:
        deadline = time.monotonic() + 30
        while not holders() and time.monotonic() < deadline:
            time.sleep(0.1)
        first = holders()
        assert len(first) == 1
    finally:
        server.stop()
    assert server.proc.returncode is not None
    assert holders() == []  # released: a restart prints at once, not 30 s later
    server.start()
    try:
        deadline = time.monotonic() + 30
        while not holders() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(holders()) == 1 and holders() != first
    finally:
        server.stop()

"""A real `qms serve` SIGKILLed while clients take numbers: nothing acknowledged is lost."""

import threading
import time

import pytest
import requests

from qms.liveserver import LiveServer

pytestmark = pytest.mark.slow


def test_sigkill_loses_no_acknowledged_ticket(tmp_path):
    server = LiveServer(tmp_path / "data")
    server.init()
    server.start()
    acknowledged = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(service):
        session = requests.Session()
        while not stop.is_set():
            try:
                r = session.post(
                    server.url + "/api/v1/tickets", json={"service": service}, timeout=2
                )
            except requests.RequestException:
                continue
            if r.status_code == 201:
                with lock:
                    acknowledged.append(r.json())

    threads = [threading.Thread(target=client, args=(s,)) for s in ("A", "A", "B", "C")]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while True:  # kill mid-stream, once a good number of tickets went through
        with lock:
            if len(acknowledged) >= 150:
                break
        assert time.monotonic() < deadline, f"only {len(acknowledged)} tickets in 60 s"
        stop.wait(0.01)
    server.kill()
    stop.set()
    for t in threads:
        t.join(10)

    server.start()
    try:
        session = requests.Session()
        for ticket in acknowledged:
            stored = session.get(f"{server.url}/api/v1/tickets/{ticket['id']}", timeout=5)
            assert stored.status_code == 200, ticket
            assert stored.json()["code"] == ticket["code"]
        codes = [t["code"] for t in acknowledged]
        assert len(codes) == len(set(codes)), "a number was issued twice"
        for service in ("A", "B", "C"):
            seen = [t["number"] for t in acknowledged if t["service"] == service]
            after = session.post(
                server.url + "/api/v1/tickets", json={"service": service}, timeout=5
            ).json()
            assert after["number"] > max(seen), "numbering must continue without reuse"
            # numbers remain gapless: everything below the new one exists
            services = {
                s["code"]: s["waiting"] for s in session.get(server.url + "/api/v1/services").json()
            }
            assert services[service] == after["number"]
    finally:
        server.stop()

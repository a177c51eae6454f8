"""`qms serve --worker-class gevent`, the server model the figures choose for many displays,
as a real process on SQLite: tickets stay gapless and durable under concurrent requests (the
issuing writer is a greenlet there), a call reaches every connected display with what it moved
on the board, and a display that connects late still gets the board. bench/bench_display.py
measures it at 1,000 and 3,000 displays; this only keeps it working."""

import threading
from pathlib import Path

import pytest
import requests
import socketio

from qms.liveserver import LiveServer
from tests import waiting

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("gevent")
    live = LiveServer(
        tmp_path_factory.mktemp("gevent") / "data", env={"QMS_SERVE_WORKER_CLASS": "gevent"}
    )
    live.init()
    live.start()
    yield live
    live.stop()


def _wait(predicate, seconds, what):
    return waiting.wait_for(predicate, what, seconds)


def test_it_serves_under_gevent(server):
    health = requests.get(f"{server.url}/api/v1/health", timeout=5).json()
    assert health["status"] == "ok", health
    # the worker process (gunicorn's child) runs on gevent's event loop
    pid = server.proc.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert children, "gunicorn started no worker"
    maps = Path(f"/proc/{children[0]}/maps").read_text()
    assert "gevent" in maps, "the worker has not loaded gevent"


def test_concurrent_tickets_are_gapless_and_each_answer_is_stored(server):
    answers, failures = [], []

    def issue(count):
        with requests.Session() as session:
            for _ in range(count):
                r = session.post(f"{server.url}/api/v1/tickets", json={"service": "C"}, timeout=20)
                (answers if r.status_code == 201 else failures).append(r.json())

    threads = [threading.Thread(target=issue, args=(30,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    assert sorted(a["number"] for a in answers) == list(range(1, 241))
    for answer in answers[::37]:  # what was answered is what is stored
        stored = requests.get(f"{server.url}/api/v1/tickets/{answer['id']}", timeout=5).json()
        assert (stored["code"], stored["number"]) == (answer["code"], answer["number"])


def test_a_call_reaches_every_display_with_what_it_moved(server):
    headers = server.token()
    displays, received = [], []
    for _ in range(5):
        display = socketio.Client(reconnection=False)
        display.on("ticket_called", lambda data: received.append(data))
        display.connect(server.url, transports=["websocket"], wait_timeout=10)
        displays.append(display)
    try:
        ticket = requests.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, timeout=10)
        called = requests.post(
            f"{server.url}/api/v1/counters/1/call-next", json={}, headers=headers, timeout=10
        )
        assert called.status_code == 200, called.text
        code = called.json()["ticket"]["code"]
        _wait(lambda: len(received) >= 5, 10, "ticket_called on every display")
        assert {r["ticket"]["code"] for r in received} == {code}
        assert ticket.json()["code"] == code
        moved = received[0]["board"]
        assert set(moved) == {"counters", "recent", "waiting", "server_time"}
        assert moved["recent"][0]["ticket"] == code
        counter = next(c for c in moved["counters"] if c["number"] == 1)
        assert counter["current"]["code"] == code
        assert counter["current"]["track_url"] is None  # the public board carries no capability
        late = socketio.Client(reconnection=False)
        boards = []
        late.on("board", lambda data: boards.append(data))
        late.connect(server.url, transports=["websocket"], wait_timeout=10)
        try:
            board = _wait(lambda: boards, 10, "the board on connect")[0]
            assert next(c for c in board["counters"] if c["number"] == 1)["current"]["code"] == code
        finally:
            late.disconnect()
    finally:
        for display in displays:
            display.disconnect()

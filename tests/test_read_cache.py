"""The board, the mode and the health check come from memory, and a change drops them at once.

READ_CACHE_SECONDS is set to ten minutes here: only the change signals can make a read fresh.
"""

import time

import pytest

pytestmark = pytest.mark.storage

LONG = {"READ_CACHE_SECONDS": 600}
WITH_PRIMARY = {**LONG, "PRIMARY_URL": "http://127.0.0.1:9/health"}


@pytest.mark.parametrize("app_config", [LONG])
def test_the_board_is_served_from_memory_until_something_changes(app, client, issue, officer):
    first = client.get("/api/v1/board").get_json()
    assert first["waiting"]["A"] == 0
    # nothing changed: the same computed board (only the server time moves)
    again = client.get("/api/v1/board").get_json()
    assert {k: v for k, v in again.items() if k != "server_time"} == {
        k: v for k, v in first.items() if k != "server_time"
    }
    issue("A")
    assert client.get("/api/v1/board").get_json()["waiting"]["A"] == 1
    client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"])
    board = client.get("/api/v1/board").get_json()
    assert board["waiting"]["A"] == 0
    assert board["counters"][0]["current"]["code"] == "A001"


@pytest.mark.parametrize("app_config", [WITH_PRIMARY])
def test_a_mode_switch_reaches_health_and_board_at_once(app, client, leader):
    assert client.get("/api/v1/health").get_json()["mode"] == "standby"
    assert client.get("/api/v1/board").get_json()["mode"] == "standby"
    switched = client.post(
        "/api/v1/mode", json={"mode": "fallback", "reason": "Diễn tập"}, headers=leader["headers"]
    )
    assert switched.status_code == 200, switched.get_json()
    assert client.get("/api/v1/health").get_json()["mode"] == "fallback"
    assert client.get("/api/v1/board").get_json()["mode"] == "fallback"


@pytest.mark.parametrize("app_config", [LONG])
def test_a_display_never_keeps_a_stale_board_after_a_change(app, socket_client, issue):
    display = socket_client()

    def boards():
        return [e["args"][0] for e in display.get_received() if e["name"] == "board"]

    assert boards()[-1]["waiting"]["B"] == 0
    issue("B")
    deadline, seen = time.monotonic() + 5, []
    while time.monotonic() < deadline and not (seen and seen[-1]["waiting"]["B"] == 1):
        seen += boards()
        time.sleep(0.05)
    assert seen[-1]["waiting"]["B"] == 1


@pytest.mark.parametrize("app_config", [LONG])
def test_queue_traffic_keeps_the_settings_and_a_setup_change_drops_them(
    app, client, issue, officer, leader
):
    from qms.state import get_state

    cache, computed = get_state(app).cache, []

    def compute():
        computed.append(len(computed) + 1)
        return computed[-1]

    assert cache.get("probe", compute, 600, kind="setup") == 1
    assert cache.get("probe-board", compute, 600) == 2  # a queue value
    issue("A")
    called = client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"])
    assert called.status_code == 200
    # a ticket issued and called: the queue's values are recomputed, the settings are not
    assert cache.get("probe", compute, 600, kind="setup") == 1
    assert cache.get("probe-board", compute, 600) == 3
    changed = client.put("/api/v1/issuing-limit", json={"per_minute": 2}, headers=leader["headers"])
    assert changed.status_code == 200, changed.get_json()
    assert cache.get("probe", compute, 600, kind="setup") == 4


@pytest.mark.parametrize("app_config", [LONG])
def test_a_new_ceiling_applies_to_the_next_ticket(app, client, issue, leader):
    issue("A")  # the unlimited ceiling is now in memory
    changed = client.put("/api/v1/issuing-limit", json={"per_minute": 2}, headers=leader["headers"])
    assert changed.status_code == 200, changed.get_json()
    issue("A")  # the second ticket of the minute
    refused = client.post("/api/v1/tickets", json={"service": "A"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "centre_busy"


@pytest.mark.parametrize("app_config", [LONG])
def test_a_call_carries_the_board_and_no_board_push_repeats_it(
    app, client, socket_client, issue, officer
):
    display = socket_client()

    def events(name):
        return [e["args"][0] for e in display.get_received() if e["name"] == name]

    issue("A")
    issue("A")
    deadline, boards = time.monotonic() + 5, []
    while time.monotonic() < deadline and not (boards and boards[-1]["waiting"]["A"] == 2):
        boards += events("board")
        time.sleep(0.05)
    assert boards[-1]["waiting"]["A"] == 2
    called = client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"])
    assert called.status_code == 200
    deadline, calls, pushed = time.monotonic() + 5, [], []
    while time.monotonic() < deadline and not calls:
        received = display.get_received()
        calls += [e["args"][0] for e in received if e["name"] == "ticket_called"]
        pushed += [e["args"][0] for e in received if e["name"] == "board"]
        time.sleep(0.05)
    (call,) = calls
    board = call["board"]
    assert call["ticket"]["code"] == "A001"
    # what a call moves, nothing more: every client keeps the rest of its last board
    assert set(board) == {"counters", "recent", "waiting", "server_time"}
    assert board["waiting"]["A"] == 1
    assert board["counters"][0]["current"]["code"] == "A001"
    # the public board never carries the citizen's tracking link nor the kiosk (staff only)
    assert board["counters"][0]["current"]["track_url"] is None
    assert board["counters"][0]["current"]["kiosk"] is None
    assert board["recent"][0]["ticket"] == "A001"
    # the signals of the call mark the board dirty; the push sees the same board and stays quiet
    time.sleep(1.0)
    pushed += events("board")
    assert pushed == []
    # the next change is pushed as always
    issue("B")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not pushed:
        pushed += events("board")
        time.sleep(0.05)
    assert pushed[-1]["waiting"] == {**board["waiting"], "B": 1}

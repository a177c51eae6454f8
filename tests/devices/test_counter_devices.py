"""Counter devices on the server: registration, presses once per id, boards, ratings,
heartbeats and device health with incidents, and device accounts bound to their kiosk or
counter."""

import pytest

from qms.devices.operations.binding import bind_account

pytestmark = pytest.mark.storage


@pytest.fixture
def counter_pc(client, create_user, admin_user):
    """A counter PC's device account bound to counter 1, with a button box, an LED board and
    a rating pad registered for that counter."""
    account = create_user("device")
    bind_account(account["id"], counter=1)
    for kind, name, url in (
        ("button", "box1", "serial:/dev/ttyUSB0"),
        ("led", "led1", "serial:/dev/ttyUSB1"),
        ("rating_pad", "pad1", "serial:/dev/ttyUSB2"),
    ):
        r = client.post(
            "/api/v1/counter-devices",
            json={"kind": kind, "name": name, "counter": 1, "url": url},
            headers=admin_user["headers"],
        )
        assert r.status_code == 201, r.get_json()
    return account


def press(client, account, action, press_id, counter=1, device="box1", **extra):
    return client.post(
        f"/api/v1/counters/{counter}/presses",
        json={"device": device, "action": action, "id": press_id, **extra},
        headers=account["headers"],
    )


def open_counter(client, officer, n=1):
    r = client.post(
        f"/api/v1/counters/{n}/state", json={"state": "open"}, headers=officer["headers"]
    )
    assert r.status_code == 200, r.get_json()


def test_registration_refuses_bad_urls_and_key_maps(client, admin_user, officer):
    h = admin_user["headers"]
    r = client.post(
        "/api/v1/counter-devices",
        json={"kind": "button", "name": "b", "counter": 1, "url": "bluetooth:AA"},
        headers=h,
    )
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_url"
    assert "unknown device URL scheme 'bluetooth'" in r.get_json()["error"]["message"]
    r = client.post(
        "/api/v1/counter-devices",
        json={
            "kind": "button",
            "name": "b",
            "counter": 1,
            "url": "loop://",
            "keymap": {"keys": {"F1": "fly"}},
        },
        headers=h,
    )
    assert r.get_json()["error"]["code"] == "invalid_keymap"
    r = client.post(
        "/api/v1/counter-devices",
        json={"kind": "led", "name": "kb", "counter": 1, "url": "evdev:/dev/input/event1"},
        headers=h,
    )
    assert r.get_json()["error"]["code"] == "invalid_url"  # a keypad cannot show codes
    r = client.post(
        "/api/v1/counter-devices",
        json={"kind": "button", "name": "b", "counter": 77, "host": "mqtt"},
        headers=h,
    )
    assert r.status_code == 404
    ok = {"kind": "button", "name": "b", "counter": 1, "host": "mqtt"}
    assert (
        client.post("/api/v1/counter-devices", json=ok, headers=officer["headers"]).status_code
        == 403
    )
    r = client.post("/api/v1/counter-devices", json=ok, headers=h)
    assert r.status_code == 201 and r.get_json()["url"] == ""
    assert client.post("/api/v1/counter-devices", json=ok, headers=h).status_code == 409


def test_a_press_calls_next_once_per_press_id(client, counter_pc, officer, issue):
    open_counter(client, officer)
    first, second = issue("A"), issue("A")
    r = press(client, counter_pc, "next", "box1-0001")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {
        "status": "done",
        "ticket": {"id": first["id"], "code": first["code"]},
        "rating": None,
        "duplicate": False,
    }
    # the box repeats the line (no ack heard): the same press acts no more
    again = press(client, counter_pc, "next", "box1-0001").get_json()
    assert again["duplicate"] is True and again["ticket"]["code"] == first["code"]
    counter = client.get("/api/v1/counters", headers=officer["headers"]).get_json()[0]
    assert counter["current"]["code"] == first["code"]
    assert (
        press(client, counter_pc, "next", "box1-0002").get_json()["ticket"]["code"]
        == second["code"]
    )


def test_a_device_acts_only_for_its_own_counter(client, counter_pc, officer, issue, admin_user):
    open_counter(client, officer, 2)
    issue("C")
    r = press(client, counter_pc, "next", "x-1", counter=2)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "device_not_bound"
    r = client.post("/api/v1/counters/2/agent", json={}, headers=counter_pc["headers"])
    assert r.status_code == 403
    assert client.get("/api/v1/counters/2/board", headers=counter_pc["headers"]).status_code == 403
    # an unknown device at its own counter, an officer posing as a device
    assert press(client, counter_pc, "next", "x-2", device="ghost").status_code == 404
    assert press(client, officer, "next", "x-3").status_code == 403


def test_a_press_on_a_paused_counter_does_nothing_and_lights_the_board(
    app, client, counter_pc, officer, issue
):
    issue("A")
    r = client.post(
        "/api/v1/counters/1/state", json={"state": "paused"}, headers=officer["headers"]
    )
    assert r.status_code == 200
    board = client.get("/api/v1/counters/1/board", headers=counter_pc["headers"]).get_json()
    result = press(client, counter_pc, "next", "p-1").get_json()
    assert (
        result["status"] == "refused" and result["board"] == "paused" and result["ticket"] is None
    )
    after = client.get(
        f"/api/v1/counters/1/board?after={board['version']}&wait=5", headers=counter_pc["headers"]
    ).get_json()
    assert after["error"] == "paused" and after["state"] == "paused" and after["code"] == ""
    waiting = client.get("/api/v1/services").get_json()
    assert [s["waiting"] for s in waiting if s["code"] == "A"] == [1]


def test_the_board_follows_calls_completion_and_pause(client, counter_pc, officer, issue):
    open_counter(client, officer)
    ticket = issue("A")
    h = counter_pc["headers"]
    start = client.get("/api/v1/counters/1/board", headers=h).get_json()
    assert start["code"] == ""
    client.post("/api/v1/counters/1/call-next", headers=officer["headers"])
    called = client.get(
        f"/api/v1/counters/1/board?after={start['version']}&wait=5", headers=h
    ).get_json()
    assert called["code"] == ticket["code"] and called["version"] > start["version"]
    client.post("/api/v1/counters/1/complete", headers=officer["headers"])
    done = client.get(
        f"/api/v1/counters/1/board?after={called['version']}&wait=5", headers=h
    ).get_json()
    assert done["code"] == ""


def test_a_rating_press_rates_the_finished_ticket_once(client, counter_pc, officer, issue):
    open_counter(client, officer)
    ticket = issue("A")
    press(client, counter_pc, "next", "n-1")
    press(client, counter_pc, "complete", "c-1")
    r = press(client, counter_pc, "rate", "pad-1", device="pad1", score=3)
    result = r.get_json()
    assert result["status"] == "done" and result["rating"]["score"] == 3
    assert press(client, counter_pc, "rate", "pad-1", device="pad1", score=3).get_json()[
        "duplicate"
    ]
    # a second, different press on the same finished ticket: already rated
    other = press(client, counter_pc, "rate", "pad-2", device="pad1", score=1).get_json()
    assert other["status"] == "refused"
    detail = client.get(f"/api/v1/tickets/{ticket['id']}", headers=officer["headers"]).get_json()
    assert detail["status"] == "done"


def test_a_press_buffered_too_long_is_dropped(client, counter_pc, officer, issue):
    open_counter(client, officer)
    issue("A")
    r = press(client, counter_pc, "next", "late-1", age=11)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "press_too_late"
    counter = client.get("/api/v1/counters", headers=officer["headers"]).get_json()[0]
    assert counter["current"] is None


def test_heartbeats_devices_list_and_incidents(app, client, clock, counter_pc, leader):
    clock("2026-11-25T08:00:00")
    for device in ("display:hall", "kiosk:k1", "counter:1"):
        r = client.post("/api/v1/devices/heartbeat", json={"device": device})
        assert r.status_code == 200 and r.get_json()["state"] == "online"
    for bad in ("display:", "tv:1", "counter:99", "kiosk:" + "x" * 41):
        r = client.post("/api/v1/devices/heartbeat", json={"device": bad})
        assert r.status_code in (404, 422), bad
    r = client.post(
        "/api/v1/counters/1/agent",
        json={"devices": [{"name": "box1", "state": "ok"}]},
        headers=counter_pc["headers"],
    )
    assert r.status_code == 200 and {d["name"] for d in r.get_json()["devices"]} == {
        "box1",
        "led1",
        "pad1",
    }
    listed = client.get("/api/v1/devices", headers=leader["headers"]).get_json()
    by_id = {d["id"]: d for d in listed}
    assert by_id["display:hall"] == {
        "id": "display:hall",
        "kind": "display",
        "name": "hall",
        "counter": None,
        "state": "online",
        "last_seen": "2026-11-25T08:00:00+07:00",
        "detail": "",
        "since": "2026-11-25T08:00:00+07:00",
    }
    assert by_id["button:box1"]["state"] == "online" and by_id["button:box1"]["counter"] == 1
    assert by_id["led:led1"]["state"] == "offline"  # registered, never heard from
    assert client.get("/api/v1/devices", headers=counter_pc["headers"]).status_code == 403

    from qms.devices.operations import health

    clock("2026-11-25T08:01:00")
    assert health.silence_watchdog() == []
    clock("2026-11-25T08:01:31")
    assert sorted(health.silence_watchdog()) == [
        "button:box1",
        "counter:1",
        "display:hall",
        "kiosk:k1",
    ]
    assert health.silence_watchdog() == []  # one fault, one incident
    incidents = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    hall = [i for i in incidents if "display:hall" in (i.get("scope") or "")]
    assert len(hall) == 1 and hall[0]["type"]["code"] == "2.8"
    states = {
        d["id"]: d["state"]
        for d in client.get("/api/v1/devices", headers=leader["headers"]).get_json()
    }
    assert states["display:hall"] == "offline"
    clock("2026-11-25T08:02:00")
    client.post("/api/v1/devices/heartbeat", json={"device": "display:hall"})
    incidents = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    assert [i for i in incidents if "display:hall" in (i.get("scope") or "")] == []


def test_heartbeat_devices_are_capped(app, client):
    app.config["HEARTBEAT_MAX_DEVICES"] = 2
    assert client.post("/api/v1/devices/heartbeat", json={"device": "display:a"}).status_code == 200
    assert client.post("/api/v1/devices/heartbeat", json={"device": "display:b"}).status_code == 200
    r = client.post("/api/v1/devices/heartbeat", json={"device": "display:c"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "too_many_devices"
    assert client.post("/api/v1/devices/heartbeat", json={"device": "display:a"}).status_code == 200


# --- device accounts bound to their kiosk ------------------------------------------


@pytest.fixture
def kiosk_pc(create_user):
    account = create_user("device")
    bind_account(account["id"], kiosk="k1")
    return account


def test_a_kiosk_device_cannot_act_for_another_kiosk(client, kiosk_pc, create_user):
    h = kiosk_pc["headers"]
    assert (
        client.post("/api/v1/agents/k1/hello", json={"printer_state": "ok"}, headers=h).status_code
        == 200
    )
    for method, path, body in (
        (
            "post",
            "/api/v1/agents/k2/hello",
            {"printer_state": "failed", "printer_kind": "paper_out"},
        ),
        ("get", "/api/v1/agents/k2/jobs/next?wait=0", None),
        ("post", "/api/v1/agents/k2/jobs/1/ack", {"claim_token": "x", "status": "printed"}),
    ):
        r = getattr(client, method)(path, json=body, headers=h)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "device_not_bound", path
    unbound = create_user("device")
    r = client.post("/api/v1/agents/k1/hello", json={}, headers=unbound["headers"])
    assert r.status_code == 403


def test_a_forged_claim_token_is_refused(client, kiosk_pc):
    h = kiosk_pc["headers"]
    client.post("/api/v1/agents/k1/hello", json={"printer_state": "ok"}, headers=h)
    ticket = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).get_json()
    assert ticket["print"]["target"] == "agent:k1"
    job = client.get("/api/v1/agents/k1/jobs/next?wait=1", headers=h).get_json()["job"]
    forged = {"claim_token": "made-up-token", "status": "printed"}
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=forged, headers=h)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_claim"
    assert client.get(f"/api/v1/tickets/{ticket['id']}/print").get_json()["status"] == "printing"
    real = {"claim_token": job["claim_token"], "status": "printed"}
    r = client.post(f"/api/v1/agents/k1/jobs/{job['id']}/ack", json=real, headers=h)
    assert r.status_code == 200 and r.get_json()["job"]["status"] == "printed"


def test_a_bare_poll_does_not_reroute_a_kiosks_printing(app, client, create_user, fake_printer):
    app.config["PRINTER"] = fake_printer().url
    thief = create_user("device")
    bind_account(thief["id"], kiosk="k9")
    r = client.get("/api/v1/agents/k9/jobs/next?wait=0", headers=thief["headers"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "agent_not_registered"
    ticket = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k9"}).get_json()
    assert ticket["print"]["target"] == "local"

"""The core HTTP contract of PRODUCT.md, and bad input of every kind."""

import pytest

pytestmark = pytest.mark.storage


def test_health_reports_mode_and_version(client):
    from importlib.metadata import version

    body = client.get("/api/v1/health").get_json()
    assert body == {"status": "ok", "mode": "standalone", "version": version("hcc-queue")}


def test_services_list_counts_waiting(client, issue):
    issue("A")
    issue("A")
    issue("C")
    services = {s["code"]: s for s in client.get("/api/v1/services").get_json()}
    assert services["A"]["waiting"] == 2
    assert services["C"]["waiting"] == 1
    assert services["B"]["waiting"] == 0
    assert services["A"]["name"] == "Hộ tịch"
    assert set(services["A"]) >= {"code", "name", "active", "waiting"}


def test_issue_numbers_per_service_and_ticket_fields(client, issue):
    a1, a2, b1 = issue("A"), issue("A"), issue("B")
    assert (a1["code"], a2["code"], b1["code"]) == ("A001", "A002", "B001")
    assert (a1["number"], a2["number"]) == (1, 2)
    assert a2["ahead"] == 1 and a1["ahead"] == 0
    assert a1["status"] == "waiting"
    assert a1["issued_at"].endswith("+07:00")
    assert a1["track_url"].startswith("http://qms.test/t/")
    fetched = client.get(f"/api/v1/tickets/{a2['id']}").get_json()
    assert fetched["code"] == "A002" and fetched["ahead"] == 1
    for key in (
        "id",
        "code",
        "number",
        "service",
        "priority",
        "status",
        "issued_at",
        "called_at",
        "counter",
        "ahead",
        "track_url",
    ):
        assert key in fetched


def test_priority_ticket_is_ahead_of_normal(issue):
    issue("A")
    issue("A")
    elder = issue("A", priority="elderly")
    assert elder["ahead"] == 0
    assert elder["priority"] == "elderly"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "Z"}, 404, "unknown_service"),
        ({"service": "A", "priority": "vip"}, 422, "unknown_priority"),
        ({}, 422, "missing_field"),
        ({"service": 5}, 422, "invalid_type"),
        ({"service": ["A"]}, 422, "invalid_type"),
        ({"service": "A", "priority": 3}, 422, "invalid_type"),
        ({"service": "A", "extra": 1}, 422, "unknown_field"),
        ({"service": "AAAAAAAA"}, 422, "too_long"),
    ],
)
def test_issue_bad_input(client, body, status, code):
    response = client.post("/api/v1/tickets", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    services = {s["code"]: s["waiting"] for s in client.get("/api/v1/services").get_json()}
    assert sum(services.values()) == 0  # nothing written


@pytest.mark.parametrize(
    ("data", "content_type", "code", "status"),
    [
        ("{bad json", "application/json", "invalid_json", 400),
        ("[1, 2]", "application/json", "invalid_body", 422),
        ('"A"', "application/json", "invalid_body", 422),
        ("x" * 70000, "application/json", "payload_too_large", 413),
    ],
)
def test_malformed_bodies(client, data, content_type, code, status):
    response = client.post("/api/v1/tickets", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_unknown_ticket_and_counter(client, officer):
    assert client.get("/api/v1/tickets/999").get_json()["error"]["code"] == "unknown_ticket"
    response = client.post("/api/v1/counters/99/call-next", headers=officer["headers"])
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_counter"
    assert client.get("/api/v1/nope").status_code == 404
    assert client.get("/api/v1/nope").get_json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/tickets").get_json()["error"]["code"] == "method_not_allowed"


def test_staff_calls_need_a_token(client, issue):
    issue("A")
    response = client.post("/api/v1/counters/1/call-next")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"
    response = client.post("/api/v1/counters/1/call-next", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_token_from_password(client, create_user):
    user = create_user("officer", username="lan")
    response = client.post(
        "/api/v1/auth/token", json={"username": "lan", "password": user["password"]}
    )
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["user"]["username"] == "lan" and me["user"]["role"] == "officer"
    bad = client.post("/api/v1/auth/token", json={"username": "lan", "password": "wrong-password"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "bad_credentials"
    ghost = client.post("/api/v1/auth/token", json={"username": "ghost", "password": "whatever1"})
    assert ghost.status_code == 401


def test_wrong_role_is_forbidden(client, create_user):
    officer = create_user("officer")
    response = client.post("/api/v1/mode", json={"mode": "standalone"}, headers=officer["headers"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_role"


def test_counter_lifecycle_through_api(client, issue, officer):
    h = officer["headers"]
    a1 = issue("A")
    a2 = issue("A")
    called = client.post("/api/v1/counters/1/call-next", headers=h).get_json()["ticket"]
    assert called["code"] == a1["code"] and called["status"] == "called" and called["counter"] == 1
    assert client.get(f"/api/v1/tickets/{a2['id']}").get_json()["ahead"] == 0
    recalled = client.post("/api/v1/counters/1/recall", headers=h).get_json()["ticket"]
    assert recalled["call_count"] == 2
    serving = client.post("/api/v1/counters/1/start", headers=h).get_json()["ticket"]
    assert serving["status"] == "serving"
    nxt = client.post("/api/v1/counters/1/call-next", headers=h).get_json()["ticket"]
    assert nxt["code"] == a2["code"]
    assert client.get(f"/api/v1/tickets/{a1['id']}").get_json()["status"] == "done"
    done = client.post("/api/v1/counters/1/complete", headers=h).get_json()["ticket"]
    assert done["status"] == "done"
    empty = client.post("/api/v1/counters/1/call-next", headers=h).get_json()
    assert empty["ticket"] is None
    assert (
        client.post("/api/v1/counters/1/recall", headers=h).get_json()["error"]["code"]
        == "no_current_ticket"
    )


def test_no_show_and_requeue(client, issue, officer):
    h = officer["headers"]
    a1, a2 = issue("A"), issue("A")
    client.post("/api/v1/counters/1/call-next", headers=h)
    r = client.post("/api/v1/counters/1/no-show", json={"requeue": True}, headers=h).get_json()
    assert r["ticket"]["status"] == "waiting"
    # a2 is now first; a1 went to the back of its class
    assert (
        client.post("/api/v1/counters/1/call-next", headers=h).get_json()["ticket"]["id"]
        == a2["id"]
    )
    again = client.post("/api/v1/counters/1/call-next", headers=h).get_json()["ticket"]
    assert again["id"] == a1["id"]
    gone = client.post("/api/v1/counters/1/no-show", headers=h).get_json()["ticket"]
    assert gone["status"] == "no_show"


def test_transfer_moves_ticket_keeping_code_and_tracking(client, issue, officer):
    h = officer["headers"]
    a1 = issue("A")
    client.post("/api/v1/counters/1/call-next", headers=h)
    moved = client.post("/api/v1/counters/1/transfer", json={"service": "C"}, headers=h).get_json()[
        "ticket"
    ]
    assert moved["code"] == "A001" and moved["service"] == "C" and moved["status"] == "waiting"
    assert moved["track_url"] == a1["track_url"]
    assert client.get(f"/api/v1/tickets/{a1['id']}").get_json()["status"] == "transferred"
    assert (
        client.post("/api/v1/counters/2/call-next", headers=h).get_json()["ticket"]["code"]
        == "A001"
    )
    bad = client.post("/api/v1/counters/2/transfer", json={"service": "Q"}, headers=h)
    assert bad.status_code == 404


def test_stale_page_cannot_act_on_old_ticket(client, issue, officer):
    h = officer["headers"]
    a1 = issue("A")
    issue("A")
    client.post("/api/v1/counters/1/call-next", headers=h)
    client.post("/api/v1/counters/1/call-next", headers=h)  # another tab moved on
    stale = client.post("/api/v1/counters/1/complete", json={"ticket_id": a1["id"]}, headers=h)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale"


def test_paused_counter_cannot_call(client, issue, officer):
    h = officer["headers"]
    issue("A")
    assert (
        client.post("/api/v1/counters/1/state", json={"state": "paused"}, headers=h).status_code
        == 200
    )
    r = client.post("/api/v1/counters/1/call-next", headers=h)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "counter_not_open"
    client.post("/api/v1/counters/1/state", json={"state": "open"}, headers=h)
    assert (
        client.post("/api/v1/counters/1/call-next", headers=h).get_json()["ticket"]["code"]
        == "A001"
    )


def test_board_shows_calls_and_waiting(client, issue, officer):
    issue("A")
    issue("B")
    client.post("/api/v1/counters/1/call-next", headers=officer["headers"])
    board = client.get("/api/v1/board").get_json()
    assert board["mode"] == "standalone"
    assert board["waiting"]["B"] == 1 and board["waiting"]["A"] == 0
    assert board["recent"][0]["ticket"] == "A001" and board["recent"][0]["counter"] == 1
    counter1 = next(c for c in board["counters"] if c["number"] == 1)
    assert counter1["current"]["code"] == "A001"
    assert "notices" in board


def test_counters_list(client):
    counters = client.get("/api/v1/counters").get_json()
    assert [c["number"] for c in counters] == [1, 2, 3, 4]
    assert counters[0]["services"] == ["A", "B"]
    assert counters[0]["current"] is None


def test_issuing_rate_limit_per_client_address(app, client):
    from qms.ratelimit import SlidingWindowLimiter

    app.extensions["qms"].address_limiter = SlidingWindowLimiter("3/60")
    codes = [
        client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).status_code
        for _ in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    limited = client.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"})
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    # another address (another kiosk PC) is not affected
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert other.post("/api/v1/tickets", json={"service": "A", "kiosk": "k2"}).status_code == 201


def test_device_account_is_not_staff(client, create_user, issue):
    device = create_user("device")
    issue("A")
    r = client.post("/api/v1/counters/1/call-next", headers=device["headers"])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden_role"
    assert client.get("/api/v1/auth/me", headers=device["headers"]).status_code == 403


def test_security_headers_on_every_answer(client):
    for path in ("/api/v1/health", "/kiosk", "/login"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_admin_sets_up_services_counters_and_categories(client, admin_user, officer, issue):
    h = admin_user["headers"]
    r = client.put("/api/v1/services/K", json={"name": "Tư pháp", "name_en": "Justice"}, headers=h)
    assert r.status_code == 200 and r.get_json() == {
        "code": "K",
        "name": "Tư pháp",
        "name_en": "Justice",
        "active": True,
        "waiting": 0,
        "description": "",  # the kiosk's line and the daily cap
        "daily_cap": None,
        "position": 0,
    }
    assert (
        client.put("/api/v1/services/K", json={"name": "X"}, headers=officer["headers"]).status_code
        == 403
    )
    assert (
        client.put("/api/v1/services/K1", json={"name": "X"}, headers=h).get_json()["error"]["code"]
        == "invalid_code"
    )
    r = client.put("/api/v1/counters/5", json={"name": "Quầy 5", "services": ["K", "a"]}, headers=h)
    assert r.status_code == 200 and r.get_json()["services"] == ["K", "A"]
    assert (
        client.put(
            "/api/v1/counters/5", json={"name": "Quầy 5", "services": ["Q"]}, headers=h
        ).status_code
        == 422
    )
    assert (
        client.put(
            "/api/v1/counters/5", json={"name": "Quầy 5", "services": [1]}, headers=h
        ).status_code
        == 422
    )
    assert issue("K")["code"] == "K001"
    assert (
        client.post("/api/v1/counters/5/call-next", headers=officer["headers"]).get_json()[
            "ticket"
        ]["code"]
        == "K001"
    )
    # a paused service refuses new numbers with a clear message
    client.put("/api/v1/services/K", json={"name": "Tư pháp", "active": False}, headers=h)
    refused = client.post("/api/v1/tickets", json={"service": "K"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "service_inactive"
    r = client.put(
        "/api/v1/priorities/veteran", json={"name": "Cựu chiến binh", "position": 5}, headers=h
    )
    assert r.status_code == 200 and r.get_json()["name"] == "Cựu chiến binh"
    assert issue("A", priority="veteran")["priority"] == "veteran"
    client.put(
        "/api/v1/priorities/veteran", json={"name": "Cựu chiến binh", "active": False}, headers=h
    )
    assert (
        client.post("/api/v1/tickets", json={"service": "A", "priority": "veteran"}).status_code
        == 422
    )

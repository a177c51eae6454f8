"""What an attacker or a bad day tried, each held: limits, bad input, headers, sockets."""

import socket

import pytest
import requests

from qms.liveserver import LiveServer

pytestmark = pytest.mark.storage

LIMITED = {"ADDRESS_RATE_LIMIT": "12/60", "KIOSK_RATE_LIMIT": "12/60"}


@pytest.mark.parametrize("app_config", [LIMITED])
def test_rotating_kiosk_ids_do_not_dodge_the_address_limit(client):
    codes = [
        client.post(
            "/api/v1/tickets",
            json={"service": "A", "kiosk": f"k{i}"},
            headers={"X-Kiosk-Id": f"x{i}"},
        ).status_code
        for i in range(20)
    ]
    assert codes == [201] * 12 + [429] * 8


@pytest.mark.parametrize("app_config", [LIMITED])
def test_an_attacker_naming_a_kiosk_cannot_lock_it_out(app, client, create_user, auth):
    it = create_user("it")
    kiosk = app.test_client()
    kiosk.environ_base["REMOTE_ADDR"] = "10.0.0.21"
    enrolled = kiosk.post("/api/v1/kiosk-enrolment", json={"kiosk": "k1"}, headers=it["headers"])
    assert enrolled.status_code == 201
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    flood = [
        attacker.post("/api/v1/tickets", json={"service": "A", "kiosk": "k1"}).status_code
        for _ in range(15)
    ]
    assert flood.count(429) == 3
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"})
    assert ticket.status_code == 201
    assert ticket.get_json()["kiosk"] == "k1"


def test_a_forged_enrolment_cookie_counts_as_no_kiosk(app, client):
    from qms.queue.limits import KIOSK_COOKIE

    client.set_cookie(KIOSK_COOKIE, "eyJraW9zayI6ImsxIn0.forged")
    ticket = client.post("/api/v1/tickets", json={"service": "A"}).get_json()
    assert ticket["kiosk"] is None


@pytest.mark.parametrize("app_config", [{"ISSUE_CEILING_PER_MINUTE": 5}])
def test_the_centre_wide_ceiling_is_seen_and_lifted_by_staff(app, officer, leader):
    codes = []
    for i in range(7):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.1.0.{i + 1}"
        response = c.post("/api/v1/tickets", json={"service": "A"})
        codes.append((response.status_code, (response.get_json().get("error") or {}).get("code")))
    assert codes == [(201, None)] * 5 + [(429, "centre_busy")] * 2
    client = app.test_client()
    seen = client.get("/api/v1/issuing-limit", headers=officer["headers"]).get_json()
    assert seen == {"per_minute": 5, "used_last_minute": 5, "lifted_until": None}
    refused = client.put(
        "/api/v1/issuing-limit", json={"lift_minutes": 30}, headers=officer["headers"]
    )
    assert refused.status_code == 403
    lifted = client.put(
        "/api/v1/issuing-limit", json={"lift_minutes": 30}, headers=leader["headers"]
    ).get_json()
    assert lifted["lifted_until"] is not None
    assert client.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_a_cross_site_form_cannot_issue_tickets(client):
    response = client.post("/api/v1/tickets", data='{"service": "A"}', content_type="text/plain")
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        415,
        "unsupported_media_type",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/9223372036854775808",
        "/api/v1/counters/9223372036854775808",
        "/api/v1/counters/99999999999999999999/queue",
        "/api/v1/tickets/2147483648",
    ],
)
def test_huge_integers_in_paths_are_not_found(client, officer, path):
    response = client.get(path, headers=officer["headers"])
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")


def test_deeply_nested_json_is_refused(client):
    body = '{"service": ' + "[" * 30000 + "]" * 30000 + "}"  # under the 64 KiB body cap
    response = client.post("/api/v1/tickets", data=body, content_type="application/json")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "too_deep")
    shallow_but_too_deep = '{"service": ' + "[" * 9 + "]" * 9 + "}"
    response = client.post(
        "/api/v1/tickets", data=shallow_but_too_deep, content_type="application/json"
    )
    assert response.get_json()["error"]["code"] == "too_deep"


def test_a_lone_surrogate_is_refused(client):
    response = client.post(
        "/api/v1/tickets", data='{"service": "\\ud800"}', content_type="application/json"
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "invalid_text")


@pytest.mark.parametrize(
    "day, said",
    [
        ("0001-01-01", "phải nằm trong khoảng 2000-01-01–2100-12-31"),
        ("9999-12-31", "phải nằm trong khoảng 2000-01-01–2100-12-31"),
        ("2026-13-01", "phải có dạng YYYY-MM-DD"),
    ],
)
def test_dates_out_of_range_are_a_422_on_the_api_and_a_page_on_the_page(
    client, leader, auth, day, said
):
    api = client.get(f"/api/v1/incidents?from={day}", headers=leader["headers"])
    assert (api.status_code, api.get_json()["error"]["code"]) == (422, "invalid_date")
    auth(leader, next_url="/incidents")
    page = client.get(f"/incidents?from={day}")
    assert page.status_code == 200  # the book, with the refusal said on it
    assert said in page.get_data(as_text=True)


def test_405_says_which_methods_are_allowed(client):
    response = client.delete("/api/v1/services")
    assert response.status_code == 405
    assert sorted(response.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_ticket_ids_do_not_give_away_links_or_categories(client, issue, officer):
    ticket = issue("A", priority="disabled")
    anonymous = client.get(f"/api/v1/tickets/{ticket['id']}").get_json()
    assert (anonymous["track_url"], anonymous["priority"], anonymous["code"]) == (
        None,
        None,
        ticket["code"],
    )
    staff = client.get(f"/api/v1/tickets/{ticket['id']}", headers=officer["headers"]).get_json()
    assert (staff["track_url"], staff["priority"]) == (ticket["track_url"], "disabled")


def test_openapi_types_arrays_as_arrays_and_publishes_enforced_limits(client, admin_user):
    document = client.get("/api/v1/openapi.json").get_json()
    headers = admin_user["headers"]
    for path, methods in document["paths"].items():
        get = methods.get("get")
        if get is None or "{" in path or path.endswith((".xlsx", ".csv", "openapi.json")):
            continue
        answer = client.get(path, headers=headers)
        if answer.status_code != 200 or not answer.is_json:
            continue
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        expected = "array" if isinstance(answer.get_json(), list) else "object"
        assert (path, schema["type"]) == (path, expected)
    issue_body = document["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]
    service = issue_body["application/json"]["schema"]["properties"]["service"]
    assert service["maxLength"] == 3
    ticket_id = document["paths"]["/api/v1/tickets/{ticket_id}"]["get"]["parameters"][0]
    assert ticket_id["schema"]["maximum"] == 2**31 - 1


# --- sockets can never starve HTTP (a real server, raw sockets) ----------------------------


def _open_engineio_websocket(port):
    """A bare websocket handshake to Engine.IO; returns (socket, HTTP status)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        (
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(1024)
        if not chunk:
            break
        head += chunk
    return sock, int(head.split(b" ", 2)[1]) if head else 0


@pytest.mark.slow
def test_600_sockets_from_one_address_leave_http_answering(tmp_path, db_backend):
    if db_backend != "sqlite":
        pytest.skip("one server process on SQLite is enough here")
    server = LiveServer(
        tmp_path / "data",
        env={"QMS_SOCKETS_PER_ADDRESS": "40", "QMS_SERVE_THREADS": "120"},
    )
    server.init()
    server.start()
    sockets, statuses = [], []
    try:
        for _ in range(600):
            sock, status = _open_engineio_websocket(server.port)
            sockets.append(sock)
            statuses.append(status)
        assert statuses.count(101) == 40
        assert statuses.count(429) == 560
        # the timeouts are deadlines, not speed targets: before the gate these never answered
        health = requests.get(f"{server.url}/api/v1/health", timeout=10)
        ticket = requests.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, timeout=10)
        assert (health.status_code, ticket.status_code) == (200, 201)
    finally:
        for sock in sockets:
            sock.close()
        server.stop()

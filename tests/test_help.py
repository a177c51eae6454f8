"""Help requests: the kiosk's button, the staff's acknowledgement, live events."""

import pytest
from sqlalchemy import select

from qms.models import LogEntry

pytestmark = pytest.mark.storage


def events(socket, name):
    return [m["args"][0] for m in socket.get_received() if m["name"] == name]


def test_a_kiosk_asks_for_help_and_an_officer_acknowledges(
    app, client, socket_client, create_user, auth
):
    officer = create_user("officer")
    officer_browser = auth(officer, next_url="/counter", on=app.test_client()).client
    counter = socket_client(officer_browser)
    assert counter.emit("join_counter", {"counter": 2}, callback=True)["counter"]["number"] == 2
    display = socket_client()
    counter.get_received()
    display.get_received()

    response = client.post("/api/v1/help-requests", json={"kiosk": "k1"})
    assert response.status_code == 201
    made = response.get_json()
    assert set(made) == {
        "id",
        "kiosk",
        "created_at",
        "presses",
        "acknowledged_by",
        "acknowledged_at",
    }
    assert made["kiosk"] == "k1" and made["acknowledged_by"] is None
    assert made["acknowledged_at"] is None
    # the counter page hears it once (it is in the staff room and its counter room)
    assert events(counter, "help_requested") == [made]
    assert events(display, "help_requested") == [], "citizens' screens do not see it"

    listed = client.get("/api/v1/help-requests?open=1", headers=officer["headers"])
    assert listed.status_code == 200 and listed.get_json() == [made]

    ack = client.post(f"/api/v1/help-requests/{made['id']}/ack", headers=officer["headers"])
    assert ack.status_code == 200
    done = ack.get_json()
    assert done["id"] == made["id"] and done["acknowledged_by"] == officer["username"]
    assert done["acknowledged_at"] is not None
    assert events(display, "help_acknowledged") == [done], "the kiosk says who is coming"
    assert events(counter, "help_acknowledged") == [done]
    assert client.get("/api/v1/help-requests?open=1", headers=officer["headers"]).get_json() == []

    again = client.post(f"/api/v1/help-requests/{made['id']}/ack", headers=officer["headers"])
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_acknowledged"

    from qms.extensions import get_db

    with get_db().read() as s:
        kinds = s.scalars(select(LogEntry.kind).where(LogEntry.kind == "help.acknowledged")).all()
    assert kinds == ["help.acknowledged"]


def test_pressing_again_re_alerts_the_same_request(client, officer):
    first = client.post("/api/v1/help-requests", json={"kiosk": "k1"}).get_json()
    second = client.post("/api/v1/help-requests", json={"kiosk": "k1"}).get_json()
    assert second["id"] == first["id"] and second["presses"] == 2
    other = client.post("/api/v1/help-requests", json={"kiosk": "k2"}).get_json()
    assert other["id"] != first["id"]
    open_ids = [
        r["id"]
        for r in client.get("/api/v1/help-requests?open=1", headers=officer["headers"]).get_json()
    ]
    assert open_ids == [other["id"], first["id"]]


def test_one_address_cannot_flood_the_staff(client):
    for n in range(6):
        assert client.post("/api/v1/help-requests", json={"kiosk": f"k{n}"}).status_code == 201
    refused = client.post("/api/v1/help-requests", json={"kiosk": "k9"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize(
    "body, code",
    [({}, 422), ({"kiosk": ""}, 422), ({"kiosk": "x" * 41}, 422), ({"kiosk": 5}, 422)],
)
def test_bad_help_requests_are_refused_and_nothing_is_saved(client, officer, body, code):
    response = client.post("/api/v1/help-requests", json=body)
    assert response.status_code == code
    assert "error" in response.get_json()
    assert client.get("/api/v1/help-requests", headers=officer["headers"]).get_json() == []


def test_only_staff_list_and_only_counter_staff_acknowledge(client, create_user):
    made = client.post("/api/v1/help-requests", json={"kiosk": "k1"}).get_json()
    assert client.get("/api/v1/help-requests").status_code == 401
    device = create_user("device")
    ack = client.post(f"/api/v1/help-requests/{made['id']}/ack", headers=device["headers"])
    assert ack.status_code == 403
    assert client.post("/api/v1/help-requests/999/ack").status_code == 401
    officer = create_user("officer")
    missing = client.post("/api/v1/help-requests/999/ack", headers=officer["headers"])
    assert missing.status_code == 404

"""The counter-side tablet's room: it wakes when its counter serves a ticket to the end."""

import pytest

from qms.queue.operations import calling

pytestmark = pytest.mark.storage


def _events(client, name):
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def test_the_tablet_wakes_when_its_counter_finishes(app, socket_client, auth, device, issue, rate):
    from flask import g

    tablet_browser = app.test_client()
    auth(device, on=tablet_browser)
    tablet = socket_client(tablet_browser)
    joined = tablet.emit("join_rating", {"counter": 1}, callback=True)
    assert joined == {"counter": 1, "pending": None}
    ticket = issue("A")
    calling.call_next(1)
    assert _events(tablet, "rating_open") == []  # called, not finished yet
    calling.complete(1)
    [prompt] = _events(tablet, "rating_open")
    assert (prompt["counter"], prompt["ticket"]["id"], prompt["ticket"]["code"]) == (
        1,
        ticket["id"],
        ticket["code"],
    )
    g.pop("csrf_token", None)
    rate({"ticket": ticket["id"], "score": 2}, headers=device["headers"])
    assert _events(tablet, "rated") == [{"ticket": ticket["id"], "score": 2}]
    # reconnecting later finds nothing pending: the ticket is rated
    assert tablet.emit("join_rating", {"counter": 1}, callback=True)["pending"] is None


def test_a_reconnecting_tablet_gets_the_unrated_ticket(app, socket_client, auth, device, issue):
    ticket = issue("A")
    calling.call_next(1)
    calling.complete(1)
    tablet_browser = app.test_client()
    auth(device, on=tablet_browser)
    joined = socket_client(tablet_browser).emit("join_rating", {"counter": 1}, callback=True)
    assert joined["pending"]["ticket"]["code"] == ticket["code"]


def test_staff_and_anonymous_clients_cannot_join_a_rating_room(
    app, socket_client, auth, officer, issue
):
    anonymous = socket_client()
    refused = anonymous.emit("join_rating", {"counter": 1}, callback=True)
    assert refused["error"]["code"] == "device_required"
    officer_browser = app.test_client()
    auth(officer, on=officer_browser)
    staff = socket_client(officer_browser)
    assert staff.emit("join_rating", {"counter": 1}, callback=True)["error"]["code"] == (
        "device_required"
    )
    issue("A")
    calling.call_next(1)
    calling.complete(1)
    assert _events(anonymous, "rating_open") == [] and _events(staff, "rating_open") == []

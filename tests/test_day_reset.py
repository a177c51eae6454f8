"""Numbers reset at the start of the local day; history is kept; yesterday's queue ends."""

import pytest

from qms.queue import queries
from qms.queue.operations import calling, issuing, tickets

pytestmark = pytest.mark.storage


def test_numbers_reset_at_local_midnight_and_history_stays(app, clock, officer, client):
    clock("2026-11-23T23:58:00")
    first = issuing.issue_ticket("A")
    second = issuing.issue_ticket("A")
    assert (first["code"], second["code"]) == ("A001", "A002")
    # 00:01 local is still 17:01 UTC of the previous UTC day: the reset follows local time
    clock("2026-11-24T00:01:00")
    fresh = issuing.issue_ticket("A")
    assert fresh["code"] == "A001" and fresh["number"] == 1
    assert fresh["id"] != first["id"]
    assert client.get(f"/api/v1/tickets/{first['id']}").get_json()["code"] == "A001"
    # yesterday's waiting tickets are not called today, and the day start cancels them
    called = calling.call_next(1)["ticket"]
    assert called["id"] == fresh["id"]
    assert calling.call_next(1)["ticket"] is None
    assert tickets.expire_previous_days() == 2
    assert client.get(f"/api/v1/tickets/{second['id']}").get_json()["status"] == "cancelled"
    assert tickets.expire_previous_days() == 0


def test_waiting_counts_are_of_today_only(app, clock):
    clock("2026-11-23T10:00:00")
    issuing.issue_ticket("B")
    clock("2026-11-24T08:00:00")
    issuing.issue_ticket("B")
    issuing.issue_ticket("B")
    counts = {s["code"]: s["waiting"] for s in queries.services_list()}
    assert counts["B"] == 2

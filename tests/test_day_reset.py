"""Numbers reset at the start of the local day; history is kept; yesterday's queue ends."""

from datetime import datetime

import pytest

from qms.queue import operations, queries

pytestmark = pytest.mark.storage


@pytest.fixture
def clock(monkeypatch):
    """Move the server's clock: set(local_iso) pins utcnow() for queue operations and reads."""
    from zoneinfo import ZoneInfo

    def set_local(text):
        local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        for module in (operations, queries):
            monkeypatch.setattr(module, "utcnow", lambda utc=utc: utc)
        return utc

    return set_local


def test_numbers_reset_at_local_midnight_and_history_stays(app, clock, officer, client):
    clock("2026-11-23T23:58:00")
    first = operations.issue_ticket("A")
    second = operations.issue_ticket("A")
    assert (first["code"], second["code"]) == ("A001", "A002")
    # 00:01 local is still 17:01 UTC of the previous UTC day: the reset follows local time
    clock("2026-11-24T00:01:00")
    fresh = operations.issue_ticket("A")
    assert fresh["code"] == "A001" and fresh["number"] == 1
    assert fresh["id"] != first["id"]
    assert client.get(f"/api/v1/tickets/{first['id']}").get_json()["code"] == "A001"
    # yesterday's waiting tickets are not called today, and the day start cancels them
    called = operations.call_next(1)["ticket"]
    assert called["id"] == fresh["id"]
    assert operations.call_next(1)["ticket"] is None
    assert operations.expire_previous_days() == 2
    assert client.get(f"/api/v1/tickets/{second['id']}").get_json()["status"] == "cancelled"
    assert operations.expire_previous_days() == 0


def test_waiting_counts_are_of_today_only(app, clock):
    clock("2026-11-23T10:00:00")
    operations.issue_ticket("B")
    clock("2026-11-24T08:00:00")
    operations.issue_ticket("B")
    operations.issue_ticket("B")
    counts = {s["code"]: s["waiting"] for s in queries.services_list()}
    assert counts["B"] == 2

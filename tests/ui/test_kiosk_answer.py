"""C2: the issued ticket names the open counters that serve it (the kiosk's "go to" line)."""

import pytest

pytestmark = pytest.mark.storage


def set_state(client, officer, number, state):
    response = client.post(
        f"/api/v1/counters/{number}/state", json={"state": state}, headers=officer["headers"]
    )
    assert response.status_code == 200, response.get_json()


def test_issued_ticket_names_open_counters_in_counter_order(client, issue):
    ticket = issue("A")
    # demo: Quầy 1 serves A, B; Quầy 4 serves T, B, A
    assert ticket["counters"] == [{"number": 1, "name": "Quầy 1"}, {"number": 4, "name": "Quầy 4"}]
    assert ticket["estimated_wait_minutes"] == 0
    assert issue("C")["counters"] == [{"number": 2, "name": "Quầy 2"}]
    # GET answers the same shape
    again = client.get(f"/api/v1/tickets/{ticket['id']}").get_json()
    assert again["counters"] == ticket["counters"]


def test_paused_and_closed_counters_are_not_named(client, issue, officer):
    set_state(client, officer, 1, "paused")
    issue("A")
    assert issue("A")["counters"] == [{"number": 4, "name": "Quầy 4"}]
    set_state(client, officer, 4, "closed")
    nobody = issue("A")
    # no open counter serves A: no promise of a time, and the ticket is still issued
    assert nobody["counters"] == []
    assert nobody["estimated_wait_minutes"] is None
    assert nobody["status"] == "waiting"
    assert (
        client.get(f"/api/v1/tickets/{nobody['id']}").get_json()["estimated_wait_minutes"] is None
    )
    set_state(client, officer, 1, "open")
    reopened = issue("A")
    assert reopened["counters"] == [{"number": 1, "name": "Quầy 1"}]
    assert reopened["ahead"] == 3
    # three ahead, one counter, the default six minutes each
    assert reopened["estimated_wait_minutes"] == 18

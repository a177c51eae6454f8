"""Adopting numbers QMS 1.2 printed: order, numbering, idempotence, overlaps, validation."""

import pytest

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


def _queue(client, officer, counter=1):
    return [
        t["code"]
        for t in client.get(
            f"/api/v1/counters/{counter}/queue", headers=officer["headers"]
        ).get_json()["waiting"]
    ]


def test_adopted_are_called_in_number_order_before_later_local_tickets(
    client, switch, issue, adopt, officer
):
    switch("fallback")
    early_local = issue("A")  # issued after the takeover, before staff adopted anything
    assert early_local["code"] == "A001"
    result = adopt("A", 5, 8)
    assert result["adopted"] == 4
    assert [t["code"] for t in result["tickets"]] == ["A005", "A006", "A007", "A008"]
    later_local = issue("A")
    assert later_local["code"] == "A009"  # local numbers continue above the adopted range
    adopt("A", 2, 3)  # a second range below: still in number order, still ahead
    assert _queue(client, officer) == [
        "A002",
        "A003",
        "A005",
        "A006",
        "A007",
        "A008",
        "A001",
        "A009",
    ]
    assert client.get(f"/api/v1/tickets/{later_local['id']}").get_json()["ahead"] == 7
    called = [
        client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"]).get_json()[
            "ticket"
        ]["code"]
        for _ in range(8)
    ]
    assert called == ["A002", "A003", "A005", "A006", "A007", "A008", "A001", "A009"]


def test_priority_local_ticket_still_goes_first(client, switch, issue, adopt, officer):
    switch("fallback")
    adopt("A", 1, 2)
    elder = issue("A", priority="elderly")
    assert elder["code"] == "A003"
    assert _queue(client, officer) == ["A003", "A001", "A002"]


def test_adopted_ticket_fields(client, switch, adopt):
    switch("fallback")
    ticket = adopt("C", 41, 41)["tickets"][0]
    body = client.get(f"/api/v1/tickets/{ticket['id']}").get_json()
    assert body["code"] == "C041" and body["origin"] == "adopted" and body["status"] == "waiting"
    assert body["service"] == "C"


def test_same_range_twice_does_nothing(client, switch, adopt, officer):
    switch("fallback")
    assert adopt("A", 10, 20)["adopted"] == 11
    again = adopt("A", 10, 20)
    assert again["adopted"] == 0 and again["tickets"] == []
    assert len(_queue(client, officer)) == 11
    ranges = client.get("/api/v1/fallback/adoptions", headers=officer["headers"]).get_json()
    assert [(r["service"], r["from"], r["to"], r["count"]) for r in ranges] == [("A", 10, 20, 11)]


@pytest.mark.parametrize(
    ("number_from", "number_to"), [(15, 25), (5, 10), (20, 20), (1, 99), (12, 13)]
)
def test_overlapping_range_is_refused_whole(client, switch, adopt, officer, number_from, number_to):
    switch("fallback")
    adopt("A", 10, 20)
    error = adopt("A", number_from, number_to, expect=409)["error"]
    assert error["code"] == "overlap"
    assert "trùng" in error["message"] and "overlaps" in error["message"]
    assert len(_queue(client, officer)) == 11  # nothing of the refused range was added


def test_range_over_a_local_number_is_refused(switch, issue, adopt):
    switch("fallback")
    issue("B")
    issue("B")
    error = adopt("B", 2, 5, expect=409)["error"]
    assert error["code"] == "overlap" and error["numbers"] == [2] and "B002" in error["message"]
    assert adopt("B", 3, 5)["adopted"] == 3
    assert adopt("A", 1, 2)["adopted"] == 2  # another service has its own series


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "A", "from": 5, "to": 4}, 422, "invalid_range"),
        ({"service": "A", "from": 0, "to": 4}, 422, "out_of_range"),
        ({"service": "A", "from": 1, "to": 10000}, 422, "out_of_range"),
        ({"service": "A", "from": 1, "to": 1000}, 422, "range_too_large"),
        ({"service": "A", "from": "1", "to": 4}, 422, "invalid_type"),
        ({"service": "A", "from": 1.5, "to": 4}, 422, "invalid_type"),
        ({"service": "A", "from": True, "to": 4}, 422, "invalid_type"),
        ({"service": "A", "to": 4}, 422, "missing_field"),
        ({"service": "Z", "from": 1, "to": 4}, 404, "unknown_service"),
        ({"service": "A", "from": 1, "to": 4, "x": 1}, 422, "unknown_field"),
    ],
)
def test_bad_adoption_input(client, switch, officer, body, status, code):
    switch("fallback")
    response = client.post("/api/v1/fallback/adopt", json=body, headers=officer["headers"])
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_adoption_needs_staff_and_is_refused_in_standby(client, officer):
    body = {"service": "A", "from": 1, "to": 3}
    assert client.post("/api/v1/fallback/adopt", json=body).status_code == 401
    response = client.post("/api/v1/fallback/adopt", json=body, headers=officer["headers"])
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "standby"


@pytest.mark.parametrize(
    "app_config", [{"PRIMARY_URL": "http://127.0.0.1:9/health", "FALLBACK_SERIES": "offset:500"}]
)
def test_offset_series_keeps_local_numbers_apart(client, switch, issue, adopt, officer):
    switch("fallback")
    assert issue("A")["code"] == "A501"
    assert issue("D")["code"] == "D501"
    assert adopt("A", 1, 40)["adopted"] == 40
    assert issue("A")["code"] == "A502"
    assert _queue(client, officer)[:2] == ["A001", "A002"]


@pytest.mark.parametrize("app_config", [{}])
def test_standalone_adoption_queues_at_adoption_time(client, issue, adopt, officer):
    first = issue("A")
    adopt("A", 30, 31)
    assert _queue(client, officer) == ["A001", "A030", "A031"]
    assert first["code"] == "A001"
    assert issue("A")["code"] == "A032"

"""POST /ratings and the rating pad's rate_last_finished: one rating per served ticket, in time,
never by an officer."""

import pytest

from qms.extensions import get_db
from qms.queue.operations import calling, transfers
from qms.ratings import operations
from qms.ratings.models import Rating
from tests.ratings.conftest import token_of

pytestmark = pytest.mark.storage


def _ratings():
    with get_db().read() as s:
        return [
            (r.ticket_id, r.score, r.reason, r.comment, r.source, r.press_id)
            for r in s.query(Rating).order_by(Rating.id)
        ]


def test_default_scale_is_three_levels_with_reasons_at_the_lowest(client):
    scale = client.get("/api/v1/rating-scale").get_json()
    assert [(lv["score"], lv["label"]) for lv in scale] == [
        (3, "Rất hài lòng"),
        (2, "Hài lòng"),
        (1, "Không hài lòng"),
    ]
    assert [lv["asks_reason"] for lv in scale] == [False, False, True]
    assert [r["label"] for r in scale[2]["reasons"]] == [
        "Thái độ",
        "Thời gian chờ",
        "Hướng dẫn chưa rõ",
        "Khác",
    ]


def test_phone_rates_a_served_ticket_once(client, served, rate):
    ticket = served()
    answer = rate({"token": token_of(ticket), "score": 3})
    assert (answer["ticket"], answer["code"], answer["score"], answer["label"]) == (
        ticket["id"],
        ticket["code"],
        3,
        "Rất hài lòng",
    )
    assert (answer["counter"], answer["source"], answer["reason"]) == (1, "phone", None)
    again = rate({"token": token_of(ticket), "score": 1, "reason": "attitude"}, expect=409)
    assert again["error"]["code"] == "already_rated"
    assert _ratings() == [(ticket["id"], 3, None, None, "phone", None)]


def test_waiting_and_called_tickets_cannot_be_rated(issue, rate):
    waiting = issue("A")
    assert rate({"token": token_of(waiting), "score": 3}, expect=409)["error"]["code"] == (
        "not_finished"
    )
    calling.call_next(1)
    called = rate({"token": token_of(waiting), "score": 3}, expect=409)
    assert (
        called["error"]["code"] == "not_finished" and called["error"]["ticket_status"] == "called"
    )
    assert _ratings() == []


def test_a_forged_token_or_code_is_not_found(served, rate):
    served()
    forged = rate({"token": "x" * 22, "score": 3}, expect=404)
    assert forged["error"]["code"] == "unknown_ticket"
    assert rate({"code": "Z999", "score": 3}, expect=404)["error"]["code"] == "unknown_ticket"
    assert _ratings() == []


def test_the_window_closes_after_the_configured_minutes(clock, served, rate):
    clock("2026-11-23T09:00:00")
    first, second = served(), served()
    clock("2026-11-23T09:30:00")  # exactly the window: still accepted
    assert rate({"token": token_of(first), "score": 2})["score"] == 2
    clock("2026-11-23T09:30:01")
    late = rate({"token": token_of(second), "score": 2}, expect=409)
    assert late["error"]["code"] == "rating_window_closed"
    assert [r[0] for r in _ratings()] == [first["id"]]


def test_not_satisfied_needs_a_known_reason_and_keeps_the_comment(served, rate):
    ticket = served()
    body = {"token": token_of(ticket), "score": 1}
    assert rate(body, expect=422)["error"]["code"] == "reason_required"
    assert rate({**body, "reason": "rude"}, expect=422)["error"]["code"] == "invalid_reason"
    assert rate({**body, "score": 7}, expect=422)["error"]["code"] == "invalid_score"
    answer = rate({**body, "reason": "waiting_time", "comment": "  Chờ lâu quá  "})
    assert (answer["reason"], answer["reason_label"], answer["comment"]) == (
        "waiting_time",
        "Thời gian chờ",
        "Chờ lâu quá",
    )
    assert _ratings() == [(ticket["id"], 1, "waiting_time", "Chờ lâu quá", "phone", None)]


def test_a_reason_given_with_a_good_score_is_not_kept(served, rate):
    ticket = served()
    answer = rate({"token": token_of(ticket), "score": 2, "reason": "attitude"})
    assert answer["reason"] is None


def test_staff_cannot_rate_in_the_citizens_place(
    client, served, rate, officer, leader, admin_user, auth, create_user
):
    ticket = served()
    body = {"token": token_of(ticket), "score": 3}
    for user in (officer, leader, admin_user):
        refused = rate(body, headers=user["headers"], expect=403)
        assert refused["error"]["code"] == "staff_cannot_rate"
    # an officer's browser session too (the officer opens the citizen's tracking page)
    login = auth(create_user("officer", username="canbo"))
    refused = rate(body, headers={"X-CSRFToken": login.csrf}, expect=403)
    assert refused["error"]["code"] == "staff_cannot_rate"
    assert _ratings() == []


def test_rating_by_ticket_id_is_for_the_counter_side_tablet_only(client, served, rate, device):
    ticket = served()
    anonymous = rate({"ticket": ticket["id"], "score": 3}, expect=403)
    assert anonymous["error"]["code"] == "device_required"
    answer = rate({"ticket": ticket["id"], "score": 3}, headers=device["headers"])
    assert (answer["source"], answer["ticket"]) == ("counter_page", ticket["id"])
    both = rate({"ticket": ticket["id"], "token": "abc", "score": 3}, expect=422)
    assert both["error"]["code"] == "ambiguous_ticket"
    assert rate({"score": 3}, expect=422)["error"]["code"] == "missing_ticket"


def test_the_kiosk_rates_by_the_typed_code(served, rate):
    ticket = served()
    answer = rate({"code": ticket["code"].lower(), "score": 2})
    assert (answer["ticket"], answer["source"]) == (ticket["id"], "kiosk")
    other_day = rate({"code": ticket["code"], "day": "2020-01-01", "score": 2}, expect=404)
    assert other_day["error"]["code"] == "unknown_ticket"
    bad_day = rate({"code": ticket["code"], "day": "01/01/2020", "score": 2}, expect=422)
    assert bad_day["error"]["code"] == "invalid_date"


def test_a_transferred_visit_is_rated_where_it_was_served(issue, rate):
    ticket = issue("A")
    calling.call_next(1)
    moved = transfers.transfer(1, "C")["ticket"]
    assert rate({"ticket": ticket["id"], "score": 3}, expect=403)["error"]["code"] == (
        "device_required"
    )
    counter_for_c = next(n for n in (1, 2, 3, 4, 5, 6) if _serves(n, "C"))
    calling.call_next(counter_for_c)
    calling.complete(counter_for_c)
    answer = rate({"token": token_of(ticket), "score": 3})
    assert (answer["ticket"], answer["code"], answer["counter"]) == (
        moved["id"],
        ticket["code"],
        counter_for_c,
    )


def _serves(number, code):
    from qms.queue.queries import get_counter

    counter = get_counter(number)
    return counter is not None and code in counter["services"]


def test_the_pad_rates_the_last_finished_ticket_once_per_press(served):
    served()
    second = served()
    first_press = operations.rate_last_finished(1, 1, source="pad", press_id="p-1")
    assert (first_press["ticket"], first_press["score"], first_press["reason"]) == (
        second["id"],
        1,
        None,
    )
    repeated = operations.rate_last_finished(1, 3, source="pad", press_id="p-1")
    assert repeated == first_press
    with pytest.raises(Exception) as again:
        operations.rate_last_finished(1, 3, source="pad", press_id="p-2")
    assert again.value.code == "already_rated"
    assert _ratings() == [(second["id"], 1, None, None, "pad", "p-1")]


def test_the_pad_has_nothing_to_rate_after_a_no_show(issue):
    issue("A")
    calling.call_next(1)
    calling.no_show(1)
    with pytest.raises(Exception) as nothing:
        operations.rate_last_finished(1, 3, source="pad", press_id="p-9")
    assert nothing.value.code == "nothing_to_rate"
    with pytest.raises(Exception) as unknown:
        operations.rate_last_finished(99, 3, source="pad", press_id="p-10")
    assert unknown.value.code == "unknown_counter"


def test_leadership_lists_ratings_with_comments(client, served, rate, leader, officer):
    ticket = served()
    rate({"token": token_of(ticket), "score": 1, "reason": "other", "comment": "Thiếu ghế"})
    listed = client.get("/api/v1/ratings", headers=leader["headers"]).get_json()
    assert [(r["code"], r["reason_label"], r["comment"]) for r in listed] == [
        (ticket["code"], "Khác", "Thiếu ghế")
    ]
    assert client.get("/api/v1/ratings", headers=officer["headers"]).status_code == 403

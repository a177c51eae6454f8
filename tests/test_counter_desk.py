"""The counter desk: call a given number, transfer to a counter, pause with a
reason, an officer's figures of the day, one officer per counter."""

import pytest

pytestmark = pytest.mark.storage


@pytest.fixture
def post(client, officer):
    def call(path, body=None, user=None):
        headers = (user or officer)["headers"]
        return client.post("/api/v1" + path, json=body or {}, headers=headers)

    return call


def error(response, status):
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def waiting_codes(client, officer, number):
    got = client.get(f"/api/v1/counters/{number}/queue", headers=officer["headers"]).get_json()
    return [t["code"] for t in got["waiting"]]


# --- call a given number ---------------------------------------------------------------------


def test_an_officer_calls_a_given_number_out_of_turn_and_the_current_one_is_finished(
    post, issue, client, officer
):
    first, second, third = issue("A"), issue("A"), issue("B")
    assert post("/counters/1/call-next").get_json()["ticket"]["code"] == "A001"
    called = post("/counters/1/call", {"code": "b1", "ticket_id": first["id"]})
    assert called.status_code == 200
    assert called.get_json()["ticket"]["code"] == "B001"
    assert called.get_json()["ticket"]["status"] == "called"
    assert called.get_json()["ticket"]["counter"] == 1
    assert client.get(f"/api/v1/tickets/{first['id']}").get_json()["status"] == "done"
    assert client.get(f"/api/v1/tickets/{third['id']}").get_json()["status"] == "called"
    assert waiting_codes(client, officer, 1) == ["A002"]
    assert second["code"] == "A002"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "A099"}, 404, "unknown_ticket"),
        ({"code": "12A"}, 422, "invalid_code"),
        ({"code": "A-1"}, 422, "invalid_code"),
        ({"code": ""}, 422, "too_short"),
        ({"code": "A0000000000001"}, 422, "too_long"),
        ({}, 422, "missing_field"),
        ({"code": 12}, 422, "invalid_type"),
        ({"code": "A001", "extra": 1}, 422, "unknown_field"),
    ],
)
def test_calling_a_number_refuses_bad_input(post, issue, body, status, code):
    issue("A")
    assert error(post("/counters/1/call", body), status)["code"] == code
    assert post("/counters/1/call-next").get_json()["ticket"]["code"] == "A001"  # untouched


def test_a_number_not_waiting_is_refused_with_where_it_is(post, issue):
    issue("A")
    post("/counters/4/call-next")  # counter 4 serves T, B, A: it has A001 now
    err = error(post("/counters/1/call", {"code": "A001"}), 409)
    assert (err["code"], err["status_now"], err["counter"]) == ("not_waiting", "called", 4)
    assert "Quầy 4" in err["message"]
    post("/counters/4/complete")
    err = error(post("/counters/1/call", {"code": "A001"}), 409)
    assert (err["code"], err["status_now"], err["counter"]) == ("not_waiting", "done", 4)


def test_a_number_of_a_service_the_counter_does_not_serve_is_refused(post, issue, client):
    ticket = issue("C")
    err = error(post("/counters/1/call", {"code": "C001"}), 409)
    assert (err["code"], err["service"]) == ("not_served_here", "C")
    assert client.get(f"/api/v1/tickets/{ticket['id']}").get_json()["status"] == "waiting"


def test_calling_a_number_needs_an_open_counter_the_shown_ticket_and_a_staff_role(
    post, issue, client, create_user
):
    issue("A"), issue("A")
    assert error(post("/counters/9/call", {"code": "A001"}), 404)["code"] == "unknown_counter"
    shown = post("/counters/1/call-next").get_json()["ticket"]
    err = error(post("/counters/1/call", {"code": "A002", "ticket_id": shown["id"] + 50}), 409)
    assert err["code"] == "stale"
    post("/counters/1/state", {"state": "paused"})
    assert error(post("/counters/1/call", {"code": "A002"}), 409)["code"] == "counter_not_open"
    assert error(client.post("/api/v1/counters/1/call", json={"code": "A002"}), 401)
    device = create_user("device")
    err = error(post("/counters/1/call", {"code": "A002"}, user=device), 403)
    assert err["code"] == "forbidden_role"


def test_a_transferred_number_is_called_by_its_waiting_copy(post, issue, client):
    issue("A")
    post("/counters/1/call-next")
    moved = post("/counters/1/transfer", {"service": "B"}).get_json()["ticket"]
    called = post("/counters/4/call", {"code": "A001"}).get_json()["ticket"]
    assert (called["id"], called["service"], called["status"]) == (moved["id"], "B", "called")


# --- transfer to a counter -------------------------------------------------------------------


def test_a_ticket_transferred_to_a_counter_is_that_counters_next_and_nobody_elses(
    post, issue, client, officer
):
    issue("C")  # counter 2's own queue: C001 waits from before
    issue("A"), issue("A")
    assert post("/counters/1/call-next").get_json()["ticket"]["code"] == "A001"
    answer = post("/counters/1/transfer", {"counter": 2})
    assert answer.status_code == 200
    moved = answer.get_json()["ticket"]
    assert (moved["code"], moved["service"], moved["status"]) == ("A001", "A", "waiting")
    assert moved["reserved_counter"] == 2
    assert moved["counters"] == [{"number": 2, "name": "Quầy 2"}]
    assert moved["ahead"] == 0
    assert waiting_codes(client, officer, 2) == ["A001", "C001"]
    assert waiting_codes(client, officer, 1) == ["A002"]
    # counters 1 and 4 serve A, yet only counter 2 calls the reserved copy
    assert post("/counters/4/call-next").get_json()["ticket"]["code"] == "A002"
    assert post("/counters/1/call-next").get_json()["ticket"] is None
    assert post("/counters/2/call-next").get_json()["ticket"]["code"] == "A001"
    assert post("/counters/2/call-next").get_json()["ticket"]["code"] == "C001"
    # the phone follows the copy: its token shows the counter to go to
    token = moved["track_url"].rsplit("/", 1)[-1]
    assert client.get(f"/api/v1/track/{token}").get_json()["counter"] == 2


def test_reserved_tickets_come_in_their_class_order(post, issue, client, officer):
    issue("A"), issue("B", priority="elderly")
    post("/counters/1/call-next")  # B001 (priority) first
    post("/counters/1/transfer", {"counter": 2})
    post("/counters/1/call-next")  # A001
    post("/counters/1/transfer", {"counter": 2})
    assert waiting_codes(client, officer, 2) == ["B001", "A001"]
    assert post("/counters/2/call-next").get_json()["ticket"]["code"] == "B001"


def test_transfer_to_a_counter_and_a_service_at_once(post, issue, client):
    issue("A")
    post("/counters/1/call-next")
    moved = post("/counters/1/transfer", {"counter": 3, "service": "e"}).get_json()["ticket"]
    assert (moved["service"], moved["reserved_counter"]) == ("E", 3)
    assert post("/counters/3/call-next").get_json()["ticket"]["id"] == moved["id"]


def test_the_service_form_of_transfer_still_works_unreserved(post, issue):
    issue("A")
    post("/counters/1/call-next")
    moved = post("/counters/1/transfer", {"service": "C"}).get_json()["ticket"]
    assert (moved["service"], moved["reserved_counter"]) == ("C", None)
    assert post("/counters/2/call-next").get_json()["ticket"]["id"] == moved["id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "missing_field"),
        ({"counter": 1}, 422, "same_counter"),
        ({"counter": 99}, 404, "unknown_counter"),
        ({"counter": 0}, 422, "out_of_range"),
        ({"counter": "2"}, 422, "invalid_type"),
        ({"service": "A"}, 422, "same_service"),
        ({"service": "Z"}, 404, "unknown_service"),
        ({"counter": 3, "service": "Z"}, 404, "unknown_service"),
    ],
)
def test_transfer_refuses_bad_targets_and_keeps_the_ticket(post, issue, body, status, code):
    issue("A")
    shown = post("/counters/1/call-next").get_json()["ticket"]
    err = error(post("/counters/1/transfer", body), status)
    assert err["code"] == code
    if code == "unknown_counter":
        assert err["field"] == "counter"
    current = post("/counters/1/recall").get_json()["ticket"]
    assert (current["id"], current["status"]) == (shown["id"], "called")


def test_transfer_to_a_closed_counter_is_refused_a_paused_one_takes_it(post, issue):
    issue("A")
    post("/counters/1/call-next")
    post("/counters/2/state", {"state": "closed"})
    assert error(post("/counters/1/transfer", {"counter": 2}), 409)["code"] == "counter_closed"
    post("/counters/3/state", {"state": "paused", "reason": "Nghỉ giải lao"})
    moved = post("/counters/1/transfer", {"counter": 3}).get_json()["ticket"]
    assert (moved["reserved_counter"], moved["counters"], moved["estimated_wait_minutes"]) == (
        3,
        [],
        None,
    )


def test_a_reserved_ticket_cannot_be_called_by_number_elsewhere(post, issue):
    issue("A")
    post("/counters/1/call-next")
    post("/counters/1/transfer", {"counter": 2})
    err = error(post("/counters/4/call", {"code": "A001"}), 409)
    assert (err["code"], err["reserved_for"]) == ("not_served_here", 2)
    assert "Quầy 2" in err["message"]
    assert post("/counters/2/call", {"code": "A001"}).get_json()["ticket"]["counter"] == 2


def test_a_requeued_no_show_of_a_reserved_ticket_stays_reserved(post, issue, client, officer):
    issue("A")
    post("/counters/1/call-next")
    post("/counters/1/transfer", {"counter": 2})
    post("/counters/2/call-next")
    post("/counters/2/no-show", {"requeue": True})
    assert waiting_codes(client, officer, 2) == ["A001"]
    assert waiting_codes(client, officer, 1) == []


# --- pause with a reason ---------------------------------------------------------------------


def test_a_pause_reason_is_stored_audited_on_the_board_and_cleared_on_open(post, client, app):
    from sqlalchemy import select

    from qms.extensions import get_db
    from qms.models import LogEntry

    paused = post("/counters/2/state", {"state": "paused", "reason": "  Họp   giao ban "})
    assert paused.get_json()["counter"] == {
        "number": 2,
        "name": "Quầy 2",
        "state": "paused",
        "reason": "Họp giao ban",
    }
    board = client.get("/api/v1/board").get_json()
    tile = next(c for c in board["counters"] if c["number"] == 2)
    assert (tile["state"], tile["reason"]) == ("paused", "Họp giao ban")
    assert client.get("/api/v1/counters/2").get_json()["reason"] == "Họp giao ban"
    opened = post("/counters/2/state", {"state": "open", "reason": "ignored"}).get_json()
    assert (opened["counter"]["state"], opened["counter"]["reason"]) == ("open", None)
    with get_db().read() as s:
        summaries = s.scalars(
            select(LogEntry.summary).where(LogEntry.kind == "counter.state").order_by(LogEntry.id)
        ).all()
    assert summaries == ["Quầy 2: tạm dừng – Họp giao ban", "Quầy 2: mở lại"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"state": "paused", "reason": "x" * 201}, 422, "too_long"),
        ({"state": "paused", "reason": 5}, 422, "invalid_type"),
        ({"state": "asleep"}, 422, "invalid_value"),
        ({"reason": "Họp"}, 422, "missing_field"),
    ],
)
def test_pausing_refuses_bad_input(post, client, body, status, code):
    assert error(post("/counters/2/state", body), status)["code"] == code
    assert client.get("/api/v1/counters/2").get_json()["state"] == "open"


def test_a_blank_reason_is_no_reason(post):
    answer = post("/counters/2/state", {"state": "paused", "reason": "   "}).get_json()
    assert answer["counter"]["reason"] is None


# --- an officer's day --------------------------------------------------------------------------


def test_an_officer_sees_their_own_figures_of_the_day(
    post, issue, client, clock, create_user, officer
):
    clock("2026-11-24T09:00:00")
    for _ in range(4):
        issue("A")
    post("/counters/1/call-next")  # A001
    clock("2026-11-24T09:06:00")
    post("/counters/1/call-next")  # A001 done after 6 min, A002 called
    clock("2026-11-24T09:07:00")
    post("/counters/1/start")
    clock("2026-11-24T09:10:00")
    post("/counters/1/complete")  # A002 done 3 min after start
    post("/counters/1/call-next")  # A003
    post("/counters/1/no-show", {"requeue": True})  # back in the queue: not a no-show
    post("/counters/1/call-next")  # A003 again
    post("/counters/1/no-show")
    post("/counters/1/call-next")  # A004
    post("/counters/1/transfer", {"counter": 2})
    other = create_user("officer")
    post("/counters/2/call-next", user=other)
    mine = client.get("/api/v1/me/today", headers=officer["headers"]).get_json()
    assert mine == {
        "day": "2026-11-24",
        "served": 2,
        "no_show": 1,
        "transferred": 1,
        "called": 5,
        "average_service_minutes": 4.5,
    }
    theirs = client.get("/api/v1/me/today", headers=other["headers"]).get_json()
    assert (theirs["called"], theirs["served"], theirs["average_service_minutes"]) == (1, 0, None)
    clock("2026-11-25T08:00:00")
    assert client.get("/api/v1/me/today", headers=officer["headers"]).get_json()["called"] == 0
    assert error(client.get("/api/v1/me/today"), 401)["code"] == "login_required"


# --- one officer per counter -------------------------------------------------------------------


def test_a_held_counter_names_its_officer_and_may_be_taken_over_audited(
    post, create_user, client, clock, app
):
    from sqlalchemy import select

    from qms.extensions import get_db
    from qms.models import LogEntry

    clock("2026-11-24T08:00:00")
    first = create_user("officer", username="lan")
    second = create_user("officer", username="minh")
    held = post("/counters/1/hold", {"page": "page-lan-1"}, user=first)
    assert held.status_code == 200
    assert held.get_json()["holder"]["name"] == "lan"
    assert held.get_json()["holder"]["since"] == "2026-11-24T08:00:00+07:00"
    assert held.get_json()["renew_seconds"] == 22
    clock("2026-11-24T08:00:30")
    renewed = post("/counters/1/hold", {"page": "page-lan-1"}, user=first).get_json()
    assert renewed["holder"]["since"] == "2026-11-24T08:00:00+07:00"
    assert renewed["holder"]["until"] == "2026-11-24T08:02:00+07:00"
    err = error(post("/counters/1/hold", {"page": "page-minh-1"}, user=second), 409)
    assert err["code"] == "held_by_other"
    assert err["holder"]["name"] == "lan" and "page" not in err["holder"]
    listed = client.get("/api/v1/counter-holds", headers=second["headers"]).get_json()
    assert [(h["counter"], h["holder"]["name"]) for h in listed] == [(1, "lan")]

    taken = post("/counters/1/hold", {"page": "page-minh-1", "take_over": True}, user=second)
    assert taken.get_json()["holder"]["name"] == "minh"
    # the first page learns it on its next renewal, and cannot act any more
    err = error(post("/counters/1/hold", {"page": "page-lan-1"}, user=first), 409)
    assert (err["code"], err["holder"]["name"]) == ("held_by_other", "minh")
    err = error(post("/counters/1/call-next", {"page": "page-lan-1"}, user=first), 409)
    assert err["code"] == "held_by_other"
    err = error(post("/counters/1/state", {"state": "paused", "page": "page-lan-1"}, first), 409)
    assert err["code"] == "held_by_other"
    assert post("/counters/1/call-next", {"page": "page-minh-1"}, user=second).status_code == 200
    # an API client or a button box names no page: it acts as before
    assert post("/counters/1/call-next", user=first).status_code == 200
    with get_db().read() as s:
        audit = s.scalars(select(LogEntry).where(LogEntry.kind == "counter.take_over")).all()
    assert [(e.summary, e.user_id) for e in audit] == [
        ("Quầy 1: minh nhận quầy thay lan", second["id"])
    ]


def test_a_hold_lapses_when_its_page_stops_renewing(post, create_user, clock):
    clock("2026-11-24T08:00:00")
    first, second = create_user("officer"), create_user("officer")
    post("/counters/1/hold", {"page": "page-one-1"}, user=first)
    clock("2026-11-24T08:01:29")
    assert post("/counters/1/hold", {"page": "page-two-1"}, user=second).status_code == 409
    clock("2026-11-24T08:01:31")
    answer = post("/counters/1/hold", {"page": "page-two-1"}, user=second)
    assert answer.status_code == 200
    assert answer.get_json()["holder"]["user_id"] == second["id"]


def test_a_released_hold_is_free_and_only_its_page_releases_it(post, create_user, client):
    first, second = create_user("officer"), create_user("officer")
    post("/counters/1/hold", {"page": "page-one-1"}, user=first)
    wrong = post("/counters/1/release", {"page": "page-other"}, user=first).get_json()
    assert wrong == {"counter": 1, "released": False}
    assert post("/counters/1/release", {"page": "page-one-1"}, user=first).get_json() == {
        "counter": 1,
        "released": True,
    }
    assert client.get("/api/v1/counter-holds", headers=first["headers"]).get_json() == []
    assert post("/counters/1/hold", {"page": "page-two-1"}, user=second).status_code == 200


def test_the_same_officer_opening_a_second_page_moves_the_hold_without_a_take_over(
    post, create_user, app
):
    from sqlalchemy import func, select

    from qms.extensions import get_db
    from qms.models import LogEntry

    first = create_user("officer")
    post("/counters/1/hold", {"page": "page-one-1"}, user=first)
    assert post("/counters/1/hold", {"page": "page-one-2"}, user=first).status_code == 200
    assert error(post("/counters/1/call-next", {"page": "page-one-1"}, user=first), 409)
    with get_db().read() as s:
        count = s.scalar(
            select(func.count(LogEntry.id)).where(LogEntry.kind == "counter.take_over")
        )
    assert count == 0


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/counters/1/hold", {}, 422, "missing_field"),
        ("/counters/1/hold", {"page": "short"}, 422, "too_short"),
        ("/counters/1/hold", {"page": "p" * 41}, 422, "too_long"),
        ("/counters/1/hold", {"page": "page-one-1", "take_over": "yes"}, 422, "invalid_type"),
        ("/counters/9/hold", {"page": "page-one-1"}, 404, "unknown_counter"),
        ("/counters/9/release", {"page": "page-one-1"}, 404, "unknown_counter"),
        ("/counters/1/release", {}, 422, "missing_field"),
    ],
)
def test_holds_refuse_bad_input(post, path, body, status, code):
    assert error(post(path, body), status)["code"] == code


def test_holds_need_a_counter_role(client, create_user):
    device = create_user("device")
    assert error(client.get("/api/v1/counter-holds"), 401)["code"] == "login_required"
    answer = client.post(
        "/api/v1/counters/1/hold", json={"page": "page-one-1"}, headers=device["headers"]
    )
    assert error(answer, 403)["code"] == "forbidden_role"


def test_the_page_that_lost_its_counter_is_told_over_socketio(
    app, post, create_user, auth, socket_client
):
    first = create_user("officer", username="lan")
    second = create_user("officer", username="minh")
    post("/counters/1/hold", {"page": "page-lan-1"}, user=first)
    browser = auth(first, next_url="/counter", on=app.test_client()).client
    page = socket_client(browser)
    assert page.emit("join_counter", {"counter": 1}, callback=True)["counter"]["number"] == 1
    page.get_received()
    post("/counters/1/hold", {"page": "page-minh-1", "take_over": True}, user=second)
    told = [m["args"][0] for m in page.get_received() if m["name"] == "counter_hold"]
    assert len(told) == 1
    assert told[0]["counter"] == 1
    assert told[0]["lost_page"] == "page-lan-1"
    assert told[0]["taken_over"] is True
    assert (told[0]["holder"]["name"], told[0]["previous"]["name"]) == ("minh", "lan")
    public = socket_client()
    public.get_received()
    post("/counters/1/release", {"page": "page-minh-1"}, user=second)
    assert [m for m in public.get_received() if m["name"] == "counter_hold"] == []


# --- the staff-issued ticket the counter page's form sends -----------------------------------


def test_the_counter_page_issues_a_ticket_while_reception_is_paused(
    app, officer, leader, auth, client
):
    paused = client.post(
        "/api/v1/reception", json={"paused": True, "reason": "Mất điện"}, headers=leader["headers"]
    )
    assert paused.status_code == 200, paused.get_json()
    assert error(client.post("/api/v1/tickets", json={"service": "B"}), 409)["code"] == "paused"
    login = auth(officer, next_url="/counter")
    answer = client.post(
        "/api/v1/tickets",
        json={"service": "B", "override": True},
        headers={"X-CSRFToken": login.csrf},
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["code"] == "B001"
    without = client.post("/api/v1/tickets", json={"service": "B", "override": True})
    assert error(without, 400)["code"] == "csrf_failed"


def test_reserved_tickets_are_ahead_only_of_the_same_counters_reserved_tickets(post, issue, client):
    issue("A"), issue("A")
    c001 = issue("C")
    post("/counters/1/call-next")
    post("/counters/1/transfer", {"counter": 2})  # A001, issued before C001, waits for counter 2
    assert client.get(f"/api/v1/tickets/{c001['id']}").get_json()["ahead"] == 0
    post("/counters/1/call-next")  # A002
    second = post("/counters/1/transfer", {"counter": 2}).get_json()["ticket"]
    assert (second["code"], second["ahead"]) == ("A002", 1)


def test_a_centres_own_key_for_an_action_is_not_also_a_new_default(app):
    from qms.pages.counter import counter_keys

    keys = counter_keys({"COUNTER_KEYS": {"start": ["2"]}})
    assert (keys["start"], keys["call_number"], keys["issue"]) == (["2"], [], ["3"])

"""The centre's calendar, the reception pause and daily caps, through the one clock seam."""

import pytest
from sqlalchemy import select

from qms import signals
from qms.calendar import OFFICE_HOURS
from qms.models import LogEntry, Setting

pytestmark = pytest.mark.storage

WEEK = {
    "weekly": {
        "mon": [["07:30", "11:30"], ["13:30", "17:00"]],
        "tue": [["07:30", "11:30"], ["13:30", "17:00"]],
        "wed": [["07:30", "11:30"], ["13:30", "17:00"]],
        "thu": [["07:30", "11:30"], ["13:30", "17:00"]],
        "fri": [["07:30", "11:30"], ["13:30", "17:00"]],
        "sat": [["07:30", "11:30"]],
        "sun": [],
    },
    "holidays": ["2026-12-31"],
    "cutoff_minutes": 15,
}
# 2026-11-23 is a Monday


def _set(client, leader, body=WEEK):
    return client.put("/api/v1/calendar", json=body, headers=leader["headers"])


def test_no_calendar_means_always_open(client, issue, clock):
    clock("2026-11-22T23:27:00")  # a Sunday night
    body = client.get("/api/v1/calendar").get_json()
    assert body["configured"] is False
    assert body["open_now"] is True
    assert body["next_open"] is None
    assert issue("A")["code"] == "A001"


@pytest.mark.parametrize(
    ("local", "open_now", "next_open"),
    [
        ("2026-11-23T07:29:59", False, "2026-11-23T07:30:00+07:00"),
        ("2026-11-23T07:30:00", True, None),
        ("2026-11-23T11:14:59", True, None),
        ("2026-11-23T11:15:00", False, "2026-11-23T13:30:00+07:00"),  # cut-off before lunch
        ("2026-11-23T16:45:00", False, "2026-11-24T07:30:00+07:00"),
        ("2026-11-28T10:00:00", True, None),  # Saturday morning
        ("2026-11-28T13:00:00", False, "2026-11-30T07:30:00+07:00"),  # … then Monday
        ("2026-12-31T09:00:00", False, "2027-01-01T07:30:00+07:00"),  # a holiday
    ],
)
def test_open_now_and_next_open_follow_the_clock(client, leader, clock, local, open_now, next_open):
    assert _set(client, leader).status_code == 200
    clock(local)
    body = client.get("/api/v1/calendar").get_json()
    assert (body["open_now"], body["next_open"]) == (open_now, next_open)
    board = client.get("/api/v1/board").get_json()
    assert (board["open_now"], board["next_open"]) == (open_now, next_open)


def test_outside_hours_the_kiosk_gets_409_closed_with_the_time_it_opens(client, leader, clock):
    _set(client, leader)
    clock("2026-11-23T23:27:00")
    r = client.post("/api/v1/tickets", json={"service": "A"})
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "closed"
    assert error["next_open"] == "2026-11-24T07:30:00+07:00"
    assert "lúc 07:30 ngày mai (thứ Ba, 24/11/2026)" in error["message"]
    clock("2026-11-24T07:30:00")
    assert client.post("/api/v1/tickets", json={"service": "A"}).get_json()["code"] == "A001"


def test_tickets_waiting_at_closing_stay_callable(client, leader, officer, issue, clock):
    _set(client, leader)
    clock("2026-11-23T16:40:00")
    ticket = issue("A")
    clock("2026-11-23T17:30:00")
    r = client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"])
    assert r.status_code == 200
    assert r.get_json()["ticket"]["code"] == ticket["code"]


def test_staff_override_issues_when_closed_and_is_audited(client, leader, officer, db, clock):
    _set(client, leader)
    clock("2026-11-23T18:00:00")
    anonymous = client.post("/api/v1/tickets", json={"service": "A", "override": True})
    assert anonymous.status_code == 401
    r = client.post(
        "/api/v1/tickets", json={"service": "A", "override": True}, headers=officer["headers"]
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["code"] == "A001"
    with db.read() as s:
        row = s.scalars(select(LogEntry).where(LogEntry.kind == "ticket.override")).one()
        assert row.user_id == officer["id"]
        assert row.data == {"ticket": "A001", "ticket_id": r.get_json()["id"], "overrode": "closed"}


def test_a_device_account_may_not_override(client, create_user, leader, clock):
    _set(client, leader)
    clock("2026-11-23T18:00:00")
    device = create_user("device")
    r = client.post(
        "/api/v1/tickets", json={"service": "A", "override": True}, headers=device["headers"]
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"weekly": {"mon": [["07:30", "11:30"], ["11:00", "17:00"]]}}, "overlapping_hours"),
        ({"weekly": {"mon": [["11:30", "07:30"]]}}, "inverted_hours"),
        ({"weekly": {"mon": [["07:30", "07:30"]]}}, "inverted_hours"),
        ({"weekly": {"monday": [["07:30", "11:30"]]}}, "unknown_weekday"),
        ({"weekly": {"mon": [["7h30", "11:30"]]}}, "invalid_hours"),
        ({"weekly": {"mon": [["07:30", "24:00"]]}}, "invalid_hours"),
        ({"weekly": {"mon": [["07:30"]]}}, "invalid_hours"),
        ({"weekly": {"mon": "07:30-11:30"}}, "invalid_hours"),
        ({"weekly": {}, "holidays": ["2026-02-30"]}, "invalid_date"),
        ({"weekly": {}, "holidays": ["30/04/2026"]}, "invalid_date"),
        ({"weekly": {}, "holidays": ["9999-12-31"]}, "invalid_date"),
        ({"weekly": {}, "holidays": [20260430]}, "invalid_date"),
        ({"weekly": {}, "cutoff_minutes": -5}, "out_of_range"),
    ],
)
def test_bad_calendars_are_refused_and_nothing_is_saved(client, leader, db, body, code):
    assert _set(client, leader).status_code == 200
    r = _set(client, leader, body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert r.get_json()["error"]["message"]
    with db.read() as s:
        assert s.get(Setting, "calendar").value == WEEK  # the previous calendar stands


def test_only_leadership_sets_the_calendar(client, officer):
    r = client.put("/api/v1/calendar", json=WEEK, headers=officer["headers"])
    assert r.status_code == 403
    assert client.put("/api/v1/calendar", json=WEEK).status_code == 401


def test_the_preset_is_the_usual_office_hours(client, leader, clock):
    assert _set(client, leader, OFFICE_HOURS).status_code == 200
    clock("2026-11-28T09:00:00")  # Saturday: the preset has no Saturday
    body = client.get("/api/v1/calendar").get_json()
    assert body["open_now"] is False
    assert body["next_open"] == "2026-11-30T07:30:00+07:00"
    assert body["weekly"]["mon"] == [["07:30", "11:30"], ["13:30", "17:00"]]


def test_clearing_the_calendar_opens_again(client, leader, clock):
    _set(client, leader)
    clock("2026-11-23T23:00:00")
    assert (
        client.delete("/api/v1/calendar", headers=leader["headers"]).get_json()["open_now"] is True
    )
    assert client.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


# --- daily caps ------------------------------------------------------------------------


def test_a_service_past_its_daily_cap_answers_409_and_the_board_says_so(
    client, admin_user, officer, issue
):
    r = client.put(
        "/api/v1/services/F",
        json={"name": "Bảo trợ xã hội", "description": "Trợ cấp, bảo trợ", "daily_cap": 2},
        headers=admin_user["headers"],
    )
    assert r.status_code == 200
    assert (r.get_json()["daily_cap"], r.get_json()["description"]) == (2, "Trợ cấp, bảo trợ")
    issue("F")
    board = client.get("/api/v1/board").get_json()
    assert board["services"]["F"]["cap_reached"] is False
    issue("F")
    board = client.get("/api/v1/board").get_json()
    assert board["services"]["F"] == {
        "name": "Bảo trợ xã hội",
        "name_en": "",
        "active": True,
        "description": "Trợ cấp, bảo trợ",
        "daily_cap": 2,
        "cap_reached": True,
        "open_counters": 1,
    }
    r = client.post("/api/v1/tickets", json={"service": "F"})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "cap_reached"
    assert "đã hết số hôm nay" in r.get_json()["error"]["message"]
    staff = client.post(
        "/api/v1/tickets", json={"service": "F", "override": True}, headers=officer["headers"]
    )
    assert staff.status_code == 201
    assert staff.get_json()["code"] == "F003"


def test_the_cap_counts_today_only(client, admin_user, issue, clock):
    client.put(
        "/api/v1/services/A",
        json={"name": "Hộ tịch", "daily_cap": 1},
        headers=admin_user["headers"],
    )
    clock("2026-11-23T09:00:00")
    issue("A")
    issue("A", expect=409)
    clock("2026-11-24T09:00:00")
    assert issue("A")["code"] == "A001"


@pytest.mark.parametrize("cap", [-1, 10000, "5", True])
def test_a_bad_cap_is_refused(client, admin_user, cap):
    r = client.put(
        "/api/v1/services/A",
        json={"name": "Hộ tịch", "daily_cap": cap},
        headers=admin_user["headers"],
    )
    assert r.status_code == 422
    services = client.get("/api/v1/services").get_json()
    assert next(s for s in services if s["code"] == "A")["daily_cap"] is None


# --- reception pause ------------------------------------------------------------


def test_pause_and_resume_reception(app, client, leader, officer, issue, db, clock):
    clock("2026-11-23T09:00:00")
    waiting = issue("A")
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["paused"], kwargs["reason"], kwargs["user"]["username"]))

    signals.reception_changed.connect(listener, sender=app)
    try:
        r = client.post(
            "/api/v1/reception",
            json={"paused": True, "reason": "Mất điện"},
            headers=leader["headers"],
        )
        assert r.status_code == 200
        assert r.get_json() == {
            "paused": True,
            "reason": "Mất điện",
            "since": "2026-11-23T09:00:00+07:00",
        }
        board = client.get("/api/v1/board").get_json()
        assert board["reception"] == {
            "paused": True,
            "reason": "Mất điện",
            "since": "2026-11-23T09:00:00+07:00",
        }
        refused = client.post("/api/v1/tickets", json={"service": "A"})
        assert refused.status_code == 409
        assert refused.get_json()["error"]["code"] == "paused"
        assert refused.get_json()["error"]["reason"] == "Mất điện"
        # tickets already waiting stay and are called
        called = client.post("/api/v1/counters/1/call-next", json={}, headers=officer["headers"])
        assert called.get_json()["ticket"]["code"] == waiting["code"]
        r = client.post("/api/v1/reception", json={"paused": False}, headers=leader["headers"])
        assert r.get_json() == {"paused": False, "reason": "", "since": None}
        assert issue("A")["code"] == "A002"
    finally:
        signals.reception_changed.disconnect(listener, sender=app)
    assert heard == [(True, "Mất điện", leader["username"]), (False, "", leader["username"])]
    with db.read() as s:
        kinds = s.scalars(select(LogEntry.kind).where(LogEntry.kind == "centre.reception")).all()
        assert len(kinds) == 2


def test_a_pause_needs_a_reason_and_leadership(client, leader, officer):
    r = client.post(
        "/api/v1/reception", json={"paused": True, "reason": "  "}, headers=leader["headers"]
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "missing_reason"
    assert (
        client.post(
            "/api/v1/reception", json={"paused": True, "reason": "x"}, headers=officer["headers"]
        ).status_code
        == 403
    )
    assert client.get("/api/v1/reception").get_json()["paused"] is False


# --- counter availability ------------------------------------------------------------------


def test_open_counters_per_service_follow_counter_states(client, officer):
    board = client.get("/api/v1/board").get_json()
    assert board["services"]["A"]["open_counters"] == 2  # counters 1 and 4
    assert board["services"]["F"]["open_counters"] == 1
    client.post("/api/v1/counters/3/state", json={"state": "closed"}, headers=officer["headers"])
    board = client.get("/api/v1/board").get_json()
    assert board["services"]["F"]["open_counters"] == 0
    assert board["hotline"] == "1900 0000"

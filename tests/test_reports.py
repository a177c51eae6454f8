"""Queue figures from known data, periods, the report API's checks, and /admin behind a login."""

from datetime import date, timedelta

import pytest

from qms.extensions import get_db
from qms.queue.models import Ticket
from qms.queue.operations import calling, issuing, transfers
from qms.queue.queries import today
from qms.reports.queries import period_bounds, previous_bounds, queue_report

pytestmark = pytest.mark.storage


def test_figures_from_known_times(app):
    a1 = issuing.issue_ticket("A")
    a2 = issuing.issue_ticket("A", "elderly")
    issuing.issue_ticket("C")
    calling.call_next(1)  # a2 (priority)
    calling.call_next(1)  # a2 done, a1 called
    calling.no_show(1)
    with get_db().write() as s:  # pin the times: a2 waited 10 min and was served 6 min
        t2 = s.get(Ticket, a2["id"])
        t2.called_dt = t2.issued_dt + timedelta(minutes=10)
        t2.finished_dt = t2.called_dt + timedelta(minutes=6)
        t1 = s.get(Ticket, a1["id"])
        t1.called_dt = t1.issued_dt + timedelta(minutes=20)
    report = queue_report(today(), today(), "service", "day", extra_groups=("counter",))
    total = report["totals"]
    assert (
        total["issued"],
        total["served"],
        total["no_show"],
        total["waiting"],
        total["priority"],
    ) == (3, 1, 1, 1, 1)
    assert (total["wait_p50_min"], total["wait_p90_min"], total["wait_max_min"]) == (
        10.0,
        20.0,
        20.0,
    )
    assert total["within_target_pct"] == 50.0  # 10 min within the 15-minute target, 20 not
    assert total["service_p50_min"] == 6.0
    service_a = next(r for r in report["rows"] if r["key"] == "A")
    assert (service_a["issued"], service_a["served"], service_a["label"]) == (2, 1, "Hộ tịch")
    counter1 = next(r for r in report["groups"]["counter"] if r["key"] == 1)
    assert (counter1["served"], counter1["no_show"]) == (1, 1)


def test_a_transfer_counts_once_where_the_visit_ended(app):
    ticket = issuing.issue_ticket("A")
    calling.call_next(1)
    transfers.transfer(1, "C")
    report = queue_report(today(), today(), "service", "day")
    rows = {r["key"]: r for r in report["rows"]}
    assert report["totals"]["issued"] == 1 and report["totals"]["transferred"] == 1
    assert (rows["A"]["issued"], rows["C"]["issued"], rows["C"]["transferred"]) == (0, 1, 1)
    assert sum(r["issued"] for r in report["rows"]) == 1
    assert ticket["code"] == "A001"


def test_period_bounds_and_the_period_before():
    d = date(2026, 11, 22)
    assert period_bounds("week", d) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("month", d) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_bounds("quarter", d) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("half", d) == (date(2026, 7, 1), date(2026, 12, 31))
    assert period_bounds("half", date(2026, 2, 3)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert period_bounds("nine_months", d) == (date(2026, 1, 1), date(2026, 9, 30))
    assert period_bounds("year", d) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("quarter", date(2026, 2, 3)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert previous_bounds("month", date(2026, 3, 1), date(2026, 3, 31)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert previous_bounds("half", date(2026, 1, 1), date(2026, 6, 30)) == (
        date(2025, 7, 1),
        date(2025, 12, 31),
    )
    assert previous_bounds("nine_months", date(2026, 1, 1), date(2026, 9, 30)) == (
        date(2025, 1, 1),
        date(2025, 9, 30),
    )
    assert previous_bounds("custom", date(2026, 5, 10), date(2026, 5, 12)) == (
        date(2026, 5, 7),
        date(2026, 5, 9),
    )


def test_report_api_needs_staff_and_validates(client, officer, leader, issue):
    issue("A")
    assert client.get("/api/v1/reports/queue").status_code == 401
    r = client.get("/api/v1/reports/queue?period=month", headers=leader["headers"])
    body = r.get_json()
    assert r.status_code == 200 and body["totals"]["issued"] == 1 and body["by"] == "service"
    assert set(body) >= {"from", "to", "totals", "rows", "previous", "incidents"}
    assert set(body["rows"][0]) >= {
        "key",
        "label",
        "issued",
        "served",
        "no_show",
        "transferred",
        "cancelled",
        "wait_p50_min",
        "wait_p90_min",
        "service_p50_min",
        "service_p90_min",
        "ratings",
        "satisfied_pct",
    }
    mine = client.get("/api/v1/reports/queue?period=month", headers=officer["headers"]).get_json()
    assert mine["scope"] == "officer" and mine["totals"]["issued"] == 0  # nobody called it yet
    for query, code in (
        ("from=2026-13-01", "invalid_date"),
        ("from=2026-05-02&to=2026-05-01", "invalid_range"),
        ("period=fortnight", "invalid_value"),  # the published enum, checked by the web layer
        ("period=month&by=colour", "invalid_value"),
        ("from=2020-01-01&to=2026-01-01", "range_too_long"),
    ):
        bad = client.get(f"/api/v1/reports/queue?{query}", headers=leader["headers"])
        assert (bad.status_code, bad.get_json()["error"]["code"]) == (422, code), query


def test_dashboard_page_requires_login(client, create_user, issue, auth):
    issue("A")
    issue("B", "merit")
    anonymous = client.get("/admin")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    user = create_user("leader", username="lanhdao")
    assert auth("lanhdao", "wrong-password").response.status_code == 401
    assert auth("lanhdao", user["password"]).response.status_code == 302
    page = client.get("/admin").get_data(as_text=True)
    assert 'id="kpi-issued" data-kpi="issued">2<' in page
    assert "Hộ tịch" in page and "Quầy 1" in page
    live = client.get("/api/v1/reports/today").get_json()
    assert live["totals"]["issued"] == 2 and live["day"] == today().isoformat()


def test_login_form_needs_csrf(client, create_user):
    user = create_user("officer", username="nocsrf")
    r = client.post("/login", data={"username": "nocsrf", "password": user["password"]})
    assert r.status_code == 400
    assert "Phiên làm việc đã hết hạn" in r.get_data(as_text=True)

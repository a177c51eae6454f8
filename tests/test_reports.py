"""Queue figures from known data, and the leadership dashboard behind a login."""

from datetime import timedelta

import pytest

from qms.extensions import get_db
from qms.queue.models import Ticket
from qms.queue.operations import calling, issuing
from qms.queue.queries import today
from qms.reports.queries import period_bounds, queue_figures

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
    figures = queue_figures(today(), today())
    total = figures["total"]
    assert (
        total["issued"],
        total["served"],
        total["no_show"],
        total["waiting"],
        total["priority"],
    ) == (3, 1, 1, 1, 1)
    assert total["avg_wait_minutes"] == 15.0 and total["max_wait_minutes"] == 20.0
    assert total["avg_service_minutes"] == 6.0
    service_a = next(s for s in figures["services"] if s["code"] == "A")
    assert service_a["issued"] == 2 and service_a["served"] == 1
    counter1 = next(c for c in figures["counters"] if c["number"] == 1)
    assert counter1["served"] == 1 and counter1["no_show"] == 1


def test_period_bounds():
    from datetime import date

    d = date(2026, 11, 22)
    assert period_bounds("week", d) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("month", d) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_bounds("quarter", d) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("year", d) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("quarter", date(2026, 2, 3)) == (date(2026, 1, 1), date(2026, 3, 31))


def test_report_api_needs_staff_and_validates(client, officer, issue):
    issue("A")
    assert client.get("/api/v1/reports/queue").status_code == 401
    r = client.get("/api/v1/reports/queue?period=month", headers=officer["headers"])
    assert r.status_code == 200 and r.get_json()["total"]["issued"] == 1
    bad = client.get("/api/v1/reports/queue?from=2026-13-01", headers=officer["headers"])
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_date"
    backwards = client.get(
        "/api/v1/reports/queue?from=2026-05-02&to=2026-05-01", headers=officer["headers"]
    )
    assert backwards.get_json()["error"]["code"] == "invalid_range"


def test_dashboard_page_requires_login(client, create_user, issue, auth):
    issue("A")
    issue("B", "merit")
    anonymous = client.get("/admin")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    user = create_user("leader", username="lanhdao")
    assert auth("lanhdao", "wrong-password").response.status_code == 401
    assert auth("lanhdao", user["password"]).response.status_code == 302
    page = client.get("/admin").get_data(as_text=True)
    assert 'id="kpi-issued">2<' in page
    assert "Hộ tịch" in page and "Quầy 1" in page
    assert client.get("/admin?period=quarter").status_code == 200


def test_login_form_needs_csrf(client, create_user):
    user = create_user("officer", username="nocsrf")
    r = client.post("/login", data={"username": "nocsrf", "password": user["password"]})
    assert r.status_code == 400
    assert "Phiên làm việc đã hết hạn" in r.get_data(as_text=True)

"""The report's figures against an independent count over generated days of tickets.

The expected side counts straight from the generated visits (not from the database) and takes
percentiles by their definition (the smallest value that at least p % of the values do not
exceed), by counting, not by indexing a sorted list as the report does.
"""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qms.extensions import get_db
from qms.reports.history import Leg, Visit, clear, write
from qms.reports.queries import queue_report

pytestmark = pytest.mark.storage

FIRST = date(2026, 11, 16)  # a Monday: the report covers 16–18 November
LAST = date(2026, 11, 18)
TARGET_MIN = 15
SERVICES = ("A", "B", "C")
COUNTERS = (1, 2, 3)
OUTCOMES = ("done", "no_show", "cancelled", "waiting", "called", "serving")


@st.composite
def visits(draw, officers):
    day = FIRST + timedelta(days=draw(st.integers(-4, 4)))  # some before, some after the range
    issued = datetime(day.year, day.month, day.day, 7) + timedelta(
        seconds=draw(st.integers(0, 10 * 3600))
    )
    hops = draw(st.integers(0, 2))
    legs, at = [], issued
    for hop in range(hops + 1):
        service = draw(st.sampled_from(SERVICES))
        status = "transferred" if hop < hops else draw(st.sampled_from(OUTCOMES))
        if status in ("waiting", "cancelled"):
            legs.append(Leg(service, status, finished=at if status == "cancelled" else None))
            break
        called = at + timedelta(seconds=draw(st.integers(0, 3600)))
        finished = None
        if status in ("done", "no_show", "transferred"):
            finished = called + timedelta(seconds=draw(st.integers(0, 1800)))
        counter = draw(st.sampled_from(COUNTERS))
        officer = draw(st.sampled_from([*officers, None]))
        legs.append(Leg(service, status, counter, officer, called, finished))
        at = finished or called
    score = draw(st.sampled_from((None, 1, 2, 3))) if legs[-1].status == "done" else None
    priority = draw(st.sampled_from((None, None, "elderly")))
    return Visit(issued, legs, priority, score)


def by_definition(values, p):
    """The smallest v with #{x ≤ v} ≥ p % of n."""
    n = len(values)
    for v in sorted(set(values)):
        if 100 * sum(1 for x in values if x <= v) >= p * n:
            return v
    return None


def minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def expected_figures(vs):
    waits, services, scores = [], [], {}
    counts = dict.fromkeys(
        ("issued", "served", "no_show", "cancelled", "open", "waiting", "transferred"), 0
    )
    priority = within = 0
    for v in vs:
        root, leaf = v.legs[0], v.legs[-1]
        counts["issued"] += 1
        status = leaf.status
        key = {"done": "served", "no_show": "no_show", "cancelled": "cancelled"}.get(status, "open")
        counts[key] += 1
        counts["waiting"] += status == "waiting"
        counts["transferred"] += len(v.legs) > 1
        priority += v.priority is not None
        if root.called is not None:
            wait = (root.called - v.issued).total_seconds()
            waits.append(wait)
            within += wait <= TARGET_MIN * 60
        if status == "done":
            services.append((leaf.finished - leaf.called).total_seconds())
        if v.score is not None:
            scores[v.score] = scores.get(v.score, 0) + 1
    rated = sum(scores.values())
    return {
        **counts,
        "priority": priority,
        "priority_pct": pct(priority, counts["issued"]),
        "wait_p50_min": minutes(by_definition(waits, 50)),
        "wait_p90_min": minutes(by_definition(waits, 90)),
        "wait_max_min": minutes(max(waits) if waits else None),
        "within_target_pct": pct(within, len(waits)),
        "service_p50_min": minutes(by_definition(services, 50)),
        "service_p90_min": minutes(by_definition(services, 90)),
        "service_max_min": minutes(max(services) if services else None),
        "ratings": {str(s): scores.get(s, 0) for s in (3, 2, 1)},
        "rated": rated,
        "satisfied_pct": pct(scores.get(3, 0) + scores.get(2, 0), rated),
    }


def leaf_counter(v):
    leaf = v.legs[-1]
    return leaf.counter if leaf.called is not None else None


def leaf_officer(v):
    leaf = v.legs[-1]
    return leaf.officer if leaf.called is not None else None


KEYS = {
    "service": lambda v, names: v.legs[-1].service,
    "counter": lambda v, names: leaf_counter(v),
    "officer": lambda v, names: names.get(leaf_officer(v)),
    "hour": lambda v, names: v.issued.hour,
    "weekday": lambda v, names: v.day.weekday(),
    "day": lambda v, names: v.day.isoformat(),
}


def compared(figures):
    return {k: figures[k] for k in expected_figures([])}


def one_active_ticket_per_counter(generated):
    """A counter holds one called/serving ticket at a time (the database enforces it)."""
    busy = set()
    for v in generated:
        leaf = v.legs[-1]
        if leaf.status in ("called", "serving"):
            if leaf.counter in busy:
                leaf.status, leaf.finished = "done", leaf.called
            busy.add(leaf.counter)
    return generated


@pytest.fixture
def staff(create_user):
    return [create_user("officer", username=f"cb{i}") for i in range(3)]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_report_matches_an_independent_count(app, staff, data):
    officer_ids = [u["id"] for u in staff]
    names = {u["id"]: u["username"] for u in staff}
    generated = one_active_ticket_per_counter(data.draw(st.lists(visits(officer_ids), max_size=60)))
    with get_db().write() as s:
        clear(s)
        write(s, generated)
    report = queue_report(FIRST, LAST, "service", "custom", extra_groups=tuple(KEYS))
    inside = [v for v in generated if FIRST <= v.day <= LAST]
    before = [v for v in generated if date(2026, 11, 13) <= v.day < FIRST]
    assert compared(report["totals"]) == expected_figures(inside)
    assert report["previous"]["from"] == "2026-11-13"
    assert compared(report["previous"]["totals"]) == expected_figures(before)
    for group, key_of in KEYS.items():
        rows = {row["key"]: row for row in report["groups"][group]}
        expected_keys = {key_of(v, names) for v in inside}
        for key in expected_keys:
            mine = [v for v in inside if key_of(v, names) == key]
            assert compared(rows[key]) == expected_figures(mine), (group, key)
        # rows add up: every visit is in exactly one row of each table
        assert sum(row["issued"] for row in rows.values()) == len(inside), group
        assert all(rows[k]["issued"] == 0 for k in set(rows) - expected_keys), group


def test_an_officer_sees_only_their_own_visits(app, staff):
    mine, other = staff[0]["id"], staff[1]["id"]
    at = datetime(2026, 11, 16, 8)
    generated = [
        Visit(
            at, [Leg("A", "done", 1, mine, at + timedelta(minutes=5), at + timedelta(minutes=9))]
        ),
        Visit(
            at, [Leg("A", "done", 2, other, at + timedelta(minutes=7), at + timedelta(minutes=8))]
        ),
        Visit(at, [Leg("B", "waiting")]),
    ]
    with get_db().write() as s:
        clear(s)
        write(s, generated)
    report = queue_report(FIRST, LAST, "officer", "custom", officer_id=mine)
    assert report["scope"] == "officer"
    assert (report["totals"]["issued"], report["totals"]["served"]) == (1, 1)
    assert [(r["key"], r["issued"], r["wait_p50_min"]) for r in report["rows"]] == [("cb0", 1, 5.0)]

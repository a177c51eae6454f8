"""Days of tickets written straight into the tables (as the queue would have left them), for
the report's property tests and for bench/bench_reports.py (a year of a busy centre).

A visit is a list of legs: the ticket as issued, then one copy per transfer. Each leg names its
service, and, if a counter called it, the counter, the officer and when; it ends as done, no_show,
transferred (every leg but the last), cancelled, or is still waiting/called/serving.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text

from qms.queue.models import Counter, Service, Ticket, TicketEvent
from qms.ratings.models import Rating

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


@dataclass
class Leg:
    service: str  # service code
    status: str  # done | no_show | transferred | cancelled | waiting | called | serving
    counter: int | None = None  # counter number that called it
    officer: int | None = None  # user id of who called it
    called: datetime | None = None  # local, naive
    finished: datetime | None = None  # local, naive


@dataclass
class Visit:
    issued: datetime  # local, naive
    legs: list = field(default_factory=list)
    priority: str | None = None
    score: int | None = None  # rating of the last leg (only when it is done)

    @property
    def day(self):
        return self.issued.date()


def to_utc(local):
    if local is None:
        return None
    return local.replace(tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)


def clear(s):
    """Empty ratings, events and tickets (a fresh history per hypothesis example)."""
    s.execute(delete(Rating))
    s.execute(delete(TicketEvent))
    s.execute(delete(Ticket))


def write(s, visits, first_id=1, events=True):
    """Insert the visits; returns the number of tickets written."""
    services = dict(s.execute(select(Service.code, Service.id)).all())
    counters = dict(s.execute(select(Counter.number, Counter.id)).all())
    numbers = {}
    tickets, event_rows, ratings = [], [], []
    next_id = first_id
    for visit in visits:
        root_service = visit.legs[0].service
        key = (root_service, visit.day)
        numbers[key] = numbers.get(key, 0) + 1
        number = numbers[key]
        token = secrets.token_urlsafe(12)
        parent = None
        issued = to_utc(visit.issued)
        for leg in visit.legs:
            ticket_id = next_id
            next_id += 1
            called, finished = to_utc(leg.called), to_utc(leg.finished)
            tickets.append(
                {
                    "id": ticket_id,
                    "service_id": services[leg.service],
                    "series_service_id": services[root_service],
                    "day": visit.day,
                    "number": number,
                    "code": f"{root_service}{number:03d}",
                    "priority": visit.priority,
                    "priority_class": 0 if visit.priority else 1,
                    "status": leg.status,
                    "origin": "transfer" if parent else "local",
                    "parent_id": parent,
                    "track_token": token,
                    "kiosk_id": None,
                    "issued_dt": issued,
                    "queue_dt": issued,
                    "called_dt": called,
                    "serving_dt": called if leg.status in ("serving", "done") else None,
                    "finished_dt": finished,
                    "counter_id": counters[leg.counter] if leg.counter else None,
                    "call_count": 1 if called else 0,
                }
            )
            if events and parent is None:
                event_rows.append(_event(ticket_id, "issued", issued, None, None))
            if called is not None:
                counter_id = counters[leg.counter]
                event_rows.append(_event(ticket_id, "called", called, counter_id, leg.officer))
                if finished is not None and events:
                    event_rows.append(
                        _event(ticket_id, leg.status, finished, counter_id, leg.officer)
                    )
            parent = ticket_id
        last = visit.legs[-1]
        if visit.score is not None and last.status == "done":
            ratings.append(
                {
                    "ticket_id": parent,
                    "day": visit.day,
                    "counter_id": counters[last.counter],
                    "score": visit.score,
                    "reason": "other" if visit.score == 1 else None,
                    "comment": None,
                    "source": "phone",
                    "press_id": None,
                    "rated_dt": to_utc(last.finished) + timedelta(minutes=1),
                }
            )
    for chunk in _chunks(tickets):
        s.execute(insert(Ticket), chunk)
    for chunk in _chunks(event_rows):
        s.execute(insert(TicketEvent), chunk)
    for chunk in _chunks(ratings):
        s.execute(insert(Rating), chunk)
    if s.get_bind().dialect.name == "postgresql":  # ids were given: move the sequence past them
        s.execute(
            text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), max(id)) FROM tickets")
        )
    return len(tickets)


def _event(ticket_id, kind, at, counter_id, user_id):
    return {
        "ticket_id": ticket_id,
        "kind": kind,
        "event_dt": at,
        "counter_id": counter_id,
        "user_id": user_id,
        "data": {},
    }


def _chunks(rows, size=5000):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def busy_year(year, officers, per_day=400, seed=1):
    """A busy centre's year of working days (Mon–Fri, plus Saturday mornings): ~100,000 visits."""
    return busy_days(date(year, 1, 1), date(year, 12, 31), officers, per_day, seed)


def busy_days(first, last, officers, per_day=400, seed=1, services=None, counters=None):
    """Working days from first to last: per_day visits on weekdays, a third on Saturdays."""
    import random

    rng = random.Random(seed)
    services = services or ["A", "A", "B", "B", "C", "D", "E", "F", "G", "H", "T"]
    counters = counters or {
        1: ["A", "B"],
        2: ["C", "D", "H"],
        3: ["E", "F", "G"],
        4: ["T", "B", "A"],
    }
    serving = {code: [n for n, codes in counters.items() if code in codes] for code in services}
    visits = []
    day = first
    while day <= last:
        weekday = day.weekday()
        if weekday < 6:
            count = per_day if weekday < 5 else per_day // 3
            count = int(count * rng.uniform(0.8, 1.2))
            visits.extend(_day(rng, day, count, services, serving, officers))
        day += timedelta(days=1)
    return visits


# opening hours of a commune centre: mornings are busier, and so are the waits then
SESSIONS = ((7 * 60 + 30, 11 * 60 + 30, 0.65), (13 * 60 + 30, 17 * 60, 0.35))
BUSY_MINUTES = {7: 6, 8: 14, 9: 16, 10: 10, 11: 5, 13: 5, 14: 9, 15: 11, 16: 6}


def _day(rng, day, count, services, serving, officers):
    midnight = datetime(day.year, day.month, day.day)
    saturday = day.weekday() == 5
    for _ in range(count):
        start, end, _share = SESSIONS[0 if saturday or rng.random() < 0.65 else 1]
        issued = midnight + timedelta(seconds=rng.randrange(start * 60, end * 60))
        service = rng.choice(services)
        priority = "elderly" if rng.random() < 0.12 else None
        legs = []
        at = issued
        hops = 1 if rng.random() < 0.05 else 0
        for hop in range(hops + 1):
            counter = rng.choice(serving[service])
            officer = officers[counter % len(officers)]
            mean = 60 * (3 + BUSY_MINUTES.get(at.hour, 5))
            called = at + timedelta(seconds=min(int(rng.expovariate(1 / mean)), 5400) + 20)
            if hop < hops:
                finished = called + timedelta(seconds=rng.randrange(30, 300))
                legs.append(Leg(service, "transferred", counter, officer, called, finished))
                service = rng.choice([c for c in sorted(set(services)) if c != service])
                at = finished
                continue
            roll = rng.random()
            status = "done" if roll < 0.9 else "no_show" if roll < 0.97 else "cancelled"
            if status == "cancelled":
                legs.append(Leg(service, "cancelled", finished=called))
            else:
                finished = called + timedelta(seconds=rng.randrange(120, 20 * 60))
                legs.append(Leg(service, status, counter, officer, called, finished))
        score = None
        if legs[-1].status == "done" and rng.random() < 0.6:
            weights = (70, 25, 5) if officer != officers[0] else (45, 35, 20)
            score = rng.choices((3, 2, 1), weights=weights)[0]
        yield Visit(issued, legs, priority, score)

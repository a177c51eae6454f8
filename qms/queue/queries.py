"""Reads of the queue: tickets as the API shows them, waiting counts, counters, the board."""

from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import and_, func, or_, select

from qms.extensions import get_db
from qms.mode import current_mode
from qms.models import Notice
from qms.queue.models import (
    ACTIVE_STATUSES,
    Counter,
    CounterService,
    PriorityCategory,
    Service,
    Ticket,
    TicketEvent,
)
from qms.timeutil import iso, local_day, utcnow


def today():
    return local_day(utcnow())


def request_base_url():
    """Base of public links: PUBLIC_BASE_URL, else the host the client used, else none."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return ""


def track_url(token, base=None):
    return (request_base_url() if base is None else base) + f"/t/{token}"


def ahead_of(s, ticket):
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status != "waiting":
        return 0
    return s.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.service_id == ticket.service_id,
            Ticket.status == "waiting",
            Ticket.day == ticket.day,
            or_(
                Ticket.priority_class < ticket.priority_class,
                and_(
                    Ticket.priority_class == ticket.priority_class,
                    or_(
                        Ticket.queue_dt < ticket.queue_dt,
                        and_(Ticket.queue_dt == ticket.queue_dt, Ticket.id < ticket.id),
                    ),
                ),
            ),
        )
    )


def average_service_minutes(s, service_id, day):
    """Mean of the day's last 20 service times of this service, else the configured default."""
    rows = s.execute(
        select(Ticket.called_dt, Ticket.finished_dt)
        .where(
            Ticket.service_id == service_id,
            Ticket.day == day,
            Ticket.status == "done",
            Ticket.called_dt.is_not(None),
            Ticket.finished_dt.is_not(None),
        )
        .order_by(Ticket.finished_dt.desc())
        .limit(20)
    ).all()
    if len(rows) < 3:
        return float(current_app.config["DEFAULT_SERVICE_MINUTES"])
    total = sum((f - c).total_seconds() for c, f in rows)
    return max(0.5, total / len(rows) / 60)


def open_counters_for(s, service_id):
    return (
        s.scalar(
            select(func.count(Counter.id))
            .join(CounterService, CounterService.counter_id == Counter.id)
            .where(CounterService.service_id == service_id, Counter.state == "open")
        )
        or 0
    )


def serialize_ticket(ticket, service, counter=None, *, ahead=0, wait=None, base_url=None):
    """The one JSON shape of a ticket: POST /tickets, GET /tickets/<id>, boards and signals."""
    return {
        "id": ticket.id,
        "code": ticket.code,
        "number": ticket.number,
        "service": service.code,
        "service_name": service.name_vi,
        "service_name_en": service.name_en,
        "priority": ticket.priority,
        "status": ticket.status,
        "origin": ticket.origin,
        "issued_at": iso(ticket.issued_dt),
        "called_at": iso(ticket.called_dt),
        "finished_at": iso(ticket.finished_dt),
        "counter": counter.number if counter else None,
        "counter_name": counter.name if counter else None,
        "call_count": ticket.call_count,
        "ahead": ahead,
        "estimated_wait_minutes": wait,
        "track_url": track_url(ticket.track_token, base_url),
        "kiosk": ticket.kiosk_id,
    }


STAFF_ONLY_FIELDS = ("kiosk",)  # where the ticket was taken: for staff and devices


def citizen_view(ticket):
    """The ticket as its citizen's phone sees it: the one shape without staff-only fields."""
    return {k: v for k, v in ticket.items() if k not in STAFF_ONLY_FIELDS}


def ticket_dict(s, ticket, with_estimate=True):
    """An ORM ticket serialized; a waiting one with people ahead and the estimate."""
    ahead, wait = 0, None
    if ticket.status == "waiting" and with_estimate:
        ahead = ahead_of(s, ticket)
        minutes = average_service_minutes(s, ticket.service_id, ticket.day)
        counters = max(1, open_counters_for(s, ticket.service_id))
        wait = int(round(ahead * minutes / counters))
    return serialize_ticket(ticket, ticket.service, ticket.counter, ahead=ahead, wait=wait)


def get_ticket(ticket_id):
    with get_db().read() as s:
        ticket = s.get(Ticket, ticket_id)
        return ticket_dict(s, ticket) if ticket else None


def ticket_by_token(token):
    """The newest ticket of a tracking token (a transfer keeps the citizen's token)."""
    with get_db().read() as s:
        ticket = s.scalar(
            select(Ticket).where(Ticket.track_token == token).order_by(Ticket.id.desc()).limit(1)
        )
        return ticket_dict(s, ticket) if ticket else None


def waiting_counts(s, day=None):
    day = day or today()
    rows = s.execute(
        select(Service.code, func.count(Ticket.id))
        .select_from(Service)
        .outerjoin(
            Ticket,
            and_(Ticket.service_id == Service.id, Ticket.status == "waiting", Ticket.day == day),
        )
        .group_by(Service.code)
    ).all()
    return dict(rows)


def services_list(include_inactive=True):
    with get_db().read() as s:
        counts = waiting_counts(s)
        stmt = select(Service).order_by(Service.position, Service.code)
        if not include_inactive:
            stmt = stmt.where(Service.is_active.is_(True))
        return [
            {
                "code": svc.code,
                "name": svc.name_vi,
                "name_en": svc.name_en,
                "active": svc.is_active,
                "waiting": counts.get(svc.code, 0),
            }
            for svc in s.scalars(stmt)
        ]


def priority_categories(active_only=True):
    with get_db().read() as s:
        stmt = select(PriorityCategory).order_by(PriorityCategory.position)
        if active_only:
            stmt = stmt.where(PriorityCategory.is_active.is_(True))
        return [
            {"code": c.code, "name": c.name_vi, "name_en": c.name_en, "icon": c.icon}
            for c in s.scalars(stmt)
        ]


def current_ticket_of(s, counter_id):
    return s.scalar(
        select(Ticket).where(Ticket.counter_id == counter_id, Ticket.status.in_(ACTIVE_STATUSES))
    )


def counter_summary(counter):
    """A counter in call results and signals: number, name, state."""
    return {"number": counter.number, "name": counter.name, "state": counter.state}


def counter_dict(s, counter):
    """A counter in full: its services in order and the ticket it holds."""
    current = current_ticket_of(s, counter.id)
    return {
        **counter_summary(counter),
        "services": [svc.code for svc in counter.services],
        "current": ticket_dict(s, current, with_estimate=False) if current else None,
    }


def counters_list():
    with get_db().read() as s:
        return [counter_dict(s, c) for c in s.scalars(select(Counter).order_by(Counter.number))]


def get_counter(number):
    with get_db().read() as s:
        counter = s.scalar(select(Counter).where(Counter.number == number))
        return counter_dict(s, counter) if counter else None


def counter_queue(number, limit=50):
    """The waiting list a counter would call from, in call order (strict policy view)."""
    with get_db().read() as s:
        counter = s.scalar(select(Counter).where(Counter.number == number))
        if counter is None:
            return []
        service_ids = [link.service_id for link in counter.links]
        tickets = s.scalars(
            select(Ticket)
            .where(
                Ticket.service_id.in_(service_ids),
                Ticket.status == "waiting",
                Ticket.day == today(),
            )
            .order_by(Ticket.priority_class, Ticket.queue_dt, Ticket.id)
            .limit(limit)
        ).all()
        return [ticket_dict(s, t, with_estimate=False) for t in tickets]


def recent_calls(s, limit=10):
    since = utcnow() - timedelta(hours=12)
    rows = s.execute(
        select(TicketEvent, Ticket)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind.in_(("called", "recalled")), TicketEvent.event_dt >= since)
        .order_by(TicketEvent.id.desc())
        .limit(limit)
    ).all()
    counters = {c.id: c for c in s.scalars(select(Counter))}
    calls = []
    for event, ticket in rows:
        counter = counters.get(event.counter_id)
        calls.append(
            {
                "ticket": ticket.code,
                "ticket_id": ticket.id,
                "service": ticket.service.code,
                "priority": ticket.priority,
                "counter": counter.number if counter else None,
                "counter_name": counter.name if counter else None,
                "called_at": iso(event.event_dt),
                "recall": event.kind == "recalled",
            }
        )
    return calls


def active_notices(s):
    return [
        {"id": n.id, "text": n.text_vi, "text_en": n.text_en, "source": n.source}
        for n in s.scalars(select(Notice).where(Notice.is_active.is_(True)).order_by(Notice.id))
    ]


def board():
    with get_db().read() as s:
        services = {svc.code: svc for svc in s.scalars(select(Service))}
        return {
            "mode": current_mode(s)["mode"],
            "counters": [
                counter_dict(s, c) for c in s.scalars(select(Counter).order_by(Counter.number))
            ],
            "recent": recent_calls(s),
            "waiting": waiting_counts(s),
            "services": {
                code: {"name": svc.name_vi, "name_en": svc.name_en, "active": svc.is_active}
                for code, svc in services.items()
            },
            "notices": active_notices(s),
            "server_time": iso(utcnow()),
        }

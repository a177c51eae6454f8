"""Reads of the queue: tickets as the API shows them, waiting counts, counters, the board."""

from flask import current_app, has_request_context, request
from sqlalchemy import and_, bindparam, func, or_, select

from qms.extensions import get_db
from qms.queue.models import (
    ACTIVE_STATUSES,
    Counter,
    CounterHold,
    CounterService,
    PriorityCategory,
    Service,
    Ticket,
    TicketEvent,
)
from qms.timeutil import iso, local_day, utcnow


def today():
    return local_day(utcnow())


_BASES = {}  # what request.host_url gave for each (scheme, host, script root) seen
_BASE_KEYS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")


def request_base_url():
    """Base of public links: PUBLIC_BASE_URL, else the host the client used, else none.

    Werkzeug builds host_url anew on every request (an IRI round trip that cost an issued
    ticket 4 % of its CPU); the answer depends only on the environ keys it reads, so each
    is built once (a few hundred at most: the Host header is the client's to choose)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    if not has_request_context():
        return ""
    environ = request.environ
    key = tuple(environ.get(name) for name in _BASE_KEYS)
    url = _BASES.get(key)
    if url is None:
        url = request.host_url.rstrip("/")
        if len(_BASES) < 256:
            _BASES[key] = url
    return url


def track_url(token, base=None):
    return (request_base_url() if base is None else base) + f"/t/{token}"


def ahead_of(s, ticket):
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status != "waiting":
        return 0
    # a ticket reserved for one counter queues among that counter's
    # reserved tickets only, and reserved tickets are not ahead of anyone else
    reserved = getattr(ticket, "reserved_counter_id", None)
    same_queue = (
        Ticket.reserved_counter_id == reserved
        if reserved is not None
        else and_(Ticket.service_id == ticket.service_id, Ticket.reserved_counter_id.is_(None))
    )
    return s.scalar(
        select(func.count(Ticket.id)).where(
            same_queue,
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


# --- C2 (kiosk): the counters a citizen goes to ------------------------------------------
_OPEN_COUNTERS_SERVING = (
    select(Counter.number, Counter.name)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(CounterService.service_id == bindparam("service_id"), Counter.state == "open")
    .order_by(Counter.number)
)


def open_counters_serving(s, service_id):
    """Open counters that serve this service now, in counter order: where a citizen goes."""
    rows = s.connection().execute(_OPEN_COUNTERS_SERVING, {"service_id": service_id})
    return [{"number": number, "name": name} for number, name in rows]


# --- end C2 ----------------------------------------------------------------------------


def serialize_ticket(
    ticket,
    service,
    counter=None,
    *,
    ahead=0,
    wait=None,
    base_url=None,
    counters=(),
    reserved_counter=None,
):
    """The one JSON shape of a ticket: POST /tickets, GET /tickets/<id>, boards and signals.

    counters (C2): where a waiting citizen goes, the open counters serving the service.
    reserved_counter: the number of the one counter a transfer sent it to.
    """
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
        "counters": list(counters),
        "track_url": track_url(ticket.track_token, base_url),
        "kiosk": ticket.kiosk_id,
        "reserved_counter": reserved_counter,
    }


STAFF_ONLY_FIELDS = ("kiosk",)  # where the ticket was taken: for staff and devices


OWNER_ONLY_FIELDS = ("track_url", "priority", "kiosk")  # the tracking link is a capability


def citizen_view(ticket):
    """The ticket as its citizen's phone sees it: the one shape without staff-only fields."""
    return {k: v for k, v in ticket.items() if k not in STAFF_ONLY_FIELDS}


def public_view(ticket):
    """The ticket as anyone guessing its id sees it: same keys, no link, no category."""
    return {k: (None if k in OWNER_ONLY_FIELDS else v) for k, v in ticket.items()}


def ticket_dict(s, ticket, with_estimate=True):
    """An ORM ticket serialized; a waiting one with people ahead and the estimate."""
    ahead, wait, counters = 0, None, []
    desk = ticket.reserved_counter if ticket.reserved_counter_id is not None else None
    if ticket.status == "waiting" and with_estimate:
        ahead = ahead_of(s, ticket)
        minutes = average_service_minutes(s, ticket.service_id, ticket.day)
        counters = open_counters_serving(s, ticket.service_id)  # C2: none open → no estimate
        if desk is not None:  # transferred to one counter, the citizen goes there
            counters = [{"number": desk.number, "name": desk.name}] if desk.state == "open" else []
        wait = int(round(ahead * minutes / len(counters))) if counters else None
    return serialize_ticket(
        ticket,
        ticket.service,
        ticket.counter,
        ahead=ahead,
        wait=wait,
        counters=counters,
        reserved_counter=desk.number if desk is not None else None,
    )


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
                "description": svc.description,
                "daily_cap": svc.daily_cap,
                "position": svc.position,
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
    """A counter in call results and signals: number, name, state, why it is paused."""
    return {
        "number": counter.number,
        "name": counter.name,
        "state": counter.state,
        "reason": counter.pause_reason,  # shown on the display's tile
    }


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
        # tickets transferred to this counter come first; tickets
        # transferred to another counter are not in this list
        tickets = s.scalars(
            select(Ticket)
            .where(
                or_(
                    and_(Ticket.service_id.in_(service_ids), Ticket.reserved_counter_id.is_(None)),
                    Ticket.reserved_counter_id == counter.id,
                ),
                Ticket.status == "waiting",
                Ticket.day == today(),
            )
            .order_by(
                Ticket.reserved_counter_id.is_(None),
                Ticket.priority_class,
                Ticket.queue_dt,
                Ticket.id,
            )
            .limit(limit)
        ).all()
        return [ticket_dict(s, t, with_estimate=False) for t in tickets]


def hold_dict(row):
    """Who holds a counter, as other officers see it (never the page id: that is the holder's)."""
    return {
        "user_id": row.user_id,
        "name": row.user_name,
        "since": iso(row.since_dt),
        "until": iso(row.until_dt),
    }


def hold_answer(counter_number, row):
    renew = max(5, int(current_app.config["COUNTER_HOLD_SECONDS"]) // 4)
    return {"counter": counter_number, "holder": hold_dict(row), "renew_seconds": renew}


def counter_holds():
    """Live holds, by counter number: the counter picker names who works where."""
    with get_db().read() as s:
        rows = s.execute(
            select(Counter.number, CounterHold)
            .join(CounterHold, CounterHold.counter_id == Counter.id)
            .where(CounterHold.until_dt > utcnow())
            .order_by(Counter.number)
        ).all()
        return [{"counter": number, "holder": hold_dict(row)} for number, row in rows]


def officer_today(user_id, day=None):
    """An officer's own figures of the local day: served, no-show, transferred, called and the
    mean minutes from call (or start) to done."""
    day = day or today()
    with get_db().read() as s:
        rows = s.execute(
            select(
                TicketEvent.kind,
                TicketEvent.data,
                TicketEvent.event_dt,
                func.coalesce(Ticket.serving_dt, Ticket.called_dt),
            )
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(
                TicketEvent.user_id == user_id,
                Ticket.day == day,
                TicketEvent.kind.in_(("called", "done", "no_show", "transferred")),
            )
        ).all()
    counts = {"called": 0, "done": 0, "no_show": 0, "transferred": 0}
    minutes = []
    for kind, data, at, started in rows:
        if kind == "no_show" and (data or {}).get("requeue"):
            continue  # put back in the queue: not a no-show yet
        counts[kind] += 1
        if kind == "done" and started is not None and at >= started:
            minutes.append((at - started).total_seconds() / 60)
    return {
        "day": day.isoformat(),
        "served": counts["done"],
        "no_show": counts["no_show"],
        "transferred": counts["transferred"],
        "called": counts["called"],
        "average_service_minutes": round(sum(minutes) / len(minutes), 1) if minutes else None,
    }


# --- end counter desk --------------------------------------------------------------------


def issued_today(s, day=None):
    """Numbers given out today per service (local tickets, not transfer copies): the caps."""
    rows = s.execute(
        select(Service.code, func.count(Ticket.id))
        .join(Ticket, Ticket.service_id == Service.id)
        .where(Ticket.day == (day or today()), Ticket.origin == "local", Ticket.parent_id.is_(None))
        .group_by(Service.code)
    ).all()
    return dict(rows)


def priority_rows():
    """Every category with its order and active flag, for the set-up page."""
    with get_db().read() as s:
        stmt = select(PriorityCategory).order_by(PriorityCategory.position, PriorityCategory.code)
        return [
            {
                "code": c.code,
                "name": c.name_vi,
                "name_en": c.name_en,
                "icon": c.icon,
                "position": c.position,
                "active": c.is_active,
            }
            for c in s.scalars(stmt)
        ]


def issued_today_counts():
    with get_db().read() as s:
        return issued_today(s)

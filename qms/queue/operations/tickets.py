"""Ticket rows: the only writer of tickets, ticket events and the daily sequence.

Issuing, transfers and the fallback feature's adoption all insert through here, so a number
comes from one statement and every ticket starts with its event.
"""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, case, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from qms import signals
from qms.errors import Conflict, NotFound
from qms.extensions import get_db
from qms.queue import queries
from qms.queue.models import ACTIVE_STATUSES, DailySequence, Ticket, TicketEvent
from qms.timeutil import utcnow

FINISHED_STATUSES = ("done", "no_show", "transferred", "cancelled")
# adopted tickets sit just before their queue base, one millisecond per number, so every
# adoption of the day is called in number order (adopted numbers stay below this)
ADOPT_SLOTS = 10000


def format_code(prefix, number):
    return f"{prefix}{number:03d}"


def _upsert_sequence(dialect):
    """last = last + :count, RETURNING the new last: one statement, one row lock."""
    step = bindparam("count")
    return (
        dialect.insert(DailySequence)
        .values(service_id=bindparam("service_id"), day=bindparam("day"), last=step)
        .on_conflict_do_update(
            index_elements=[DailySequence.service_id, DailySequence.day],
            set_={"last": DailySequence.last + step},
        )
        .returning(DailySequence.last)
    )


def _raise_to(dialect):
    """last = max(last, at_least): the next number of the day is above at_least."""
    return (
        dialect.insert(DailySequence)
        .values(service_id=bindparam("service_id"), day=bindparam("day"), last=bindparam("at"))
        .on_conflict_do_update(
            index_elements=[DailySequence.service_id, DailySequence.day],
            set_={
                "last": case(
                    (DailySequence.last < bindparam("at"), bindparam("at")),
                    else_=DailySequence.last,
                )
            },
        )
    )


# the hot path's statements, built once: constructing them costs more than running them
_TAKE_NUMBERS = {"sqlite": _upsert_sequence(sqlite), "postgresql": _upsert_sequence(postgresql)}
_RAISE_SEQUENCE = {"sqlite": _raise_to(sqlite), "postgresql": _raise_to(postgresql)}
_INSERT_TICKET = insert(Ticket).returning(Ticket.id)
# many rows in one multi-row statement: RETURNING promises no order, so each id comes back
# with its row's tracking token (asking for the rows' order makes SQLite insert row by row)
_INSERT_TICKETS = insert(Ticket).returning(Ticket.id, Ticket.track_token)
_INSERT_TICKETS_IN_ORDER = insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True)
_INSERT_EVENT = insert(TicketEvent)

_TICKET_DEFAULTS = {
    "priority": None,
    "priority_class": 1,
    "status": "waiting",
    "origin": "local",
    "parent_id": None,
    "kiosk_id": None,
    "called_dt": None,
    "serving_dt": None,
    "finished_dt": None,
    "counter_id": None,
    "call_count": 0,
}


def next_number(s, service_id, day):
    """One atomic statement: gapless on SQLite and PostgreSQL, safe across processes."""
    return take_numbers(s, service_id, day, 1)


def take_numbers(s, service_id, day, count):
    """count numbers at once (the last one is returned): gapless like next_number."""
    conn = s.connection()
    stmt = _TAKE_NUMBERS[conn.dialect.name]
    return conn.execute(
        stmt, {"service_id": service_id, "day": day, "count": int(count)}
    ).scalar_one()


def raise_sequence(s, service_id, day, at_least):
    """Numbers issued from now on for this service and day are above at_least."""
    conn = s.connection()
    conn.execute(
        _RAISE_SEQUENCE[conn.dialect.name], {"service_id": service_id, "day": day, "at": at_least}
    )


def new_track_token():
    return secrets.token_urlsafe(12)


def insert_ticket(s, **values):
    """Insert one ticket row (Core, no ORM object); returns its id."""
    return insert_tickets(s, [values])[0]


def insert_tickets(s, rows):
    """Insert ticket rows in one statement; returns their ids in the rows' order."""
    full = []
    for values in rows:
        row = {**_TICKET_DEFAULTS, **values}
        row.setdefault("series_service_id", row["service_id"])
        row.setdefault("queue_dt", row["issued_dt"])
        full.append(row)
    conn = s.connection()
    if len(full) == 1:
        return [conn.execute(_INSERT_TICKET, full[0]).scalar_one()]
    tokens = [row["track_token"] for row in full]
    if len(set(tokens)) < len(tokens):  # never for random tokens; exact all the same
        return list(conn.execute(_INSERT_TICKETS_IN_ORDER, full).scalars())
    ids = {token: ticket_id for ticket_id, token in conn.execute(_INSERT_TICKETS, full)}
    return [ids[token] for token in tokens]


def record_events(s, events, at=None, counter_id=None, user_id=None):
    """Ticket events [{"ticket_id", "kind", "data"?}] in one statement."""
    if not events:
        return
    at = at or utcnow()
    rows = [
        {
            "ticket_id": e["ticket_id"],
            "kind": e["kind"],
            "event_dt": e.get("event_dt", at),
            "counter_id": e.get("counter_id", counter_id),
            "user_id": e.get("user_id", user_id),
            "data": e.get("data") or {},
        }
        for e in events
    ]
    s.connection().execute(_INSERT_EVENT, rows)


def finish(s, ticket, status, counter_id, user_id, **data):
    """End an ORM-loaded ticket with its event (done, no-show, transferred, cancelled)."""
    now = utcnow()
    ticket.status = status
    ticket.finished_dt = now
    s.flush()
    record_events(
        s,
        [{"ticket_id": ticket.id, "kind": status, "data": data}],
        at=now,
        counter_id=counter_id,
        user_id=user_id,
    )


def add_adopted(s, service, day, number_from, number_to, queue_base, adoption_id, user_id=None):
    """Numbers another system printed join this queue, in number order before queue_base.

    Inside the caller's transaction (the fallback feature's adoption); the day's sequence is
    raised above number_to so local numbers continue after them. Returns [{"id","code","number"}].
    """
    now = utcnow()
    tickets = []
    for number in range(number_from, number_to + 1):
        code = format_code(service.code, number)
        ticket_id = insert_ticket(
            s,
            service_id=service.id,
            day=day,
            number=number,
            code=code,
            origin="adopted",
            track_token=new_track_token(),
            issued_dt=now,
            queue_dt=queue_base - timedelta(milliseconds=ADOPT_SLOTS - number),
        )
        tickets.append({"id": ticket_id, "code": code, "number": number})
    record_events(
        s,
        [
            {"ticket_id": t["id"], "kind": "adopted", "data": {"adoption": adoption_id}}
            for t in tickets
        ],
        at=now,
        user_id=user_id,
    )
    raise_sequence(s, service.id, day, number_to)
    return tickets


def numbers_taken(s, service_id, day, number_from, number_to):
    """Numbers of the range already given to a ticket of this series and day."""
    return s.scalars(
        select(Ticket.number)
        .where(
            Ticket.series_service_id == service_id,
            Ticket.day == day,
            Ticket.parent_id.is_(None),
            Ticket.number.between(number_from, number_to),
        )
        .order_by(Ticket.number)
    ).all()


def cancel_ticket(ticket_id, user_id=None, reason=""):
    with get_db().write() as s:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
        if ticket.status in FINISHED_STATUSES:
            raise Conflict("Vé đã kết thúc. Ticket already finished.", "ticket_finished")
        finish(s, ticket, "cancelled", ticket.counter_id, user_id, reason=reason)
        data = queries.ticket_dict(s, ticket, with_estimate=False)
    app = current_app._get_current_object()
    signals.ticket_changed.send(app, ticket=data, action="cancelled")
    signals.queue_changed.send(app)
    return {"ticket": data}


def expire_previous_days():
    """Tickets still waiting or called from an earlier local day end as cancelled at day start."""
    day = queries.today()
    with get_db().read() as s:  # most passes find nothing: no write transaction, no fsync
        if not s.scalar(
            select(Ticket.id)
            .where(Ticket.day < day, Ticket.status.in_(("waiting",) + ACTIVE_STATUSES))
            .limit(1)
        ):
            return 0
    with get_db().write() as s:
        stale = s.scalars(
            select(Ticket).where(
                Ticket.day < day, Ticket.status.in_(("waiting",) + ACTIVE_STATUSES)
            )
        ).all()
        for ticket in stale:
            finish(s, ticket, "cancelled", ticket.counter_id, None, reason="day_end")
        count = len(stale)
    if count:
        signals.queue_changed.send(current_app._get_current_object())
    return count


def cancel_by_citizen(token):
    """The citizen gives up a waiting ticket from the phone (the QR link is the proof)."""
    with get_db().write() as s:
        ticket = s.scalar(
            select(Ticket).where(Ticket.track_token == token).order_by(Ticket.id.desc()).limit(1)
        )
        if ticket is None:
            raise NotFound("Không tìm thấy vé.", "unknown_ticket")
        if ticket.status != "waiting":
            raise Conflict(
                "Vé không còn ở hàng chờ nên không hủy được; xin quý vị đến quầy hoặc bàn hướng dẫn.",
                "not_waiting",
                status_now=ticket.status,
            )
        finish(s, ticket, "cancelled", None, None, reason="citizen")
        data = queries.ticket_dict(s, ticket, with_estimate=False)
    signals.ticket_changed.send(current_app._get_current_object(), ticket=data, action="cancelled")
    signals.queue_changed.send(current_app._get_current_object())
    return {"ticket": queries.citizen_view(data)}

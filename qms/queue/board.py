"""The board: what every display, kiosk and phone reads, computed once per change.

board() reads everything in one session; cached_board() and board_json() serve it from
qms/cache.py to HTTP and Socket.IO readers alike, the server time spliced in per read."""

import json
from collections import namedtuple
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select

from qms import calendar as centre_calendar
from qms.extensions import get_db
from qms.mode import current_mode
from qms.models import Notice
from qms.queue.models import (
    ACTIVE_STATUSES,
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketEvent,
)
from qms.queue.queries import serialize_ticket, today
from qms.state import get_state
from qms.timeutil import iso, utcnow

# the set-up as the board reads it; the attribute names serialize_ticket reads
ServiceRow = namedtuple("ServiceRow", "id code name_vi name_en is_active description daily_cap")
CounterRow = namedtuple("CounterRow", "id number name serves")


def _setup(s):
    """What only a change of set-up moves (setup_changed): services and counters with their
    names, and which services each counter serves. Read once per change, not once per call."""
    services = [
        ServiceRow(
            svc.id,
            svc.code,
            svc.name_vi,
            svc.name_en,
            svc.is_active,
            svc.description,
            svc.daily_cap,
        )
        for svc in s.scalars(select(Service))
    ]
    code_of = {svc.id: svc.code for svc in services}
    links = s.execute(
        select(CounterService.counter_id, CounterService.service_id).order_by(
            CounterService.counter_id, CounterService.position
        )
    ).all()
    serves = {}
    for counter_id, service_id in links:
        serves.setdefault(counter_id, []).append(code_of[service_id])
    counters = [
        CounterRow(c.id, c.number, c.name, serves.get(c.id, []))
        for c in s.execute(
            select(Counter.id, Counter.number, Counter.name).order_by(Counter.number)
        )
    ]
    return {
        "services": services,
        "service": {svc.id: svc for svc in services},
        "counters": counters,
        "counter": {c.id: c for c in counters},
    }


def board_setup(s):
    return get_state().cache.get("board-setup", lambda: _setup(s), _board_ttl(), kind="setup")


_RECENT = (
    select(
        TicketEvent.counter_id,
        TicketEvent.kind,
        TicketEvent.event_dt,
        Ticket.id,
        Ticket.code,
        Ticket.service_id,
        Ticket.priority,
        Ticket.call_count,
    )
    .join(Ticket, Ticket.id == TicketEvent.ticket_id)
    .where(TicketEvent.kind.in_(("called", "recalled")), TicketEvent.event_dt >= bindparam("since"))
    .order_by(TicketEvent.id.desc())
    .limit(bindparam("limit"))
)


def recent_calls(s, setup, limit=10):
    rows = s.execute(_RECENT, {"since": utcnow() - timedelta(hours=12), "limit": limit}).all()
    calls = []
    # call_number: the n-th call of that ticket, "Gọi lại lần 2" on the TV;
    # newest first, so a ticket's first row here is its latest call, number call_count
    seen = {}
    for counter_id, kind, event_dt, ticket_id, code, service_id, priority, call_count in rows:
        counter = setup["counter"].get(counter_id)
        seen[ticket_id] = seen.get(ticket_id, call_count + 1) - 1
        calls.append(
            {
                "ticket": code,
                "ticket_id": ticket_id,
                "service": setup["service"][service_id].code,
                "priority": priority,
                "counter": counter.number if counter else None,
                "counter_name": counter.name if counter else None,
                "called_at": iso(event_dt),
                "recall": kind == "recalled",
                "call_number": max(1, seen[ticket_id]),
            }
        )
    return calls


def active_notices(s):
    return [
        {"id": n.id, "text": n.text_vi, "text_en": n.text_en, "source": n.source}
        for n in s.scalars(select(Notice).where(Notice.is_active.is_(True)).order_by(Notice.id))
    ]


_COUNTER_STATES = select(Counter.id, Counter.state, Counter.pause_reason)
_HELD = select(
    Ticket.id,
    Ticket.code,
    Ticket.number,
    Ticket.service_id,
    Ticket.priority,
    Ticket.status,
    Ticket.origin,
    Ticket.issued_dt,
    Ticket.called_dt,
    Ticket.finished_dt,
    Ticket.counter_id,
    Ticket.call_count,
    Ticket.reserved_counter_id,
    Ticket.track_token,
    Ticket.kiosk_id,
).where(Ticket.counter_id.is_not(None), Ticket.status.in_(ACTIVE_STATUSES))
_WAITING = (
    select(Ticket.service_id, func.count())
    .where(Ticket.status == "waiting", Ticket.day == bindparam("day"))
    .group_by(Ticket.service_id)
)
# numbers given out today per capped service (local tickets, not transfer copies): only a
# daily cap needs the count, and a service without one is not counted at all
_ISSUED = (
    select(Ticket.service_id, func.count())
    .where(
        Ticket.day == bindparam("day"),
        Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
        Ticket.origin == "local",
        Ticket.parent_id.is_(None),
    )
    .group_by(Ticket.service_id)
)


def _public_ticket(row, setup):
    """A counter's ticket as the public board shows it: the one shape of serialize_ticket,
    without the citizen's tracking link (a capability) or the kiosk it came from (staff)."""
    desk = setup["counter"].get(row.reserved_counter_id)
    ticket = serialize_ticket(
        row,
        setup["service"][row.service_id],
        setup["counter"].get(row.counter_id),
        base_url="",
        reserved_counter=desk.number if desk else None,
    )
    return {**ticket, "track_url": None, "kiosk": None}


def centre_board(s):
    """reception (pause), open_now, next_open, hotline: what the kiosk and display say."""
    calendar, reception = centre_calendar.centre_state(s)
    return {
        **centre_calendar.status(calendar, reception),
        "hotline": current_app.config.get("HOTLINE") or "",
    }


def board():
    """Set-up parts from memory, the queue's parts in a few narrow statements."""
    with get_db().read() as s:
        setup, day = board_setup(s), today()
        states = {row.id: row for row in s.execute(_COUNTER_STATES)}
        holding = {row.counter_id: _public_ticket(row, setup) for row in s.execute(_HELD)}
        counters, open_counters = [], {}
        for counter_id, number, name, serves in setup["counters"]:
            state = states.get(counter_id)
            if state is None:  # removed since the set-up was read: gone from the board too
                continue
            if state.state == "open":
                for code in serves:
                    open_counters[code] = open_counters.get(code, 0) + 1
            counters.append(
                {
                    "number": number,
                    "name": name,
                    "state": state.state,
                    "reason": state.pause_reason,  # shown on the display's tile
                    "services": list(serves),
                    "current": holding.get(counter_id),
                }
            )
        code_of = {svc.id: svc.code for svc in setup["services"]}
        waiting = dict.fromkeys(sorted(code_of.values()), 0)
        for service_id, count in s.execute(_WAITING, {"day": day}):
            if service_id in code_of:
                waiting[code_of[service_id]] = count
        capped = [svc.id for svc in setup["services"] if svc.daily_cap is not None]
        issued = (
            {
                code_of.get(sid): n
                for sid, n in s.execute(_ISSUED, {"day": day, "service_ids": capped})
            }
            if capped
            else {}
        )
        services = {}
        for _id, code, name_vi, name_en, active, description, cap in setup["services"]:
            services[code] = {
                "name": name_vi,
                "name_en": name_en,
                "active": active,
                "description": description,
                "daily_cap": cap,
                "cap_reached": cap is not None and issued.get(code, 0) >= cap,
                "open_counters": open_counters.get(code, 0),
            }
        return {
            "mode": current_mode(s)["mode"],
            "counters": counters,
            "recent": recent_calls(s, setup),
            "waiting": waiting,
            "services": services,
            "notices": active_notices(s),
            "server_time": iso(utcnow()),
            **centre_board(s),
        }


def _board_ttl():
    # what the clock moves on the board (open now, recent calls) stays this fresh
    return float(current_app.config["READ_CACHE_SECONDS"])


def cached_board():
    """The board computed once per change (qms/cache.py), with this moment's server time."""
    return {**get_state().cache.get("board", board, _board_ttl()), "server_time": iso(utcnow())}


def board_json():
    """The board as JSON bytes, encoded once per change; the server time spliced in per read."""
    body = get_state().cache.get(
        "board-json",
        lambda: json.dumps(
            {k: v for k, v in cached_board().items() if k != "server_time"},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode(),
        _board_ttl(),
    )
    stamp = json.dumps({"server_time": iso(utcnow())}).encode()
    return stamp[:-1] + b"," + body[1:] if len(body) > 2 else stamp


# --- the counter desk: holds and an officer's day ------------

"""The board: what every display, kiosk and phone reads, computed once per change.

board() reads everything in one session; cached_board() and board_json() serve it from
qms/cache.py to HTTP and Socket.IO readers alike, the server time spliced in per read."""

import json
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from qms import calendar as centre_calendar
from qms.extensions import get_db
from qms.mode import current_mode
from qms.models import Notice
from qms.queue.models import (
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketEvent,
)
from qms.queue.queries import counter_dict, current_tickets, issued_today, waiting_counts
from qms.state import get_state
from qms.timeutil import iso, utcnow


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
    # call_number: the n-th call of that ticket, "Gọi lại lần 2" on the TV;
    # newest first, so a ticket's first row here is its latest call, number call_count
    seen = {}
    for event, ticket in rows:
        counter = counters.get(event.counter_id)
        seen[ticket.id] = seen.get(ticket.id, ticket.call_count + 1) - 1
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
                "call_number": max(1, seen[ticket.id]),
            }
        )
    return calls


def active_notices(s):
    return [
        {"id": n.id, "text": n.text_vi, "text_en": n.text_en, "source": n.source}
        for n in s.scalars(select(Notice).where(Notice.is_active.is_(True)).order_by(Notice.id))
    ]


# --- C1 (centre-admin): calendar, reception pause, caps and open counters on the board ---


def open_counters_by_service(s):
    rows = s.execute(
        select(Service.code, func.count(Counter.id))
        .join(CounterService, CounterService.service_id == Service.id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.state == "open")
        .group_by(Service.code)
    ).all()
    return dict(rows)


def service_centre_fields(s, services):
    """Per service: description, daily_cap, cap_reached, open_counters (counters open now)."""
    issued, open_counters = issued_today(s), open_counters_by_service(s)
    return {
        code: {
            "description": svc.description,
            "daily_cap": svc.daily_cap,
            "cap_reached": svc.daily_cap is not None and issued.get(code, 0) >= svc.daily_cap,
            "open_counters": open_counters.get(code, 0),
        }
        for code, svc in services.items()
    }


def centre_board(s):
    """reception (pause), open_now, next_open, hotline: what the kiosk and display say."""
    calendar, reception = centre_calendar.centre_state(s)
    return {
        **centre_calendar.status(calendar, reception),
        "hotline": current_app.config.get("HOTLINE") or "",
    }


# --- end C1 ------------------------------------------------------------------------------


def _public(counter):
    """A counter as the public board shows it: its ticket without the citizen's tracking
    link (a capability) or the kiosk it came from (staff only)."""
    current = counter["current"]
    if current is not None:
        counter["current"] = {**current, "track_url": None, "kiosk": None}
    return counter


def board():
    with get_db().read() as s:
        services = {svc.code: svc for svc in s.scalars(select(Service))}
        centre_fields = service_centre_fields(s, services)
        holding = current_tickets(s)  # one statement for every counter's ticket
        return {
            "mode": current_mode(s)["mode"],
            "counters": [
                _public(counter_dict(s, c, current=holding.get(c.id)))
                for c in s.scalars(select(Counter).order_by(Counter.number))
            ],
            "recent": recent_calls(s),
            "waiting": waiting_counts(s),
            "services": {
                code: {
                    "name": svc.name_vi,
                    "name_en": svc.name_en,
                    "active": svc.is_active,
                    **centre_fields[code],
                }
                for code, svc in services.items()
            },
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

"""What a counter does: call next, recall, serve, complete, no-show, transfer, open/pause/close.

The page names the ticket it shows (expected_ticket_id): acting on another one would act on
an old state, so a stale page gets 409 `stale` and refreshes.
"""

from flask import current_app
from sqlalchemy import bindparam, select, update

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries
from qms.queue.models import (
    ACTIVE_STATUSES,
    COUNTER_STATES,
    Counter,
    CounterService,
    Service,
    Ticket,
    TicketEvent,
)
from qms.queue.operations import tickets
from qms.timeutil import utcnow

# the call path's statements, built once (see issuing)
_COUNTER_ROW = select(Counter.id, Counter.number, Counter.name, Counter.state).where(
    Counter.number == bindparam("number")
)
_CURRENT_ID = select(Ticket.id).where(
    Ticket.counter_id == bindparam("counter_id"), Ticket.status.in_(ACTIVE_STATUSES)
)
_SERVICE_IDS = select(CounterService.service_id).where(
    CounterService.counter_id == bindparam("counter_id")
)
_FINISH_DONE = (
    update(Ticket)
    .where(Ticket.id == bindparam("ticket_id"))
    .values(status="done", finished_dt=bindparam("at"))
)
_CLAIM = (
    update(Ticket)
    .where(Ticket.id == bindparam("ticket_id"), Ticket.status == "waiting")
    .values(
        status="called",
        counter_id=bindparam("to_counter"),
        called_dt=bindparam("at"),
        call_count=Ticket.call_count + 1,
    )
)
_WAITING_HEAD = (
    select(Ticket.id)
    .where(
        Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
        Ticket.status == "waiting",
        Ticket.day == bindparam("day"),
        Ticket.priority_class >= bindparam("min_class"),
    )
    .order_by(Ticket.priority_class, Ticket.queue_dt, Ticket.id)
    .limit(1)
)
_LAST_CALLED_CLASSES = (
    select(Ticket.priority_class)
    .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
    .where(TicketEvent.counter_id == bindparam("counter_id"), TicketEvent.kind == "called")
    .order_by(TicketEvent.id.desc())
    .limit(bindparam("k"))
)


def _app():
    return current_app._get_current_object()


def _unknown_counter(number):
    return NotFound(f"Không có quầy số {number}. Unknown counter {number}.", "unknown_counter")


def _counter(s, number):
    counter = s.scalar(select(Counter).where(Counter.number == number))
    if counter is None:
        raise _unknown_counter(number)
    return counter


def _check_not_stale(current_id, expected_ticket_id):
    if expected_ticket_id is not None and current_id != expected_ticket_id:
        raise Conflict(
            "Màn hình đã cũ: vé hiện tại của quầy đã thay đổi. The counter's ticket changed; refresh.",
            "stale",
            current=current_id,
        )


def _current(s, counter, expected_ticket_id=None, missing=None):
    """The counter's ticket; with missing=message, refuse when the counter has none."""
    current = queries.current_ticket_of(s, counter.id)
    _check_not_stale(current.id if current else None, expected_ticket_id)
    if current is None and missing:
        raise Conflict(missing, "no_current_ticket")
    return current


def _pick_next(conn, counter_id):
    """Id of the ticket this counter calls next: (class, queue time) across its services."""
    service_ids = conn.execute(_SERVICE_IDS, {"counter_id": counter_id}).scalars().all()
    if not service_ids:
        return None
    head = _WAITING_HEAD
    if conn.dialect.name == "postgresql":  # another process's counter may hold the head
        head = head.with_for_update(skip_locked=True)
    params = {"service_ids": service_ids, "day": queries.today(), "min_class": 0}
    if current_app.config["PRIORITY_POLICY"] == "ratio":
        k = int(current_app.config["PRIORITY_RATIO"])
        last = (
            conn.execute(_LAST_CALLED_CLASSES, {"counter_id": counter_id, "k": k}).scalars().all()
        )
        if len(last) == k and all(c == 0 for c in last):
            normal = conn.execute(head, {**params, "min_class": 1}).scalar()
            if normal is not None:
                return normal
    return conn.execute(head, params).scalar()


def _result(s, counter, ticket):
    return {
        "ticket": queries.ticket_dict(s, ticket, with_estimate=False) if ticket else None,
        "counter": queries.counter_summary(counter),
    }


def _emit_after(result, called=False, recall=False, action=None):
    app = _app()
    if called and result["ticket"]:
        signals.ticket_called.send(
            app, ticket=result["ticket"], counter=result["counter"], recall=recall
        )
    elif result["ticket"] is not None and action:
        signals.ticket_changed.send(app, ticket=result["ticket"], action=action)
    signals.counter_changed.send(app, counter=result["counter"])
    signals.queue_changed.send(app)


def call_next(counter_number, user_id=None, expected_ticket_id=None):
    """Finish the counter's ticket and call the next: Core statements, one transaction."""
    with get_db().write() as s:
        conn = s.connection()
        counter = conn.execute(_COUNTER_ROW, {"number": counter_number}).first()
        if counter is None:
            raise _unknown_counter(counter_number)
        if counter.state != "open":
            raise Conflict(
                "Quầy đang tạm dừng hoặc đã đóng: hãy mở lại quầy trước. Counter is not open.",
                "counter_not_open",
            )
        current_id = conn.execute(_CURRENT_ID, {"counter_id": counter.id}).scalar()
        _check_not_stale(current_id, expected_ticket_id)
        now = utcnow()
        events = []
        if current_id is not None:
            conn.execute(_FINISH_DONE, {"ticket_id": current_id, "at": now})
            events.append({"ticket_id": current_id, "kind": "done"})
        ticket_id = _pick_next(conn, counter.id)
        if ticket_id is not None:
            taken = conn.execute(
                _CLAIM, {"ticket_id": ticket_id, "to_counter": counter.id, "at": now}
            ).rowcount
            if taken != 1:  # cannot happen under the write lock; refuse rather than share
                raise Conflict("Vé vừa được quầy khác gọi. Ticket taken, try again.", "race")
            events.append({"ticket_id": ticket_id, "kind": "called"})
        tickets.record_events(s, events, at=now, counter_id=counter.id, user_id=user_id)
        result = _result(s, counter, s.get(Ticket, ticket_id) if ticket_id is not None else None)
        finished = (
            queries.ticket_dict(s, s.get(Ticket, current_id), with_estimate=False)
            if current_id is not None
            else None
        )
    if finished:
        signals.ticket_changed.send(_app(), ticket=finished, action="done")
    _emit_after(result, called=True)
    return result


def recall(counter_number, user_id=None, expected_ticket_id=None):
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        ticket = _current(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy chưa gọi vé nào để gọi lại. No ticket to recall.",
        )
        ticket.call_count += 1
        ticket.status = "called"
        tickets.record_events(
            s,
            [{"ticket_id": ticket.id, "kind": "recalled"}],
            counter_id=counter.id,
            user_id=user_id,
        )
        result = _result(s, counter, ticket)
    _emit_after(result, called=True, recall=True)
    return result


def start_serving(counter_number, user_id=None, expected_ticket_id=None):
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        ticket = _current(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang gọi. No ticket at this counter.",
        )
        if ticket.status == "called":
            now = utcnow()
            ticket.status = "serving"
            ticket.serving_dt = now
            tickets.record_events(
                s,
                [{"ticket_id": ticket.id, "kind": "serving"}],
                at=now,
                counter_id=counter.id,
                user_id=user_id,
            )
        result = _result(s, counter, ticket)
    _emit_after(result, action="serving")
    return result


def complete(counter_number, user_id=None, expected_ticket_id=None):
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        ticket = _current(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang phục vụ. No ticket at this counter.",
        )
        tickets.finish(s, ticket, "done", counter.id, user_id)
        result = _result(s, counter, ticket)
    _emit_after(result, action="done")
    return result


def no_show(counter_number, user_id=None, requeue=False, expected_ticket_id=None):
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        ticket = _current(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang gọi. No ticket at this counter.",
        )
        if requeue:
            # back to the end of its class: the citizen keeps the number and is called again
            now = utcnow()
            tickets.record_events(
                s,
                [{"ticket_id": ticket.id, "kind": "no_show", "data": {"requeue": True}}],
                at=now,
                counter_id=counter.id,
                user_id=user_id,
            )
            ticket.status = "waiting"
            ticket.counter_id = None
            ticket.queue_dt = now
        else:
            tickets.finish(s, ticket, "no_show", counter.id, user_id)
        s.flush()
        s.expire(ticket, ["counter"])
        result = _result(s, counter, ticket)
    _emit_after(result, action="no_show")
    return result


def transfer(counter_number, service_code, user_id=None, expected_ticket_id=None):
    """The citizen keeps the code, the QR link and the place by original issue time."""
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        ticket = _current(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé để chuyển. No ticket to transfer.",
        )
        target = s.scalar(select(Service).where(Service.code == service_code))
        if target is None:
            raise NotFound(
                f"Không có lĩnh vực '{service_code}'. Unknown service.", "unknown_service"
            )
        if not target.is_active:
            raise Conflict(
                "Lĩnh vực này đang tạm ngừng. Target service is paused.", "service_inactive"
            )
        if target.id == ticket.service_id:
            raise Invalid(
                "Vé đã thuộc lĩnh vực này. Ticket is already in that service.", "same_service"
            )
        tickets.finish(s, ticket, "transferred", counter.id, user_id, to=target.code)
        moved_id = tickets.insert_ticket(
            s,
            service_id=target.id,
            series_service_id=ticket.series_service_id,
            day=ticket.day,
            number=ticket.number,
            code=ticket.code,
            priority=ticket.priority,
            priority_class=ticket.priority_class,
            origin="transfer",
            parent_id=ticket.id,
            track_token=ticket.track_token,
            kiosk_id=ticket.kiosk_id,
            issued_dt=ticket.issued_dt,
            queue_dt=ticket.issued_dt,
        )
        tickets.record_events(
            s,
            [{"ticket_id": moved_id, "kind": "transferred_in", "data": {"parent": ticket.id}}],
            counter_id=counter.id,
            user_id=user_id,
        )
        moved = s.get(Ticket, moved_id)
        result = {
            "ticket": queries.ticket_dict(s, moved),
            "counter": queries.counter_summary(counter),
        }
    _emit_after(result, action="transferred")
    return result


def set_counter_state(counter_number, state, user_id=None):
    if state not in COUNTER_STATES:
        raise Invalid(f"Trạng thái quầy không hợp lệ: {state}.", "invalid_state")
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        counter.state = state
        log_event(
            s, "counter.state", f"Counter {counter.number} → {state}", {"state": state}, user_id
        )
        result = _result(s, counter, queries.current_ticket_of(s, counter.id))
    signals.counter_changed.send(_app(), counter=result["counter"])
    signals.queue_changed.send(_app())
    return result

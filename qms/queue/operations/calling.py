"""What a counter does: call next or a given number, recall, serve, complete, no-show,
transfer to a service or a counter, open/pause (with a reason)/close.

The page names the ticket it shows (expected_ticket_id): acting on another one would act on
an old state, so a stale page gets 409 `stale` and refreshes. It also names itself (page):
a page whose counter another officer took over gets 409 `held_by_other` (holding.py).
"""

import re

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
    CounterHold,
    CounterService,
    Ticket,
    TicketEvent,
)
from qms.queue.operations import tickets
from qms.timeutil import iso, utcnow

# the call path's statements, built once (see issuing)
_COUNTER_ROW = select(
    Counter.id, Counter.number, Counter.name, Counter.state, Counter.pause_reason
).where(Counter.number == bindparam("number"))
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
        Ticket.reserved_counter_id.is_(None),
    )
    .order_by(Ticket.priority_class, Ticket.queue_dt, Ticket.id)
    .limit(1)
)
# tickets transferred to one counter: it calls them before its services' queue
_RESERVED_HEAD = (
    select(Ticket.id)
    .where(
        Ticket.reserved_counter_id == bindparam("counter_id"),
        Ticket.status == "waiting",
        Ticket.day == bindparam("day"),
    )
    .order_by(Ticket.priority_class, Ticket.queue_dt, Ticket.id)
    .limit(1)
)
_HOLDER = select(CounterHold.page, CounterHold.user_name, CounterHold.since_dt).where(
    CounterHold.counter_id == bindparam("counter_id"), CounterHold.until_dt > bindparam("now")
)
CODE_PATTERN = re.compile(r"^([A-Z]{1,3})0*([0-9]{1,4})$")
_LAST_CALLED_CLASSES = (
    select(Ticket.priority_class)
    .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
    .where(TicketEvent.counter_id == bindparam("counter_id"), TicketEvent.kind == "called")
    .order_by(TicketEvent.id.desc())
    .limit(bindparam("k"))
)


def app_now():
    return current_app._get_current_object()


def _unknown_counter(number):
    return NotFound(f"Không có quầy số {number}. Unknown counter {number}.", "unknown_counter")


def load_counter(s, number):
    counter = s.scalar(select(Counter).where(Counter.number == number))
    if counter is None:
        raise _unknown_counter(number)
    return counter


def check_holder(conn, counter_id, page):
    """A page (page id given) acts only while no other page holds its counter."""
    if page is None:
        return
    held = conn.execute(_HOLDER, {"counter_id": counter_id, "now": utcnow()}).first()
    if held is not None and held.page != page:
        raise Conflict(
            f"Quầy đang do {held.user_name} làm việc; thao tác không được thực hiện. "
            "Another officer holds this counter.",
            "held_by_other",
            holder={"name": held.user_name, "since": iso(held.since_dt)},
        )


def _check_not_stale(current_id, expected_ticket_id):
    if expected_ticket_id is not None and current_id != expected_ticket_id:
        raise Conflict(
            "Màn hình đã cũ: vé hiện tại của quầy đã thay đổi. The counter's ticket changed; refresh.",
            "stale",
            current=current_id,
        )


def current_of(s, counter, expected_ticket_id=None, missing=None, page=None):
    """The counter's ticket; with missing=message, refuse when the counter has none."""
    check_holder(s.connection(), counter.id, page)
    current = queries.current_ticket_of(s, counter.id)
    _check_not_stale(current.id if current else None, expected_ticket_id)
    if current is None and missing:
        raise Conflict(missing, "no_current_ticket")
    return current


def _pick_next(conn, counter_id):
    """Id of the ticket this counter calls next: (class, queue time) across its services."""
    day = queries.today()
    reserved = _RESERVED_HEAD
    if conn.dialect.name == "postgresql":
        reserved = reserved.with_for_update(skip_locked=True)
    mine = conn.execute(reserved, {"counter_id": counter_id, "day": day}).scalar()
    if mine is not None:
        return mine
    service_ids = conn.execute(_SERVICE_IDS, {"counter_id": counter_id}).scalars().all()
    if not service_ids:
        return None
    head = _WAITING_HEAD
    if conn.dialect.name == "postgresql":  # another process's counter may hold the head
        head = head.with_for_update(skip_locked=True)
    params = {"service_ids": service_ids, "day": day, "min_class": 0}
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


def result_of(s, counter, ticket):
    return {
        "ticket": queries.ticket_dict(s, ticket, with_estimate=False) if ticket else None,
        "counter": queries.counter_summary(counter),
    }


def emit_after(result, called=False, recall=False, action=None):
    app = app_now()
    if called and result["ticket"]:
        signals.ticket_called.send(
            app, ticket=result["ticket"], counter=result["counter"], recall=recall
        )
    elif result["ticket"] is not None and action:
        signals.ticket_changed.send(app, ticket=result["ticket"], action=action)
    signals.counter_changed.send(app, counter=result["counter"])
    signals.queue_changed.send(app)


def _open_counter(conn, counter_number, page, expected_ticket_id):
    """The counter row, open, held by this page (if it names one), showing the current ticket."""
    counter = conn.execute(_COUNTER_ROW, {"number": counter_number}).first()
    if counter is None:
        raise _unknown_counter(counter_number)
    if counter.state != "open":
        raise Conflict(
            "Quầy đang tạm dừng hoặc đã đóng: hãy mở lại quầy trước. Counter is not open.",
            "counter_not_open",
        )
    check_holder(conn, counter.id, page)
    current_id = conn.execute(_CURRENT_ID, {"counter_id": counter.id}).scalar()
    _check_not_stale(current_id, expected_ticket_id)
    return counter, current_id


def _finish_and_claim(s, counter, current_id, ticket_id, user_id, data=None):
    """Finish the counter's ticket (done), call ticket_id; the answer and the finished one."""
    conn = s.connection()
    now = utcnow()
    events = []
    if current_id is not None:
        conn.execute(_FINISH_DONE, {"ticket_id": current_id, "at": now})
        events.append({"ticket_id": current_id, "kind": "done"})
    if ticket_id is not None:
        taken = conn.execute(
            _CLAIM, {"ticket_id": ticket_id, "to_counter": counter.id, "at": now}
        ).rowcount
        if taken != 1:  # cannot happen under the write lock; refuse rather than share
            raise Conflict("Vé vừa được quầy khác gọi. Ticket taken, try again.", "race")
        events.append({"ticket_id": ticket_id, "kind": "called", "data": data})
    tickets.record_events(s, events, at=now, counter_id=counter.id, user_id=user_id)
    s.expire_all()  # rows the caller loaded (call_number's ticket) changed under the ORM
    result = result_of(s, counter, s.get(Ticket, ticket_id) if ticket_id is not None else None)
    finished = (
        queries.ticket_dict(s, s.get(Ticket, current_id), with_estimate=False)
        if current_id is not None
        else None
    )
    return result, finished


def _emit_call(result, finished):
    if finished:
        signals.ticket_changed.send(app_now(), ticket=finished, action="done")
    emit_after(result, called=True)


def call_next(counter_number, user_id=None, expected_ticket_id=None, page=None):
    """Finish the counter's ticket and call the next: Core statements, one transaction."""
    with get_db().write() as s:
        conn = s.connection()
        counter, current_id = _open_counter(conn, counter_number, page, expected_ticket_id)
        ticket_id = _pick_next(conn, counter.id)
        result, finished = _finish_and_claim(s, counter, current_id, ticket_id, user_id)
    _emit_call(result, finished)
    return result


def normalize_code(code):
    """ "a12", " A012 " → "A012" (the printed form); None when it cannot be a ticket code."""
    match = CODE_PATTERN.match((code or "").strip().upper())
    if match is None:
        return None
    return tickets.format_code(match.group(1), int(match.group(2)))


def call_number(counter_number, code, user_id=None, expected_ticket_id=None, page=None):
    """Call one waiting number out of turn (the citizen is at the desk): like call-next,
    the counter's ticket is finished first. Only a number this counter could call."""
    wanted = normalize_code(code)
    if wanted is None:
        raise Invalid(
            f"'{code}' không phải số thứ tự (ví dụ A012). Not a ticket code (e.g. A012).",
            "invalid_code",
        )
    with get_db().write() as s:
        conn = s.connection()
        counter, current_id = _open_counter(conn, counter_number, page, expected_ticket_id)
        found = s.scalars(
            select(Ticket)
            .where(Ticket.code == wanted, Ticket.day == queries.today())
            .order_by(Ticket.id.desc())
        ).all()
        if not found:
            raise NotFound(
                f"Hôm nay chưa có số {wanted}. No ticket {wanted} today.", "unknown_ticket"
            )
        ticket = next((t for t in found if t.status == "waiting"), None)
        if ticket is None:
            newest = found[0]
            where = f" tại {newest.counter.name}" if newest.counter is not None else ""
            raise Conflict(
                f"Số {wanted} không còn chờ (trạng thái: {STATUS_VI[newest.status]}{where}). "
                f"Ticket {wanted} is not waiting ({newest.status}).",
                "not_waiting",
                status_now=newest.status,
                counter=newest.counter.number if newest.counter is not None else None,
            )
        _check_served_here(conn, counter, ticket, wanted)
        result, finished = _finish_and_claim(
            s, counter, current_id, ticket.id, user_id, data={"chosen": True}
        )
    _emit_call(result, finished)
    return result


STATUS_VI = {
    "waiting": "đang chờ",
    "called": "đang được gọi",
    "serving": "đang được phục vụ",
    "done": "đã xong",
    "no_show": "vắng mặt",
    "transferred": "đã chuyển",
    "cancelled": "đã hủy",
}


def _check_served_here(conn, counter, ticket, code):
    if ticket.reserved_counter_id == counter.id:
        return
    if ticket.reserved_counter_id is not None:
        raise Conflict(
            f"Số {code} đã được chuyển riêng cho {ticket.reserved_counter.name}. "
            f"Ticket {code} is reserved for counter {ticket.reserved_counter.number}.",
            "not_served_here",
            reserved_for=ticket.reserved_counter.number,
        )
    served = conn.execute(_SERVICE_IDS, {"counter_id": counter.id}).scalars().all()
    if ticket.service_id not in served:
        raise Conflict(
            f"Số {code} thuộc lĩnh vực {ticket.service.name_vi}, quầy này không phục vụ. "
            f"This counter does not serve service {ticket.service.code}.",
            "not_served_here",
            service=ticket.service.code,
        )


def recall(counter_number, user_id=None, expected_ticket_id=None, page=None):
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        ticket = current_of(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy chưa gọi vé nào để gọi lại. No ticket to recall.",
            page=page,
        )
        ticket.call_count += 1
        ticket.status = "called"
        tickets.record_events(
            s,
            [{"ticket_id": ticket.id, "kind": "recalled"}],
            counter_id=counter.id,
            user_id=user_id,
        )
        result = result_of(s, counter, ticket)
    emit_after(result, called=True, recall=True)
    return result


def start_serving(counter_number, user_id=None, expected_ticket_id=None, page=None):
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        ticket = current_of(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang gọi. No ticket at this counter.",
            page=page,
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
        result = result_of(s, counter, ticket)
    emit_after(result, action="serving")
    return result


def complete(counter_number, user_id=None, expected_ticket_id=None, page=None):
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        ticket = current_of(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang phục vụ. No ticket at this counter.",
            page=page,
        )
        tickets.finish(s, ticket, "done", counter.id, user_id)
        result = result_of(s, counter, ticket)
    emit_after(result, action="done")
    return result


def no_show(counter_number, user_id=None, requeue=False, expected_ticket_id=None, page=None):
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        ticket = current_of(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé đang gọi. No ticket at this counter.",
            page=page,
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
        result = result_of(s, counter, ticket)
    emit_after(result, action="no_show")
    return result


REASON_MAX = 200


def set_counter_state(counter_number, state, user_id=None, reason=None, page=None):
    """Open, pause or close; a pause or a closing may say why (audited, shown on the display)."""
    if state not in COUNTER_STATES:
        raise Invalid(f"Trạng thái quầy không hợp lệ: {state}.", "invalid_state")
    reason = " ".join((reason or "").split())[:REASON_MAX] or None
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        check_holder(s.connection(), counter.id, page)
        counter.state = state
        counter.pause_reason = reason if state != "open" else None
        summary = f"{counter.name}: {STATE_VI[state]}" + (
            f" – {counter.pause_reason}" if counter.pause_reason else ""
        )
        log_event(
            s,
            "counter.state",
            summary,
            {"state": state, "reason": counter.pause_reason, "counter": counter.number},
            user_id,
        )
        result = result_of(s, counter, queries.current_ticket_of(s, counter.id))
    signals.counter_changed.send(app_now(), counter=result["counter"])
    signals.queue_changed.send(app_now())
    return result


STATE_VI = {"open": "mở lại", "paused": "tạm dừng", "closed": "đóng"}

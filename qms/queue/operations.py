"""Every write to the queue: issue, call, recall, no-show, transfer, complete, counters, setup.

Each operation runs in one durable transaction, then sends its signal with plain dicts
(listeners never see live ORM objects) and returns what the API answers.
"""

import logging
import queue
import secrets
import threading
import time
from concurrent.futures import Future

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from qms import signals
from qms.errors import Conflict, Invalid, NotFound, QmsError
from qms.extensions import get_db
from qms.models import log_event, utcnow
from qms.queue import queries
from qms.queue.models import (
    ACTIVE_STATUSES,
    COUNTER_STATES,
    Counter,
    CounterService,
    DailySequence,
    PriorityCategory,
    Service,
    Ticket,
    TicketEvent,
)
from qms.timeutil import iso, local_day

ISSUING_MODES = ("standalone", "fallback")
log = logging.getLogger(__name__)


def _app():
    return current_app._get_current_object()


def format_code(prefix, number):
    return f"{prefix}{number:03d}"


def _upsert_sequence(dialect):
    return (
        dialect.insert(DailySequence)
        .values(service_id=bindparam("service_id"), day=bindparam("day"), last=1)
        .on_conflict_do_update(
            index_elements=[DailySequence.service_id, DailySequence.day],
            set_={"last": DailySequence.last + 1},
        )
        .returning(DailySequence.last)
    )


# the hot path's statements, built once: constructing them costs more than running them
_NEXT_NUMBER = {"sqlite": _upsert_sequence(sqlite), "postgresql": _upsert_sequence(postgresql)}
_SERVICE_BY_CODE = select(
    Service.id, Service.code, Service.name_vi, Service.name_en, Service.is_active
).where(Service.code == bindparam("code"))
_CATEGORY_ACTIVE = select(PriorityCategory.is_active).where(
    PriorityCategory.code == bindparam("code")
)
_INSERT_TICKET = insert(Ticket).returning(Ticket.id)
_INSERT_EVENT = insert(TicketEvent)
_COUNT_AHEAD = select(func.count(Ticket.id)).where(
    Ticket.service_id == bindparam("service_id"),
    Ticket.status == "waiting",
    Ticket.day == bindparam("day"),
    Ticket.priority_class <= bindparam("priority_class"),
    Ticket.id != bindparam("ticket_id"),
)


def next_number(s, service_id, day):
    """One atomic statement: gapless on SQLite and PostgreSQL, safe across processes."""
    conn = s.connection()
    stmt = _NEXT_NUMBER[conn.dialect.name]
    return conn.execute(stmt, {"service_id": service_id, "day": day}).scalar_one()


def _event(s, ticket, kind, counter_id=None, user_id=None, **data):
    s.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind=kind,
            counter_id=counter_id,
            user_id=user_id,
            data=data,
            event_dt=utcnow(),
        )
    )


def _require_issuing_mode(s):
    from qms.fallback.queries import current_mode

    mode = current_mode(s)["mode"]
    if mode not in ISSUING_MODES:
        raise Conflict(
            "Hệ thống bấm số chính (QMS 1.2) đang hoạt động, xin mời lấy số tại máy chính. "
            "The main queue system is running: please take a number at the main kiosk.",
            "standby",
            mode=mode,
        )


def issue_ticket(service_code, priority=None, kiosk_id=None):
    """Take a number. Durable when it returns: the 201 is only sent after the commit.

    Concurrent requests are group-committed by IssueBatcher: one transaction and one
    fsync for every request that arrived while the previous commit was on disk.
    """
    app = _app()
    batcher = app.extensions.get("qms_issue_batcher")
    if batcher is None:
        batcher = app.extensions.setdefault("qms_issue_batcher", IssueBatcher(app))
    data = batcher.submit(service_code, priority, kiosk_id, queries.request_base_url())
    signals.ticket_issued.send(app, ticket=data)
    return data


class IssueBatcher:
    """One writer thread; each loop commits every issue request waiting in the queue."""

    MAX_BATCH = 64

    def __init__(self, app):
        self.app = app
        self._queue = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()

    def submit(self, service_code, priority, kiosk_id, base_url):
        done = Future()
        self._queue.put(((service_code, priority, kiosk_id, base_url), done))
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="qms-issue", daemon=True)
                    self._thread.start()
        return done.result(timeout=60)

    def _run(self):
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            with self.app.app_context():
                self._commit(batch)

    def _commit(self, batch):
        outcomes = []
        try:
            with get_db().write() as s:
                for args, done in batch:
                    try:
                        outcomes.append((done, _issue_in(s, *args)))
                    except QmsError as exc:  # refused before writing anything
                        outcomes.append((done, exc))
        except Exception:
            log.exception("group commit of %d tickets failed; issuing them one by one", len(batch))
            for args, done in batch:
                try:
                    with get_db().write() as s:
                        done.set_result(_issue_in(s, *args))
                except Exception as exc:
                    done.set_exception(exc)
            return
        for done, outcome in outcomes:
            if isinstance(outcome, Exception):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)


def _issue_in(s, service_code, priority, kiosk_id, base_url):
    """One ticket inside the caller's transaction, from small prepared Core statements.

    The ticket, its first event and any listener's rows (print job) commit together;
    people ahead is counted in the same transaction so the answer is exact.
    """
    now = utcnow()
    day = local_day(now)
    _require_issuing_mode(s)
    conn = s.connection()
    service = conn.execute(_SERVICE_BY_CODE, {"code": service_code}).first()
    if service is None:
        raise NotFound(
            f"Không có lĩnh vực '{service_code}'. Unknown service '{service_code}'.",
            "unknown_service",
        )
    if not service.is_active:
        raise Conflict(
            f"Lĩnh vực {service.name_vi} tạm ngừng nhận hồ sơ. This service is paused.",
            "service_inactive",
        )
    if priority is not None and not conn.execute(_CATEGORY_ACTIVE, {"code": priority}).scalar():
        raise Invalid(
            f"Không có đối tượng ưu tiên '{priority}'. Unknown priority '{priority}'.",
            "unknown_priority",
        )
    number = next_number(s, service.id, day)
    code = format_code(service.code, number)
    token = secrets.token_urlsafe(12)
    priority_class = 0 if priority else 1
    ticket_id = conn.execute(
        _INSERT_TICKET,
        {
            "service_id": service.id,
            "series_service_id": service.id,
            "day": day,
            "number": number,
            "code": code,
            "priority": priority,
            "priority_class": priority_class,
            "status": "waiting",
            "origin": "local",
            "parent_id": None,
            "track_token": token,
            "kiosk_id": kiosk_id,
            "issued_dt": now,
            "queue_dt": now,
            "called_dt": None,
            "serving_dt": None,
            "finished_dt": None,
            "counter_id": None,
            "call_count": 0,
        },
    ).scalar_one()
    conn.execute(
        _INSERT_EVENT,
        {
            "ticket_id": ticket_id,
            "kind": "issued",
            "event_dt": now,
            "counter_id": None,
            "user_id": None,
            "data": {"kiosk": kiosk_id},
        },
    )
    ahead = conn.execute(
        _COUNT_AHEAD,
        {
            "service_id": service.id,
            "day": day,
            "priority_class": priority_class,
            "ticket_id": ticket_id,
        },
    ).scalar()
    minutes, counters = _estimate_inputs(s, service.id, day)
    data = {
        "id": ticket_id,
        "code": code,
        "number": number,
        "service": service.code,
        "service_name": service.name_vi,
        "service_name_en": service.name_en,
        "priority": priority,
        "status": "waiting",
        "origin": "local",
        "issued_at": iso(now),
        "called_at": None,
        "finished_at": None,
        "counter": None,
        "counter_name": None,
        "call_count": 0,
        "ahead": ahead,
        "estimated_wait_minutes": int(round(ahead * minutes / max(1, counters))),
        "track_url": queries.track_url(token, base_url),
        "kiosk": kiosk_id,
    }
    signals.ticket_issuing.send(_app(), session=s, ticket=data)
    return data


def _estimate_inputs(s, service_id, day):
    """Average service minutes and open counters, cached for a few seconds per service."""
    cache = current_app.extensions.setdefault("qms_estimates", {})
    key = (service_id, day)
    hit = cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1], hit[2]
    minutes = queries.average_service_minutes(s, service_id, day)
    counters = queries.open_counters_for(s, service_id)
    cache[key] = (now + 10, minutes, counters)
    return minutes, counters


# --- counters ---------------------------------------------------------------------------


def _counter(s, number):
    counter = s.scalar(select(Counter).where(Counter.number == number))
    if counter is None:
        raise NotFound(f"Không có quầy số {number}. Unknown counter {number}.", "unknown_counter")
    return counter


def _check_not_stale(current_id, expected_ticket_id):
    """The page names the ticket it shows; acting on another one would act on an old state."""
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


def _finish(s, ticket, status, counter_id, user_id, **data):
    ticket.status = status
    ticket.finished_dt = utcnow()
    _event(s, ticket, status, counter_id=counter_id, user_id=user_id, **data)


# the call path's statements, built once (see issue_ticket)
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


def _counter_result(s, counter, ticket):
    return {
        "ticket": queries.ticket_dict(s, ticket, with_estimate=False) if ticket else None,
        "counter": {"number": counter.number, "name": counter.name, "state": counter.state},
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
            raise NotFound(
                f"Không có quầy số {counter_number}. Unknown counter {counter_number}.",
                "unknown_counter",
            )
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
        if events:
            conn.execute(
                _INSERT_EVENT,
                [
                    {**e, "event_dt": now, "counter_id": counter.id, "user_id": user_id, "data": {}}
                    for e in events
                ],
            )
        result = {
            "ticket": queries.ticket_dict(s, s.get(Ticket, ticket_id), with_estimate=False)
            if ticket_id is not None
            else None,
            "counter": {"number": counter.number, "name": counter.name, "state": counter.state},
        }
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
        _event(s, ticket, "recalled", counter_id=counter.id, user_id=user_id)
        result = _counter_result(s, counter, ticket)
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
            ticket.status = "serving"
            ticket.serving_dt = utcnow()
            _event(s, ticket, "serving", counter_id=counter.id, user_id=user_id)
        result = _counter_result(s, counter, ticket)
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
        _finish(s, ticket, "done", counter.id, user_id)
        result = _counter_result(s, counter, ticket)
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
            _event(s, ticket, "no_show", counter_id=counter.id, user_id=user_id, requeue=True)
            ticket.status = "waiting"
            ticket.counter_id = None
            ticket.queue_dt = utcnow()
        else:
            _finish(s, ticket, "no_show", counter.id, user_id)
        s.flush()
        s.expire(ticket, ["counter"])
        result = _counter_result(s, counter, ticket)
    _emit_after(result, action="no_show")
    return result


def transfer(counter_number, service_code, user_id=None, expected_ticket_id=None):
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
        _finish(s, ticket, "transferred", counter.id, user_id, to=target.code)
        moved = Ticket(
            service_id=target.id,
            series_service_id=ticket.series_service_id,
            day=ticket.day,
            number=ticket.number,
            code=ticket.code,
            priority=ticket.priority,
            priority_class=ticket.priority_class,
            status="waiting",
            origin="transfer",
            parent_id=ticket.id,
            track_token=ticket.track_token,
            kiosk_id=ticket.kiosk_id,
            issued_dt=ticket.issued_dt,
            queue_dt=ticket.issued_dt,  # keeps its place by original issue time
        )
        s.add(moved)
        s.flush()
        _event(s, moved, "transferred_in", counter_id=counter.id, user_id=user_id, parent=ticket.id)
        result = _counter_result(s, counter, moved)
        result["ticket"] = queries.ticket_dict(s, moved)
    _emit_after(result, action="transferred")
    return result


def cancel_ticket(ticket_id, user_id=None, reason=""):
    with get_db().write() as s:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
        if ticket.status in ("done", "no_show", "transferred", "cancelled"):
            raise Conflict("Vé đã kết thúc. Ticket already finished.", "ticket_finished")
        _finish(s, ticket, "cancelled", ticket.counter_id, user_id, reason=reason)
        data = queries.ticket_dict(s, ticket, with_estimate=False)
    signals.ticket_changed.send(_app(), ticket=data, action="cancelled")
    signals.queue_changed.send(_app())
    return {"ticket": data}


def set_counter_state(counter_number, state, user_id=None):
    if state not in COUNTER_STATES:
        raise Invalid(f"Trạng thái quầy không hợp lệ: {state}.", "invalid_state")
    with get_db().write() as s:
        counter = _counter(s, counter_number)
        counter.state = state
        log_event(
            s, "counter.state", f"Counter {counter.number} → {state}", {"state": state}, user_id
        )
        result = _counter_result(s, counter, queries.current_ticket_of(s, counter.id))
    signals.counter_changed.send(_app(), counter=result["counter"])
    signals.queue_changed.send(_app())
    return result


def expire_previous_days():
    """Tickets still waiting or called from an earlier local day end as cancelled at day start."""
    day = queries.today()
    with get_db().write() as s:
        stale = s.scalars(
            select(Ticket).where(
                Ticket.day < day, Ticket.status.in_(("waiting",) + ACTIVE_STATUSES)
            )
        ).all()
        for ticket in stale:
            _finish(s, ticket, "cancelled", ticket.counter_id, None, reason="day_end")
        count = len(stale)
    if count:
        signals.queue_changed.send(_app())
    return count


# --- set-up -----------------------------------------------------------------------------


def upsert_service(code, name_vi, name_en="", is_active=True, position=0):
    code = (code or "").strip().upper()
    if not code.isalpha() or not 1 <= len(code) <= 3:
        raise Invalid(
            "Mã lĩnh vực phải là 1–3 chữ cái. Service code must be 1–3 letters.", "invalid_code"
        )
    with get_db().write() as s:
        service = s.scalar(select(Service).where(Service.code == code))
        if service is None:
            service = Service(code=code)
            s.add(service)
        service.name_vi, service.name_en = name_vi, name_en
        service.is_active, service.position = is_active, position
    signals.queue_changed.send(_app())
    return code


def upsert_counter(number, name, service_codes):
    if not (name or "").strip():
        raise Invalid("Tên quầy không được để trống. Counter name is required.", "invalid_name")
    if len(set(service_codes)) != len(service_codes):
        raise Invalid(
            "Một lĩnh vực chỉ được liệt kê một lần. A service is listed twice.", "duplicate_service"
        )
    with get_db().write() as s:
        counter = s.scalar(select(Counter).where(Counter.number == number))
        if counter is None:
            counter = Counter(number=number, name=name, state="open")
            s.add(counter)
        counter.name = name
        services = {svc.code: svc for svc in s.scalars(select(Service))}
        missing = [c for c in service_codes if c not in services]
        if missing:
            raise Invalid(f"Không có lĩnh vực {missing}. Unknown services.", "unknown_service")
        counter.links = [
            CounterService(service_id=services[c].id, position=i)
            for i, c in enumerate(service_codes)
        ]
    signals.queue_changed.send(_app())
    return number


def upsert_priority(code, name_vi, name_en="", icon="", position=0, is_active=True):
    with get_db().write() as s:
        category = s.get(PriorityCategory, code)
        if category is None:
            category = PriorityCategory(code=code)
            s.add(category)
        category.name_vi, category.name_en, category.icon = name_vi, name_en, icon
        category.position, category.is_active = position, is_active
    return code

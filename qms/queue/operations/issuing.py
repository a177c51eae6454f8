"""Take a number: durable before the answer, group-committed under load.

Concurrent requests are group-committed by IssueBatcher: one transaction and one fsync for
every request that arrived while the previous commit was on disk.
"""

import logging
import queue
import threading
import time
from concurrent.futures import Future
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, func, select

from qms import signals
from qms.errors import Conflict, Invalid, NotFound, QmsError
from qms.extensions import get_db
from qms.mode import ISSUING_MODES, current_mode
from qms.queue import queries
from qms.queue.models import PriorityCategory, Service, Ticket
from qms.queue.operations import tickets
from qms.state import get_state
from qms.timeutil import local_day, utcnow

log = logging.getLogger(__name__)

# the hot path's statements, built once: constructing them costs more than running them
_SERVICE_BY_CODE = select(
    Service.id, Service.code, Service.name_vi, Service.name_en, Service.is_active
).where(Service.code == bindparam("code"))
_CATEGORY_ACTIVE = select(PriorityCategory.is_active).where(
    PriorityCategory.code == bindparam("code")
)
_COUNT_AHEAD = select(func.count(Ticket.id)).where(
    Ticket.service_id == bindparam("service_id"),
    Ticket.status == "waiting",
    Ticket.day == bindparam("day"),
    Ticket.priority_class <= bindparam("priority_class"),
    Ticket.id != bindparam("ticket_id"),
)


def issue_ticket(service_code, priority=None, kiosk_id=None):
    """Take a number. Durable when it returns: the 201 is only sent after the commit."""
    app = current_app._get_current_object()
    state = get_state(app)
    if state.issue_batcher is None:
        with _BATCHER_LOCK:
            if state.issue_batcher is None:
                state.issue_batcher = IssueBatcher(app)
    data = state.issue_batcher.submit(service_code, priority, kiosk_id, queries.request_base_url())
    signals.ticket_issued.send(app, ticket=data)
    return data


_BATCHER_LOCK = threading.Lock()


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


def _require_issuing_mode(s):
    mode = current_mode(s)["mode"]
    if mode not in ISSUING_MODES:
        raise Conflict(
            "Hệ thống bấm số chính (QMS 1.2) đang hoạt động, xin mời lấy số tại máy chính. "
            "The main queue system is running: please take a number at the main kiosk.",
            "standby",
            mode=mode,
        )


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
    number = tickets.next_number(s, service.id, day)
    row = {
        "service_id": service.id,
        "day": day,
        "number": number,
        "code": tickets.format_code(service.code, number),
        "priority": priority,
        "priority_class": 0 if priority else 1,
        "track_token": tickets.new_track_token(),
        "kiosk_id": kiosk_id,
        "issued_dt": now,
    }
    ticket_id = tickets.insert_ticket(s, **row)
    tickets.record_events(
        s, [{"ticket_id": ticket_id, "kind": "issued", "data": {"kiosk": kiosk_id}}], at=now
    )
    ahead = conn.execute(
        _COUNT_AHEAD,
        {
            "service_id": service.id,
            "day": day,
            "priority_class": row["priority_class"],
            "ticket_id": ticket_id,
        },
    ).scalar()
    minutes, counters = _estimate_inputs(s, service.id, day)
    ticket = SimpleNamespace(
        **row,
        id=ticket_id,
        status="waiting",
        origin="local",
        called_dt=None,
        finished_dt=None,
        call_count=0,
    )
    data = queries.serialize_ticket(
        ticket,
        service,
        ahead=ahead,
        wait=int(round(ahead * minutes / max(1, counters))),
        base_url=base_url,
    )
    # listeners add rows in this transaction (the print job) and say what the answer gains
    for _receiver, extra in signals.ticket_issuing.send(
        current_app._get_current_object(), session=s, ticket=dict(data)
    ):
        if extra:
            data.update(extra)
    return data


def _estimate_inputs(s, service_id, day):
    """Average service minutes and open counters, cached for a few seconds per service."""
    cache = get_state().estimates
    key = (service_id, day)
    hit = cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1], hit[2]
    minutes = queries.average_service_minutes(s, service_id, day)
    counters = queries.open_counters_for(s, service_id)
    cache[key] = (now + 10, minutes, counters)
    return minutes, counters

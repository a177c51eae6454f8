"""Take a number: durable before the answer, group-committed under load.

Concurrent requests are group-committed by IssueBatcher: one transaction and one fsync for
every request that arrived while the previous commit was on disk.
"""

import logging
import queue
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, case, func, select

from qms import calendar as centre_calendar
from qms import signals
from qms.errors import Conflict, Invalid, NotFound, QmsError, StorageUnavailable
from qms.extensions import get_db
from qms.mode import ISSUING_MODES, MODE_KEY, mode_from
from qms.models import Setting, log_event, setting_values
from qms.queue import limits, queries
from qms.queue.models import PriorityCategory, Service, Ticket
from qms.queue.operations import tickets
from qms.state import get_state
from qms.timeutil import iso, local_day, utcnow

log = logging.getLogger(__name__)

# the hot path's statements, built once: constructing them costs more than running them
_SERVICES_BY_CODE = select(
    Service.id,
    Service.code,
    Service.name_vi,
    Service.name_en,
    Service.is_active,
    Service.daily_cap,
).where(Service.code.in_(bindparam("codes", expanding=True)))
_ACTIVE_CATEGORIES = select(PriorityCategory.code).where(
    PriorityCategory.code.in_(bindparam("codes", expanding=True)),
    PriorityCategory.is_active.is_(True),
)
_ISSUING_SETTINGS = (MODE_KEY, centre_calendar.CALENDAR_KEY, centre_calendar.RECEPTION_KEY)
# the waiting queue of each service by priority class, from index ix_tickets_waiting alone:
# every ticket of a lower class is ahead of a new one, of its own class those queued by now
_WAITING_BY_CLASS = (
    select(
        Ticket.service_id,
        Ticket.priority_class,
        func.count(),
        func.sum(case((Ticket.queue_dt <= bindparam("now"), 1), else_=0)),
    )
    .where(
        Ticket.status == "waiting",
        Ticket.day == bindparam("day"),
        Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
        Ticket.reserved_counter_id.is_(None),
    )
    .group_by(Ticket.service_id, Ticket.priority_class)
)


def issue_ticket(service_code, priority=None, kiosk_id=None, override_by=None):
    """Take a number. Durable when it returns: the 201 is only sent after the commit.

    override_by (a staff user dict): issue outside hours, past the cap or during a pause,
    audited; rare, so in its own transaction rather than through the batcher.

    Every failure of the write path is a StorageUnavailable (503) with nothing acknowledged;
    a number is only ever answered once its ticket row is on disk.
    """
    app = current_app._get_current_object()
    if override_by is not None:
        data = _issue_overriding(service_code, priority, kiosk_id, override_by)
        _announce(app, [data])
        return data
    state = get_state(app)
    if state.issue_batcher is None:
        with _BATCHER_LOCK:
            if state.issue_batcher is None:
                state.issue_batcher = IssueBatcher(app)
    return state.issue_batcher.submit(service_code, priority, kiosk_id, queries.request_base_url())


def _announce(app, issued):
    """tickets_issued for tickets just committed, once per group, before any of them is
    answered: the board a citizen reads after the 201 already counts their ticket."""
    if not issued:
        return
    try:
        signals.tickets_issued.send(app, tickets=issued)
    except Exception:  # the tickets are on disk: a receiver's failure must not unsay them
        log.exception("tickets_issued receiver failed for %d tickets", len(issued))


_BATCHER_LOCK = threading.Lock()


class _Waiting:
    """One issue request in the writer's queue. The writer takes it, or its caller withdraws
    it first (never both), and it is answered once. Lighter than a Future on the hot path:
    one lock that the answer releases, no Condition per request."""

    __slots__ = ("args", "state", "outcome", "_answered")
    PENDING, TAKEN, WITHDRAWN, ANSWERED = range(4)

    def __init__(self, args):
        self.args = args
        self.state = self.PENDING
        self.outcome = None
        self._answered = threading.Lock()
        self._answered.acquire()

    def answer(self, outcome):
        self.outcome = outcome
        self.state = self.ANSWERED
        self._answered.release()

    def wait(self, timeout):
        """True once answered, False after timeout."""
        return self._answered.acquire(timeout=timeout)

    def result(self):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class IssueBatcher:
    """One writer thread; each loop commits every issue request waiting in the queue.

    A request is answered only after the transaction that holds its ticket committed. The
    writer thread outlives any exception: every waiter gets an answer.
    """

    MAX_BATCH = 64
    GATHER_YIELDS = 8
    WAIT_SECONDS = 30  # a request not yet taken by the writer by then is withdrawn (503)

    def __init__(self, app):
        self.app = app
        self._queue = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()
        self._claims = threading.Lock()  # take or withdraw: one of the two, for each request
        self._last = 1

    def submit(self, service_code, priority, kiosk_id, base_url):
        waiting = _Waiting((service_code, priority, kiosk_id, base_url))
        self._queue.put(waiting)
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="qms-issue", daemon=True)
                    self._thread.start()
        if not waiting.wait(self.WAIT_SECONDS):
            with self._claims:
                if waiting.state == _Waiting.PENDING:  # never taken: nothing was written
                    waiting.state = _Waiting.WITHDRAWN
                    raise StorageUnavailable()
            # the writer holds it: its commit is under way, wait for the true outcome
            if not waiting.wait(self.WAIT_SECONDS * 2):
                raise StorageUnavailable()
        return waiting.result()

    def _take(self, waiting):
        with self._claims:
            if waiting.state != _Waiting.PENDING:  # the caller gave up
                return False
            waiting.state = _Waiting.TAKEN
            return True

    def _run(self):
        while True:
            batch = []
            while len(batch) < self.MAX_BATCH:
                try:
                    if batch:
                        waiting = self._queue.get_nowait()
                    else:
                        waiting = self._queue.get()
                        self._gather()
                except queue.Empty:
                    break
                if self._take(waiting):
                    batch.append(waiting)
            self._last = len(batch)
            try:
                with self.app.app_context():
                    self._commit(batch)
            except BaseException as exc:  # never die: answer everyone still waiting
                log.exception("issuing writer: unexpected failure for %d requests", len(batch))
                for waiting in batch:
                    if waiting.state != _Waiting.ANSWERED:
                        waiting.answer(exc if isinstance(exc, QmsError) else StorageUnavailable())

    def _gather(self):
        """Let the requests already read off their sockets join this group: yield while the
        queue still grows (at most GATHER_YIELDS times). Under gevent a yield runs every
        ready greenlet up to its submit; under threads it hands over the GIL. One commit
        then serves them all instead of a train of small groups, each paying its own
        statements and fsync."""
        lingered = 0
        for _ in range(self.GATHER_YIELDS):
            before = self._queue.qsize()
            time.sleep(0)
            after = self._queue.qsize()
            if after == before:
                if after + 1 >= self._last or lingered >= 2:
                    return
                lingered += 1
                time.sleep(0.0005)

    def _commit(self, batch):
        if not batch:
            return
        try:
            with get_db().write() as s:
                outcomes = _issue_batch(s, [waiting.args for waiting in batch])
        except Exception:
            # the group's commit failed: nothing of it is on disk. Try each request alone,
            # so one bad request cannot sink the others, and answer each after ITS commit.
            log.warning("group commit of %d tickets failed; issuing them one by one", len(batch))
            for waiting in batch:
                try:
                    with get_db().write() as s:
                        (outcome,) = _issue_batch(s, [waiting.args])
                except Exception:
                    log.exception("issuing one ticket failed")
                    outcome = StorageUnavailable()
                else:
                    _announce(self.app, [] if isinstance(outcome, Exception) else [outcome])
                waiting.answer(outcome)
            return
        _announce(self.app, [o for o in outcomes if not isinstance(o, Exception)])
        for waiting, outcome in zip(batch, outcomes, strict=True):
            waiting.answer(outcome)


def _standby_refusal(mode):
    if mode in ISSUING_MODES:
        return None
    return Conflict(
        "Hệ thống bấm số chính (QMS 1.2) đang hoạt động, xin mời lấy số tại máy chính. "
        "The main queue system is running: please take a number at the main kiosk.",
        "standby",
        mode=mode,
    )


# --- the centre's calendar, reception pause and daily caps --------
_ISSUED_TODAY = select(func.count(Ticket.id)).where(
    Ticket.service_id == bindparam("service_id"),
    Ticket.day == bindparam("day"),
    Ticket.origin == "local",
    Ticket.parent_id.is_(None),
)


def _centre_refusal(calendar, reception, now):
    """Why reception refuses every ticket now (paused, closed), or None."""
    if reception["paused"]:
        reason = reception.get("reason") or ""
        return Conflict(
            f"Trung tâm tạm dừng tiếp nhận: {reason}. Xin quý vị vui lòng chờ thông báo của "
            f"cán bộ. Trân trọng cảm ơn. Reception is paused: {reason}.",
            "paused",
            reason=reason,
        )
    if not centre_calendar.is_open(calendar, now):
        when = centre_calendar.next_open(calendar, now)
        again = (
            f"Quý vị vui lòng quay lại {centre_calendar.opening_text(when, now)}. " if when else ""
        )
        return Conflict(
            f"Trung tâm hiện đã hết giờ tiếp nhận. {again}Trân trọng cảm ơn. "
            f"Reception is closed" + (f"; it opens again at {iso(when)}." if when else "."),
            "closed",
            next_open=iso(when),
        )
    return None


def _cap_refusal(service):
    return Conflict(
        f"Lĩnh vực {service.name_vi} đã hết số hôm nay. Quý vị vui lòng quay lại vào "
        f"ngày làm việc tiếp theo. Trân trọng cảm ơn. "
        f"{service.code}: today's numbers are all given out.",
        "cap_reached",
        daily_cap=service.daily_cap,
    )


def _issue_overriding(service_code, priority, kiosk_id, user):
    try:
        with get_db().write() as s:
            (outcome,) = _issue_batch(
                s,
                [(service_code, priority, kiosk_id, queries.request_base_url())],
                override_by=user,
            )
    except QmsError:
        raise
    except Exception:
        log.exception("issuing a staff ticket failed")
        raise StorageUnavailable() from None
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _issue_batch(s, requests, override_by=None):
    """Tickets for every request [(service_code, priority, kiosk_id, base_url)] inside the
    caller's transaction: the answer for each, a ticket dict or the QmsError refusing it.

    What every ticket of the group shares is read once: the mode, the calendar and pause,
    the services and categories asked for, the waiting queues, the open counters. Each
    service's numbers come from one sequence statement (gapless: a refused request takes
    none), the tickets and their first events from one statement each. The ticket rows, the
    events and any listener's rows (print jobs) commit together; people ahead is exact in
    this transaction, counting the group's own earlier tickets.
    """
    now = utcnow()
    day = local_day(now)
    conn = s.connection()
    stamp = get_state().waiting_tally.stamp(conn)  # before this transaction writes anything
    # the mode, the calendar and the reception pause: one read of their Setting rows
    values = setting_values(conn, _ISSUING_SETTINGS)
    mode = mode_from(values.get(MODE_KEY))["mode"]
    # each waiter gets its own exception object: they are raised in as many threads
    if _standby_refusal(mode) is not None:
        return [_standby_refusal(mode) for _request in requests]
    codes = sorted({r[0] for r in requests})
    services = {row.code: row for row in conn.execute(_SERVICES_BY_CODE, {"codes": codes})}
    asked = sorted({r[1] for r in requests if r[1] is not None})
    active = set(conn.execute(_ACTIVE_CATEGORIES, {"codes": asked}).scalars()) if asked else set()
    calendar, reception = centre_calendar.state_from(values)
    closed = _centre_refusal(calendar, reception, now) is not None
    issued_today = {}  # service id → tickets issued today (services with a daily cap only)
    outcomes, accepted = [], []  # accepted: (index, service, priority, kiosk, base, refusal)
    for index, (code, priority, kiosk_id, base_url) in enumerate(requests):
        service = services.get(code)
        refusal = None
        if service is None:
            outcomes.append(
                NotFound(
                    f"Không có lĩnh vực '{code}'. Unknown service '{code}'.", "unknown_service"
                )
            )
            continue
        if not service.is_active:
            outcomes.append(
                Conflict(
                    f"Lĩnh vực {service.name_vi} tạm ngừng nhận hồ sơ. This service is paused.",
                    "service_inactive",
                )
            )
            continue
        if priority is not None and priority not in active:
            outcomes.append(
                Invalid(
                    f"Không có đối tượng ưu tiên '{priority}'. Unknown priority '{priority}'.",
                    "unknown_priority",
                )
            )
            continue
        refusal = _centre_refusal(calendar, reception, now) if closed else None
        if refusal is None and service.daily_cap is not None:
            if service.id not in issued_today:
                issued_today[service.id] = conn.execute(
                    _ISSUED_TODAY, {"service_id": service.id, "day": day}
                ).scalar()
            if issued_today[service.id] >= service.daily_cap:
                refusal = _cap_refusal(service)
        if refusal is not None and override_by is None:
            outcomes.append(refusal)
            continue
        issued_today[service.id] = issued_today.get(service.id, 0) + 1
        outcomes.append(None)  # filled below
        accepted.append((index, service, priority, kiosk_id, base_url, refusal))
    if not accepted:
        return outcomes
    # numbers: one statement per service, in the order the requests came
    per_service = {}
    for item in accepted:
        per_service.setdefault(item[1].id, []).append(item)
    numbers = {}
    for service_id, items in per_service.items():
        last = tickets.take_numbers(s, service_id, day, len(items))
        for offset, item in enumerate(items):
            numbers[item[0]] = last - len(items) + 1 + offset
    # people ahead: the waiting queues before this group, kept by the writer or read once
    waiting = _waiting_before(s, conn, day, now, per_service, stamp)
    rows = []
    for index, service, priority, kiosk_id, _base, _refusal in accepted:
        number = numbers[index]
        rows.append(
            {
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
        )
    ids = tickets.insert_tickets(s, rows)
    tickets.record_events(
        s,
        [
            {"ticket_id": ticket_id, "kind": "issued", "data": {"kiosk": row["kiosk_id"]}}
            for ticket_id, row in zip(ids, rows, strict=True)
        ],
        at=now,
    )
    _keep_waiting(
        s,
        day,
        waiting,
        [(item[1].id, row["priority_class"]) for item, row in zip(accepted, rows, strict=True)],
    )
    counters_of = {sid: queries.open_counters_serving(s, sid) for sid in per_service}
    minutes_of = {sid: _service_minutes(s, sid, day) for sid in per_service}
    app = current_app._get_current_object()
    earlier = {}  # service id → classes of this group's tickets so far
    for (index, service, _priority, _kiosk, base_url, refusal), row, ticket_id in zip(
        accepted, rows, ids, strict=True
    ):
        klass = row["priority_class"]
        before = earlier.setdefault(service.id, [])
        ahead = (
            sum(waiting.get((service.id, c), (0, 0))[0] for c in range(klass))
            + waiting.get((service.id, klass), (0, 0))[1]
            + sum(1 for c in before if c <= klass)
        )
        before.append(klass)
        if override_by is not None:  # staff issued past a refusal: who, which, what
            log_event(
                s,
                "ticket.override",
                f"{override_by.get('display_name') or override_by['username']} cấp số "
                f"{row['code']} ngoài quy định"
                + (f" ({refusal.code})" if refusal is not None else ""),
                {
                    "ticket": row["code"],
                    "ticket_id": ticket_id,
                    "overrode": refusal and refusal.code,
                },
                override_by["id"],
            )
        minutes = minutes_of[service.id]
        # C2 (kiosk): the open counters serving it, read fresh: a counter opened a second ago
        counters = counters_of[service.id]
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
            wait=int(round(ahead * minutes / len(counters))) if counters else None,
            base_url=base_url,
            counters=counters,
        )
        # listeners add rows in this transaction (the print job) and say what the answer gains
        for _receiver, extra in signals.ticket_issuing.send(app, session=s, ticket=dict(data)):
            if extra:
                data.update(extra)
        outcomes[index] = data
    return outcomes


def _waiting_before(s, conn, day, now, service_ids, stamp):
    """{(service id, class): (waiting, queued by now)} before this group's tickets."""
    tally = get_state().waiting_tally
    known = tally.known(stamp, day)
    waiting = {}
    for service_id in service_ids:
        for klass, total in known.get(service_id, {}).items():
            waiting[(service_id, klass)] = (total, total)
    unknown = sorted(sid for sid in service_ids if sid not in known)
    if unknown:
        for service_id, klass, total, by_now in conn.execute(
            _WAITING_BY_CLASS, {"day": day, "now": now, "service_ids": unknown}
        ):
            waiting[(service_id, klass)] = (total, by_now or 0)
    s.info["waiting_stamp"] = (stamp, known, unknown)
    return waiting


def _keep_waiting(s, day, waiting, issued):
    """After this group (issued: [(service id, class)]), the counts the next group may use:
    those of services with no ticket queued in the future, once this transaction commits."""
    stamp, known, unknown = s.info.pop("waiting_stamp")
    counts = {sid: dict(classes) for sid, classes in known.items()}
    for service_id in unknown:
        rows = {k: v for (sid, k), v in waiting.items() if sid == service_id}
        if all(total == by_now for total, by_now in rows.values()):
            counts[service_id] = {klass: total for klass, (total, _now) in rows.items()}
    for service_id, klass in issued:
        if service_id in counts:
            counts[service_id][klass] = counts[service_id].get(klass, 0) + 1
    get_state().waiting_tally.keep_after_commit(s, stamp, day, counts)


def _service_minutes(s, service_id, day):
    """Average service minutes of a service today, cached for a few seconds."""
    cache = get_state().estimates
    key = (service_id, day)
    hit = cache.get(key)
    now = time.monotonic()
    if hit and hit[0] > now:
        return hit[1]
    minutes = queries.average_service_minutes(s, service_id, day)
    cache[key] = (now + 10, minutes)
    return minutes


def set_issue_ceiling(user, per_minute=None, lift_minutes=None):
    """Leadership changes the centre-wide ticket ceiling, or lifts it for a while; audited."""
    with get_db().write() as s:
        old_per_minute, old_lifted = limits.ceiling_setting(s)
        value = {
            "per_minute": per_minute or old_per_minute,
            "lifted_until": iso(utcnow() + timedelta(minutes=lift_minutes))
            if lift_minutes
            else (None if lift_minutes == 0 else old_lifted),
        }
        row = s.get(Setting, limits.CEILING_KEY)
        if row is None:
            s.add(Setting(key=limits.CEILING_KEY, value=value))
        else:
            row.value = value
        log_event(
            s,
            "issuing.ceiling",
            f"Trần số phát toàn trung tâm {value['per_minute']}/phút"
            + (f", tạm bỏ đến {value['lifted_until']}" if value["lifted_until"] else ""),
            {"before": {"per_minute": old_per_minute, "lifted_until": old_lifted}, "after": value},
            user["id"] if user else None,
        )
        status = limits.ceiling_status(s)
    # every process drops its cached ceiling (qms/cache.py: a change of set-up)
    signals.setup_changed.send(current_app._get_current_object())
    status["lifted_until"] = value["lifted_until"]
    return status

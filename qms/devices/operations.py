"""Every write of the print path: a job committed with its ticket, claims, outcomes, device states.

Device states change in their own transaction and the device_failed / device_recovered
signals go out after it commits, once per transition (never once per retry), because their
listeners (incidents) write too.
"""

import logging
import re
import secrets
import threading
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import Setting, log_event, utcnow
from qms.queue import queries as queue_queries
from qms.queue.models import Counter, CounterService, PriorityCategory, Service, Ticket
from qms.timeutil import iso

from .models import DeviceState, PrintJob
from .payload import sample_payload

log = logging.getLogger(__name__)

LOCAL = "local"
LOCAL_DEVICE = "printer:local"
KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
CACHE_SECONDS = 5.0
MAX_BACKOFF = 30.0
_INSERT_JOB = insert(PrintJob).returning(PrintJob.id)


def _app():
    return current_app._get_current_object()


class Runtime:
    """Per-app memory of the print path: caches for the issuing hot path, wake-ups for workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.refresh_at = 0.0
        self.agents = set()  # kiosks served by a print agent
        self.counters = {}  # service code → "Quầy 1, Quầy 4"
        self.priorities = {}  # category code → Vietnamese name
        self.failed = {}  # device → kind, for the kiosk's hint right after issuing
        self.changed = threading.Condition()
        self.version = 0  # bumped whenever a job becomes available
        self.local_wake = threading.Event()

    def notify(self, target=None):
        with self.changed:
            self.version += 1
            self.changed.notify_all()
        if target in (None, LOCAL):
            self.local_wake.set()

    def wait_change(self, seen, timeout):
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)


def runtime(app=None):
    app = app or _app()
    return app.extensions["qms_devices"]


def _refresh(rt, s, force=False):
    """Reload the small caches at most every CACHE_SECONDS (inside the caller's session)."""
    now = time.monotonic()
    if not force and now < rt.refresh_at:
        return
    cutoff = utcnow() - timedelta(seconds=float(current_app.config["AGENT_SEEN_SECONDS"]))
    agents = {
        device[6:]
        for device, seen in s.execute(
            select(DeviceState.device, DeviceState.last_seen_dt).where(
                DeviceState.device.like("agent:%")
            )
        )
        if seen is not None and seen >= cutoff
    }
    names = {}
    rows = s.execute(
        select(Service.code, Counter.name, Counter.number)
        .join(CounterService, CounterService.service_id == Service.id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.state != "closed")
        .order_by(Counter.number)
    )
    for code, name, number in rows:
        names.setdefault(code, []).append(name or f"Quầy {number}")
    priorities = dict(s.execute(select(PriorityCategory.code, PriorityCategory.name_vi)).all())
    failed = dict(
        s.execute(
            select(DeviceState.device, DeviceState.kind).where(DeviceState.state == "failed")
        ).all()
    )
    with rt.lock:
        rt.agents = agents
        rt.counters = {code: ", ".join(v) for code, v in names.items()}
        rt.priorities = priorities
        rt.failed = failed
        rt.refresh_at = now + CACHE_SECONDS


def _printer_configured():
    return bool(current_app.config.get("PRINTER"))


def device_of(target):
    return LOCAL_DEVICE if target == LOCAL else f"printer:{target.split(':', 1)[1]}"


def target_for(rt, kiosk):
    """agent:<kiosk> when a print agent serves that kiosk, else local when a printer is set."""
    if kiosk and kiosk in rt.agents:
        return f"agent:{kiosk}"
    if _printer_configured():
        return LOCAL
    return None


def ticket_payload(rt, ticket):
    cfg = current_app.config
    priority = ticket.get("priority")
    return {
        "centre_name": cfg["CENTRE_NAME"],
        "centre_locality": cfg["COMMUNE_NAME"],
        "code": ticket["code"],
        "service_name": ticket.get("service_name") or ticket.get("service") or "",
        "counters": rt.counters.get(ticket.get("service"), ""),
        "priority_label": (rt.priorities.get(priority) or priority) if priority else None,
        "issued_at": ticket.get("issued_at"),
        "ahead": int(ticket.get("ahead") or 0),
        "track_url": ticket["track_url"],
        "hotline": cfg.get("HOTLINE") or "",
        "estimated_wait_minutes": ticket.get("estimated_wait_minutes"),
    }


def _print_info(rt, job_id, target):
    state = "failed" if device_of(target) in rt.failed else "printing"
    return {"status": "queued", "job": job_id, "target": target, "state": state}


def on_ticket_issuing(app, session, ticket):
    """Inside the ticket's transaction: the job row commits (or rolls back) with the ticket."""
    rt = runtime(app)
    try:
        _refresh(rt, session)
        target = target_for(rt, ticket.get("kiosk"))
        if target is None:
            return
        payload = ticket_payload(rt, ticket)
    except Exception:  # a printing problem must never cost a citizen their number
        log.exception("print job for ticket %s not queued", ticket.get("id"))
        return
    now = utcnow()
    job_id = (
        session.connection()
        .execute(
            _INSERT_JOB,
            {
                "ticket_id": ticket["id"],
                "kind": "ticket",
                "target": target,
                "status": "queued",
                "attempts": 0,
                "next_attempt_dt": now,
                "last_error": None,
                "created_dt": now,
                "printed_dt": None,
                "claimed_by": None,
                "claim_token": None,
                "claimed_dt": None,
                "payload": payload,
            },
        )
        .scalar_one()
    )
    # the API answers this same dict: the kiosk learns at once that a paper ticket is coming
    ticket["print"] = _print_info(rt, job_id, target)


def on_ticket_issued(app, ticket):
    """After commit: wake the worker or the agent's long poll."""
    info = ticket.get("print")
    if info:
        runtime(app).notify(info["target"])


# --- jobs -------------------------------------------------------------------------------


def job_dict(job, code=None):
    return {
        "id": job.id,
        "ticket_id": job.ticket_id,
        "code": code or (job.payload or {}).get("code"),
        "kind": job.kind,
        "target": job.target,
        "status": job.status,
        "attempts": job.attempts,
        "last_error": job.last_error,
        "created_dt": job.created_dt,
        "printed_dt": job.printed_dt,
        "next_attempt_dt": job.next_attempt_dt,
        "claimed_by": job.claimed_by,
        "claim_token": job.claim_token,
        "payload": job.payload,
    }


def backoff_seconds(attempts):
    """1, 2, 4, 8, 16, 30, 30 … seconds after the 1st, 2nd, 3rd … failed attempt."""
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))


def _ttl():
    return timedelta(seconds=float(current_app.config["PRINT_JOB_TTL"]))


def _expirable(now):
    """Queued too long, or handed to an agent that never answered (a late 'printed' still counts)."""
    cutoff = now - _ttl()
    silent = now - timedelta(seconds=float(current_app.config["AGENT_CLAIM_TIMEOUT"]))
    return (PrintJob.created_dt < cutoff) & or_(
        PrintJob.status == "queued",
        (PrintJob.status == "printing")
        & PrintJob.target.like("agent:%")
        & (PrintJob.claimed_dt < silent),
    )


def expire_jobs(now=None):
    """Jobs older than PRINT_JOB_TTL: the citizen left with the on-screen ticket."""
    now = now or utcnow()
    with get_db().read() as s:
        due = s.scalar(select(PrintJob.id).where(_expirable(now)).limit(1))
    if due is None:
        return 0
    with get_db().write() as s:
        result = s.execute(update(PrintJob).where(_expirable(now)).values(status="expired"))
        return result.rowcount


def fail_interrupted_local(holder):
    """Local jobs left 'printing' by a process that died: maybe printed, so never printed again."""
    with get_db().write() as s:
        jobs = s.scalars(
            select(PrintJob).where(
                PrintJob.target == LOCAL,
                PrintJob.status == "printing",
                or_(PrintJob.claimed_by.is_(None), PrintJob.claimed_by != holder),
            )
        ).all()
        for job in jobs:
            job.status = "failed"
            job.last_error = "interrupted: the server stopped while printing (reprint if needed)"
        return [job.id for job in jobs]


def next_local_job(now=None):
    """The oldest queued local job (strict order), or None; (job, due) where due says if it may run."""
    now = now or utcnow()
    with get_db().read() as s:
        job = s.scalar(
            select(PrintJob)
            .where(PrintJob.target == LOCAL, PrintJob.status == "queued")
            .order_by(PrintJob.id)
            .limit(1)
        )
        if job is None:
            return None, None
        return job_dict(job), job.next_attempt_dt <= now


def claim(job_id, holder, now=None):
    """queued → printing with a fresh claim token; None if someone else took it meanwhile."""
    now = now or utcnow()
    with get_db().write() as s:
        job = s.get(PrintJob, job_id)
        if job is None or job.status != "queued":
            return None
        job.status = "printing"
        job.attempts += 1
        job.claimed_by = holder[:100]
        job.claimed_dt = now
        job.claim_token = secrets.token_urlsafe(16)
        return job_dict(job)


def finish(job_id, ok, error=None, retry=True, now=None, token=None):
    """Record a print attempt's outcome: printed, back to queued with backoff, or failed."""
    now = now or utcnow()
    with get_db().write() as s:
        job = s.get(PrintJob, job_id)
        if job is None:
            return None
        if token is not None and job.claim_token != token and not ok:
            return None
        if ok:
            job.status = "printed"
            job.printed_dt = now
            job.last_error = None
        else:
            job.last_error = (error or "print failed")[:300]
            if retry and job.created_dt >= now - _ttl():
                job.status = "queued"
                job.next_attempt_dt = now + timedelta(seconds=backoff_seconds(job.attempts))
            else:
                job.status = "failed" if not retry else "expired"
        job.claim_token = None if job.status != "printing" else job.claim_token
        result = job_dict(job)
    _send_print_changed(result)
    return result


def retry_now(target=LOCAL, now=None):
    """The printer is back: queued jobs of target need not wait for their backoff."""
    now = now or utcnow()
    with get_db().write() as s:
        s.execute(
            update(PrintJob)
            .where(PrintJob.target == target, PrintJob.status == "queued")
            .values(next_attempt_dt=now)
        )
    runtime().notify(target)


def kiosk_state(status, attempts=0, last_error=None):
    """Job status → what the kiosk shows: printing | printed | failed."""
    if status == "printed":
        return "printed"
    if status in ("failed", "expired", "cancelled"):
        return "failed"
    if attempts and last_error:
        return "failed"  # retrying: the citizen should not wait for it
    return "printing"


def _send_print_changed(job):
    if not job.get("ticket_id"):
        return
    target = job["target"]
    signals.print_changed.send(
        _app(),
        ticket_id=job["ticket_id"],
        job_id=job["id"],
        status=job["status"],
        state=kiosk_state(job["status"], job["attempts"], job["last_error"]),
        kiosk=target.split(":", 1)[1] if target.startswith("agent:") else None,
    )


def _new_job(s, ticket_id, kind, target, payload, now):
    job = PrintJob(
        ticket_id=ticket_id,
        kind=kind,
        target=target,
        status="queued",
        attempts=0,
        next_attempt_dt=now,
        created_dt=now,
        payload=payload,
    )
    s.add(job)
    s.flush()
    return job


def _resolve_target(s, rt, target, kiosk=None):
    """An explicit target ('local' or a kiosk id), else the kiosk's agent, else local."""
    _refresh(rt, s, force=True)
    if target:
        if target == LOCAL:
            if not _printer_configured():
                raise Conflict(
                    "Máy chủ chưa cấu hình máy in (QMS_PRINTER). No server printer configured.",
                    "no_printer",
                )
            return LOCAL
        if target.startswith("agent:"):
            target = target[6:]
        if target not in rt.agents:
            raise NotFound(
                f"Không có máy in của ki-ốt '{target}'. No print agent for kiosk '{target}'.",
                "unknown_printer",
            )
        return f"agent:{target}"
    resolved = target_for(rt, kiosk)
    if resolved is None:
        raise Conflict("Chưa có máy in nào được cấu hình. No printer is configured.", "no_printer")
    return resolved


def reprint(ticket_id, user=None, target=None):
    """A new job for an existing ticket (lost or torn ticket), with today's people ahead."""
    rt = runtime()
    now = utcnow()
    with get_db().write() as s:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
        if ticket.status not in ("waiting", "called", "serving"):
            raise Conflict(
                "Vé đã được phục vụ xong hoặc đã huỷ, không in lại. Ticket is finished.",
                "ticket_finished",
                ticket_status=ticket.status,
            )
        resolved = _resolve_target(s, rt, target, ticket.kiosk_id)
        data = {
            "code": ticket.code,
            "service": ticket.service.code,
            "service_name": ticket.service.name_vi,
            "priority": ticket.priority,
            "issued_at": iso(ticket.issued_dt),
            "ahead": queue_queries.ahead_of(s, ticket) or 0,
            "track_url": queue_queries.track_url(ticket.track_token),
            "estimated_wait_minutes": None,
        }
        payload = ticket_payload(rt, data)
        job = _new_job(s, ticket.id, "reprint", resolved, payload, now)
        log_event(
            s,
            "print.reprint",
            f"In lại vé {ticket.code}",
            {"ticket": ticket.id, "job": job.id, "target": resolved},
            user["id"] if user else None,
        )
        result = job_dict(job, ticket.code)
    rt.notify(resolved)
    return result


def print_sample(user=None, target=None):
    """A sample ticket through the real queue and worker (checks the whole path)."""
    rt = runtime()
    now = utcnow()
    cfg = current_app.config
    with get_db().write() as s:
        resolved = _resolve_target(s, rt, target or LOCAL)
        payload = sample_payload(
            cfg["CENTRE_NAME"],
            cfg["COMMUNE_NAME"],
            cfg.get("HOTLINE") or "",
            (queue_queries.request_base_url() or "http://qms.local") + "/kiosk",
        )
        payload["issued_at"] = iso(now)
        job = _new_job(s, None, "test", resolved, payload, now)
        log_event(
            s,
            "print.test",
            f"In thử trên {resolved}",
            {"job": job.id, "target": resolved},
            user["id"] if user else None,
        )
        result = job_dict(job)
    rt.notify(resolved)
    return result


# --- device states ----------------------------------------------------------------------


def set_device_state(device, state, kind=None, message="", data=None, seen=False, now=None):
    """Store a device's state; on ok→failed send device_failed once, on failed→ok device_recovered."""
    now = now or utcnow()
    message = (message or "")[:300]
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is None:
            row = DeviceState(device=device, state="unknown", message="", since_dt=now, data={})
            s.add(row)
        old_state, old_kind = row.state, row.kind
        if state is not None and (state != old_state or (state == "failed" and kind != old_kind)):
            row.state = state
            row.since_dt = now
        if state is not None:
            row.kind = kind if state == "failed" else None
            row.message = message
        if data:
            row.data = {**(row.data or {}), **data}
        if seen:
            row.last_seen_dt = now
        transition = None
        if state == "failed" and (old_state != "failed" or old_kind != kind):
            transition = "failed"
            log_event(s, "device.failed", f"{device}: {kind} {message}", {"device": device})
        elif state == "ok" and old_state == "failed":
            transition = "recovered"
            log_event(s, "device.recovered", f"{device}: hoạt động trở lại", {"device": device})
    rt = runtime()
    with rt.lock:
        if state == "failed":
            rt.failed[device] = kind
        elif state == "ok":
            rt.failed.pop(device, None)
    app = _app()
    if transition == "failed":
        signals.device_failed.send(
            app, device=device, kind=kind, message=message, data=dict(data or {})
        )
    elif transition == "recovered":
        signals.device_recovered.send(app, device=device, kind=old_kind, message=message)
    return transition


def check_kiosk_id(kiosk):
    if not KIOSK_ID.fullmatch(kiosk or "") or kiosk == LOCAL:
        raise Invalid(
            "Mã ki-ốt chỉ gồm chữ, số, '-', '_', '.' (tối đa 40). Invalid kiosk id.",
            "invalid_kiosk",
        )


def instance_id():
    """Identifies this database to agents: their journal keys jobs by (instance, job id)."""
    with get_db().read() as s:
        row = s.get(Setting, "devices.instance")
        if row is not None:
            return row.value["id"]
    with get_db().write() as s:
        row = s.get(Setting, "devices.instance")
        if row is None:
            row = Setting(key="devices.instance", value={"id": secrets.token_hex(8)})
            s.add(row)
        return row.value["id"]


def agent_hello(kiosk, user, info):
    """Register or heartbeat a kiosk's print agent and store its printer's state."""
    check_kiosk_id(kiosk)
    data = {
        "version": info.get("version") or "",
        "printer_url": info.get("printer_url") or "",
        "profile": info.get("profile") or "",
        "user": user["username"] if user else None,
    }
    set_device_state(f"agent:{kiosk}", "ok", None, "", data=data, seen=True)
    state = info.get("printer_state")
    if state not in ("ok", "failed"):
        # a write-only printer (file:, cups:) has no status: the agent's return is the news
        with get_db().read() as s:
            row = s.get(DeviceState, f"printer:{kiosk}")
            silent = (
                row is not None and row.state == "failed" and (row.data or {}).get("agent_silent")
            )
        state = "ok" if silent else None
    if state in ("ok", "failed"):
        set_device_state(
            f"printer:{kiosk}",
            state,
            info.get("printer_kind") or ("error" if state == "failed" else None),
            info.get("printer_message") or "",
            seen=True,
        )
    rt = runtime()
    with rt.lock:
        rt.agents = rt.agents | {kiosk}
    return {
        "kiosk": kiosk,
        "instance": instance_id(),
        "server_time": utcnow().isoformat(),
        "claim_timeout": float(current_app.config["AGENT_CLAIM_TIMEOUT"]),
    }


def _touch_agent(kiosk, now):
    with get_db().write() as s:
        row = s.get(DeviceState, f"agent:{kiosk}")
        if row is None:
            s.add(
                DeviceState(device=f"agent:{kiosk}", state="ok", message="", since_dt=now, data={})
            )
        else:
            row.last_seen_dt = now


def _agent_candidates(target, now):
    cutoff = now - _ttl()
    reoffer = now - timedelta(seconds=float(current_app.config["AGENT_CLAIM_TIMEOUT"]))
    return (
        select(PrintJob)
        .where(
            PrintJob.target == target,
            PrintJob.created_dt >= cutoff,
            or_(
                (PrintJob.status == "queued") & (PrintJob.next_attempt_dt <= now),
                (PrintJob.status == "printing") & (PrintJob.claimed_dt < reoffer),
            ),
        )
        .order_by(PrintJob.id)
        .limit(1)
    )


def claim_agent_job(kiosk, user, now=None):
    """Hand the oldest due job to the agent (or re-offer an unacknowledged claim)."""
    now = now or utcnow()
    target = f"agent:{kiosk}"
    with get_db().read() as s:
        if s.scalar(_agent_candidates(target, now)) is None:
            return None
    with get_db().write() as s:
        job = s.scalar(_agent_candidates(target, now))
        if job is None:
            return None
        job.status = "printing"
        job.attempts += 1
        job.claimed_by = (user or {}).get("username", "agent")[:100]
        job.claimed_dt = now
        job.claim_token = secrets.token_urlsafe(16)
        result = job_dict(job)
    _send_print_changed(result)
    return result


def next_agent_job(kiosk, user, wait):
    """Long poll: a job as soon as one is due, or None after `wait` seconds."""
    check_kiosk_id(kiosk)
    rt = runtime()
    _touch_agent(kiosk, utcnow())
    with rt.lock:
        rt.agents = rt.agents | {kiosk}
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        seen = rt.version
        job = claim_agent_job(kiosk, user)
        if job is not None:
            return job
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        # notified on new jobs; the short timeout also catches re-offers and backoffs
        rt.wait_change(seen, min(remaining, 1.0))


def ack_agent_job(kiosk, job_id, token, status, error=None, kind=None, retry=True):
    """The agent's report. 'printed' is accepted even on a stale claim: the paper exists."""
    check_kiosk_id(kiosk)
    now = utcnow()
    target = f"agent:{kiosk}"
    with get_db().read() as s:
        job = s.get(PrintJob, job_id)
        if job is None or job.target != target:
            raise NotFound("Không có lệnh in này. Unknown print job.", "unknown_job")
        current = job_dict(job)
    if status == "printed":
        if current["status"] == "printed":
            return {"job": _public_job(current), "duplicate": True}
        if current["status"] == "cancelled":
            raise Conflict("Lệnh in đã huỷ. Job cancelled.", "job_cancelled")
        result = finish(job_id, True, now=now)
        set_device_state(f"printer:{kiosk}", "ok", seen=True, now=now)
        return {"job": _public_job(result), "duplicate": False}
    if current["status"] != "printing" or current["claim_token"] != token:
        raise Conflict(
            "Lệnh in đã được giao lại hoặc đã xong. Stale claim.",
            "stale_claim",
            job_status=current["status"],
        )
    result = finish(job_id, False, error=error, retry=retry, now=now, token=token)
    if kind and kind != "none":
        set_device_state(f"printer:{kiosk}", "failed", kind, error or "", seen=True, now=now)
    return {"job": _public_job(result), "duplicate": False}


def _public_job(job):
    if job is None:
        return None
    return {
        "id": job["id"],
        "ticket_id": job["ticket_id"],
        "code": job["code"],
        "kind": job["kind"],
        "target": job["target"],
        "status": job["status"],
        "attempts": job["attempts"],
        "last_error": job["last_error"],
        "created_at": iso(job["created_dt"]),
        "printed_at": iso(job["printed_dt"]),
    }


def agent_watchdog(now=None):
    """Agents silent for AGENT_OFFLINE_SECONDS: their kiosk's printer counts as offline."""
    now = now or utcnow()
    limit = now - timedelta(seconds=float(current_app.config["AGENT_OFFLINE_SECONDS"]))
    with get_db().read() as s:
        rows = s.execute(
            select(DeviceState.device, DeviceState.last_seen_dt).where(
                DeviceState.device.like("agent:%"), DeviceState.last_seen_dt < limit
            )
        ).all()
        states = dict(
            s.execute(
                select(DeviceState.device, DeviceState.state).where(
                    DeviceState.device.like("printer:%")
                )
            ).all()
        )
    changed = []
    for device, seen in rows:
        kiosk = device[6:]
        printer = f"printer:{kiosk}"
        if states.get(printer) == "failed":
            continue
        message = f"print agent not seen since {seen:%H:%M:%S} UTC"
        set_device_state(
            printer, "failed", "offline", message, data={"agent_silent": True}, now=now
        )
        changed.append(kiosk)
    return changed

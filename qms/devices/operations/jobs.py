"""A print job's life: created inside its ticket's transaction, claimed, finished, retried, expired.

A job row commits (or rolls back) with its ticket; a printing problem never costs a citizen
their number. Every outcome sends print_changed after its commit (the kiosk's paper line).
"""

import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update

from qms import signals
from qms.extensions import get_db
from qms.timeutil import utcnow

from ..models import PrintJob
from ..queries import job_dict, kiosk_state
from ..runtime import LOCAL, device_of, refresh, runtime, target_for

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
_INSERT_JOB = insert(PrintJob).returning(PrintJob.id)


def ticket_payload(rt, ticket):
    """What a ticket's paper shows, from the issuer's ticket dict (print_agent.payload reads it)."""
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


def on_ticket_issuing(app, session, ticket):
    """ticket_issuing receiver, inside the ticket's transaction: queue its paper ticket.

    Returns {"print": {status, job, target, state}} for the issuer to merge into its answer
    (the kiosk learns at once that a paper ticket is coming), or None: screen only.
    """
    rt = runtime(app)
    try:
        refresh(rt, session)
        target = target_for(rt, ticket.get("kiosk"))
        if target is None:
            return None
        payload = ticket_payload(rt, ticket)
    except Exception:  # a printing problem must never cost a citizen their number
        log.exception("print job for ticket %s not queued", ticket.get("id"))
        return None
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
                "claim_history": [],
            },
        )
        .scalar_one()
    )
    state = "failed" if device_of(target) in rt.failed else "printing"
    return {"print": {"status": "queued", "job": job_id, "target": target, "state": state}}


def on_tickets_issued(app, tickets):
    """tickets_issued receiver, after commit: wake the worker or the agents' long polls,
    once for each target the group's paper tickets go to."""
    targets = {ticket["print"]["target"] for ticket in tickets if ticket.get("print")}
    rt = runtime(app) if targets else None
    for target in targets:
        rt.notify(target)


def new_job(s, ticket_id, kind, target, payload, now):
    """A queued job in the caller's session (reprint, test print)."""
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


def backoff_seconds(attempts):
    """1, 2, 4, 8, 16, 30, 30 … seconds after the 1st, 2nd, 3rd … failed attempt."""
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))


def job_ttl():
    return timedelta(seconds=float(current_app.config["PRINT_JOB_TTL"]))


def _expirable(now):
    """Queued too long, or handed to an agent that never answered (a late 'printed' still counts)."""
    cutoff = now - job_ttl()
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


def start_claim(job, holder, now):
    """queued (or an unacknowledged claim) → printing with a fresh claim token."""
    job.status = "printing"
    job.attempts += 1
    job.claimed_by = holder[:100]
    job.claimed_dt = now
    job.claim_token = secrets.token_urlsafe(16)
    job.claim_history = [*(job.claim_history or [])[-7:], job.claim_token]


def claim(job_id, holder, now=None):
    """The server's worker takes a queued job; None if someone else took it meanwhile."""
    now = now or utcnow()
    with get_db().write() as s:
        job = s.get(PrintJob, job_id)
        if job is None or job.status != "queued":
            return None
        start_claim(job, holder, now)
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
            if retry and job.created_dt >= now - job_ttl():
                job.status = "queued"
                job.next_attempt_dt = now + timedelta(seconds=backoff_seconds(job.attempts))
            else:
                job.status = "failed" if not retry else "expired"
        job.claim_token = None if job.status != "printing" else job.claim_token
        result = job_dict(job)
    send_print_changed(result)
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


def send_print_changed(job):
    """print_changed for a ticket's job (a job_dict), after its commit."""
    if not job["ticket_id"]:
        return
    target = job["target"]
    signals.print_changed.send(
        current_app._get_current_object(),
        ticket_id=job["ticket_id"],
        job_id=job["id"],
        status=job["status"],
        state=kiosk_state(job["status"], job["attempts"], job["last_error"]),
        kiosk=target.split(":", 1)[1] if target.startswith("agent:") else None,
    )

"""The server's own print worker: one per deployment (lease), run by `qms serve` only.

Each step prints the oldest due job for target "local" (strictly in order: a job waiting for
its backoff holds the ones behind it), or, when idle, asks the printer for its status
(DLE EOT) so paper-out is noticed before the next citizen. Requests never print.
"""

import atexit
import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from sqlalchemy import delete

from print_agent.payload import classify_error, render_payload, send_checked, status_report
from printer_drivers import (
    PrinterError,
    encode_ticket,
    get_profile,
    query_status,
    transport_from_url,
)
from qms.db import try_acquire_lease
from qms.extensions import get_db
from qms.models import Lease
from qms.state import get_state
from qms.timeutil import utcnow

from . import queries
from .operations import health, jobs, presses
from .runtime import LOCAL, LOCAL_DEVICE, runtime

log = logging.getLogger(__name__)
LEASE = "printer"


def _transport(app):
    """A fresh transport per job; tests may set a printer_drivers DummyTransport in the state."""
    fixed = get_state(app).printer_transport
    return fixed if fixed is not None else transport_from_url(app.config["PRINTER"])


def render_job(app, payload):
    profile = get_profile(app.config["PRINTER_PROFILE"])
    image = render_payload(payload, profile.width_dots)  # a ticket, or a slip (paper dossier)
    return encode_ticket(image, profile)


class LocalWorker:
    """State between steps (last status poll); step() is what the loop and the tests call."""

    def __init__(self, app, holder=None):
        self.app = app
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.last_poll = None
        self.last_housekeeping = None
        self.last_forget = None

    def step(self, now=None):
        """One pass; returns {"action", "job", "delay"} (delay: seconds until worth calling again)."""
        app = self.app
        now = now or utcnow()
        if self.last_housekeeping is None or now - self.last_housekeeping >= timedelta(seconds=5):
            self.last_housekeeping = now
            jobs.expire_jobs(now)
            health.agent_watchdog(now)
            health.silence_watchdog(now)
            if self.last_forget is None or now - self.last_forget >= timedelta(minutes=10):
                self.last_forget = now
                presses.forget_old_presses(now)
        if not app.config.get("PRINTER"):
            return {"action": "idle", "job": None, "delay": 5.0}
        job, wait = queries.next_local_job(now)
        if job is not None and wait > 0:
            if self._poll_due(now, failed=True):
                self.poll_status(now)
                job, wait = queries.next_local_job(now)
            if job is not None and wait > 0:
                poll = float(app.config["PRINTER_RETRY_POLL"])
                return {"action": "backoff", "job": job["id"], "delay": max(0.05, min(wait, poll))}
        if job is None:
            if self._poll_due(now):
                self.poll_status(now)
                return {"action": "polled", "job": None, "delay": 1.0}
            return {"action": "idle", "job": None, "delay": 1.0}
        return self.print_job(job, now)

    def _poll_due(self, now, failed=None):
        cfg = self.app.config
        if failed is None:
            failed = queries.device_state(LOCAL_DEVICE)[0] == "failed"
        interval = float(cfg["PRINTER_RETRY_POLL" if failed else "PRINTER_STATUS_INTERVAL"])
        return self.last_poll is None or now - self.last_poll >= timedelta(seconds=interval)

    def print_job(self, job, now):
        app = self.app
        claimed = jobs.claim(job["id"], self.holder, now)
        if claimed is None:
            return {"action": "lost", "job": job["id"], "delay": 0.0}
        try:
            raw = render_job(app, claimed["payload"])
            status = send_checked(
                _transport(app),
                raw,
                require_status=bool(app.config["PRINTER_REQUIRE_STATUS"]),
                status_timeout=float(app.config["PRINTER_STATUS_TIMEOUT"]),
            )
        except Exception as exc:  # printer errors and render bugs alike stay out of requests
            kind, retry = classify_error(exc) if isinstance(exc, PrinterError) else ("error", False)
            message = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("print job %s failed: %s", job["id"], message)
            result = jobs.finish(job["id"], False, error=message, retry=retry, now=now)
            health.set_device_state(LOCAL_DEVICE, "failed", kind, message, seen=True, now=now)
            self.last_poll = now  # the attempt told us as much as a status poll would
            return {"action": "failed", "job": job["id"], "delay": 0.05, "result": result}
        result = jobs.finish(job["id"], True, now=now)
        if status is not None and status.state == "unknown":
            # bytes accepted, status never answered: printed as far as we can tell, but the
            # printer is not known to be fine (flagged after PRINTER_SILENT_SECONDS)
            health.note_status_silence(LOCAL_DEVICE, now)
        else:
            health.note_status_answer(LOCAL_DEVICE)
            health.set_device_state(LOCAL_DEVICE, "ok", seen=True, now=now)
        self.last_poll = now
        return {"action": "printed", "job": job["id"], "delay": 0.0, "result": result}

    def poll_status(self, now=None):
        """DLE EOT where the transport can read; a recovery releases the waiting jobs at once."""
        app = self.app
        now = now or utcnow()
        self.last_poll = now
        status = None
        try:
            status = query_status(_transport(app), float(app.config["PRINTER_STATUS_TIMEOUT"]))
        except PrinterError as exc:
            state, kind, message = "failed", classify_error(exc)[0], str(exc)
        else:
            state, kind, message = status_report(status)
            if state is None and status.state == "unknown" and status.raw:
                state, kind = "failed", "error"  # garbage: whatever answers is not a printer
            elif state is None and status.state == "unknown":
                if app.config["PRINTER_REQUIRE_STATUS"]:
                    state, kind = "failed", "offline"
                else:
                    return health.note_status_silence(LOCAL_DEVICE, now)
        if state is None:
            return None
        if status is not None and status.known:
            health.note_status_answer(LOCAL_DEVICE)
        transition = health.set_device_state(LOCAL_DEVICE, state, kind, message, seen=True, now=now)
        if transition == "recovered":
            jobs.retry_now(LOCAL, now)
        return state


def release_lease(app, holder):
    """Give the print lease back (a clean stop): the next process prints at once, not 30 s later."""
    with app.app_context(), get_db().write() as s:
        s.execute(delete(Lease).where(Lease.name == LEASE, Lease.holder == holder))


def run(app, stop):
    """The background loop: lease, step, sleep until woken by a new job or the next due time.

    On stop (or interpreter exit, which may come first) the lease is released.
    """
    worker = LocalWorker(app)
    rt = runtime(app)
    lease_seconds = 30.0
    released = threading.Event()

    def release():
        if not released.is_set():
            released.set()
            try:
                release_lease(app, worker.holder)
            except Exception:  # the database may already be gone at exit
                log.warning("print lease not released", exc_info=True)

    atexit.register(release)
    waker = threading.Thread(  # a stop wakes the loop's sleep at once
        target=lambda: (stop.wait(), rt.local_wake.set()), name="qms-printer-stop", daemon=True
    )
    waker.start()
    try:
        _loop(app, stop, worker, rt, lease_seconds)
    finally:
        release()
        atexit.unregister(release)


def _loop(app, stop, worker, rt, lease_seconds):
    renewed = 0.0
    holding = False
    while not stop.is_set():
        delay = 1.0
        with app.app_context():
            try:
                if stop.is_set():
                    break
                if time.monotonic() - renewed > lease_seconds / 3 or not holding:
                    was = holding
                    holding = try_acquire_lease(get_db(), LEASE, worker.holder, lease_seconds)
                    renewed = time.monotonic() if holding else 0.0
                    if holding and not was:
                        jobs.fail_interrupted_local(worker.holder)
                if holding:
                    rt.local_wake.clear()
                    delay = worker.step()["delay"]
                else:
                    delay = 5.0
            except Exception:  # the loop must outlive any single failure (database busy, …)
                log.exception("print worker step failed")
                delay = 2.0
        if delay > 0 and not stop.is_set():
            rt.local_wake.wait(min(delay, 5.0))

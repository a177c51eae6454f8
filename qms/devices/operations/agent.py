"""The kiosk print agent's protocol (print_agent.agent is the other side): hello, next, ack.

A job is handed out with a claim token and offered again when the agent stays silent for
AGENT_CLAIM_TIMEOUT; 'printed' is believed even on a stale claim (the paper exists) but only
with a token the job really handed out, a failure only on the current one. Which kiosk a
device account may speak for is checked by binding.require_kiosk before any of this.
"""

import re
import secrets
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import Setting
from qms.timeutil import utcnow

from ..models import DeviceState, PrintJob
from ..queries import job_dict
from ..runtime import LOCAL, runtime
from .health import note_status_silence, set_device_state, touch
from .jobs import finish, job_ttl, send_print_changed, start_claim

KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


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
    if state == "unknown":
        # a printer that can read but never answers: flagged unknown after a while
        note_status_silence(f"printer:{kiosk}")
        state = None
    elif state not in ("ok", "failed"):
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
    runtime().add_agent(kiosk)
    return {
        "kiosk": kiosk,
        "instance": instance_id(),
        "server_time": utcnow().isoformat(),
        "claim_timeout": float(current_app.config["AGENT_CLAIM_TIMEOUT"]),
    }


def _candidates(target, now):
    cutoff = now - job_ttl()
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
        if s.scalar(_candidates(target, now)) is None:
            return None
    with get_db().write() as s:
        job = s.scalar(_candidates(target, now))
        if job is None:
            return None
        start_claim(job, (user or {}).get("username", "agent"), now)
        result = job_dict(job)
    send_print_changed(result)
    return result


def next_agent_job(kiosk, user, wait):
    """Long poll: a job as soon as one is due, or None after `wait` seconds."""
    check_kiosk_id(kiosk)
    rt = runtime()
    # only a hello makes an agent: a bare poll must not route a kiosk's printing to its caller
    if not touch(f"agent:{kiosk}", utcnow()):
        raise Conflict(
            "Trình in của ki-ốt chưa đăng ký (gửi hello trước). Say hello first.",
            "agent_not_registered",
        )
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
    """The agent's report → {"job": job_dict, "duplicate": bool}.

    The claim token must be one this job handed out; 'printed' is then accepted even on a
    stale claim (the paper exists), 'failed' only on the current one.
    """
    check_kiosk_id(kiosk)
    now = utcnow()
    target = f"agent:{kiosk}"
    with get_db().read() as s:
        job = s.get(PrintJob, job_id)
        if job is None or job.target != target:
            raise NotFound("Không có lệnh in này. Unknown print job.", "unknown_job")
        current = job_dict(job)
        handed_out = list(job.claim_history or [])
    if not token or token not in handed_out:
        # a claim token this job never handed out: nobody may report on it
        raise Conflict("Mã nhận lệnh in không đúng. Unknown claim token.", "invalid_claim")
    if status == "printed":
        if current["status"] == "printed":
            return {"job": current, "duplicate": True}
        if current["status"] == "cancelled":
            raise Conflict("Lệnh in đã huỷ. Job cancelled.", "job_cancelled")
        result = finish(job_id, True, now=now)
        set_device_state(f"printer:{kiosk}", "ok", seen=True, now=now)
        return {"job": result, "duplicate": False}
    if current["status"] != "printing" or current["claim_token"] != token:
        raise Conflict(
            "Lệnh in đã được giao lại hoặc đã xong. Stale claim.",
            "stale_claim",
            job_status=current["status"],
        )
    result = finish(job_id, False, error=error, retry=retry, now=now, token=token)
    if kind and kind != "none":
        set_device_state(f"printer:{kiosk}", "failed", kind, error or "", seen=True, now=now)
    return {"job": result, "duplicate": False}

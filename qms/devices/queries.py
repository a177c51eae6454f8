"""Reads of the print path and its two serializers: job_dict (a print job) and device_dict."""

from flask import current_app
from sqlalchemy import func, select

from qms.auth.models import User
from qms.extensions import get_db
from qms.queue import queries as queue_queries
from qms.queue.models import Ticket
from qms.roles import DEVICE
from qms.timeutil import iso, utcnow

from .models import OPEN_JOB_STATUSES, CounterDevice, DeviceAccount, DeviceState, PrintJob
from .runtime import LOCAL, LOCAL_DEVICE

MESSAGES = {
    "printing": (
        "Đang in vé…",
        "Printing your ticket…",
    ),
    "printed": (
        "Vé giấy đã được in, xin mời nhận vé.",
        "Your paper ticket is printed, please take it.",
    ),
    "failed": (
        "Máy in gặp sự cố, xin chụp màn hình hoặc đến bàn hướng dẫn.",
        "The printer has a problem: please take a photo of this screen or go to the help desk.",
    ),
    "none": (
        "Vé chỉ hiển thị trên màn hình, xin chụp màn hình hoặc ghi lại số.",
        "This ticket is shown on screen only: please take a photo or note the number.",
    ),
}


def kiosk_state(status, attempts=0, last_error=None):
    """Job status → what the kiosk shows: printing | printed | failed."""
    if status == "printed":
        return "printed"
    if status in ("failed", "expired", "cancelled"):
        return "failed"
    if attempts and last_error:
        return "failed"  # retrying: the citizen should not wait for it
    return "printing"


def print_status(ticket_id):
    """The newest job of a ticket, as the kiosk's paper line needs it."""
    with get_db().read() as s:
        job = s.scalar(
            select(PrintJob)
            .where(PrintJob.ticket_id == ticket_id)
            .order_by(PrintJob.id.desc())
            .limit(1)
        )
        if job is None:
            if s.get(Ticket, ticket_id) is None:
                return None
            status, state, job_id, attempts, error = "none", "none", None, 0, None
        else:
            status, job_id, attempts, error = job.status, job.id, job.attempts, job.last_error
            state = kiosk_state(status, attempts, error)
    vi, en = MESSAGES[state]
    return {
        "ticket_id": ticket_id,
        "job": job_id,
        "status": status,
        "state": state,
        "attempts": attempts,
        "message_vi": vi,
        "message_en": en,
    }


def device_dict(device, row=None, *, target=None, queued=0, last_error=None, last_seen=None):
    """The one shape of a device state (a printer or an agent); row None: never heard of yet.

    target is where a printer's jobs go ("local", "agent:<kiosk>"; None for an agent),
    queued its open jobs, last_error {"error", "at"} of its newest failed attempt.
    """
    return {
        "device": device,
        "state": row.state if row else "unknown",
        "kind": row.kind if row else None,
        "message": row.message if row else "",
        "since": iso(row.since_dt) if row else None,
        "last_seen": iso(row.last_seen_dt) if row else iso(last_seen),
        "data": (row.data or {}) if row else {},
        "queued": queued,
        "target": target,
        "last_error": last_error,
    }


def device_state(device):
    """(state, kind) of one device; ("unknown", None) before its first report."""
    with get_db().read() as s:
        row = s.get(DeviceState, device)
        return (row.state, row.kind) if row else ("unknown", None)


def devices_overview():
    """Printer and agent states, open jobs per target, the last error of each printer."""
    cfg = current_app.config
    with get_db().read() as s:
        depth = dict(
            s.execute(
                select(PrintJob.target, func.count(PrintJob.id))
                .where(PrintJob.status.in_(OPEN_JOB_STATUSES))
                .group_by(PrintJob.target)
            ).all()
        )
        rows = s.scalars(select(DeviceState).order_by(DeviceState.device)).all()
        errors = {}
        for target, error, when in s.execute(
            select(PrintJob.target, PrintJob.last_error, PrintJob.created_dt)
            .where(PrintJob.last_error.is_not(None))
            .order_by(PrintJob.id.desc())
            .limit(200)
        ):
            errors.setdefault(target, {"error": error, "at": iso(when)})
    printers = {row.device: row for row in rows if row.device.startswith("printer:")}
    agent_rows = [row for row in rows if row.device.startswith("agent:")]
    names = list(printers)
    if cfg.get("PRINTER") and LOCAL_DEVICE not in printers:
        names.append(LOCAL_DEVICE)  # configured, not heard of yet
    last_seen = {}
    for row in agent_rows:
        printer = f"printer:{row.device[6:]}"
        if printer not in printers:  # an agent whose printer has not reported yet
            names.append(printer)
            last_seen[printer] = row.last_seen_dt
    devices = []
    for name in names:
        kiosk = name.split(":", 1)[1]
        target = LOCAL if name == LOCAL_DEVICE else f"agent:{kiosk}"
        devices.append(
            device_dict(
                name,
                printers.get(name),
                target=target,
                queued=depth.get(target, 0),
                last_error=errors.get(target),
                last_seen=last_seen.get(name),
            )
        )
    devices.sort(key=lambda d: (d["target"] != LOCAL, d["device"]))
    return {
        "printer": {
            "url": cfg.get("PRINTER"),
            "profile": cfg.get("PRINTER_PROFILE"),
            "job_ttl_seconds": float(cfg["PRINT_JOB_TTL"]),
        },
        "devices": devices,
        "agents": [device_dict(row.device, row) for row in agent_rows],
        "queue": depth,
    }


def job_dict(job):
    """The one shape of a print job: every API answer, the staff page and the agent use it.

    claim_token is set only while a claim is open (what an agent's ack must quote);
    payload is what the ticket prints (print_agent.payload.ticket_data reads it).
    """
    return {
        "id": job.id,
        "ticket_id": job.ticket_id,
        "code": (job.payload or {}).get("code"),
        "kind": job.kind,
        "target": job.target,
        "status": job.status,
        "attempts": job.attempts,
        "last_error": job.last_error,
        "created_at": iso(job.created_dt),
        "printed_at": iso(job.printed_dt),
        "claim_token": job.claim_token,
        "payload": job.payload,
    }


def recent_jobs(limit=30):
    with get_db().read() as s:
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)).all()
        return [job_dict(job) for job in jobs]


def next_local_job(now=None):
    """The oldest queued local job (strict order) and the seconds until it may run (<= 0: due).

    (None, None) when there is none.
    """
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
        return job_dict(job), (job.next_attempt_dt - now).total_seconds()


def ticket_id_by_code(code, day=None):
    """Today's ticket with this code (codes restart every day), newest first."""
    code = (code or "").strip().upper()
    with get_db().read() as s:
        return s.scalar(
            select(Ticket.id)
            .where(Ticket.code == code, Ticket.day == (day or queue_queries.today()))
            .order_by(Ticket.id.desc())
            .limit(1)
        )


# --- counter devices, device accounts, the health of every device -------------------------

PUBLIC_KINDS = ("printer", "kiosk", "display", "counter", "button", "led", "rating_pad")


def counter_device_dict(device):
    """The one shape of a registered counter device."""
    return {
        "id": device.id,
        "kind": device.kind,
        "name": device.name,
        "counter": device.counter,
        "host": device.host,
        "url": device.url,
        "framing": device.framing,
        "keymap": device.keymap or {},
        "active": device.is_active,
    }


def counter_devices(counter=None, host=None):
    with get_db().read() as s:
        stmt = select(CounterDevice).order_by(
            CounterDevice.counter, CounterDevice.kind, CounterDevice.name
        )
        if counter is not None:
            stmt = stmt.where(CounterDevice.counter == counter)
        if host is not None:
            stmt = stmt.where(CounterDevice.host == host)
        return [counter_device_dict(d) for d in s.scalars(stmt)]


def public_state(row):
    """A DeviceState → online | offline | fault, as GET /devices says it."""
    if row is None:
        return "offline"
    if row.state == "ok":
        return "online"
    if row.state == "failed":
        return "offline" if row.kind == "offline" else "fault"
    return "fault" if row.kind == "no_status" else "offline"


def health_dict(device_id, kind, name, counter, row):
    """The one shape of a device in GET /devices: id, kind, name, counter, state, last_seen."""
    return {
        "id": device_id,
        "kind": kind,
        "name": name,
        "counter": counter,
        "state": public_state(row),
        "last_seen": iso(row.last_seen_dt) if row else None,
        "detail": (row.message or "") if row else "",
        "since": iso(row.since_dt) if row else None,
    }


def devices_health(include_internal=False):
    """Every device the centre depends on, printers first, then by kind and name."""
    with get_db().read() as s:
        rows = {r.device: r for r in s.scalars(select(DeviceState))}
        registered = s.scalars(select(CounterDevice).where(CounterDevice.is_active.is_(True))).all()
        known = {f"{d.kind}:{d.name}": d for d in registered}
    if current_app.config.get("PRINTER") and LOCAL_DEVICE not in rows:
        rows[LOCAL_DEVICE] = None
    out = []
    for device, row in rows.items():
        kind, _, ident = device.partition(":")
        if device in known:
            continue
        if kind == "printer":
            name = "Máy in máy chủ" if ident == "local" else f"Máy in ki-ốt {ident}"
            out.append(health_dict(device, "printer", name, None, row))
        elif kind in ("kiosk", "display"):
            out.append(health_dict(device, kind, ident, None, row))
        elif kind == "counter":
            number = int(ident) if ident.isdigit() else None
            out.append(health_dict(device, "counter", f"Quầy {ident}", number, row))
        elif kind in ("button", "rating_pad", "led"):
            number = ident.rsplit("-", 1)[-1]
            number = int(number) if number.isdigit() else None
            out.append(health_dict(device, kind, ident, number, row))
        elif include_internal and kind in ("mqtt", "agent"):
            out.append(health_dict(device, kind, ident, None, row))
    for device, d in known.items():
        out.append(health_dict(device, d.kind, d.name, d.counter, rows.get(device)))
    order = {k: i for i, k in enumerate((*PUBLIC_KINDS, "mqtt", "agent"))}
    out.sort(key=lambda d: (order.get(d["kind"], 99), d["counter"] or 0, d["name"]))
    return out


def device_accounts():
    """Every device account and what it is bound to (None: unbound, it can act for nothing)."""
    with get_db().read() as s:
        users = s.execute(
            select(User.id, User.username, User.is_active)
            .where(User.role == DEVICE)
            .order_by(User.username)
        ).all()
        bound = {row.user_id: row for row in s.scalars(select(DeviceAccount))}
    return [
        {
            "user_id": uid,
            "username": username,
            "active": active,
            "kiosk": bound[uid].kiosk if uid in bound else None,
            "counter": bound[uid].counter if uid in bound else None,
        }
        for uid, username, active in users
    ]

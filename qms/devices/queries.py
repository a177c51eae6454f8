"""Reads of the print path: a ticket's print status, devices and queues for staff."""

from flask import current_app
from sqlalchemy import func, select

from qms.extensions import get_db
from qms.queue.models import Ticket
from qms.timeutil import iso

from .models import OPEN_JOB_STATUSES, DeviceState, PrintJob
from .operations import kiosk_state

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


def _device_dict(row, depth=0):
    return {
        "device": row.device,
        "state": row.state,
        "kind": row.kind,
        "message": row.message,
        "since": iso(row.since_dt),
        "last_seen": iso(row.last_seen_dt),
        "data": row.data or {},
        "queued": depth,
    }


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
        devices = []
        seen = set()
        for row in rows:
            if row.device.startswith("printer:"):
                name = row.device.split(":", 1)[1]
                target = "local" if name == "local" else f"agent:{name}"
                item = _device_dict(row, depth.get(target, 0))
                item["target"] = target
                item["last_error"] = errors.get(target)
                devices.append(item)
                seen.add(target)
        agents = [_device_dict(row) for row in rows if row.device.startswith("agent:")]
    if cfg.get("PRINTER") and "local" not in seen:
        devices.insert(
            0,
            {
                "device": "printer:local",
                "state": "unknown",
                "kind": None,
                "message": "",
                "since": None,
                "last_seen": None,
                "data": {},
                "queued": depth.get("local", 0),
                "target": "local",
                "last_error": errors.get("local"),
            },
        )
    for agent in agents:
        kiosk = agent["device"].split(":", 1)[1]
        if f"agent:{kiosk}" not in seen:
            devices.append(
                {
                    "device": f"printer:{kiosk}",
                    "state": "unknown",
                    "kind": None,
                    "message": "",
                    "since": None,
                    "last_seen": agent["last_seen"],
                    "data": {},
                    "queued": depth.get(f"agent:{kiosk}", 0),
                    "target": f"agent:{kiosk}",
                    "last_error": errors.get(f"agent:{kiosk}"),
                }
            )
    devices.sort(key=lambda d: (d["target"] != "local", d["device"]))
    return {
        "printer": {
            "url": cfg.get("PRINTER"),
            "profile": cfg.get("PRINTER_PROFILE"),
            "job_ttl_seconds": float(cfg["PRINT_JOB_TTL"]),
        },
        "devices": devices,
        "agents": agents,
        "queue": depth,
    }


def recent_jobs(limit=30):
    with get_db().read() as s:
        rows = s.execute(
            select(PrintJob, Ticket.code)
            .outerjoin(Ticket, Ticket.id == PrintJob.ticket_id)
            .order_by(PrintJob.id.desc())
            .limit(limit)
        ).all()
        return [
            {
                "id": job.id,
                "ticket_id": job.ticket_id,
                "code": code or (job.payload or {}).get("code"),
                "kind": job.kind,
                "target": job.target,
                "status": job.status,
                "attempts": job.attempts,
                "last_error": job.last_error,
                "created_at": iso(job.created_dt),
                "printed_at": iso(job.printed_dt),
            }
            for job, code in rows
        ]


def ticket_id_by_code(code, day=None):
    """Today's ticket with this code (codes restart every day), newest first."""
    from qms.queue.queries import today

    code = (code or "").strip().upper()
    with get_db().read() as s:
        return s.scalar(
            select(Ticket.id)
            .where(Ticket.code == code, Ticket.day == (day or today()))
            .order_by(Ticket.id.desc())
            .limit(1)
        )

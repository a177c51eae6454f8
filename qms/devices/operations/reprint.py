"""Jobs staff ask for: a ticket printed again, a sample ticket through the real path."""

from flask import current_app

from print_agent.payload import sample_payload
from qms.errors import Conflict, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries as queue_queries
from qms.queue.models import Ticket
from qms.timeutil import iso, utcnow

from ..queries import job_dict
from ..runtime import LOCAL, printer_configured, refresh, runtime, target_for
from .jobs import new_job, ticket_payload


def resolve_target(s, rt, target, kiosk=None):
    """An explicit target ('local' or a kiosk id), else the kiosk's agent, else local."""
    refresh(rt, s, force=True)
    if target:
        if target == LOCAL:
            if not printer_configured():
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
        resolved = resolve_target(s, rt, target, ticket.kiosk_id)
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
        job = new_job(s, ticket.id, "reprint", resolved, ticket_payload(rt, data), now)
        log_event(
            s,
            "print.reprint",
            f"In lại vé {ticket.code}",
            {"ticket": ticket.id, "job": job.id, "target": resolved},
            user["id"] if user else None,
        )
        result = job_dict(job)
    rt.notify(resolved)
    return result


def print_sample(user=None, target=None):
    """A sample ticket through the real queue and worker (checks the whole path)."""
    rt = runtime()
    now = utcnow()
    cfg = current_app.config
    with get_db().write() as s:
        resolved = resolve_target(s, rt, target or LOCAL)
        payload = sample_payload(
            cfg["CENTRE_NAME"],
            cfg["COMMUNE_NAME"],
            cfg.get("HOTLINE") or "",
            (queue_queries.request_base_url() or "http://qms.local") + "/kiosk",
        )
        payload["issued_at"] = iso(now)
        job = new_job(s, None, "test", resolved, payload, now)
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


def print_slip(payload, user=None):
    """A paper dossier's appointment slip (giấy hẹn) on the server's ticket printer.

    Job kind "slip", no ticket; payload "layout": "slip" tells the worker to draw a slip
    (print_agent.payload.render_payload). Kiosk agents do not print slips yet: local only."""
    rt = runtime()
    now = utcnow()
    with get_db().write() as s:
        resolved = resolve_target(s, rt, LOCAL)
        job = new_job(s, None, "slip", resolved, {**payload, "layout": "slip"}, now)
        log_event(
            s,
            "print.slip",
            f"In giấy hẹn {payload.get('code', '')}",
            {"job": job.id, "target": resolved},
            user["id"] if user else None,
        )
        result = job_dict(job)
    rt.notify(resolved)
    return result

"""An incident's life: report, tick the checklist, note, escalate, resolve, close; confirm or
dismiss a suspected one; record the switch to paper reception."""

from datetime import datetime

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.incidents.inputs import clean_text, parse_local_datetime
from qms.incidents.models import Incident, IncidentType
from qms.incidents.operations.notices import forget_notice, withdraw_forgotten
from qms.incidents.operations.timeline import (
    changed,
    load,
    record,
    require_open,
    user_id,
    user_name,
)
from qms.incidents.queries import get_incident
from qms.models import utcnow

CHANNELS = {
    "phone": "Điện thoại",
    "zalo": "Zalo",
    "email": "Email",
    "in_person": "Trực tiếp",
    "document": "Công văn",
    "other": "Khác",
}


def report_incident(
    type_code,
    description="",
    user=None,
    occurred_at=None,
    scope="",
    is_drill=False,
    source_key=None,
    is_automatic=False,
    needs_confirmation=False,
    action="reported",
):
    description = clean_text(description, "description", 2000, required=False)
    scope = clean_text(scope, "scope", 200, required=False)
    occurred = (
        occurred_at
        if isinstance(occurred_at, datetime)
        else parse_local_datetime(occurred_at, "occurred_at")
    )
    now = utcnow()
    with get_db().write() as s:
        kind = s.get(IncidentType, str(type_code))
        if kind is None or not kind.is_active:
            raise NotFound(
                f"Không có loại sự cố '{type_code}'. Unknown incident type.",
                "unknown_type",
                field="type",
            )
        incident = Incident(
            type_code=kind.code,
            status="reported",
            description=description,
            scope=scope,
            source_key=source_key,
            is_drill=bool(is_drill),
            is_automatic=is_automatic,
            needs_confirmation=needs_confirmation,
            occurred_dt=occurred or now,
            reported_dt=now,
            reporter_id=user_id(user),
            reporter_name=user_name(user),
            checklist=[
                {"text": step, "done": False, "done_dt": None, "done_by": None}
                for step in kind.steps
            ],
            escalations=[],
            resolution="",
            outcome="",
        )
        s.add(incident)
        s.flush()
        label = "Diễn tập: " if incident.is_drill else ""
        record(
            s,
            incident,
            "reported",
            f"{label}Báo sự cố {kind.code} {kind.title}",
            {"description": description, "scope": scope, "automatic": is_automatic},
            user,
        )
        incident_id = incident.id
    return changed(incident_id, action)


def tick_step(incident_id, n, done, user):
    done = bool(done)
    with get_db().write() as s:
        incident = load(s, incident_id)
        require_open(incident)
        checklist = [dict(step) for step in incident.checklist]
        if not 1 <= n <= len(checklist):
            raise NotFound("Không có bước này. Unknown step.", "unknown_step", step=n)
        step = checklist[n - 1]
        is_change = step["done"] != done
        if is_change:
            step["done"] = done
            step["done_dt"] = utcnow().isoformat(timespec="seconds") if done else None
            step["done_by"] = user_name(user) if done else None
            incident.checklist = checklist  # a new list: JSON columns track assignment only
            if done and incident.status == "reported":
                incident.status = "handling"
            verb = "Đã làm" if done else "Bỏ đánh dấu"
            kind = "step_done" if done else "step_undone"
            record(s, incident, kind, f"{verb} bước {n}: {step['text']}", {"step": n}, user)
    if not is_change:  # ticking twice is harmless: it writes and signals nothing
        return get_incident(incident_id)
    return changed(incident_id, "step")


def add_note(incident_id, text, user):
    text = clean_text(text, "text", 2000)
    with get_db().write() as s:
        incident = load(s, incident_id)
        if incident.status == "closed":
            raise Conflict("Sự cố đã đóng. The incident is closed.", "incident_closed")
        record(s, incident, "note", text[:300], {"text": text}, user)
    return changed(incident_id, "note")


def escalate(incident_id, to, channel, note="", user=None, at=None):
    to = clean_text(to, "to", 200)
    note = clean_text(note, "note", 1000, required=False)
    if channel not in CHANNELS:
        raise Invalid(
            f"Hình thức liên hệ không hợp lệ. Channel must be one of {', '.join(CHANNELS)}.",
            "invalid_channel",
            field="channel",
        )
    when = at if isinstance(at, datetime) else parse_local_datetime(at, "at")
    when = when or utcnow()
    with get_db().write() as s:
        incident = load(s, incident_id)
        require_open(incident)
        entry = {
            "to": to,
            "channel": channel,
            "note": note,
            "at": when.isoformat(timespec="seconds"),
            "by": user_name(user),
        }
        incident.escalations = [*incident.escalations, entry]
        if incident.escalated_dt is None:
            incident.escalated_dt = when
        incident.status = "escalated"
        record(s, incident, "escalated", f"Chuyển cấp: {to} ({CHANNELS[channel]})", entry, user)
    return changed(incident_id, "escalated")


def resolve(incident_id, resolution, user=None, at=None, automatic=False):
    resolution = clean_text(resolution, "resolution", 2000)
    when = at if isinstance(at, datetime) else parse_local_datetime(at, "resolved_at")
    when = when or utcnow()
    with get_db().write() as s:
        incident = load(s, incident_id)
        require_open(incident)
        if when < incident.occurred_dt:
            raise Invalid(
                "Thời điểm khắc phục trước thời điểm xảy ra. Resolved before it occurred.",
                "resolved_before_occurred",
                field="resolved_at",
            )
        incident.status = "resolved"
        incident.resolution = resolution
        incident.resolved_dt = when
        incident.resolved_by_id = user_id(user)
        incident.outcome = "fixed"
        had_notice = forget_notice(incident)
        record(
            s,
            incident,
            "resolved",
            f"Đã khắc phục: {resolution}",
            {"resolution": resolution, "automatic": automatic, "notice_withdrawn": had_notice},
            user,
        )
    withdraw_forgotten(incident_id, had_notice)
    return changed(incident_id, "resolved")


def close(incident_id, user=None):
    with get_db().write() as s:
        incident = load(s, incident_id)
        if incident.status != "resolved":
            raise Conflict(
                "Chỉ đóng được sự cố đã khắc phục. Resolve the incident before closing it.",
                "incident_not_resolved",
            )
        incident.status = "closed"
        incident.closed_dt = utcnow()
        had_notice = forget_notice(incident)
        record(s, incident, "closed", "Đóng sự cố (ghi sổ)", {}, user)
    withdraw_forgotten(incident_id, had_notice)
    return changed(incident_id, "closed")


def confirm(incident_id, user=None):
    with get_db().write() as s:
        incident = load(s, incident_id)
        if not incident.needs_confirmation:
            raise Conflict("Sự cố không cần xác nhận. Nothing to confirm.", "nothing_to_confirm")
        incident.needs_confirmation = False
        record(s, incident, "confirmed", "Xác nhận đây là sự cố thật", {}, user)
    return changed(incident_id, "confirmed")


def dismiss(incident_id, reason="", user=None):
    """Close as not-an-incident (e.g. an unclean restart that was not a power cut)."""
    reason = clean_text(reason, "reason", 500, required=False)
    with get_db().write() as s:
        incident = load(s, incident_id)
        require_open(incident)
        now = utcnow()
        incident.status = "closed"
        incident.outcome = "dismissed"
        incident.needs_confirmation = False
        incident.resolution = "Không phải sự cố" + (f": {reason}" if reason else "")
        incident.resolved_dt = now
        incident.closed_dt = now
        had_notice = forget_notice(incident)
        record(s, incident, "dismissed", incident.resolution, {"reason": reason}, user)
    withdraw_forgotten(incident_id, had_notice)
    return changed(incident_id, "dismissed")


def start_paper_reception(incident_id, user=None):
    """The plan's general process: a lasting incident moves reception to paper for a while."""
    with get_db().write() as s:
        incident = load(s, incident_id)
        require_open(incident)
        if incident.paper_dt is not None:
            raise Conflict(
                "Đã chuyển sang tiếp nhận hồ sơ giấy. Paper reception already started.",
                "paper_already",
            )
        incident.paper_dt = utcnow()
        record(
            s, incident, "paper_reception", "Chuyển sang tiếp nhận hồ sơ giấy tạm thời", {}, user
        )
    return changed(incident_id, "paper_reception")

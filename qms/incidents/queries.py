"""Incident reads, and the one serializer of each resource: incident type, incident, timeline
entry, attachment. Nothing here writes: the catalogue is seeded by migration 0004 and
`qms init`, never by a read."""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from qms.auth.models import User
from qms.errors import NotFound
from qms.extensions import get_db
from qms.incidents.contacts import contact_dict
from qms.incidents.files import root
from qms.incidents.models import (
    OPEN_STATUSES,
    STATUSES,
    Incident,
    IncidentAttachment,
    IncidentDrill,
    IncidentEvent,
    IncidentQuarterNote,
    IncidentType,
)
from qms.models import Notice, utcnow
from qms.timeutil import iso, utc_from_local_date

STATUS_LABELS = {
    "reported": ("Mới báo", "Reported"),
    "handling": ("Đang xử lý", "Handling"),
    "escalated": ("Đã chuyển cấp", "Escalated"),
    "resolved": ("Đã khắc phục", "Resolved"),
    "closed": ("Đã đóng", "Closed"),
}
CATEGORY_LABELS = {"simple": ("Sự cố đơn giản", "Simple"), "complex": ("Sự cố phức tạp", "Complex")}


# --- serializers: one per resource --------------------------------------------------------------


def type_dict(item):
    """An incident type of the catalogue, alone or inside an incident."""
    return {
        "code": item.code,
        "title": item.title,
        "title_en": item.title_en,
        "category": item.category,
        "symptoms": item.symptoms,
        "steps": list(item.steps or []),
        "responsible": item.responsible,
        "contacts": [contact_dict(c) for c in item.contacts or []],
        "position": item.position,
        "active": item.is_active,
    }


def _iso_utc_text(text):
    """Timestamps kept inside JSON columns are naive UTC ISO strings."""
    return iso(datetime.fromisoformat(text)) if text else None


def minutes_between(start, end):
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds() / 60))


def paper_after_minutes():
    return int(current_app.config["INCIDENT_PAPER_AFTER_MINUTES"])


NOT_LOOKED_UP = object()


def incident_dict(incident, kind, now=None, notice=NOT_LOOKED_UP, timeline=None, attachments=None):
    """An incident. `notice`: its Notice row (None when gone) if looked up; the book does not,
    its notices say active: null. `timeline`, `attachments`: given for one incident."""
    now = now or utcnow()
    is_open = incident.status in OPEN_STATUSES
    end = incident.resolved_dt or (None if not is_open else now)
    open_minutes = minutes_between(incident.occurred_dt, end) if end else None
    data = {
        "id": incident.id,
        "type": type_dict(kind),
        "status": incident.status,
        "is_open": is_open,
        "description": incident.description,
        "scope": incident.scope,
        "source_key": incident.source_key,
        "is_drill": incident.is_drill,
        "is_automatic": incident.is_automatic,
        "needs_confirmation": incident.needs_confirmation,
        "occurred_at": iso(incident.occurred_dt),
        "reported_at": iso(incident.reported_dt),
        "reporter": {"id": incident.reporter_id, "name": incident.reporter_name},
        "checklist": [
            {
                "n": n,
                "text": step["text"],
                "done": bool(step.get("done")),
                "done_at": _iso_utc_text(step.get("done_dt")),
                "done_by": step.get("done_by"),
            }
            for n, step in enumerate(incident.checklist or [], start=1)
        ],
        "escalations": [
            {**entry, "at": _iso_utc_text(entry.get("at"))} for entry in incident.escalations or []
        ],
        "escalated_at": iso(incident.escalated_dt),
        "resolution": incident.resolution,
        "resolved_at": iso(incident.resolved_dt),
        "closed_at": iso(incident.closed_dt),
        "outcome": incident.outcome or None,
        "duration_minutes": minutes_between(incident.occurred_dt, incident.resolved_dt),
        "open_minutes": open_minutes,
        "notice": _notice_dict(incident, notice),
        "suggest_escalation": (
            is_open
            and kind.category == "complex"
            and not incident.escalations
            and not incident.needs_confirmation
        ),
        "paper_since": iso(incident.paper_dt),
        "suggest_paper": bool(
            is_open
            and incident.paper_dt is None
            and open_minutes is not None
            and open_minutes >= paper_after_minutes()
        ),
    }
    if timeline is not None:
        data["timeline"] = timeline
    if attachments is not None:
        data["attachments"] = attachments
    return data


def _notice_dict(incident, notice):
    if incident.notice_id is None:
        return None
    if notice is NOT_LOOKED_UP:
        return {"id": incident.notice_id, "active": None}
    if notice is None or not notice.is_active:
        return {"id": incident.notice_id, "active": False}
    return {"id": incident.notice_id, "active": True, "text": notice.text_vi}


def event_dict(event, user_names):
    """One timeline entry; user_names maps user id → the name shown."""
    return {
        "id": event.id,
        "kind": event.kind,
        "at": iso(event.event_dt),
        "user": user_names.get(event.user_id) if event.user_id else None,
        "summary": event.summary,
        "data": event.data,
    }


def attachment_dict(item):
    return {
        "id": item.id,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "uploaded_at": iso(item.uploaded_dt),
        "url": f"/api/v1/incidents/{item.incident_id}/attachments/{item.id}",
    }


def drill_dict(drill):
    """A drill and its report (the steps `qms drill` went through)."""
    steps = list(drill.steps or [])
    return {
        "id": drill.id,
        "title": drill.title,
        "status": drill.status,
        "outcome": drill.outcome or None,
        "started_at": iso(drill.started_dt),
        "finished_at": iso(drill.finished_dt),
        "minutes": minutes_between(drill.started_dt, drill.finished_dt),
        "steps": steps,
        "steps_passed": sum(1 for step in steps if step.get("ok") is True),
        "steps_failed": sum(1 for step in steps if step.get("ok") is False),
        "steps_skipped": sum(1 for step in steps if step.get("ok") is None),
        "created": dict(drill.created or {}),
        "summary": drill.summary,
    }


def drills_between(start, end):
    """Drills started in [start, end) (UTC), oldest first."""
    with get_db().read() as s:
        items = s.scalars(
            select(IncidentDrill)
            .where(IncidentDrill.started_dt >= start, IncidentDrill.started_dt < end)
            .order_by(IncidentDrill.started_dt, IncidentDrill.id)
        )
        return [drill_dict(d) for d in items]


def get_drill(drill_id):
    with get_db().read() as s:
        drill = s.get(IncidentDrill, drill_id)
        return drill_dict(drill) if drill else None


# --- the catalogue ------------------------------------------------------------------------------


def _code_key(code):
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def incident_types(active_only=False):
    with get_db().read() as s:
        stmt = select(IncidentType)
        if active_only:
            stmt = stmt.where(IncidentType.is_active.is_(True))
        items = [type_dict(t) for t in s.scalars(stmt)]
    return sorted(items, key=lambda t: _code_key(t["code"]))


def get_type(code):
    with get_db().read() as s:
        item = s.get(IncidentType, code)
        return type_dict(item) if item else None


# --- incidents ----------------------------------------------------------------------------------


def _rows(s, stmt):
    now = utcnow()
    types = {t.code: t for t in s.scalars(select(IncidentType))}
    return [incident_dict(i, types[i.type_code], now) for i in s.scalars(stmt)]


def list_incidents(
    status=None, type_code=None, date_from=None, date_to=None, drill=None, limit=500
):
    """status: 'open', 'closed' (resolved or closed) or one status; dates are local days."""
    stmt = select(Incident)
    if status == "open":
        stmt = stmt.where(Incident.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(Incident.status.in_(("resolved", "closed")))
    elif status in STATUSES:
        stmt = stmt.where(Incident.status == status)
    if type_code:
        stmt = stmt.where(Incident.type_code == type_code)
    if date_from:
        stmt = stmt.where(Incident.occurred_dt >= utc_from_local_date(date_from))
    if date_to:
        stmt = stmt.where(Incident.occurred_dt < utc_from_local_date(date_to, end=True))
    if drill is not None:
        stmt = stmt.where(Incident.is_drill.is_(bool(drill)))
    stmt = stmt.order_by(Incident.occurred_dt.desc(), Incident.id.desc()).limit(limit)
    with get_db().read() as s:
        rows = _rows(s, stmt)
    # open incidents first, newest first within each group
    return sorted(rows, key=lambda r: not r["is_open"])


def get_incident(incident_id, with_timeline=True):
    """One incident: with its timeline and attachments (GET /incidents/<id> and the answer of
    every write), or without (the incident_changed signal, like a row of the book)."""
    with get_db().read() as s:
        incident = s.get(Incident, incident_id)
        if incident is None:
            return None
        kind = s.get(IncidentType, incident.type_code)
        notice = s.get(Notice, incident.notice_id) if incident.notice_id is not None else None
        if not with_timeline:
            return incident_dict(incident, kind, notice=notice)
        return incident_dict(
            incident,
            kind,
            notice=notice,
            timeline=timeline(s, incident_id),
            attachments=attachments_of(s, incident_id),
        )


def timeline(s, incident_id):
    names = {
        user_id: full_name or username
        for user_id, full_name, username in s.execute(
            select(User.id, User.full_name, User.username)
        )
    }
    events = s.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.event_dt, IncidentEvent.id)
    )
    return [event_dict(e, names) for e in events]


def attachments_of(s, incident_id):
    items = s.scalars(
        select(IncidentAttachment)
        .where(IncidentAttachment.incident_id == incident_id)
        .order_by(IncidentAttachment.id)
    )
    return [attachment_dict(a) for a in items]


def attachment_file(incident_id, attachment_id):
    """(path, filename, content_type) of one attachment, or NotFound."""
    with get_db().read() as s:
        item = s.get(IncidentAttachment, attachment_id)
        if item is None or item.incident_id != incident_id or s.get(Incident, incident_id) is None:
            raise NotFound("Không có tệp này. Unknown attachment.", "unknown_attachment")
        path = root() / str(incident_id) / item.stored_name
        if not path.is_file():
            raise NotFound("Tệp đã bị xóa khỏi máy chủ. File missing.", "attachment_missing")
        return path, item.filename, item.content_type


def open_count():
    with get_db().read() as s:
        return len(s.scalars(select(Incident.id).where(Incident.status.in_(OPEN_STATUSES))).all())


def incidents_between(date_from, date_to):
    """Every incident that occurred in [date_from, date_to] (local days), oldest first."""
    stmt = (
        select(Incident)
        .where(
            Incident.occurred_dt >= utc_from_local_date(date_from),
            Incident.occurred_dt < utc_from_local_date(date_to, end=True),
        )
        .order_by(Incident.occurred_dt, Incident.id)
    )
    with get_db().read() as s:
        return _rows(s, stmt)


# --- the quarter --------------------------------------------------------------------------------


def quarter_note(year, quarter):
    with get_db().read() as s:
        note = s.get(IncidentQuarterNote, (year, quarter))
        if note is None:
            return {"proposals": "", "number": "", "updated_at": None}
        return {
            "proposals": note.proposals,
            "number": note.number,
            "updated_at": iso(note.updated_dt),
        }


def quarter_bounds(year, quarter):
    first = date(year, 3 * (quarter - 1) + 1, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, last - timedelta(days=1)

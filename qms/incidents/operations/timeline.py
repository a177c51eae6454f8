"""The audited timeline every incident write shares: load the incident, add one row per change,
and after the commit tell listeners (incident_changed) and answer with the incident."""

from flask import current_app

from qms import signals
from qms.errors import Conflict, NotFound
from qms.incidents.models import OPEN_STATUSES, Incident, IncidentEvent
from qms.incidents.queries import get_incident
from qms.models import log_event, utcnow

SYSTEM_NAME = "Hệ thống (tự động)"


def record(s, incident, kind, summary, data=None, user=None, at=None):
    """One audit row per change: the incident's timeline and the centre's log."""
    s.add(
        IncidentEvent(
            incident_id=incident.id,
            kind=kind,
            event_dt=at or utcnow(),
            user_id=user_id(user),
            summary=summary[:300],
            data=data or {},
        )
    )
    log_event(
        s,
        f"incident.{kind}",
        f"#{incident.id} {summary}",
        {"incident": incident.id},
        user_id(user),
    )


def changed(incident_id, action):
    """After the commit: incident_changed carries the incident as the book lists it; the answer
    is the incident as GET /incidents/<id> gives it."""
    signals.incident_changed.send(
        current_app._get_current_object(),
        incident=get_incident(incident_id, with_timeline=False),
        action=action,
    )
    return get_incident(incident_id)


def load(s, incident_id):
    incident = s.get(Incident, incident_id)
    if incident is None:
        raise NotFound("Không có sự cố này. Unknown incident.", "unknown_incident")
    return incident


def require_open(incident):
    if incident.status not in OPEN_STATUSES:
        raise Conflict(
            "Sự cố đã được khắc phục hoặc đã đóng. The incident is no longer open.",
            "incident_not_open",
        )


def user_id(user):
    return user["id"] if user else None


def user_name(user):
    if not user:
        return SYSTEM_NAME
    return user.get("name") or user.get("username") or ""

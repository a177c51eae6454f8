"""An incident's public notice on displays and kiosks, through qms.notices (its one writer):
at most one per incident, withdrawn when the incident is resolved, closed or dismissed."""

from qms.extensions import get_db
from qms.incidents.inputs import clean_text
from qms.incidents.operations.timeline import changed, load, record, require_open, user_id
from qms.notices import publish_notice, withdraw_notice

SOURCE = "incident"


def forget_notice(incident):
    """Inside the transaction that ends an incident: True when a notice must be withdrawn."""
    had = incident.notice_id is not None
    incident.notice_id = None
    return had


def withdraw_forgotten(incident_id, had_notice):
    """After that transaction commits: withdraw the notice forget_notice() reported."""
    if had_notice:
        withdraw_notice(source=SOURCE, source_ref=str(incident_id))


def publish_incident_notice(incident_id, text, user=None):
    text = clean_text(text, "text", 300)
    with get_db().read() as s:
        require_open(load(s, incident_id))
    withdraw_notice(source=SOURCE, source_ref=str(incident_id))  # one notice per incident
    notice_id = publish_notice(
        text, "", source=SOURCE, source_ref=str(incident_id), user_id=user_id(user)
    )
    with get_db().write() as s:
        incident = load(s, incident_id)
        incident.notice_id = notice_id
        record(
            s,
            incident,
            "notice_published",
            f"Thông báo công khai: {text}",
            {"notice": notice_id, "text": text},
            user,
        )
    return changed(incident_id, "notice")


def withdraw_incident_notice(incident_id, user=None):
    with get_db().read() as s:
        load(s, incident_id)
    count = withdraw_notice(source=SOURCE, source_ref=str(incident_id))
    with get_db().write() as s:
        incident = load(s, incident_id)
        incident.notice_id = None
        record(s, incident, "notice_withdrawn", "Gỡ thông báo công khai", {"count": count}, user)
    return changed(incident_id, "notice")

"""Incident JSON routes (staff only): the catalogue, one incident's life, its attachments.

Every answer about an incident is queries.get_incident's: the writes answer what
GET /incidents/<id> gives. The book's export and the quarterly report are in api_reports.
"""

from flask import g, request, send_file

from qms.errors import NotFound
from qms.incidents import queries
from qms.incidents.inputs import parse_list_args
from qms.incidents.models import STATUSES
from qms.incidents.operations import attachments, catalogue, lifecycle, notices
from qms.roles import TECHNICAL
from qms.web.routes import api_route

TAG = "incidents"

REPORT_BODY = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "maxLength": 10, "description": "catalogue code, e.g. 2.1"},
        "description": {"type": ["string", "null"], "maxLength": 2000},
        "occurred_at": {
            "type": ["string", "null"],
            "maxLength": 40,
            "description": "local date-time, e.g. 2026-11-22T08:30; default now",
        },
        "scope": {"type": ["string", "null"], "maxLength": 200, "description": "device, counter…"},
        "is_drill": {"type": "boolean", "default": False},
    },
}
STEP_BODY = {"type": "object", "properties": {"done": {"type": "boolean", "default": True}}}
NOTE_BODY = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "maxLength": 2000}},
}
ESCALATE_BODY = {
    "type": "object",
    "required": ["to", "channel"],
    "properties": {
        "to": {
            "type": "string",
            "maxLength": 200,
            "description": "unit or person, e.g. VNPT Nghệ An",
        },
        "channel": {"type": "string", "enum": list(lifecycle.CHANNELS)},
        "note": {"type": ["string", "null"], "maxLength": 1000},
        "at": {"type": ["string", "null"], "maxLength": 40, "description": "default now"},
    },
}
RESOLVE_BODY = {
    "type": "object",
    "required": ["resolution"],
    "properties": {
        "resolution": {"type": "string", "maxLength": 2000},
        "resolved_at": {"type": ["string", "null"], "maxLength": 40, "description": "default now"},
    },
}
DISMISS_BODY = {
    "type": "object",
    "properties": {"reason": {"type": ["string", "null"], "maxLength": 500}},
}
NOTICE_BODY = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "maxLength": 300}},
}
TYPE_FIELDS = {
    "title": {"type": "string", "maxLength": 200},
    "title_en": {"type": ["string", "null"], "maxLength": 200},
    "category": {"type": "string", "enum": ["simple", "complex"]},
    "symptoms": {"type": ["string", "null"], "maxLength": 2000},
    "steps": {"type": ["array", "null"], "description": "ordered handling steps"},
    "responsible": {"type": ["string", "null"], "maxLength": 2000},
    "contacts": {
        "type": ["array", "null"],
        "description": 'who to call: [{"name", "phone"}] or lines "name | phone"',
    },
    "active": {"type": ["boolean", "null"]},
    "position": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000},
}
TYPE_CREATE_BODY = {
    "type": "object",
    "required": ["code", "title", "category"],
    "properties": {"code": {"type": "string", "maxLength": 10}, **TYPE_FIELDS},
}
TYPE_UPDATE_BODY = {"type": "object", "properties": TYPE_FIELDS}
LIST_QUERY = {
    "status": {"type": "string", "enum": ["open", "closed", "all", *STATUSES]},
    "type": {"type": "string"},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
    "drill": {"type": "string", "enum": ["only", "exclude", "all"]},
}


def _type_data(data):
    data = dict(data)
    if "active" in data:
        data["is_active"] = data.pop("active")
    return {k: v for k, v in data.items() if v is not None}


# --- catalogue --------------------------------------------------------------------------------


@api_route(
    "/incident-types", summary="The contingency plan's incident types", roles=(), tag=TAG, many=True
)
def incident_types_list():
    return queries.incident_types(active_only=request.args.get("active") == "1")


@api_route(
    "/incident-types",
    ["POST"],
    summary="Add an incident type (e.g. 2.10)",
    roles=TECHNICAL,
    body=TYPE_CREATE_BODY,
    tag=TAG,
    status=201,
)
def incident_type_create(data):
    code = catalogue.create_type(_type_data(data), g.user)
    return queries.get_type(code)


@api_route(
    "/incident-types/<code>",
    ["POST"],
    summary="Edit an incident type: title, steps, contacts…",
    roles=TECHNICAL,
    body=TYPE_UPDATE_BODY,
    tag=TAG,
)
def incident_type_update(code, data):
    catalogue.update_type(code, _type_data(data), g.user)
    return queries.get_type(code)


# --- incidents --------------------------------------------------------------------------------


@api_route(
    "/incidents",
    summary="The incident book: open ones first; filters status/type/from/to/drill",
    roles=(),
    query=LIST_QUERY,
    tag=TAG,
    many=True,
)
def incidents_list():
    return queries.list_incidents(**parse_list_args(request.args))


@api_route(
    "/incidents",
    ["POST"],
    summary="Report an incident",
    roles=(),
    body=REPORT_BODY,
    tag=TAG,
    status=201,
    responses={404: "unknown type", 422: "bad time or field"},
)
def incident_report(data):
    return lifecycle.report_incident(
        data["type"],
        data.get("description") or "",
        user=g.user,
        occurred_at=data.get("occurred_at"),
        scope=data.get("scope") or "",
        is_drill=data.get("is_drill") or False,
    )


@api_route(
    "/incidents/<int:incident_id>",
    summary="One incident with checklist and timeline",
    roles=(),
    tag=TAG,
)
def incident_get(incident_id):
    incident = queries.get_incident(incident_id)
    if incident is None:
        raise NotFound("Không có sự cố này. Unknown incident.", "unknown_incident")
    return incident


@api_route(
    "/incidents/<int:incident_id>/steps/<int:n>",
    ["POST"],
    summary="Tick (or untick with done=false) handling step n",
    roles=(),
    body=STEP_BODY,
    tag=TAG,
)
def incident_step(incident_id, n, data):
    return lifecycle.tick_step(incident_id, n, data.get("done", True), g.user)


@api_route(
    "/incidents/<int:incident_id>/notes",
    ["POST"],
    summary="Add a note",
    roles=(),
    body=NOTE_BODY,
    tag=TAG,
    status=201,
)
def incident_note(incident_id, data):
    return lifecycle.add_note(incident_id, data["text"], g.user)


@api_route(
    "/incidents/<int:incident_id>/escalate",
    ["POST"],
    summary="Escalate: to whom, how (phone, zalo, email, in_person…), when (any staff: the "
    "plan lets an officer or leadership escalate)",
    roles=(),
    body=ESCALATE_BODY,
    tag=TAG,
)
def incident_escalate(incident_id, data):
    return lifecycle.escalate(
        incident_id, data["to"], data["channel"], data.get("note") or "", g.user, data.get("at")
    )


@api_route(
    "/incidents/<int:incident_id>/resolve",
    ["POST"],
    summary="Mark resolved (withdraws its public notice)",
    roles=TECHNICAL,
    body=RESOLVE_BODY,
    tag=TAG,
)
def incident_resolve(incident_id, data):
    return lifecycle.resolve(incident_id, data["resolution"], g.user, data.get("resolved_at"))


@api_route(
    "/incidents/<int:incident_id>/close",
    ["POST"],
    summary="Close a resolved incident",
    roles=TECHNICAL,
    tag=TAG,
)
def incident_close(incident_id):
    return lifecycle.close(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/confirm",
    ["POST"],
    summary="Confirm an automatically suspected incident (e.g. power outage)",
    roles=(),
    tag=TAG,
)
def incident_confirm(incident_id):
    return lifecycle.confirm(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/dismiss",
    ["POST"],
    summary="Close as not an incident",
    roles=TECHNICAL,
    body=DISMISS_BODY,
    tag=TAG,
)
def incident_dismiss(incident_id, data):
    return lifecycle.dismiss(incident_id, data.get("reason") or "", g.user)


@api_route(
    "/incidents/<int:incident_id>/paper",
    ["POST"],
    summary="Record the switch to temporary paper reception (tiếp nhận hồ sơ giấy tạm thời)",
    roles=TECHNICAL,
    tag=TAG,
)
def incident_paper(incident_id):
    return lifecycle.start_paper_reception(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/notice",
    ["POST"],
    summary="Publish a short notice to displays and kiosks",
    roles=TECHNICAL,
    body=NOTICE_BODY,
    tag=TAG,
)
def incident_notice(incident_id, data):
    return notices.publish_incident_notice(incident_id, data["text"], g.user)


@api_route(
    "/incidents/<int:incident_id>/notice/withdraw",
    ["POST"],
    summary="Withdraw the incident's public notice",
    roles=TECHNICAL,
    tag=TAG,
)
def incident_notice_withdraw(incident_id):
    return notices.withdraw_incident_notice(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/attachments",
    ["POST"],
    summary="Attach a photo or PDF (multipart field 'file'; INCIDENT_ATTACHMENT_MAX_BYTES)",
    roles=(),
    tag=TAG,
    status=201,
    responses={413: "file too large", 422: "not an image or PDF"},
)
def incident_attachment_add(incident_id):
    return attachments.add_attachment(incident_id, request.files.get("file"), g.user)


@api_route(
    "/incidents/<int:incident_id>/attachments/<int:attachment_id>",
    summary="Download an attachment",
    roles=(),
    tag=TAG,
)
def incident_attachment_get(incident_id, attachment_id):
    path, filename, content_type = queries.attachment_file(incident_id, attachment_id)
    response = send_file(path, mimetype=content_type, download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response

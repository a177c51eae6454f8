"""Incident JSON routes (staff only): parse, call an operation, serialise."""

from flask import Response, g, request

from qms.api import api_route, query_date
from qms.errors import Invalid, NotFound
from qms.incidents import operations, queries, reports
from qms.incidents.models import STATUSES

HANDLERS = ("it", "leader")  # escalate, resolve, close, notices, catalogue (admin always passes)
LEADERS = ("leader",)
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
        "channel": {"type": "string", "enum": list(operations.CHANNELS)},
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
    "contacts": {"type": ["array", "null"]},
    "active": {"type": ["boolean", "null"]},
    "position": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000},
}
TYPE_CREATE_BODY = {
    "type": "object",
    "required": ["code", "title", "category"],
    "properties": {"code": {"type": "string", "maxLength": 10}, **TYPE_FIELDS},
}
TYPE_UPDATE_BODY = {"type": "object", "properties": TYPE_FIELDS}
PROPOSALS_BODY = {
    "type": "object",
    "required": ["year", "quarter"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "quarter": {"type": "integer", "minimum": 1, "maximum": 4},
        "proposals": {"type": ["string", "null"], "maxLength": 5000},
        "number": {"type": ["string", "null"], "maxLength": 40, "description": "report number"},
    },
}
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


def _found(incident):
    if incident is None:
        raise NotFound("Không có sự cố này. Unknown incident.", "unknown_incident")
    return incident


# --- catalogue --------------------------------------------------------------------------------


@api_route("/incident-types", summary="The contingency plan's incident types", roles=(), tag=TAG)
def incident_types_list():
    return queries.incident_types(active_only=request.args.get("active") == "1")


@api_route(
    "/incident-types",
    ["POST"],
    summary="Add an incident type (e.g. 2.10)",
    roles=HANDLERS,
    body=TYPE_CREATE_BODY,
    tag=TAG,
    status=201,
)
def incident_type_create(data):
    code = operations.create_type(_type_data(data), g.user)
    return queries.get_type(code)


@api_route(
    "/incident-types/<code>",
    ["POST"],
    summary="Edit an incident type: title, steps, contacts…",
    roles=HANDLERS,
    body=TYPE_UPDATE_BODY,
    tag=TAG,
)
def incident_type_update(code, data):
    operations.update_type(code, _type_data(data), g.user)
    return queries.get_type(code)


# --- incidents --------------------------------------------------------------------------------


def parse_drill(raw):
    if raw in (None, "", "all"):
        return None
    if raw in ("only", "1", "true"):
        return True
    if raw in ("exclude", "0", "false"):
        return False
    raise Invalid(
        "'drill' phải là only, exclude hoặc all. Invalid 'drill'.", "invalid_value", field="drill"
    )


def parse_list_args(args):
    status = args.get("status") or None
    if status and status not in ("open", "closed", "all", *STATUSES):
        raise Invalid("Trạng thái không hợp lệ. Invalid status.", "invalid_value", field="status")
    return {
        "status": None if status == "all" else status,
        "type_code": args.get("type") or None,
        "date_from": query_date("from"),
        "date_to": query_date("to"),
        "drill": parse_drill(args.get("drill")),
    }


@api_route(
    "/incidents",
    summary="The incident book: open ones first; filters status/type/from/to/drill",
    roles=(),
    query=LIST_QUERY,
    tag=TAG,
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
    return operations.report_incident(
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
    return _found(queries.get_incident(incident_id))


@api_route(
    "/incidents/<int:incident_id>/steps/<int:n>",
    ["POST"],
    summary="Tick (or untick with done=false) handling step n",
    roles=(),
    body=STEP_BODY,
    tag=TAG,
)
def incident_step(incident_id, n, data):
    return operations.tick_step(incident_id, n, data.get("done", True), g.user)


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
    return operations.add_note(incident_id, data["text"], g.user)


@api_route(
    "/incidents/<int:incident_id>/escalate",
    ["POST"],
    summary="Escalate: to whom, how (phone, zalo, email, in_person…), when",
    roles=HANDLERS,
    body=ESCALATE_BODY,
    tag=TAG,
)
def incident_escalate(incident_id, data):
    return operations.escalate(
        incident_id, data["to"], data["channel"], data.get("note") or "", g.user, data.get("at")
    )


@api_route(
    "/incidents/<int:incident_id>/resolve",
    ["POST"],
    summary="Mark resolved (withdraws its public notice)",
    roles=HANDLERS,
    body=RESOLVE_BODY,
    tag=TAG,
)
def incident_resolve(incident_id, data):
    return operations.resolve(incident_id, data["resolution"], g.user, data.get("resolved_at"))


@api_route(
    "/incidents/<int:incident_id>/close",
    ["POST"],
    summary="Close a resolved incident",
    roles=HANDLERS,
    tag=TAG,
)
def incident_close(incident_id):
    return operations.close(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/confirm",
    ["POST"],
    summary="Confirm an automatically suspected incident (e.g. power outage)",
    roles=(),
    tag=TAG,
)
def incident_confirm(incident_id):
    return operations.confirm(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/dismiss",
    ["POST"],
    summary="Close as not an incident",
    roles=HANDLERS,
    body=DISMISS_BODY,
    tag=TAG,
)
def incident_dismiss(incident_id, data):
    return operations.dismiss(incident_id, data.get("reason") or "", g.user)


@api_route(
    "/incidents/<int:incident_id>/paper",
    ["POST"],
    summary="Record the switch to temporary paper reception (tiếp nhận hồ sơ giấy tạm thời)",
    roles=HANDLERS,
    tag=TAG,
)
def incident_paper(incident_id):
    return operations.start_paper_reception(incident_id, g.user)


@api_route(
    "/incidents/<int:incident_id>/notice",
    ["POST"],
    summary="Publish a short notice to displays and kiosks",
    roles=HANDLERS,
    body=NOTICE_BODY,
    tag=TAG,
)
def incident_notice(incident_id, data):
    return operations.publish_incident_notice(incident_id, data["text"], g.user)


@api_route(
    "/incidents/<int:incident_id>/notice/withdraw",
    ["POST"],
    summary="Withdraw the incident's public notice",
    roles=HANDLERS,
    tag=TAG,
)
def incident_notice_withdraw(incident_id):
    return operations.withdraw_incident_notice(incident_id, g.user)


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
    from qms.incidents.attachments import add_attachment

    return add_attachment(incident_id, request.files.get("file"), g.user)


@api_route(
    "/incidents/<int:incident_id>/attachments/<int:attachment_id>",
    summary="Download an attachment",
    roles=(),
    tag=TAG,
)
def incident_attachment_get(incident_id, attachment_id):
    from flask import send_file

    from qms.incidents.attachments import attachment_file

    path, filename, content_type = attachment_file(incident_id, attachment_id)
    response = send_file(path, mimetype=content_type, download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


# --- book and report ------------------------------------------------------------------------


def date_range_args():
    from qms.models import utcnow
    from qms.timeutil import local_day

    date_from, date_to = query_date("from"), query_date("to")
    if date_from is None or date_to is None:
        today = local_day(utcnow())
        first, last = queries.quarter_bounds(today.year, (today.month - 1) // 3 + 1)
        date_from, date_to = date_from or first, date_to or last
    if date_from > date_to:
        raise Invalid("'from' sau 'to'. 'from' is after 'to'.", "invalid_range", field="from")
    return date_from, date_to


@api_route(
    "/incidents/export.xlsx",
    summary="The incident book as XLSX (default: this quarter)",
    roles=(),
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
    tag=TAG,
)
def incidents_export():
    date_from, date_to = date_range_args()
    body = reports.incident_book_xlsx(date_from, date_to)
    name = f"so-theo-doi-su-co_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def year_quarter_args(args):
    from qms.models import utcnow
    from qms.timeutil import local_day

    today = local_day(utcnow())
    try:
        year = int(args.get("year") or today.year)
        quarter = int(args.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError:
        raise Invalid(
            "Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter"
        ) from None
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Invalid("Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter")
    return year, quarter


@api_route(
    "/incidents/report",
    summary="Quarterly figures: counts by type, downtime, time to resolve, drills apart",
    roles=(),
    query={"year": {"type": "integer"}, "quarter": {"type": "integer", "minimum": 1, "maximum": 4}},
    tag=TAG,
)
def incidents_quarter_report():
    return reports.quarter_report(*year_quarter_args(request.args))


@api_route(
    "/incidents/report/proposals",
    ["POST"],
    summary="Save the quarter's improvement proposals (leadership)",
    roles=LEADERS,
    body=PROPOSALS_BODY,
    tag=TAG,
)
def incidents_proposals(data):
    return operations.save_quarter_note(
        data["year"], data["quarter"], data.get("proposals") or "", data.get("number") or "", g.user
    )

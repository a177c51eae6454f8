"""Paper-dossier and assisted-service JSON routes (staff): the re-entry register of
PRODUCT.md ("Contract, second part"). Every answer that carries dossiers is audited."""

from flask import Response, g, request

from qms.errors import Invalid, NotFound
from qms.paper import export, queries
from qms.paper.models import STATUSES
from qms.paper.operations import assisted, register, slip
from qms.roles import PERSONAL_DATA, SUPPORT_TEAM
from qms.web.routes import api_route
from qms.web.validation import query_date

TAG = "paper"

DOSSIER_BODY = {
    "type": "object",
    "required": ["citizen_name", "procedure"],
    "properties": {
        "citizen_name": {"type": "string", "maxLength": 120},
        "phone": {"type": ["string", "null"], "maxLength": 20, "description": "e.g. 0977.606.968"},
        "procedure": {"type": "string", "maxLength": 300, "description": "thủ tục hành chính"},
        "documents": {
            "type": ["string", "array", "null"],
            "maxLength": 2000,
            "description": "papers received: a list, or one per line",
        },
        "ticket": {
            "type": ["integer", "string", "null"],
            "maxLength": 12,
            "description": "the ticket it came from: id, or today's code (A012)",
        },
        "appointment_date": {
            "type": ["string", "null"],
            "maxLength": 10,
            "description": "YYYY-MM-DD, today or later",
        },
        "incident": {"type": ["integer", "null"], "description": "the incident that caused it"},
        "is_drill": {"type": "boolean", "default": False},
        "print_slip": {
            "type": "boolean",
            "default": False,
            "description": "print the appointment slip on the ticket printer",
        },
    },
}
ENTERED_BODY = {
    "type": "object",
    "required": ["official_code"],
    "properties": {
        "official_code": {
            "type": "string",
            "maxLength": 60,
            "description": "the dossier's code in the official system",
        }
    },
}
LIST_QUERY = {
    "status": {"type": "string", "enum": [*STATUSES, "outstanding"]},
    "incident": {"type": "integer"},
    "drill": {"type": "string", "enum": ["only", "exclude", "all"]},
}
CASE_BODY = {
    "type": "object",
    "required": ["citizen_name"],
    "properties": {
        "citizen_name": {"type": "string", "maxLength": 120},
        "phone": {"type": ["string", "null"], "maxLength": 20},
        "procedure": {"type": ["string", "null"], "maxLength": 300},
        "ticket": {"type": ["integer", "string", "null"], "maxLength": 12},
        "dossier": {"type": ["integer", "null"]},
        "is_drill": {"type": "boolean", "default": False},
    },
}
STEP_BODY = {
    "type": "object",
    "properties": {
        "done": {"type": "boolean", "default": True},
        "detail": {"type": ["string", "null"], "maxLength": 300},
    },
}


def _drill_arg():
    raw = request.args.get("drill") or "all"
    if raw not in ("only", "exclude", "all"):
        raise Invalid("'drill' phải là only, exclude hoặc all.", "invalid_value", field="drill")
    return {"only": True, "exclude": False, "all": None}[raw]


def _int_arg(name):
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise Invalid(
            f"'{name}' phải là số. '{name}' must be an integer.", "invalid_value"
        ) from None


@api_route(
    "/paper-dossiers",
    ["POST"],
    summary="Record a dossier received on paper while the official system is down",
    roles=PERSONAL_DATA,
    body=DOSSIER_BODY,
    tag=TAG,
    status=201,
    responses={422: "missing name or procedure, bad phone, appointment in the past"},
)
def paper_create(data):
    dossier = register.receive_dossier(data, g.user, is_drill=data.get("is_drill"))
    if data.get("print_slip"):
        try:
            dossier["slip"] = slip.print_dossier_slip(dossier["id"], g.user)
        except Exception as exc:  # the dossier is saved; the slip can be printed again
            dossier["slip"] = {"status": "unavailable", "message": getattr(exc, "message", "")}
    return dossier


@api_route(
    "/paper-dossiers",
    summary="The register: ?status=received|entered|returned|outstanding (names: officers)",
    roles=(),
    query=LIST_QUERY,
    tag=TAG,
    many=True,
)
def paper_list():
    status = request.args.get("status") or None
    if status is not None and status not in (*STATUSES, "outstanding"):
        raise Invalid("Trạng thái không hợp lệ. Invalid status.", "invalid_value", field="status")
    items = queries.list_dossiers(
        g.user,
        status=status if status != "outstanding" else None,
        outstanding=status == "outstanding",
        incident=_int_arg("incident"),
        drill=_drill_arg(),
    )
    register.record_view(g.user, items, "api:list")
    return items


@api_route(
    "/paper-dossiers/summary",
    summary="Counts: outstanding, overdue, call-backs due (no personal data)",
    roles=(),
    tag=TAG,
)
def paper_summary():
    return queries.summary()


@api_route(
    "/paper-dossiers/export.xlsx",
    summary="The register as XLSX for the province (names only for officers and leadership)",
    roles=(),
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
    tag=TAG,
)
def paper_export():
    date_from, date_to = query_date("from"), query_date("to")
    today = queries.today()
    date_from, date_to = date_from or today.replace(day=1), date_to or today
    if date_from > date_to:
        raise Invalid("'from' sau 'to'. 'from' is after 'to'.", "invalid_range", field="from")
    items = queries.list_dossiers(
        g.user, drill=False, date_from=date_from, date_to=date_to, oldest_first=True, limit=10000
    )
    register.record_view(g.user, items, "api:export")
    body = export.register_xlsx(items, date_from, date_to, queries.may_see_personal(g.user))
    name = f"so-ho-so-giay_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@api_route("/paper-dossiers/<int:dossier_id>", summary="One paper dossier", roles=(), tag=TAG)
def paper_get(dossier_id):
    dossier = queries.get_dossier(dossier_id, g.user)
    if dossier is None:
        raise NotFound("Không có hồ sơ giấy này. Unknown paper dossier.", "unknown_dossier")
    register.record_view(g.user, [dossier], "api:one")
    return dossier


@api_route(
    "/paper-dossiers/<int:dossier_id>/entered",
    ["POST"],
    summary="Entered into the official system under its official code (once per code)",
    roles=PERSONAL_DATA,
    body=ENTERED_BODY,
    tag=TAG,
    responses={409: "already entered, or the official code is used by another dossier"},
)
def paper_entered(dossier_id, data):
    return register.mark_entered(dossier_id, data["official_code"], g.user)


@api_route(
    "/paper-dossiers/<int:dossier_id>/returned",
    ["POST"],
    summary="The result went back to the citizen (only after it was entered)",
    roles=PERSONAL_DATA,
    tag=TAG,
    responses={409: "not entered yet, or already returned"},
)
def paper_returned(dossier_id):
    return register.mark_returned(dossier_id, g.user)


@api_route(
    "/paper-dossiers/<int:dossier_id>/slip",
    ["POST"],
    summary="Print the appointment slip (giấy hẹn) on the ticket printer",
    roles=PERSONAL_DATA,
    tag=TAG,
    status=201,
    responses={409: "no ticket printer on the server"},
)
def paper_slip(dossier_id):
    return slip.print_dossier_slip(dossier_id, g.user)


# --- assisted service ---------------------------------------------------------------------------


@api_route(
    "/assisted",
    ["POST"],
    summary="Open the seven steps of assisted service on a citizen's ticket",
    roles=SUPPORT_TEAM,
    body=CASE_BODY,
    tag=TAG,
    status=201,
)
def assisted_open(data):
    case = assisted.open_case(data, g.user, is_drill=data.get("is_drill"))
    register.record_view(g.user, [case], "api:assisted")
    return case


@api_route(
    "/assisted",
    summary="Assisted cases: ?status=open|callback (the call-back list)|done",
    roles=PERSONAL_DATA,
    query={"status": {"type": "string", "enum": ["open", "callback", "done"]}},
    tag=TAG,
    many=True,
)
def assisted_list():
    status = request.args.get("status") or None
    if status not in (None, "open", "callback", "done"):
        raise Invalid("Trạng thái không hợp lệ. Invalid status.", "invalid_value", field="status")
    cases = queries.list_cases(g.user, status)
    register.record_view(g.user, cases, "api:assisted")
    return cases


@api_route("/assisted/<int:case_id>", summary="One assisted case", roles=PERSONAL_DATA, tag=TAG)
def assisted_get(case_id):
    case = queries.get_case(case_id, g.user)
    if case is None:
        raise NotFound("Không có phiếu hỗ trợ này. Unknown assisted case.", "unknown_case")
    register.record_view(g.user, [case], "api:assisted")
    return case


@api_route(
    "/assisted/<int:case_id>/steps/<int:n>",
    ["POST"],
    summary="Tick (or untick with done=false) step n; steps 2 and 3 need a detail",
    roles=SUPPORT_TEAM,
    body=STEP_BODY,
    tag=TAG,
)
def assisted_step(case_id, n, data):
    return assisted.tick_step(case_id, n, data.get("done", True), data.get("detail"), g.user)


@api_route(
    "/assisted/<int:case_id>/result-ready",
    ["POST"],
    summary="The result is ready: the citizen goes to the top of the call-back list",
    roles=SUPPORT_TEAM,
    tag=TAG,
)
def assisted_result_ready(case_id):
    return assisted.mark_result_ready(case_id, g.user)

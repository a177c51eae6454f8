"""The fallback feature's JSON routes: mode, status, adoption, outages and their exports."""

from flask import Response, g

from qms.errors import NotFound
from qms.extensions import get_db
from qms.fallback import export, operations, queries
from qms.mode import MODES, current_mode
from qms.roles import COUNTER_STAFF, LEADERSHIP
from qms.web.routes import api_route

MODE_BODY = {
    "type": "object",
    "required": ["mode"],
    "properties": {
        "mode": {"type": "string", "enum": list(MODES)},
        "reason": {"type": "string", "maxLength": 500},
    },
}
ADOPT_BODY = {
    "type": "object",
    "required": ["service", "from", "to"],
    "properties": {
        "service": {"type": "string", "maxLength": 3, "description": "service prefix, e.g. A"},
        "from": {"type": "integer", "minimum": 1, "maximum": operations.MAX_NUMBER},
        "to": {"type": "integer", "minimum": 1, "maximum": operations.MAX_NUMBER},
    },
}


@api_route(
    "/mode", summary="The operating mode (standalone, standby, fallback, draining)", tag="fallback"
)
def get_mode():
    with get_db().read() as s:
        return current_mode(s)


@api_route(
    "/mode",
    ["POST"],
    summary="Switch the operating mode (leadership or admin), with a reason",
    roles=LEADERSHIP,
    body=MODE_BODY,
    tag="fallback",
)
def post_mode(data):
    return operations.switch_mode(data["mode"], data.get("reason") or "", user=g.user)


@api_route(
    "/fallback/status",
    summary="Mode, primary probe state, pending takeover request, open outage",
    roles=(),
    tag="fallback",
)
def fallback_status():
    return queries.status()


@api_route(
    "/fallback/adopt",
    ["POST"],
    summary="Adopt tickets QMS 1.2 printed (service + number range) into the queue",
    roles=COUNTER_STAFF,
    body=ADOPT_BODY,
    tag="fallback",
    responses={
        200: "adopted (0 when the same range was adopted before)",
        409: "overlap or standby",
    },
)
def fallback_adopt(data):
    return operations.adopt(data["service"], data["from"], data["to"], user=g.user)


@api_route(
    "/fallback/adoptions",
    summary="Adopted number ranges, newest first",
    roles=(),
    tag="fallback",
    many=True,
)
def fallback_adoptions():
    return queries.adoptions_list()


@api_route(
    "/fallback/outages",
    summary="Outages of the primary QMS, newest first",
    roles=(),
    tag="fallback",
    many=True,
)
def fallback_outages():
    return queries.outages_list()


@api_route("/fallback/outages/<int:outage_id>", summary="One outage", roles=(), tag="fallback")
def fallback_outage(outage_id):
    found = queries.get_outage(outage_id)
    if found is None:
        raise NotFound("Không có đợt sự cố này. Unknown outage.", "unknown_outage")
    return found


@api_route(
    "/fallback/outages/<int:outage_id>/export.csv",
    summary="Reconciliation of an outage as CSV (every ticket, times, counters, officers)",
    roles=(),
    tag="fallback",
)
def fallback_outage_csv(outage_id):
    text, filename = export.export_csv(outage_id)
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@api_route(
    "/fallback/outages/<int:outage_id>/export.xlsx",
    summary="Reconciliation of an outage as XLSX (summary, tickets, events)",
    roles=(),
    tag="fallback",
)
def fallback_outage_xlsx(outage_id):
    data, filename = export.export_xlsx(outage_id)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

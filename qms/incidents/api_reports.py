"""Incident JSON routes for the book and the quarter: XLSX export, quarterly figures, the
leadership's proposals."""

from flask import Response, g, request

from qms.incidents import reports
from qms.incidents.inputs import date_range_args, year_quarter_args
from qms.incidents.operations import proposals
from qms.roles import LEADERSHIP
from qms.web.routes import api_route

TAG = "incidents"
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
    roles=LEADERSHIP,
    body=PROPOSALS_BODY,
    tag=TAG,
)
def incidents_proposals(data):
    return proposals.save_quarter_note(
        data["year"], data["quarter"], data.get("proposals") or "", data.get("number") or "", g.user
    )

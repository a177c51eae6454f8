"""JSON routes of the province: ingest (centre token), centres, incidents, records, report."""

from datetime import date, timedelta

from flask import Response, request

from qms.errors import Invalid, NotFound
from qms.province import exports, operations, queries
from qms.roles import LEADERSHIP
from qms.timeutil import local_day, utcnow
from qms.web.routes import api_route

INGEST_MAX_BYTES = 1024 * 1024  # a batch of records (the centre sends ~48 KB at most)
REPORT_QUERY = {
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
}


def require_province():
    if not queries.is_province():
        raise NotFound("Đây không phải máy chủ cấp tỉnh. Not a province instance.", "not_province")


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def report_period(args):
    """(first, last) from ?from=&to=; default: this month up to today; at most a year."""
    today = local_day(utcnow())

    def day_arg(name):
        raw = args.get(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise Invalid(
                f"'{name}' phải có dạng YYYY-MM-DD. '{name}' must be YYYY-MM-DD.",
                "invalid_date",
                field=name,
            ) from None

    first, last = day_arg("from"), day_arg("to")
    if first is None and last is None:
        first, last = today.replace(day=1), today
    first, last = first or last, last or first
    if first > last:
        raise Invalid("'from' phải trước 'to'. 'from' must not be after 'to'.", "invalid_range")
    if last - first > timedelta(days=366):
        raise Invalid("Khoảng thời gian tối đa 1 năm. At most one year.", "range_too_long")
    return first, last


@api_route(
    "/province/ingest",
    ("POST",),
    summary="A centre's records, in order (Authorization: Bearer <centre token>); answers every "
    "seq of the batch the province holds. A resend stores nothing twice.",
    body={
        "type": "object",
        "required": ["records"],
        "properties": {"records": {"type": "array", "items": {"type": "object"}}},
    },
    tag="province",
)
def province_ingest(data):
    require_province()
    return operations.ingest(bearer_token(), data["records"])


@api_route(
    "/province/centres",
    summary="Every centre: mode, waiting now, open incidents, last seen (silent ones flagged)",
    roles=LEADERSHIP,
    tag="province",
    many=True,
)
def province_centres():
    require_province()
    return queries.centres_list()


@api_route(
    "/province/incidents",
    summary="The incidents received from one centre (?centre=CODE), each once, with the "
    "centre's own id (centre_id), type and status",
    roles=LEADERSHIP,
    query={"centre": {"type": "string", "maxLength": 32}},
    tag="province",
    many=True,
)
def province_incidents():
    require_province()
    return queries.incidents_of(request.args.get("centre"))


@api_route(
    "/province/records",
    summary="What one centre sent (?centre=CODE&after=SEQ), in the order it arrived",
    roles=LEADERSHIP,
    query={
        "centre": {"type": "string", "maxLength": 32},
        "after": {"type": "integer", "minimum": 0},
    },
    tag="province",
    many=True,
)
def province_records():
    require_province()
    return queries.records_of(request.args.get("centre"), int(request.args.get("after") or 0))


@api_route(
    "/province/reports",
    summary="The queue figures across centres, per centre per day (?from=&to=): issued, served, "
    "waits, satisfaction; totals per centre and for the province",
    roles=LEADERSHIP,
    query=REPORT_QUERY,
    tag="province",
)
def province_report():
    require_province()
    return queries.cross_centre_report(*report_period(request.args))


@api_route(
    "/province/reports.xlsx",
    summary="The same report as a workbook: date cells, Vietnamese headers",
    roles=LEADERSHIP,
    query=REPORT_QUERY,
    tag="province",
)
def province_report_xlsx():
    require_province()
    report = queries.cross_centre_report(*report_period(request.args))
    return Response(
        exports.report_xlsx(report),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{exports.file_name(report)}.xlsx"'},
    )

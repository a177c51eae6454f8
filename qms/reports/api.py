from flask import Response, g, request

from qms.errors import Invalid
from qms.queue.queries import today
from qms.reports import exports, queries
from qms.roles import LEADERSHIP, may
from qms.web.routes import api_route

REPORT_QUERY = {
    "period": {"type": "string", "enum": list(queries.PERIODS)},
    "date": {"type": "string", "format": "date"},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
    "by": {"type": "string", "enum": list(queries.GROUPS)},
}


def scope_of(user):
    """Leadership reads the centre; anyone else (an officer) only the visits they served."""
    return None if may(user["role"], LEADERSHIP) else user["id"]


def report_from_request(all_groups=False):
    period, first, last = queries.parse_period(request.args, today())
    by = request.args.get("by") or "service"
    if by not in queries.GROUPS:
        raise Invalid(f"by phải là một trong {', '.join(queries.GROUPS)}.", "invalid_group")
    extra = queries.GROUPS if all_groups else ()
    return queries.queue_report(first, last, by, period, scope_of(g.user), extra)


@api_route(
    "/reports/queue",
    summary="The queue report of a period (period=day…year and date=, or from=&to=), rows by "
    "service|counter|officer|hour|weekday|day, the previous period's totals and the incidents; "
    "an officer gets only their own visits",
    roles=(),
    tag="reports",
    query=REPORT_QUERY,
)
def queue_report():
    return report_from_request()


@api_route(
    "/reports/queue.xlsx",
    summary="The same report as a workbook: a header block, one sheet per grouping, date cells",
    roles=(),
    tag="reports",
    query=REPORT_QUERY,
)
def queue_report_xlsx():
    report = report_from_request(all_groups=True)
    data = exports.report_xlsx(report)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{exports.file_name(report)}.xlsx"'},
    )


@api_route(
    "/reports/queue.csv",
    summary="The report's rows (by=) and totals as CSV (UTF-8 with BOM for spreadsheet programs)",
    roles=(),
    tag="reports",
    query=REPORT_QUERY,
)
def queue_report_csv():
    report = report_from_request()
    return Response(
        exports.report_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{exports.file_name(report)}.csv"'},
    )


@api_route(
    "/reports/today",
    summary="Today's live figures for the dashboard: totals, by service, by counter, by hour",
    roles=(),
    tag="reports",
)
def today_report():
    return queries.today_figures(today())

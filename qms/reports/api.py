from qms.errors import Invalid
from qms.queue.queries import today
from qms.reports import queries
from qms.web.routes import api_route
from qms.web.validation import query_date

PERIODS = ("day", "week", "month", "quarter", "year")


@api_route(
    "/reports/queue",
    summary="Queue figures for a period or a date range (issued, served, waits, by service and counter)",
    roles=(),
    tag="reports",
    query={
        "period": {"type": "string", "enum": list(PERIODS)},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
)
def queue_report():
    from flask import request

    first, last = query_date("from"), query_date("to")
    if first or last:
        first, last = first or last, last or first
        if first > last:
            raise Invalid("'from' phải trước 'to'. 'from' must not be after 'to'.", "invalid_range")
    else:
        period = request.args.get("period", "day")
        if period not in PERIODS:
            raise Invalid(f"period phải là một trong {', '.join(PERIODS)}.", "invalid_period")
        first, last = queries.period_bounds(period, today())
    return queries.queue_figures(first, last)

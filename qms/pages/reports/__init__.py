"""The leadership dashboard: today's figures at a glance, links to every staff tool."""

from flask import Blueprint, render_template, request

from qms.pages.guard import login_required
from qms.queue.queries import counters_list, services_list, today
from qms.reports import queries

bp = Blueprint("reports", __name__, template_folder="templates")

PERIOD_LABELS = {
    "day": ("Hôm nay", "Today"),
    "week": ("Tuần này", "This week"),
    "month": ("Tháng này", "This month"),
    "quarter": ("Quý này", "This quarter"),
    "year": ("Năm nay", "This year"),
}


@bp.route("/admin")
@login_required()
def dashboard():
    period = request.args.get("period", "day")
    if period not in PERIOD_LABELS:
        period = "day"
    first, last = queries.period_bounds(period, today())
    figures = queries.queue_figures(first, last)
    return render_template(
        "reports/dashboard.html",
        figures=figures,
        period=period,
        periods=PERIOD_LABELS,
        first=first,
        last=last,
        counters=counters_list(),
        services=services_list(),
        hours=queries.busiest_hours(today()) if period == "day" else [],
    )


def init_app(app):
    app.register_blueprint(bp)

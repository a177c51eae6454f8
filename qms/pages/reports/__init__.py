"""Leadership pages: /admin (today, live) and /reports (any period beside the previous one,
charts, exports, the printable A4 report). An officer sees only the visits they served."""

from datetime import timedelta

from flask import Blueprint, current_app, g, render_template, request, url_for

from qms.errors import QmsError
from qms.pages.guard import login_required
from qms.pages.incidents import commune_parts  # the same date line as the incident report
from qms.queue.queries import counters_list, today
from qms.ratings.queries import ratings_between
from qms.reports import queries
from qms.reports.api import scope_of
from qms.reports.exports import COLUMNS, GROUP_KEY_HEADERS, GROUP_TITLES
from qms.roles import LEADERSHIP, may
from qms.timeutil import local_day, utcnow, vn_long_date

bp = Blueprint(
    "reports",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/reports-static",
)

PERIOD_LABELS = {
    "day": ("Ngày", "Day"),
    "week": ("Tuần", "Week"),
    "month": ("Tháng", "Month"),
    "quarter": ("Quý", "Quarter"),
    "half": ("6 tháng", "6 months"),
    "nine_months": ("9 tháng", "9 months"),
    "year": ("Năm", "Year"),
    "custom": ("Tùy chọn", "Custom"),
}


@bp.route("/admin")
@login_required()
def dashboard():
    day = today()
    return render_template(
        "reports/dashboard.html",
        figures=queries.today_figures(day),
        day=day,
        counters=counters_list(),
        target=current_app.config["REPORT_TARGET_WAIT_MINUTES"],
    )


def _period_title(period, first, last):
    """The period in words: 'Quý IV năm 2026', '6 tháng đầu năm 2026', 'Tháng 11/2026' …"""
    if period == "day" or first == last:
        return f"Ngày {first:%d/%m/%Y}"
    if period == "month":
        return f"Tháng {first:%m/%Y}"
    if period == "quarter":
        return f"Quý {('I', 'II', 'III', 'IV')[(first.month - 1) // 3]} năm {first.year}"
    if period == "half":
        return f"6 tháng {'đầu' if first.month == 1 else 'cuối'} năm {first.year}"
    if period == "nine_months":
        return f"9 tháng năm {first.year}"
    if period == "year":
        return f"Năm {first.year}"
    return f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"


def _report():
    period, first, last = queries.parse_period(request.args, today())
    report = queries.queue_report(
        first, last, "service", period, scope_of(g.user), extra_groups=queries.GROUPS
    )
    report["title"] = _period_title(period, first, last)
    report["title_in_sentence"] = report["title"][0].lower() + report["title"][1:]
    prev = report["previous"]
    from datetime import date

    report["previous"]["title"] = _period_title(
        period, date.fromisoformat(prev["from"]), date.fromisoformat(prev["to"])
    )
    return report


def _shift(period, first, last, step):
    """The args of the period before (step -1) or after (+1): the page's arrows."""
    if period == "custom":
        length = (last - first).days + 1
        return {
            "period": "custom",
            "from": (first + timedelta(days=step * length)).isoformat(),
            "to": (last + timedelta(days=step * length)).isoformat(),
        }
    anchor = first - timedelta(days=1) if step < 0 else last + timedelta(days=1)
    return {"period": period, "date": anchor.isoformat()}


@bp.route("/reports")
@login_required()
def report_page():
    try:
        report = _report()
    except QmsError as exc:
        return render_template("layout/error.html", code=exc.status, message=exc.message), 422
    from datetime import date

    first, last = date.fromisoformat(report["from"]), date.fromisoformat(report["to"])
    args = {k: v for k, v in request.args.items() if k in ("period", "date", "from", "to")}
    is_leader = may(g.user["role"], LEADERSHIP)
    return render_template(
        "reports/report.html",
        report=report,
        periods=PERIOD_LABELS,
        args=args,
        earlier=url_for("reports.report_page", **_shift(report["period"], first, last, -1)),
        later=url_for("reports.report_page", **_shift(report["period"], first, last, 1)),
        columns=COLUMNS,
        group_titles=GROUP_TITLES,
        group_keys=GROUP_KEY_HEADERS,
        comments=[r for r in ratings_between(first, last, 50) if r["comment"] or r["reason"]]
        if is_leader
        else [],
        is_leader=is_leader,
    )


@bp.route("/reports/print")
@login_required()
def report_print():
    try:
        report = _report()
    except QmsError as exc:
        return render_template("layout/error.html", code=exc.status, message=exc.message), 422
    cfg = current_app.config
    return render_template(
        "reports/report_print.html",
        report=report,
        commune=cfg["COMMUNE_NAME"].upper(),
        centre=cfg["CENTRE_NAME"].upper(),
        place=cfg["INCIDENT_REPORT_PLACE"] or commune_parts()[1],
        centre_phrase=" ".join(
            p for p in ("Trung tâm Phục vụ hành chính công", *commune_parts()) if p
        ),
        date_line=vn_long_date(local_day(utcnow())),
        group_titles=GROUP_TITLES,
        group_keys=GROUP_KEY_HEADERS,
        officer_name=g.user["name"] or g.user["username"] if report["scope"] == "officer" else None,
    )


@bp.app_template_filter("vn_num")
def vn_num(value, digits=1):
    """12.5 → '12,5'; None → '–'; whole numbers keep no decimals when digits=0."""
    if value is None:
        return "–"
    if digits == 0:
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@bp.app_template_filter("delta")
def delta(now, before):
    """The change against the previous period, signed, '' when either is missing."""
    if now is None or before is None:
        return ""
    change = round(now - before, 1)
    if change == 0:
        return "="
    text = vn_num(abs(change), 0 if float(change).is_integer() else 1)
    return ("+" if change > 0 else "−") + text


def init_app(app):
    app.register_blueprint(bp)

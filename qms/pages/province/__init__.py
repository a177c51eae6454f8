"""The province page /province (QMS_ROLE=province, leadership): every centre at a glance —
mode in plain words and colour, queues now, open incidents, last seen (a silent centre is
flagged) — one centre's incidents, and the report across centres with its XLSX export."""

from datetime import datetime

from flask import Blueprint, abort, render_template, request

from qms.errors import QmsError
from qms.pages.guard import login_required
from qms.province import queries
from qms.province.api import report_period
from qms.roles import LEADERSHIP
from qms.timeutil import to_local, utcnow

bp = Blueprint(
    "province",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/province-static",
)


@bp.before_request
def province_only():
    if not queries.is_province():
        abort(404)


def _summary(centres):
    return {
        "centres": len(centres),
        "fallback": sum(1 for c in centres if c["mode"] in ("fallback", "draining")),
        "silent": sum(1 for c in centres if c["is_silent"]),
        "open_incidents": sum(c["open_incidents"] for c in centres),
        "waiting": sum(c["waiting"] or 0 for c in centres),
    }


def _attention_first(centre):
    """Fallback first, then silent, then open incidents; then by name."""
    return (
        centre["mode"] not in ("fallback", "draining"),
        not centre["is_silent"],
        not centre["open_incidents"],
        centre["name"],
    )


def _live_context():
    centres = sorted(queries.centres_list(), key=_attention_first)
    return {"centres": centres, "summary": _summary(centres), "now": to_local(utcnow())}


@bp.route("/province")
@login_required(*LEADERSHIP)
def page():
    error = None
    try:
        first, last = report_period(request.args)
    except QmsError as exc:
        error = exc.message
        first, last = report_period({})
    return render_template(
        "province/province.html",
        report=queries.cross_centre_report(first, last),
        report_error=error,
        **_live_context(),
    )


@bp.route("/province/live")
@login_required(*LEADERSHIP)
def live():
    """The centres' part of the page, fetched again every few seconds."""
    return render_template("province/_centres.html", **_live_context())


@bp.route("/province/centres/<code>")
@login_required(*LEADERSHIP)
def centre(code):
    try:
        incidents = queries.incidents_of(code)
        devices = queries.devices_of(code)
    except QmsError:
        abort(404)
    info = next(c for c in queries.centres_list(include_revoked=True) if c["code"] == code)
    return render_template(
        "province/centre.html",
        centre=info,
        incidents=incidents,
        devices=devices,
        now=to_local(utcnow()),
    )


@bp.app_template_filter("prov_time")
def prov_time(value):
    """An ISO time → 'HH:MM dd/mm/yyyy' in the province's zone; None → '–'."""
    if not value:
        return "–"
    return to_local(datetime.fromisoformat(value)).strftime("%H:%M %d/%m/%Y")


@bp.app_template_filter("prov_ago")
def prov_ago(value, now):
    """How long ago, in plain Vietnamese: 'vừa xong', '5 phút trước', '3 giờ trước', '2 ngày trước'."""
    if not value:
        return "chưa từng liên lạc"
    seconds = (now - to_local(datetime.fromisoformat(value))).total_seconds()
    if seconds < 60:
        return "vừa xong"
    if seconds < 3600:
        return f"{int(seconds // 60)} phút trước"
    if seconds < 86400:
        return f"{int(seconds // 3600)} giờ trước"
    return f"{int(seconds // 86400)} ngày trước"


@bp.app_template_filter("prov_num")
def prov_num(value):
    """12.5 → '12,5'; None → '–' (Vietnamese decimal comma)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def init_app(app):
    app.register_blueprint(bp)

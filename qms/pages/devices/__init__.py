"""The staff page /admin/devices: printer states, recent jobs, reprint by code, test print."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from qms.devices import queries
from qms.devices.operations import reprint as reprint_ops
from qms.errors import QmsError
from qms.i18n import t
from qms.pages.guard import login_required
from qms.roles import COUNTER_STAFF, TECHNICAL, may

bp = Blueprint("devices", __name__, template_folder="templates")

KIND_LABELS = {
    "paper_out": ("Hết giấy", "Paper out"),
    "cover_open": ("Nắp máy đang mở", "Cover open"),
    "offline": ("Mất kết nối", "Offline"),
    "error": ("Báo lỗi", "Error"),
    "config": ("Sai cấu hình", "Configuration"),
}
STATUS_LABELS = {
    "queued": ("Chờ in", "Queued"),
    "printing": ("Đang in", "Printing"),
    "printed": ("Đã in", "Printed"),
    "failed": ("Lỗi", "Failed"),
    "expired": ("Hết hạn", "Expired"),
    "cancelled": ("Đã huỷ", "Cancelled"),
}


@bp.route("/admin/devices")
@login_required(*COUNTER_STAFF)
def page():
    return render_template(
        "devices/admin.html",
        overview=queries.devices_overview(),
        jobs=queries.recent_jobs(30),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        can_test=may(g.user["role"], TECHNICAL),
    )


@bp.route("/admin/devices/reprint", methods=["POST"])
@login_required(*COUNTER_STAFF)
def reprint():
    code = request.form.get("code", "").strip()[:12]
    target = request.form.get("target") or None
    ticket_id = queries.ticket_id_by_code(code) if code else None
    if ticket_id is None:
        flash(t(f"Không có vé {code} hôm nay.", f"No ticket {code} today."), "error")
        return redirect(url_for("devices.page"))
    try:
        job = reprint_ops.reprint(ticket_id, g.user, target)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t(f"Đã gửi lệnh in lại vé {job['code']}.", f"Reprint of {job['code']} queued."), "ok")
    return redirect(url_for("devices.page"))


@bp.route("/admin/devices/test-print", methods=["POST"])
@login_required(*TECHNICAL)
def test_print():
    try:
        reprint_ops.print_sample(g.user, request.form.get("target") or None)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t("Đã gửi vé in thử.", "Test ticket queued."), "ok")
    return redirect(url_for("devices.page"))


def init_app(app):
    app.register_blueprint(bp)

"""The staff page /admin/fallback: mode and probe status, switch buttons, adoption, outages."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from qms.errors import QmsError
from qms.fallback import operations, queries
from qms.i18n import t
from qms.mode import MODES
from qms.pages.guard import login_required
from qms.queue.queries import services_list
from qms.roles import COUNTER_STAFF, LEADERSHIP, may

bp = Blueprint("fallback", __name__, template_folder="templates")


@bp.route("/admin/fallback")
@login_required(*COUNTER_STAFF)
def page():
    return render_template(
        "fallback/admin.html",
        status=queries.status(),
        adoptions=queries.adoptions_list(50),
        outages=queries.outages_list(50),
        services=services_list(include_inactive=False),
        modes=MODES,
        can_switch=may(g.user["role"], LEADERSHIP),
    )


@bp.route("/admin/fallback/mode", methods=["POST"])
@login_required(*LEADERSHIP)
def switch():
    mode = request.form.get("mode", "")
    reason = request.form.get("reason", "").strip()[:500]
    if not reason:
        flash(t("Hãy ghi lý do chuyển chế độ.", "Please give a reason for the switch."), "error")
        return redirect(url_for("fallback.page"))
    try:
        state = operations.switch_mode(mode, reason, user=g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t("Đã chuyển sang chế độ: ", "Mode is now: ") + state["mode"], "ok")
    return redirect(url_for("fallback.page"))


@bp.route("/admin/fallback/adopt", methods=["POST"])
@login_required(*COUNTER_STAFF)
def adopt():
    try:
        number_from = int(request.form.get("from", ""))
        number_to = int(request.form.get("to", ""))
    except ValueError:
        flash(
            t("Số đầu và số cuối phải là số nguyên.", "From and to must be whole numbers."), "error"
        )
        return redirect(url_for("fallback.page"))
    try:
        result = operations.adopt(request.form.get("service", ""), number_from, number_to, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        if result["adopted"]:
            flash(
                t("Đã tiếp nhận ", "Adopted ")
                + f"{result['adopted']} "
                + t("số vào hàng đợi.", "numbers into the queue."),
                "ok",
            )
        else:
            flash(
                t("Khoảng số này đã được tiếp nhận trước đó.", "This range was already adopted."),
                "ok",
            )
    return redirect(url_for("fallback.page"))


def init_app(app):
    app.register_blueprint(bp)

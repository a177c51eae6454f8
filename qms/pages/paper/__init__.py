"""The paper register's pages: record a dossier in seconds, the outstanding list until it is
empty, the appointment slip, assisted service; and the public status page behind the slip's QR
(/hs/<token>, no personal data). Templates are "paper/….html"; static at /paper/static/."""

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from qms.errors import Forbidden, QmsError
from qms.i18n import t
from qms.incidents.queries import list_incidents
from qms.pages.guard import login_required
from qms.paper import queries
from qms.paper.operations import assisted, register, slip
from qms.roles import PERSONAL_DATA, SUPPORT_TEAM, may
from qms.timeutil import to_local, utcnow

bp = Blueprint(
    "paper",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/paper/static",
)
TABS = {"outstanding": "outstanding", "returned": "returned", "all": None}


def _require(allowed, vi, en):
    if not may(g.user["role"], allowed):
        raise Forbidden(t(vi, en), "forbidden_role")


@bp.context_processor
def _helpers():
    user = g.get("user")
    return {
        "may_write": bool(user) and may(user["role"], PERSONAL_DATA),
        "may_personal": bool(user) and may(user["role"], PERSONAL_DATA),
        "may_support": bool(user) and may(user["role"], SUPPORT_TEAM),
        "STATUS_LABELS": queries.STATUS_LABELS,
    }


@bp.app_template_filter("vn_date")
def vn_date(iso_text):
    """'2026-11-27' or an ISO date-time → '27/11/2026'."""
    if not iso_text:
        return ""
    return f"{iso_text[8:10]}/{iso_text[5:7]}/{iso_text[:4]}"


def _open_incidents():
    return [i for i in list_incidents(status="open", limit=50)]


def _form_from(form):
    return {
        "citizen_name": form.get("citizen_name", ""),
        "phone": form.get("phone", ""),
        "procedure": form.get("procedure", ""),
        "documents": form.get("documents", ""),
        "ticket": form.get("ticket", "").strip() or None,
        "appointment_date": form.get("appointment_date") or None,
        "incident": form.get("incident") or None,
    }


@bp.route("/paper", methods=["GET", "POST"])
@login_required()
def index():
    form = {}
    if request.method == "POST":
        form = request.form
        try:
            _require(
                PERSONAL_DATA,
                "Chỉ cán bộ tiếp nhận được ghi nhận hồ sơ.",
                "Only counter staff may record a dossier.",
            )
            data = _form_from(form)
            dossier = register.receive_dossier(data, g.user, is_drill=form.get("is_drill") == "1")
        except QmsError as exc:
            flash(exc.message, "error")
        else:
            message = t(
                f"Đã ghi nhận hồ sơ {dossier['code']}.", f"Dossier {dossier['code']} recorded."
            )
            if form.get("print_slip") == "1":
                message += " " + _print(dossier["id"])
            flash(message, "ok")
            return redirect(url_for("paper.index", new=dossier["id"]) + f"#d{dossier['id']}")
    tab = request.args.get("tab", "outstanding")
    if tab not in TABS:
        tab = "outstanding"
    items = queries.list_dossiers(
        g.user,
        status=TABS[tab] if tab == "returned" else None,
        outstanding=tab == "outstanding",
        incident=request.args.get("of_incident", type=int),
    )
    register.record_view(g.user, items, "page:register")
    chosen_incident = form.get("incident") or request.args.get("incident") or ""
    return render_template(
        "paper/index.html",
        items=items,
        tab=tab,
        summary=queries.summary(),
        form=form,
        incidents=_open_incidents(),
        chosen_incident=str(chosen_incident),
        default_appointment=queries.default_appointment().isoformat(),
        today=queries.today().isoformat(),
        new_id=request.args.get("new", type=int),
        has_printer=bool(current_app.config.get("PRINTER")),
        ticket=request.args.get("ticket", ""),
    )


def _print(dossier_id):
    try:
        slip.print_dossier_slip(dossier_id, g.user)
    except QmsError as exc:
        return t(
            f'Chưa in được giấy hẹn trên máy in vé ({exc.message}); bấm "Giấy hẹn" để in từ '
            "trình duyệt.",
            f'The slip was not printed ({exc.message}); use "Slip" to print from the browser.',
        )
    return t("Đang in giấy hẹn trên máy in vé.", "The slip is printing on the ticket printer.")


@bp.route("/paper/<int:dossier_id>/<action>", methods=["POST"])
@login_required()
def act(dossier_id, action):
    try:
        _require(PERSONAL_DATA, "Không có quyền thao tác.", "Your role may not do this.")
        if action == "entered":
            dossier = register.mark_entered(dossier_id, request.form.get("official_code"), g.user)
            flash(t(f"Hồ sơ {dossier['code']} đã nhập hệ thống.", "Entered."), "ok")
        elif action == "returned":
            dossier = register.mark_returned(dossier_id, g.user)
            flash(t(f"Hồ sơ {dossier['code']} đã trả kết quả.", "Returned."), "ok")
        elif action == "slip":
            flash(_print(dossier_id), "ok")
        else:
            abort(404)
    except QmsError as exc:
        flash(exc.message, "error")
    back = request.form.get("back") or url_for("paper.index")
    if not back.startswith("/"):
        back = url_for("paper.index")
    return redirect(back + f"#d{dossier_id}")


@bp.route("/paper/<int:dossier_id>/slip")
@login_required()
def slip_page(dossier_id):
    """The slip as a page, for a centre without a ticket printer (or when it is out of paper)."""
    dossier = queries.get_dossier(dossier_id, g.user)
    if dossier is None:
        abort(404)
    register.record_view(g.user, [dossier], "page:slip")
    payload = slip.slip_payload(dossier_id, g.user.get("name") or g.user.get("username"))
    if dossier["personal_hidden"]:
        payload["citizen_name"], payload["documents"] = "", []
    return render_template("paper/slip.html", slip=payload, dossier=dossier)


@bp.route("/paper/export")
@login_required()
def export_link():
    return redirect("/api/v1/paper-dossiers/export.xlsx?" + request.query_string.decode())


# --- assisted service ---------------------------------------------------------------------------


@bp.route("/paper/assisted", methods=["GET", "POST"])
@login_required(*PERSONAL_DATA)
def assisted_index():
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            _require(SUPPORT_TEAM, "Chỉ Tổ hỗ trợ được mở phiếu.", "Support team only.")
            case = assisted.open_case(
                {
                    "citizen_name": form.get("citizen_name", ""),
                    "phone": form.get("phone", ""),
                    "procedure": form.get("procedure", ""),
                    "ticket": form.get("ticket", "").strip() or None,
                },
                g.user,
            )
        except QmsError as exc:
            flash(exc.message, "error")
        else:
            return redirect(url_for("paper.assisted_detail", case_id=case["id"]))
    view = request.args.get("view", "open")
    if view not in ("open", "callback", "done"):
        view = "open"
    cases = queries.list_cases(g.user, view)
    register.record_view(g.user, cases, "page:assisted")
    return render_template(
        "paper/assisted.html",
        cases=cases,
        view=view,
        form=form,
        summary=queries.summary(),
        ticket=request.args.get("ticket", ""),
    )


@bp.route("/paper/assisted/<int:case_id>", methods=["GET", "POST"])
@login_required(*PERSONAL_DATA)
def assisted_detail(case_id):
    if request.method == "POST":
        try:
            _require(SUPPORT_TEAM, "Chỉ Tổ hỗ trợ được đánh dấu.", "Support team only.")
            if request.form.get("result_ready") == "1":
                assisted.mark_result_ready(case_id, g.user)
            else:
                assisted.tick_step(
                    case_id,
                    int(request.form.get("n", "0") or 0),
                    request.form.get("done") == "1",
                    request.form.get("detail", ""),
                    g.user,
                )
        except QmsError as exc:
            flash(exc.message, "error")
        return redirect(url_for("paper.assisted_detail", case_id=case_id))
    case = queries.get_case(case_id, g.user)
    if case is None:
        abort(404)
    register.record_view(g.user, [case], "page:assisted")
    return render_template("paper/assisted_case.html", case=case)


# --- the public page behind the slip's QR code ----------------------------------------------


@bp.route("/hs/<token>")
def status_page(token):
    info = queries.public_status(token)
    hotline = current_app.config.get("HOTLINE") or ""
    if info is None:
        return render_template("paper/status.html", info=None, hotline=hotline), 404
    return render_template("paper/status.html", info=info, hotline=hotline)


@bp.route("/hs/<token>/qr.svg")
@login_required()
def status_qr(token):
    """The slip's QR as SVG for the browser-printed slip (staff only: it is the slip's link)."""
    import qrcode
    import qrcode.image.svg

    info = queries.public_status(token)
    if info is None:
        abort(404)
    image = qrcode.make(
        queries.status_url(token),
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.app_template_global("paper_now_local")
def paper_now_local():
    return to_local(utcnow()).strftime("%d/%m/%Y %H:%M")


def init_app(app):
    app.register_blueprint(bp)

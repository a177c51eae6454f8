"""Incident staff pages: the book, reporting, one incident, the catalogue, quarterly reports.

Templates are "incidents/….html"; static files are served at /incidents/static/."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from qms.errors import Forbidden, QmsError
from qms.extensions import csrf
from qms.i18n import t
from qms.incidents import files, queries, reports
from qms.incidents.inputs import parse_list_args, year_quarter_args
from qms.incidents.operations import attachments, catalogue, lifecycle, notices, proposals
from qms.incidents.plan import GENERAL_PROCESS
from qms.incidents.queries import CATEGORY_LABELS, STATUS_LABELS
from qms.models import utcnow
from qms.pages.guard import login_required
from qms.paper import queries as paper_queries
from qms.roles import LEADERSHIP, TECHNICAL, may
from qms.timeutil import local_day, to_local, vn_long_date

bp = Blueprint(
    "incidents",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/incidents/static",
)


@bp.before_request
def _allow_large_upload():
    files.allow_large_upload(request, "/incidents/")


def _may(allowed):
    user = g.get("user")
    return bool(user) and may(user["role"], allowed)


def _require(allowed):
    if not _may(allowed):
        raise Forbidden(
            t(
                "Chỉ cán bộ CNTT hoặc lãnh đạo Trung tâm được làm thao tác này.",
                "Only the IT officer or leadership may do this.",
            ),
            "forbidden_role",
        )


@bp.app_template_filter("inc_minutes")
def inc_minutes(minutes):
    text = reports.fmt_minutes(minutes)
    if current_app and t("vi", "en") == "en" and text:
        text = text.replace("ngày", "d").replace("giờ", "h").replace("phút", "min")
    return text


@bp.app_template_filter("inc_percent")
def inc_percent(share):
    return reports.vn_percent(share or 0)


@bp.context_processor
def _labels():
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "CATEGORY_LABELS": CATEGORY_LABELS,
        "CHANNELS": lifecycle.CHANNELS,
        "may_handle": _may(TECHNICAL),
        "may_lead": _may(LEADERSHIP),
    }


# --- the book ---------------------------------------------------------------------------------


@bp.route("/incidents")
@login_required()
def index():
    try:
        args = parse_list_args(request.args)
    except QmsError as exc:
        flash(exc.message, "error")
        args = {}
    incidents = queries.list_incidents(**args)
    open_ones = [i for i in incidents if i["is_open"]]
    others = [i for i in incidents if not i["is_open"]]
    return render_template(
        "incidents/index.html",
        open_ones=open_ones,
        others=others,
        types=queries.incident_types(),
        filters=request.args,
        paper_after=queries.paper_after_minutes(),
    )


@bp.route("/incidents/new", methods=["GET", "POST"])
@login_required()
def new():
    types = queries.incident_types(active_only=True)
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            incident = lifecycle.report_incident(
                form.get("type", ""),
                form.get("description", ""),
                user=g.user,
                occurred_at=form.get("occurred_at") or None,
                scope=form.get("scope", ""),
                is_drill=form.get("is_drill") == "1",
            )
        except QmsError as exc:
            flash(exc.message, "error")
        else:
            flash(t("Đã ghi nhận sự cố.", "Incident recorded."), "ok")
            return redirect(url_for("incidents.detail", incident_id=incident["id"]))
    now_local = to_local(utcnow()).strftime("%Y-%m-%dT%H:%M")
    return render_template(
        "incidents/new.html",
        types=types,
        form=form,
        selected=form.get("type") or request.args.get("type", ""),
        now_local=now_local,
        is_drill=request.args.get("drill") == "1" or form.get("is_drill") == "1",
    )


@bp.route("/incidents/<int:incident_id>")
@login_required()
def detail(incident_id):
    incident = queries.get_incident(incident_id)
    if incident is None:
        abort(404)
    paper = paper_queries.counts_for_incident(incident_id)
    return render_template(
        "incidents/detail.html",
        incident=incident,
        paper_count=paper["total"],
        paper_outstanding=paper["outstanding"],
        process=GENERAL_PROCESS,
        paper_after=queries.paper_after_minutes(),
        max_upload=_size_text(int(current_app.config["INCIDENT_ATTACHMENT_MAX_BYTES"])),
    )


def _size_text(size):
    return f"{size / 1048576:g} MB" if size >= 1048576 else f"{size // 1024} KB"


ACTIONS = {
    # name: (allowed roles, () for any staff; function(incident_id, form, user))
    "note": ((), lambda i, f, u: lifecycle.add_note(i, f.get("text", ""), u)),
    "escalate": (
        (),  # the plan: "chuyên viên hoặc lãnh đạo Trung tâm" contacts the next level
        lambda i, f, u: lifecycle.escalate(
            i, f.get("to", ""), f.get("channel", ""), f.get("note", ""), u, f.get("at") or None
        ),
    ),
    "resolve": (
        TECHNICAL,
        lambda i, f, u: lifecycle.resolve(
            i, f.get("resolution", ""), u, f.get("resolved_at") or None
        ),
    ),
    "close": (TECHNICAL, lambda i, f, u: lifecycle.close(i, u)),
    "confirm": ((), lambda i, f, u: lifecycle.confirm(i, u)),
    "dismiss": (TECHNICAL, lambda i, f, u: lifecycle.dismiss(i, f.get("reason", ""), u)),
    "notice": (
        TECHNICAL,
        lambda i, f, u: notices.publish_incident_notice(i, f.get("text", ""), u),
    ),
    "notice-withdraw": (TECHNICAL, lambda i, f, u: notices.withdraw_incident_notice(i, u)),
    "paper": (TECHNICAL, lambda i, f, u: lifecycle.start_paper_reception(i, u)),
}
DONE_MESSAGES = {
    "note": ("Đã thêm ghi chú.", "Note added."),
    "escalate": ("Đã ghi nhận chuyển cấp.", "Escalation recorded."),
    "resolve": ("Đã ghi nhận khắc phục.", "Marked resolved."),
    "close": ("Đã đóng sự cố.", "Incident closed."),
    "confirm": ("Đã xác nhận sự cố.", "Incident confirmed."),
    "dismiss": ("Đã loại bỏ: không phải sự cố.", "Dismissed as not an incident."),
    "notice": ("Đã đăng thông báo lên màn hình.", "Notice published."),
    "notice-withdraw": ("Đã gỡ thông báo.", "Notice withdrawn."),
    "paper": ("Đã ghi nhận chuyển sang tiếp nhận hồ sơ giấy.", "Paper reception recorded."),
}


@bp.route("/incidents/<int:incident_id>/<action>", methods=["POST"])
@login_required()
def act(incident_id, action):
    if action not in ACTIONS:
        abort(404)
    allowed, fn = ACTIONS[action]
    try:
        _require(allowed)
        fn(incident_id, request.form, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t(*DONE_MESSAGES[action]), "ok")
    return redirect(url_for("incidents.detail", incident_id=incident_id) + _anchor(action))


def _anchor(action):
    return "#timeline" if action == "note" else ""


@bp.route("/incidents/<int:incident_id>/steps/<int:n>", methods=["POST"])
@login_required()
def step(incident_id, n):
    try:
        lifecycle.tick_step(incident_id, n, request.form.get("done") == "1", g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    return redirect(url_for("incidents.detail", incident_id=incident_id) + "#checklist")


@bp.route("/incidents/<int:incident_id>/attachments", methods=["POST"])
@csrf.exempt  # checked below, once the larger body limit of uploads is in place
@login_required()
def attachment_upload(incident_id):
    try:
        csrf.protect()
        attachments.add_attachment(incident_id, request.files.get("file"), g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t("Đã đính kèm tệp.", "File attached."), "ok")
    return redirect(url_for("incidents.detail", incident_id=incident_id) + "#timeline")


# --- the catalogue ----------------------------------------------------------------------------


def _type_form(form):
    return {
        "code": form.get("code", "").strip(),
        "title": form.get("title", ""),
        "title_en": form.get("title_en", ""),
        "category": form.get("category", ""),
        "symptoms": form.get("symptoms", ""),
        "steps": form.get("steps", "").splitlines(),
        "responsible": form.get("responsible", ""),
        "contacts": form.get("contacts", "").splitlines(),
        "is_active": form.get("active") == "1",
    }


@bp.route("/incidents/types", methods=["GET", "POST"])
@login_required()
def types():
    if request.method == "POST":
        try:
            _require(TECHNICAL)
            code = catalogue.create_type(_type_form(request.form), g.user)
        except QmsError as exc:
            flash(exc.message, "error")
        else:
            flash(t(f"Đã thêm loại sự cố {code}.", f"Type {code} added."), "ok")
            return redirect(url_for("incidents.types") + f"#type-{code}")
    return render_template(
        "incidents/types.html",
        types=queries.incident_types(),
        edit=request.args.get("edit"),
        process=GENERAL_PROCESS,
    )


@bp.route("/incidents/types/<code>", methods=["POST"])
@login_required()
def type_update(code):
    try:
        _require(TECHNICAL)
        data = _type_form(request.form)
        data.pop("code")
        catalogue.update_type(code, data, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
        return redirect(url_for("incidents.types", edit=code) + f"#type-{code}")
    flash(t(f"Đã lưu loại sự cố {code}.", f"Type {code} saved."), "ok")
    return redirect(url_for("incidents.types") + f"#type-{code}")


# --- quarterly report -------------------------------------------------------------------------


def _quarter():
    try:
        return year_quarter_args(request.args)
    except QmsError as exc:
        flash(exc.message, "error")
        return year_quarter_args({})


@bp.route("/incidents/reports", methods=["GET", "POST"])
@login_required()
def report_page():
    if request.method == "POST":
        try:
            _require(LEADERSHIP)
            year, quarter = year_quarter_args(request.form)
            proposals.save_quarter_note(
                year,
                quarter,
                request.form.get("proposals", ""),
                request.form.get("number", ""),
                g.user,
            )
        except QmsError as exc:
            flash(exc.message, "error")
            return redirect(url_for("incidents.report_page"))
        flash(t("Đã lưu đề xuất.", "Proposals saved."), "ok")
        return redirect(url_for("incidents.report_page", year=year, quarter=quarter))
    year, quarter = _quarter()
    report = reports.quarter_report(year, quarter)
    this_year = local_day(utcnow()).year
    return render_template(
        "incidents/reports.html",
        report=report,
        years=range(this_year - 4, this_year + 1),
    )


def commune_parts():
    """'XÃ TÂN KỲ' → ('xã', 'Tân Kỳ'): the kind of unit and the place name for the date line."""
    name = current_app.config["COMMUNE_NAME"].strip()
    for prefix in ("XÃ", "PHƯỜNG", "ĐẶC KHU", "THỊ TRẤN"):
        if name.upper().startswith(prefix + " "):
            return prefix.lower(), name[len(prefix) + 1 :].strip().title()
    return "", name.title()


@bp.route("/incidents/reports/print")
@login_required()
def report_print():
    year, quarter = _quarter()
    report = reports.quarter_report(year, quarter)
    return render_template(
        "incidents/report_print.html",
        report=report,
        commune=current_app.config["COMMUNE_NAME"].upper(),
        centre=current_app.config["CENTRE_NAME"].upper(),
        place=current_app.config["INCIDENT_REPORT_PLACE"] or commune_parts()[1],
        centre_phrase=" ".join(
            p for p in ("Trung tâm Phục vụ hành chính công", *commune_parts()) if p
        ),
        date_line=vn_long_date(local_day(utcnow())),
        fmt=reports.fmt_minutes,
        vn_percent=reports.vn_percent,
    )


# --- the printable report's serif font (Noto Serif covers Vietnamese), served locally ---------


def _serif_dir():
    try:
        import fontpkg_noto_serif
    except ImportError:  # optional: Times New Roman on the printing PC still works
        return None
    return Path(fontpkg_noto_serif.ROOT) / "files"


SERIF_FILES = {
    "NotoSerif.ttf": "NotoSerif[wdth,wght].ttf",
    "NotoSerif-Italic.ttf": "NotoSerif-Italic[wdth,wght].ttf",
}


@bp.route("/incidents/assets/fonts/<name>")
def serif_font(name):
    directory = _serif_dir()
    if directory is None or name not in SERIF_FILES:
        abort(404)
    return send_from_directory(directory, SERIF_FILES[name], max_age=86400 * 30)


def init_app(app):
    app.register_blueprint(bp)

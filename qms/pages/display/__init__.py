"""The waiting-room display (TV): now serving, last calls, waiting counts, the spoken call,
and the centre's guidance videos and pictures (managed on /display/media by staff)."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from qms.announce import all_segment_urls
from qms.errors import QmsError
from qms.media import operations as media_ops
from qms.media import queries as media_queries
from qms.pages.guard import login_required
from qms.roles import TECHNICAL

bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/display-static",
)
SERVICE_CODE = re.compile(r"^[A-Za-z]{1,3}$")


@bp.route("/display")
def display():
    """?services=A,B: one hall's services; ?media=0: no guidance videos on this screen."""
    cfg = current_app.config
    codes = [c.strip().upper() for c in request.args.get("services", "").split(",")]
    page = {
        "timezone": cfg["TIMEZONE"],
        "highlightSeconds": 8,
        "pageSeconds": 8,
        "services": [c for c in codes if SERVICE_CODE.match(c)][:30],
        "media": request.args.get("media") != "0",
        "speech": all_segment_urls(),
    }
    return render_template("display/display.html", page=page, commune=cfg["COMMUNE_NAME"])


@bp.route("/display/media.json")
def media_json():
    response = jsonify(media_queries.media_list())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/display/media/<name>")
def media_file(name):
    path = (
        media_queries.media_path(name)
        if re.fullmatch(r"[0-9a-f]{16}\.[a-z0-9]{3,4}", name)
        else None
    )
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, conditional=True, max_age=3600)


@bp.before_request
def allow_large_upload():
    """Before the body is read: a media upload may exceed the app-wide MAX_CONTENT_LENGTH."""
    if request.method == "POST" and request.path == "/display/media":
        request.max_content_length = int(current_app.config["DISPLAY_MEDIA_MAX_BYTES"]) + 65536


@bp.route("/display/media", methods=["GET", "POST"])
@login_required(*TECHNICAL)
def media_page():
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("Xin chọn một tệp ảnh hoặc video.", "error")
        else:
            try:
                item = media_ops.add_media(upload.stream, request.form.get("title", ""), g.user)
            except QmsError as exc:
                flash(exc.message, "error")
            else:
                flash(
                    f"Đã thêm “{item['title'] or item['name']}”: màn hình chờ sẽ phát trong 1 phút.",
                    "ok",
                )
        return redirect(url_for("display.media_page"))
    return render_template("display/media.html", media=media_queries.media_list())


@bp.route("/display/media/<name>/delete", methods=["POST"])
@login_required(*TECHNICAL)
def media_delete(name):
    try:
        media_ops.remove_media(name, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash("Đã gỡ tệp khỏi màn hình chờ.", "ok")
    return redirect(url_for("display.media_page"))


@bp.route("/")
def index():
    return redirect("/kiosk")


def init_app(app):
    app.register_blueprint(bp)

"""The waiting-room display and the citizen's tracking page (with its QR code)."""

import io

from flask import Blueprint, Response, current_app, redirect, render_template

from qms.queue.queries import ticket_by_token

bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/display-static",
)
tracking = Blueprint("tracking", __name__, template_folder="templates")


@bp.route("/display")
def display():
    cfg = current_app.config
    page = {"timezone": cfg["TIMEZONE"], "highlightSeconds": 8}
    return render_template("display.html", page=page, commune=cfg["COMMUNE_NAME"])


def _ticket_or_none(token):
    return ticket_by_token(token) if len(token) <= 40 else None


@tracking.route("/t/<token>")
def page(token):
    ticket = _ticket_or_none(token)
    if ticket is None:
        return render_template("track_missing.html"), 404
    return render_template("track.html", ticket=ticket, token=token)


@tracking.route("/t/<token>/qr.svg")
def qr(token):
    """The tracking link as an SVG QR code, drawn here so no page needs a JS QR library."""
    import qrcode
    import qrcode.image.svg

    ticket = _ticket_or_none(token)
    if ticket is None:
        return render_template("track_missing.html"), 404
    image = qrcode.make(
        ticket["track_url"],
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def init_app(app):
    app.register_blueprint(bp)
    app.register_blueprint(tracking)

    @app.route("/")
    def index():
        return redirect("/kiosk")

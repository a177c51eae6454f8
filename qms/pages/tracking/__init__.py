"""The citizen's tracking page on the phone, reached from the ticket's QR code."""

import io

from flask import Blueprint, Response, render_template

from qms.queue.queries import citizen_view, ticket_by_token

bp = Blueprint(
    "tracking",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/tracking-static",
)


def _ticket_or_none(token):
    return ticket_by_token(token) if len(token) <= 40 else None


@bp.route("/t/<token>")
def page(token):
    ticket = _ticket_or_none(token)
    if ticket is None:
        return render_template("tracking/track_missing.html"), 404
    return render_template("tracking/track.html", ticket=citizen_view(ticket), token=token)


@bp.route("/t/<token>/qr.svg")
def qr(token):
    """The tracking link as an SVG QR code, drawn here so no page needs a JS QR library."""
    import qrcode
    import qrcode.image.svg

    ticket = _ticket_or_none(token)
    if ticket is None:
        return render_template("tracking/track_missing.html"), 404
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

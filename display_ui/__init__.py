"""The waiting-room display and the citizen's tracking page."""

from flask import Blueprint, redirect, render_template

from qms.errors import NotFound
from qms.queue.queries import ticket_by_token

bp = Blueprint("display", __name__, template_folder="templates", static_folder="static", static_url_path="/display-static")
tracking = Blueprint("tracking", __name__, template_folder="templates")


@bp.route("/display")
def display():
    return render_template("display.html")


@tracking.route("/t/<token>")
def page(token):
    ticket = ticket_by_token(token) if len(token) <= 40 else None
    if ticket is None:
        raise NotFound("Không tìm thấy vé này. Ticket not found.", "unknown_ticket")
    return render_template("track.html", ticket=ticket, token=token)


def init_app(app):
    app.register_blueprint(bp)
    app.register_blueprint(tracking)

    @app.route("/")
    def index():
        return redirect("/kiosk")

"""The citizen's touch kiosk: take a number in two taps."""

from flask import Blueprint, render_template

bp = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static", static_url_path="/kiosk-static")


@bp.route("/kiosk")
def kiosk():
    return render_template("kiosk.html")


def init_app(app):
    app.register_blueprint(bp)

"""The waiting-room display (TV): now serving, last calls, waiting counts, the spoken call."""

from flask import Blueprint, current_app, redirect, render_template

bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/display-static",
)


@bp.route("/display")
def display():
    cfg = current_app.config
    page = {"timezone": cfg["TIMEZONE"], "highlightSeconds": 8}
    return render_template("display/display.html", page=page, commune=cfg["COMMUNE_NAME"])


@bp.route("/")
def index():
    return redirect("/kiosk")


def init_app(app):
    app.register_blueprint(bp)

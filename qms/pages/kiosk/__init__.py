"""The citizen's touch kiosk: take a number in two taps."""

from flask import Blueprint, current_app, render_template

bp = Blueprint(
    "kiosk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/kiosk-static",
)

RETURN_SECONDS = 10  # the ticket screen goes back to the start by itself


@bp.route("/kiosk")
def kiosk():
    cfg = current_app.config
    page = {
        "returnSeconds": int(cfg.get("KIOSK_RETURN_SECONDS", RETURN_SECONDS)),
        "timezone": cfg["TIMEZONE"],
    }
    return render_template(
        "kiosk/kiosk.html", page=page, commune=cfg["COMMUNE_NAME"], hotline=cfg["HOTLINE"]
    )


def init_app(app):
    app.register_blueprint(bp)

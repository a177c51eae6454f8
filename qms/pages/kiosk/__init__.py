"""The citizen's touch kiosk: take a number in two taps."""

from flask import Blueprint, current_app, render_template

from qms.config import DEFAULTS

bp = Blueprint(
    "kiosk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/kiosk-static",
)

ELDERLY_PRIORITY = "elderly"  # the category a scanned CCCD of an elderly citizen selects


@bp.route("/kiosk")
def kiosk():
    cfg = current_app.config
    page = {
        "returnSeconds": int(cfg["KIOSK_RETURN_SECONDS"]),
        "screenTicketSeconds": int(cfg["KIOSK_SCREEN_TICKET_SECONDS"]),
        "idleSeconds": int(cfg["KIOSK_IDLE_SECONDS"]),
        "elderlyAge": int(cfg["KIOSK_ELDERLY_AGE"]),
        "elderlyPriority": ELDERLY_PRIORITY,
        "timezone": cfg["TIMEZONE"],
        "hotline": cfg.get("HOTLINE") or "",
        # the centre's own kiosk texts (centre settings laid over the configuration)
        "welcome": _own_welcome(cfg.get("KIOSK_WELCOME")),
        "footer": " · ".join(x for x in (cfg.get("CENTRE_ADDRESS"), cfg.get("KIOSK_FOOTER")) if x),
    }
    return render_template("kiosk/kiosk.html", page=page, commune=cfg["COMMUNE_NAME"])


def _own_welcome(text):
    """A welcome line the centre wrote; the stock one only repeats the page's own title."""
    return text if text and text != DEFAULTS.get("KIOSK_WELCOME") else ""


def init_app(app):
    app.register_blueprint(bp)

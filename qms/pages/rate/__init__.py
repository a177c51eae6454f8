"""The counter-side rating tablet (/rate?counter=N): a small screen facing the citizen.

It is logged in with a device account (role `device`), never an officer's: it wakes when its
counter finishes a ticket (Socket.IO `rating_open` in room rate:<n>), shows the code, takes one
tap, thanks, and sleeps. It also gives the phone page's rating widget its template globals.
"""

from flask import Blueprint, current_app, render_template, request

from qms.i18n import t
from qms.pages.guard import login_required
from qms.queue.queries import get_counter
from qms.ratings import queries
from qms.roles import DEVICES

bp = Blueprint(
    "rate",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/rate-static",
)


def _counter_arg():
    raw = request.args.get("counter", "")
    number = int(raw) if raw.isdigit() and len(raw) < 6 else None
    return get_counter(number) if number is not None else None


@bp.route("/rate")
@login_required(*DEVICES)
def page():
    counter = _counter_arg()
    if counter is None:
        message = t(
            "Thiếu hoặc sai số quầy: mở trang dạng /rate?counter=1.",
            "Missing or unknown counter: open /rate?counter=1.",
        )
        return render_template("layout/error.html", code=404, message=message), 404
    return render_template(
        "rate/rate.html",
        counter=counter,
        scale=queries.rating_scale(),
        pending=queries.pending_for_counter(counter["number"]),
        awake_seconds=int(current_app.config["RATING_PAGE_AWAKE_SECONDS"]),
    )


@bp.route("/rate/pending")
@login_required(*DEVICES)
def pending():
    """The tablet asks now and then while asleep: catches up after a lost connection, and keeps
    its session alive through the night."""
    counter = _counter_arg()
    if counter is None:
        return {"error": {"code": "unknown_counter", "message": "Không có quầy này."}}, 404
    return {"pending": queries.pending_for_counter(counter["number"])}


def init_app(app):
    app.register_blueprint(bp)
    # the phone page's rating widget (tracking/rating_widget.html) reads these
    app.add_template_global(queries.rating_scale, "rating_scale")
    app.add_template_global(queries.rating_of_token, "rating_of_token")

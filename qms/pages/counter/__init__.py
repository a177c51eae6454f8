"""The counter officer's page: call next or a given number, recall, no-show, transfer to a
service or a counter, done, pause with a reason, issue a ticket, by key or click; one officer
per counter (the page holds its counter and may take it over)."""

import json

from flask import Blueprint, current_app, g, render_template

from qms.pages.guard import login_required
from qms.roles import COUNTER_STAFF

bp = Blueprint(
    "counter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/counter-static",
)

# Defaults for a cheap numeric USB keypad (NumLock on); QMS_COUNTER_KEYS overrides any action.
# The keypad's spare digits open the desk's two dialogs: call a given number, issue a ticket.
DEFAULT_KEYS = {
    "next": ["Enter", "+"],
    "recall": ["*", "."],
    "no_show": ["-"],
    "transfer": ["/"],
    "done": ["0"],
    "start": ["1"],
    "pause": ["9"],
    "call_number": ["2"],
    "issue": ["3"],
}


def counter_keys(config):
    """The key map of the page: defaults updated by COUNTER_KEYS (a dict or a JSON string)."""
    keys = {action: list(values) for action, values in DEFAULT_KEYS.items()}
    custom = config.get("COUNTER_KEYS")
    if isinstance(custom, str):
        try:
            custom = json.loads(custom)
        except ValueError:
            current_app.logger.warning("COUNTER_KEYS is not valid JSON; using the defaults")
            custom = None
    if isinstance(custom, dict):
        for action, values in custom.items():
            if action not in keys:
                continue
            if isinstance(values, str):
                values = [values]
            if isinstance(values, list):
                keys[action] = [str(v) for v in values if str(v)]
        # a key a centre gave to one action is not also a default of another
        claimed = {k for action in custom if action in keys for k in keys[action]}
        for action in keys:
            if action not in custom:
                keys[action] = [k for k in keys[action] if k not in claimed]
    return keys


@bp.route("/counter")
@login_required(*COUNTER_STAFF)
def counter():
    page = {
        "keys": counter_keys(current_app.config),
        "timezone": current_app.config["TIMEZONE"],
        "me": {"id": g.user["id"], "name": g.user["display_name"]},
    }
    return render_template("counter/counter.html", page=page)


def init_app(app):
    app.register_blueprint(bp)

"""The current operating mode, read from the settings row the switch operations write."""

from flask import current_app

from qms.models import Setting

MODES = ("standalone", "standby", "fallback", "draining")


def default_mode():
    return "standby" if current_app.config.get("PRIMARY_URL") else "standalone"


def current_mode(s):
    row = s.get(Setting, "mode")
    if row is None:
        return {"mode": default_mode(), "since": None, "reason": "", "by": None, "automatic": True}
    state = dict(row.value)
    if not current_app.config.get("PRIMARY_URL") and state.get("mode") != "standalone":
        # no primary configured any more: this system is the QMS
        state = {**state, "mode": "standalone"}
    return state

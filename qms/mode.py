"""The operating mode: core state that issuing, the board and health read.

standalone (no QMS_PRIMARY_URL) · standby (QMS 1.2 healthy: no local issuing) · fallback
(QMS 1.2 down: this system issues and calls) · draining (QMS 1.2 back: no new local tickets,
the remaining ones are called). The fallback feature is the only writer (store_mode); every
other feature only reads it here.
"""

from flask import current_app
from sqlalchemy import select

from qms.extensions import get_db
from qms.models import Setting
from qms.state import get_state

MODES = ("standalone", "standby", "fallback", "draining")
ISSUING_MODES = ("standalone", "fallback")
MODE_KEY = "mode"

# Core, not s.get(): this runs inside every ticket issue
_MODE_VALUE = select(Setting.value).where(Setting.key == MODE_KEY)


def default_mode():
    return "standby" if current_app.config.get("PRIMARY_URL") else "standalone"


def current_mode(s):
    """{"mode", "since", "reason", "by", "automatic", …} inside the caller's session."""
    return mode_from(s.connection().execute(_MODE_VALUE).scalar())


def mode_from(value):
    """The mode state from the stored Setting value (None: never set)."""
    if value is None:
        return {"mode": default_mode(), "since": None, "reason": "", "by": None, "automatic": True}
    state = dict(value)
    if not current_app.config.get("PRIMARY_URL") and state.get("mode") != "standalone":
        # no primary configured any more: this system is the QMS
        state = {**state, "mode": "standalone"}
    return state


def store_mode(s, state):
    """Write the mode record inside the caller's transaction (the fallback feature's switch)."""
    row = s.get(Setting, MODE_KEY)
    if row is None:
        s.add(Setting(key=MODE_KEY, value=state))
    else:
        row.value = state


def cached_mode(ttl=5.0):
    """The mode for readers (health, board): from memory, dropped on every change signal."""

    def read():
        with get_db().read() as s:
            return current_mode(s)["mode"]

    return get_state().cache.get("mode", read, ttl, kind="setup")

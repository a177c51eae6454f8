"""Fallback: stand in for the province's QMS 1.2 when it fails, and hand back cleanly.

Modes: standalone (no QMS_PRIMARY_URL) · standby (primary healthy: no local issuing) ·
fallback (primary down: we issue and call) · draining (primary back: no new local tickets,
the remaining local and adopted ones are called, then standby by itself).

The monitor (monitor.py, one per deployment through a lease) acts on flips of the primary's
state only: down after PRIMARY_FAIL_THRESHOLD failures → takeover (TAKEOVER=auto) or a pending
request for leadership (ask); up after PRIMARY_RECOVER_THRESHOLD successes spanning
PRIMARY_RECOVER_SECONDS → draining. A mode leadership forced is therefore left alone until
the primary's state flips again.

Adopted tickets (numbers QMS 1.2 printed) get queue_dt = outage start − (10000 − number) ms:
in number order, ahead of every local ticket issued after the takeover (priority classes
still apply); without an outage (standalone) they queue from the moment of adoption.
"""

import logging

from qms import signals

log = logging.getLogger(__name__)


def init_app(app):
    from qms.fallback import api as _api  # noqa: F401  (registers the routes)
    from qms.fallback import cli, monitor
    from qms.state import get_state

    if app.config["TAKEOVER"] not in ("auto", "ask"):
        raise RuntimeError(f"QMS_TAKEOVER must be 'auto' or 'ask', not {app.config['TAKEOVER']!r}")
    series = str(app.config["FALLBACK_SERIES"])
    if series != "continue" and not (series.startswith("offset:") and series[7:].isdigit()):
        raise RuntimeError(f"QMS_FALLBACK_SERIES must be 'continue' or 'offset:N', not {series!r}")
    get_state(app).add_loop("primary-monitor", monitor.run)
    cli.init_app(app)

    def check_draining(sender, **kwargs):
        if kwargs.get("new", "draining") != "draining":
            return
        from qms.fallback.operations import finish_draining

        try:
            finish_draining(entering="new" in kwargs)
        except Exception:  # a listener must never break the call that sent the signal
            log.exception("draining check failed")

    # after each call, completion, no-show, cancel (queue_changed) and on entering draining
    signals.queue_changed.connect(check_draining, sender=app, weak=False)
    signals.mode_changed.connect(check_draining, sender=app, weak=False)

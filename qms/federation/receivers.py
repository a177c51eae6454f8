"""Signal receivers: each change the province should know becomes an outbox record.

They run after the change committed and never raise: a failure is logged and counted
(Runtime.dropped). queue_changed (and ticket and counter changes) only mark the queue dirty: the sender loop takes a snapshot,
so a burst of tickets is one record, and issuing never waits for the outbox.
"""

import logging

from qms import signals
from qms.federation import operations, queries
from qms.state import get_state
from qms.timeutil import iso, utcnow

log = logging.getLogger(__name__)


def on_incident_changed(app, incident, action, **_):
    record = queries.incident_record(incident, action)
    operations.enqueue(get_state(app).db, get_state(app).federation, "incident", record)


def on_mode_changed(app, old, new, reason="", automatic=False, **_):
    record = {
        "mode": new,
        "old": old,
        "reason": queries.cut(reason)[:300],
        "automatic": bool(automatic),
        "since": iso(utcnow()),
    }
    operations.enqueue(get_state(app).db, get_state(app).federation, "mode", record)


def on_device_failed(app, device, kind=None, message="", **_):
    record = {"device": device, "state": "failed", "kind": kind or "", "message": message or ""}
    operations.enqueue(get_state(app).db, get_state(app).federation, "device", record)


def on_device_recovered(app, device, kind=None, message="", **_):
    record = {"device": device, "state": "ok", "kind": kind or "", "message": message or ""}
    operations.enqueue(get_state(app).db, get_state(app).federation, "device", record)


def connect_signals(app):
    """Only when a province is configured; receivers of this app only."""

    def guarded(name, fn):
        def receiver(sender, **kwargs):
            if not queries.is_configured(app.config):
                return
            try:
                with app.app_context():
                    fn(app, **kwargs)
            except Exception:  # the province must never break an incident or a mode switch
                log.exception("federation receiver %s failed", name)

        return receiver

    def queue_dirty(sender, **_):
        get_state(app).federation.queue_dirty = True

    signals.incident_changed.connect(
        guarded("incident_changed", on_incident_changed), sender=app, weak=False
    )
    signals.mode_changed.connect(guarded("mode_changed", on_mode_changed), sender=app, weak=False)
    signals.device_failed.connect(
        guarded("device_failed", on_device_failed), sender=app, weak=False
    )
    signals.device_recovered.connect(
        guarded("device_recovered", on_device_recovered), sender=app, weak=False
    )
    # anything that moves a queue or a counter: one flag, read by the sender loop
    for signal in (
        signals.queue_changed,
        signals.tickets_issued,
        signals.ticket_called,
        signals.ticket_changed,
        signals.counter_changed,
    ):
        signal.connect(queue_dirty, sender=app, weak=False)

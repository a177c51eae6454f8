"""Blinker signals: features talk through these, never by importing each other.

Operations send them after their transaction commits (except *_issuing, sent inside
the issuing transaction so a listener's rows commit or roll back with the ticket).
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs as noted
ticket_issuing = _signals.signal("ticket-issuing")  # session, ticket (inside the transaction)
ticket_issued = _signals.signal("ticket-issued")  # ticket (dict)
ticket_called = _signals.signal("ticket-called")  # ticket, counter (dicts), recall (bool)
ticket_changed = _signals.signal("ticket-changed")  # ticket (dict), action (str)
counter_changed = _signals.signal("counter-changed")  # counter (dict)
queue_changed = _signals.signal("queue-changed")  # nothing: waiting counts may have moved
mode_changed = _signals.signal("mode-changed")  # old, new, reason, user, automatic
notices_changed = _signals.signal("notices-changed")  # nothing
device_failed = _signals.signal("device-failed")  # device, kind, message, data
device_recovered = _signals.signal("device-recovered")  # device, kind, message
# ticket_id, job_id, status (job), state (printing|printed|failed: the kiosk's line), kiosk
print_changed = _signals.signal("print-changed")
incident_changed = _signals.signal("incident-changed")  # incident (dict), action
fallback_status = _signals.signal(
    "fallback-status"
)  # status (dict): primary up/down, takeover asked
app_started = _signals.signal("app-started")  # unclean (bool): previous run did not stop cleanly

"""Blinker signals: features talk through these, never by importing each other.

Operations send them after their transaction commits (except *_issuing, sent inside
the issuing transaction so a listener's rows commit or roll back with the ticket).
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs as noted
ticket_issuing = _signals.signal("ticket-issuing")  # session, ticket (inside the transaction)
tickets_issued = _signals.signal("tickets-issued")  # tickets (dicts): one group, committed
ticket_called = _signals.signal("ticket-called")  # ticket, counter (dicts), recall (bool)
ticket_changed = _signals.signal("ticket-changed")  # ticket (dict), action (str)
counter_changed = _signals.signal("counter-changed")  # counter (dict)
queue_changed = _signals.signal("queue-changed")  # nothing: waiting counts may have moved
# nothing: the set-up changed (services, counters, calendar, reception, centre settings,
# the ticket ceiling); sent before queue_changed. Cached settings follow it (qms/cache.py)
setup_changed = _signals.signal("setup-changed")
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
# --- paper dossiers and the centre-wide pause -----------------------------------
# paused (bool), reason, user: after a pause/resume of reception commits (centre feature)
reception_changed = _signals.signal("reception-changed")
# dossier (dict, no personal data: id, code, status, procedure, incident, is_drill), action
paper_dossier_changed = _signals.signal("paper-dossier-changed")
# ratings: sent after a rating commits
ticket_rated = _signals.signal("ticket-rated")  # rating (dict: ratings.queries.rating_dict)
# --- staff accounts and the centre's set-up ------------------------
# username, full_name, until (iso), attempts: an account just locked after wrong passwords
account_locked = _signals.signal("account-locked")
# --- help requests: request (dict: help.queries.help_dict) ------------
help_requested = _signals.signal("help-requested")  # a kiosk's help button, sent after commit
help_acknowledged = _signals.signal("help-acknowledged")  # an officer is on the way
# --- one officer per counter -------------------------------------------
# counter (number), holder and previous (queue.queries.hold_dict or None), previous_page (the
# page id that lost the hold, or None), taken_over (bool): after a hold changes hands or ends
counter_hold_changed = _signals.signal("counter-hold-changed")


def all_signals():
    """{name: signal} of every signal above (qms/cache.py listens to all that change state)."""
    return dict(_signals)

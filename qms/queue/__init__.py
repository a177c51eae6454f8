"""The queue: services, counters, tickets and every event of a ticket's life.

Writes in operations/ (tickets, issuing, calling, setup), reads and the ticket and counter
serializers in queries.py, JSON routes in api.py.
"""

import logging
import os
import socket

log = logging.getLogger(__name__)
LEASE_SECONDS = 15.0


def housekeeping(app, stop):
    """At each local day start, tickets left from earlier days end as cancelled."""
    from qms.db import try_acquire_lease
    from qms.queue.operations import tickets
    from qms.state import get_state

    holder = f"{socket.gethostname()}:{os.getpid()}:{id(app)}"
    while not stop.is_set():
        try:
            with app.app_context():
                # a short lease, renewed every pass: a killed holder's work moves within seconds
                if try_acquire_lease(get_state(app).db, "housekeeping", holder, LEASE_SECONDS):
                    tickets.expire_previous_days()
        except Exception:
            log.exception("housekeeping failed")
        stop.wait(LEASE_SECONDS / 3)


def init_app(app):
    from qms.queue import api, api_counter, api_setup  # noqa: F401  (register /api/v1 routes)
    from qms.queue.limits import Ceiling
    from qms.queue.operations.tally import WaitingTally
    from qms.ratelimit import SlidingWindowLimiter
    from qms.state import get_state

    state = get_state(app)
    state.kiosk_limiter = SlidingWindowLimiter(app.config["KIOSK_RATE_LIMIT"])
    state.address_limiter = SlidingWindowLimiter(app.config["ADDRESS_RATE_LIMIT"])
    state.ceiling = Ceiling()
    state.waiting_tally = WaitingTally()
    state.add_loop("housekeeping", housekeeping)

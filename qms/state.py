"""The app's runtime state in one typed object: every handle a feature keeps between requests.

create_app puts one AppState in app.extensions["qms"]; nothing else goes into app.extensions.
"""

from dataclasses import dataclass, field
from typing import Any

from flask import current_app


@dataclass
class AppState:
    db: Any  # qms.db.Database
    centre: dict = field(default_factory=dict)  # qms.centre: config defaults, overlay's expiry
    factory: Any = None  # create_app: `qms serve` builds the worker's app with it
    login_limiter: Any = None  # qms.ratelimit.SlidingWindowLimiter for /login and /auth/token
    kiosk_limiter: Any = None  # … for POST /tickets, per enrolled kiosk
    address_limiter: Any = None  # … for POST /tickets, per client address (always)
    ceiling: Any = None  # qms.queue.limits.Ceiling: the centre-wide tickets per minute
    issue_batcher: Any = None  # qms.queue.issuing.IssueBatcher, started on the first ticket
    estimates: dict = field(default_factory=dict)  # (service, day) → (expires, minutes)
    waiting_tally: Any = None  # qms.queue.operations.tally.WaitingTally: people-ahead counts
    board: Any = None  # qms.realtime board broadcaster
    cache: Any = None  # qms.cache.ReadCache: the board, the mode, the database's liveness
    socket_gate: Any = None  # qms.web.sockets.SocketGate: open sockets per address and in all
    loops: dict = field(default_factory=dict)  # background loops by name: fn(app, stop_event)
    stop_event: Any = None  # threading.Event set when `qms serve` stops
    loop_threads: list = field(default_factory=list)  # the running loops, joined on stop
    startup_checks: list = field(default_factory=list)  # fn(config) → problem text or None
    devices: Any = None  # qms.devices runtime (printer health, agent bookkeeping)
    printer_transport: Any = None  # tests: a printer_drivers transport used instead of PRINTER
    fallback: dict = field(default_factory=dict)  # the probe loop's own bookkeeping
    federation: Any = None  # qms.federation.runtime.Runtime: the outbox sender's bookkeeping

    def add_loop(self, name, fn):
        """A background loop fn(app, stop_event), started by `qms serve` only."""
        self.loops[name] = fn


def get_state(app=None) -> AppState:
    return (app or current_app).extensions["qms"]

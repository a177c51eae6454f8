"""The one place that emits Socket.IO. Signals in, events out, to rooms:

- ``display``: every client (displays, kiosks, counters, phones): ``board`` and
  ``ticket_called``, which carries under ``board`` what a call changes on the board
  (CALL_KEYS: counters, recent calls, waiting counts, server time), so a call costs every
  client one message, not two: the board push that would follow is skipped when the rest
  of the board is what every client already has;
- ``counter:<n>``: staff pages of counter n: ``counter_state``;
- ``ticket:<token>``: a citizen's tracking page: ``ticket`` updates of that ticket only;
- ``staff``: logged-in staff: ``incident`` and ``device`` events;
- ``display`` also gets ``print_status`` {ticket_id, state, kiosk} for the kiosk's paper line.
"""

import logging
import threading
import time

from flask import request, session
from flask_socketio import disconnect, emit, join_room

from qms import signals
from qms.announce import announcement_for
from qms.auth.queries import current_user
from qms.extensions import socketio
from qms.queue.board import cached_board
from qms.queue.queries import (
    citizen_view,
    counter_queue,
    counters_list,
    get_counter,
    ticket_by_token,
)
from qms.roles import COUNTER_STAFF, STAFF, may
from qms.state import get_state

log = logging.getLogger(__name__)
BOARD_INTERVAL = 0.15  # seconds: coalesces bursts of issuing into one board push


CALL_KEYS = ("counters", "recent", "waiting", "server_time")  # what a call moves on the board


def ticket_called_payload(ticket, counter, recall, board=None):
    payload = {
        "ticket": ticket,
        "counter": {"number": counter["number"], "name": counter["name"]},
        "recall": bool(recall),
        "announcement": announcement_for(ticket["code"], counter["number"]),
    }
    if board is not None:
        payload["board"] = {key: board[key] for key in CALL_KEYS if key in board}
    return payload


def _without_time(board):
    return {k: v for k, v in board.items() if k != "server_time"}


class BoardBroadcaster:
    """Marks the board dirty; one thread pushes it at most every BOARD_INTERVAL."""

    def __init__(self, app):
        self.app = app
        self._dirty = threading.Event()
        self._started = False
        self._closed = False
        self._thread = None
        self._lock = threading.Lock()
        self._sent = None  # the last board every display has (pushed, or carried by a call)

    def sent(self, board):
        """A call carried CALL_KEYS of this board to every client: if the rest is what
        they already have, every client now has this whole board."""
        body, last = _without_time(board), self._sent
        if last is not None and all(
            last.get(key) == value for key, value in body.items() if key not in CALL_KEYS
        ):
            self._sent = body

    def mark(self):
        # blinker calls receivers in no set order: drop the cached board before pushing it
        get_state(self.app).cache.invalidate_queue()
        self._dirty.set()
        if not self._started:
            with self._lock:
                if not self._started and not self._closed:
                    self._started = True
                    self._thread = socketio.start_background_task(self._run)

    def close(self, timeout=5):
        """Stop pushing (app teardown); waits for a push in progress to finish."""
        self._closed = True
        self._dirty.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self):
        while True:
            self._dirty.wait()
            self._dirty.clear()
            if self._closed:
                return
            try:
                with self.app.app_context():
                    board = cached_board()
                    body = _without_time(board)
                    if body != self._sent:  # a call just carried this very board: nothing new
                        socketio.emit("board", board, to="display")
                        self._sent = body
            except Exception:  # a failed push must not end the loop; the next change retries
                log.exception("board push failed")
            time.sleep(BOARD_INTERVAL)


def _token_of(ticket):
    return ticket["track_url"].rstrip("/").rsplit("/", 1)[-1]


def init_app(app):
    socketio.init_app(
        app,
        async_mode="gevent" if app.config["SERVE_WORKER_CLASS"] == "gevent" else "threading",
        message_queue=app.config.get("MESSAGE_QUEUE"),
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
        cors_allowed_origins=app.config.get("SOCKET_ORIGINS") or None,
        ping_interval=10,
        ping_timeout=10,
    )
    broadcaster = BoardBroadcaster(app)
    get_state(app).board = broadcaster

    def on_called(sender, ticket, counter, recall):
        get_state(app).cache.invalidate_queue()  # receivers run in no set order
        board = cached_board()
        payload = ticket_called_payload(ticket, counter, recall, board)
        socketio.emit("ticket_called", payload, to="display")
        socketio.sleep(0)  # let the displays' writers send it now, before the rest of the call
        broadcaster.sent(board)
        socketio.emit("ticket", citizen_view(ticket), to=f"ticket:{_token_of(ticket)}")
        socketio.emit(
            "counter_state",
            {"counter": counter, "ticket": ticket},
            to=f"counter:{counter['number']}",
        )
        broadcaster.mark()

    def on_ticket(sender, ticket, **_):
        socketio.emit("ticket", citizen_view(ticket), to=f"ticket:{_token_of(ticket)}")
        broadcaster.mark()

    def on_issued(sender, tickets, **_):
        # nobody follows a ticket before it exists: its tracking page opens from the paper
        broadcaster.mark()

    def on_counter(sender, counter):
        socketio.emit("counter_state", {"counter": counter}, to=f"counter:{counter['number']}")

    def on_any(sender, **_):
        broadcaster.mark()

    def on_staff_event(name):
        def handler(sender, **kwargs):
            data = {k: v for k, v in kwargs.items() if k != "user"}
            socketio.emit(name, data, to="staff")

        return handler

    # weak=False: the closures live as long as the app
    signals.ticket_called.connect(on_called, sender=app, weak=False)
    signals.tickets_issued.connect(on_issued, sender=app, weak=False)
    signals.ticket_changed.connect(on_ticket, sender=app, weak=False)
    signals.counter_changed.connect(on_counter, sender=app, weak=False)
    for sig in (
        signals.queue_changed,
        signals.setup_changed,
        signals.mode_changed,
        signals.notices_changed,
    ):
        sig.connect(on_any, sender=app, weak=False)
    signals.incident_changed.connect(on_staff_event("incident"), sender=app, weak=False)
    signals.device_failed.connect(on_staff_event("device_failed"), sender=app, weak=False)
    signals.device_recovered.connect(on_staff_event("device_recovered"), sender=app, weak=False)
    signals.fallback_status.connect(on_staff_event("fallback_status"), sender=app, weak=False)

    def on_print(sender, ticket_id, state, kiosk=None, **_):
        # kiosks are display-class clients: they match ticket_id against the ticket they show
        socketio.emit(
            "print_status", {"ticket_id": ticket_id, "state": state, "kiosk": kiosk}, to="display"
        )

    signals.print_changed.connect(on_print, sender=app, weak=False)
    _connect_ratings(app)
    _connect_help(app)
    _connect_holds(app)
    _register_handlers()


# --- one officer per counter ----------------------------------


def _connect_holds(app):
    """counter_hold to the counter's pages: the page that lost its hold (lost_page is its id)
    goes back to the counter picker; a page waiting for the counter may take it."""

    def on_hold(sender, counter, holder, previous, previous_page, taken_over):
        socketio.emit(
            "counter_hold",
            {
                "counter": counter,
                "holder": holder,
                "previous": previous,
                "lost_page": previous_page,
                "taken_over": taken_over,
            },
            to=f"counter:{counter}",
        )

    signals.counter_hold_changed.connect(on_hold, sender=app, weak=False)


# --- help requests -----------------------------------------


def _connect_help(app):
    """help_requested to staff and every counter room, help_acknowledged to staff and displays
    (the kiosk is a display-class client). A client in several rooms gets an event once."""

    def on_requested(sender, request):
        rooms = ["staff"] + [f"counter:{c['number']}" for c in counters_list()]
        socketio.emit("help_requested", request, to=rooms)

    def on_acknowledged(sender, request):
        socketio.emit("help_acknowledged", request, to=["staff", "display"])

    signals.help_requested.connect(on_requested, sender=app, weak=False)
    signals.help_acknowledged.connect(on_acknowledged, sender=app, weak=False)


# --- ratings: rooms rate:<n> hold the counter-side rating tablets ----------


def _connect_ratings(app):
    from qms.ratings.queries import prompt_from_ticket

    def on_done(sender, ticket, action=None, **_):
        # a served ticket wakes its counter's tablet; it shows the code and takes one tap
        if action == "done" and ticket.get("counter") is not None:
            socketio.emit("rating_open", prompt_from_ticket(ticket), to=f"rate:{ticket['counter']}")

    def on_rated(sender, rating):
        if rating["counter"] is not None:
            socketio.emit(
                "rated",
                {"ticket": rating["ticket"], "score": rating["score"]},
                to=f"rate:{rating['counter']}",
            )
        socketio.emit("rating", rating, to="staff")  # the live dashboard

    signals.ticket_changed.connect(on_done, sender=app, weak=False)
    signals.ticket_rated.connect(on_rated, sender=app, weak=False)


def _join_rating(data):
    """A rating tablet (device account) joins its counter's room; staff cannot (they may not rate)."""
    from qms.ratings.queries import pending_for_counter
    from qms.roles import DEVICES

    try:
        user = current_user()
    except Exception:
        user = None
    if user is None or not may(user["role"], DEVICES):
        return {"error": {"code": "device_required", "message": "Cần tài khoản thiết bị."}}
    number = (data or {}).get("counter") if isinstance(data, dict) else None
    if not isinstance(number, int) or get_counter(number) is None:
        return {"error": {"code": "unknown_counter", "message": "Không có quầy này."}}
    join_room(f"rate:{number}")
    return {"counter": number, "pending": pending_for_counter(number)}


def _staff_user():
    """The logged-in staff member of this socket's session; a device account is not staff."""
    try:
        user = current_user()
    except Exception:
        return None
    return user if user is not None and may(user["role"], STAFF) else None


_registered_on = None


def _register_handlers():
    global _registered_on
    # each init_app makes a new socketio.Server and @socketio.on binds to the current one:
    # register once per server (`qms serve` builds the app twice: CLI, then gunicorn worker)
    if _registered_on is socketio.server:
        return
    _registered_on = socketio.server

    @socketio.on("connect")
    def on_connect(auth=None):
        join_room("display")
        if session.get("user_id") and _staff_user():
            join_room("staff")
        emit("board", cached_board())

    @socketio.on("track")
    def on_track(data):
        token = (data or {}).get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or len(token) > 40:
            return {"error": {"code": "invalid_token", "message": "Mã theo dõi không hợp lệ."}}
        ticket = ticket_by_token(token)
        if ticket is None:
            return {"error": {"code": "unknown_ticket", "message": "Không tìm thấy vé."}}
        join_room(f"ticket:{token}")
        return {"ticket": citizen_view(ticket)}

    @socketio.on("join_counter")
    def on_join_counter(data):
        user = _staff_user()
        if user is None:
            emit("error", {"code": "login_required", "message": "Cần đăng nhập. Login required."})
            disconnect()
            return {"error": {"code": "login_required", "message": "Login required"}}
        if not may(user["role"], COUNTER_STAFF):
            return {"error": {"code": "forbidden_role", "message": "Forbidden"}}
        number = (data or {}).get("counter") if isinstance(data, dict) else None
        if not isinstance(number, int) or get_counter(number) is None:
            return {"error": {"code": "unknown_counter", "message": "Không có quầy này."}}
        join_room(f"counter:{number}")
        join_room("staff")
        return {"counter": get_counter(number), "waiting": counter_queue(number)}

    socketio.on("join_rating")(_join_rating)  # ratings

    @socketio.on_error_default
    def on_error(exc):
        log.warning("socket handler error from %s: %s", request.sid, exc)
        return {"error": {"code": "server_error", "message": "Lỗi xử lý. Server error."}}

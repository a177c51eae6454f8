"""The counter PC's agent (`qms counter-agent`): opens the call buttons, LED board and rating
pad plugged into this PC and talks to the server over HTTP with a device token.

Exactly once, like the print agent: every press is written to an fsync'd journal before it
is sent and marked when the server answered; the server acts once per press id, so a press
sent again after a crash or a lost answer acts no more. While the network is down presses
wait in a small buffer; one older than ``max_age`` seconds is dropped with an error on the
board and in the log, never called late (the citizen has gone by then, or the officer
pressed again).
"""

import collections
import logging
import threading
import time
from pathlib import Path

import requests

from hardware import HardwareError, InputDevice, KeyMap, LedBoard, Press

from .agent import AgentError, Journal, ServerSession

log = logging.getLogger(__name__)
VERSION = "1"
BUFFER = 50  # presses held while the server is away (a counter presses a few a minute)


def _token(device, press):
    return f"{device},{press.action},{press.score or 0},{int(time.time() * 1000)}"


class CounterAgent(ServerSession):
    """One counter PC. start() opens devices and threads; stop() closes them."""

    http_timeout = 5  # a press is worth little late: fail fast, buffer, retry

    def __init__(
        self,
        server,
        counter,
        *,
        token=None,
        username=None,
        password=None,
        journal=None,
        max_age=10.0,
        heartbeat=15.0,
        wait=20,
        links=None,
        session=None,
    ):
        self.server = server.rstrip("/")
        self.counter = int(counter)
        self.token = token
        self.username = username
        self.password = password
        self.max_age = float(max_age)
        self.heartbeat = heartbeat
        self.wait = wait
        self.links = dict(links or {})  # device name → hardware Link (tests)
        default = Path.home() / ".local/state/qms-counter-agent" / f"counter-{counter}.journal"
        self.journal = Journal(journal or default)
        self.http = session or requests.Session()
        self.http.trust_env = False
        self.lock = threading.Lock()
        self.buffer = collections.deque()  # (device, Press, monotonic time)
        self.wake = threading.Event()
        self.stop_event = threading.Event()
        self.inputs = {}  # name → (InputDevice, stop event)
        self.boards = {}  # name → LedBoard
        self.states = {}  # name → {"state", "kind", "message"}
        self.version = None
        self.last_display = None
        self.sent = 0
        self.dropped = 0
        self.threads = []

    # --- devices ----------------------------------------------------------------------------

    def _state(self, name, state, kind=None, message=""):
        with self.lock:
            self.states[name] = {"name": name, "state": state, "kind": kind, "message": message}

    def hello(self):
        """Report device states; open the devices the server lists for this counter."""
        with self.lock:
            reports = list(self.states.values())
        r = self._call(
            "POST", f"/counters/{self.counter}/agent", json={"version": VERSION, "devices": reports}
        )
        if r.status_code != 200:
            raise AgentError(f"hello refused: HTTP {r.status_code} {r.text[:200]}")
        answer = r.json()
        for device in answer["devices"]:
            self.open_device(device)
        self.show(answer.get("display"))
        return answer

    def open_device(self, spec):
        name = spec["name"]
        if name in self.inputs or name in self.boards:
            return
        link = self.links.get(name) or spec["url"]

        def fault(kind, message, name=name):
            self._state(name, "failed", kind, message)

        def ok(name=name):
            self._state(name, "ok")

        try:
            if spec["kind"] == "led":
                board = LedBoard(link, name=name, on_fault=fault, on_ok=ok)
                self.boards[name] = board
                self._state(name, "ok")
                if self.last_display:
                    board.show(self.counter, self.last_display["code"])
                return
            reader = InputDevice(
                link,
                KeyMap.from_json(spec.get("keymap") or {}, spec["counter"]),
                spec.get("framing") or "line",
                name=name,
                on_press=lambda press, name=name: self.pressed(name, press),
                on_fault=fault,
                on_ok=ok,
            )
        except HardwareError as exc:
            log.error("device %s cannot be used: %s", name, exc)
            self._state(name, "failed", "config", str(exc)[:300])
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=reader.run, args=(stop,), name=f"device-{name}", daemon=True
        )
        thread.start()
        self.inputs[name] = (reader, stop)
        self._state(name, "ok")

    def show(self, display):
        """The server's board state → every LED board of this counter."""
        if not display:
            return
        self.version = display["version"]
        self.last_display = display
        for board in list(self.boards.values()):
            board.show(self.counter, display["code"])
            if display.get("state") in ("paused", "closed"):
                board.error(self.counter, display["state"])
            elif display.get("error"):
                board.error(self.counter, display["error"])

    def flash(self, word):
        for board in list(self.boards.values()):
            board.error(self.counter, word)

    # --- presses ----------------------------------------------------------------------------

    def pressed(self, device, press: Press):
        """A device's press: journalled, then queued for the sender."""
        if press.counter != self.counter:
            self._state(device, "failed", "config", f"press for counter {press.counter}")
            log.error(
                "%s: press for counter %s, this agent serves %s",
                device,
                press.counter,
                self.counter,
            )
            return
        self.journal.record("press", press.press_id, _token(device, press))
        with self.lock:
            if len(self.buffer) >= BUFFER:
                old_device, old, _ = self.buffer.popleft()
                self._drop(old_device, old, "buffer full")
            self.buffer.append((device, press, time.monotonic()))
        self.wake.set()

    def _drop(self, device, press, why):
        self.dropped += 1
        log.error(
            "press %s (%s on counter %s) dropped: %s; not called late",
            press.press_id,
            press.action,
            press.counter,
            why,
        )
        self.journal.record("dropped", press.press_id, _token(device, press))
        self.flash("offline")

    def recover_journal(self):
        """Presses journalled but never answered (a crash): sent again if still fresh."""
        now_ms = int(time.time() * 1000)
        for press_id, (event, token) in list(self.journal.state.items()):
            if event != "press":
                continue
            device, action, score, at_ms = token.split(",")
            age = (now_ms - int(at_ms)) / 1000.0
            press = Press(self.counter, action, press_id, int(score) or None, "journal")
            if age > self.max_age:
                self._drop(device, press, f"{age:.0f} s old after a restart")
                continue
            with self.lock:
                self.buffer.append((device, press, time.monotonic() - max(0.0, age)))

    def send_one(self):
        """Send the oldest buffered press; False when the server could not be reached."""
        with self.lock:
            if not self.buffer:
                return True
            device, press, at = self.buffer[0]
        age = time.monotonic() - at
        if age > self.max_age:
            with self.lock:
                self.buffer.popleft()
            self._drop(device, press, f"no server for {age:.0f} s")
            return True
        body = {"device": device, "action": press.action, "id": press.press_id, "age": int(age)}
        if press.score is not None:
            body["score"] = press.score
        try:
            r = self._call("POST", f"/counters/{self.counter}/presses", json=body, timeout=3)
        except (requests.RequestException, AgentError) as exc:
            log.warning("server away (%s): press %s waits", exc, press.press_id)
            return False
        if r.status_code >= 500:
            log.warning("server error %s: press %s waits", r.status_code, press.press_id)
            return False
        with self.lock:
            self.buffer.popleft()
        self.journal.record("acked", press.press_id, _token(device, press))
        if r.status_code == 200:
            self.sent += 1
            result = r.json()
            if result.get("board") and not result.get("duplicate"):
                self.flash(result["board"])
        else:
            error = (
                r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
            ).get("error", {})
            log.error(
                "press %s refused: HTTP %s %s", press.press_id, r.status_code, error.get("code")
            )
            if error.get("code") == "press_too_late":
                self.dropped += 1
            self.flash("refused")
            if r.status_code in (403, 404):
                self._state(device, "failed", "config", error.get("message", "")[:300])
        return True

    # --- loops ------------------------------------------------------------------------------

    def _sender(self):
        while not self.stop_event.is_set():
            self.wake.wait(0.5)
            self.wake.clear()
            while not self.stop_event.is_set():
                with self.lock:
                    empty = not self.buffer
                if empty:
                    break
                if not self.send_one():
                    self.stop_event.wait(0.5)

    def _board(self):
        delay = 0.5
        while not self.stop_event.is_set():
            try:
                params = {"wait": self.wait}
                if self.version is not None:
                    params["after"] = self.version
                r = self._call(
                    "GET", f"/counters/{self.counter}/board", params=params, timeout=self.wait + 10
                )
                if r.status_code != 200:
                    raise AgentError(f"board refused: HTTP {r.status_code}")
                self.show(r.json())
                delay = 0.5
            except (requests.RequestException, AgentError, ValueError) as exc:
                log.warning("board: server away (%s)", exc)
                self.version = None  # catch up with the full state when it is back
                self.stop_event.wait(delay)
                delay = min(5.0, delay * 2)

    def _hello_loop(self):
        while not self.stop_event.is_set():
            try:
                self.hello()
            except (requests.RequestException, AgentError, ValueError) as exc:
                log.warning("hello: server away (%s)", exc)
            self.stop_event.wait(self.heartbeat)

    def start(self):
        self.recover_journal()
        for target in (self._hello_loop, self._sender, self._board):
            thread = threading.Thread(
                target=target, name=f"counter-agent-{target.__name__}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
        self.wake.set()
        return self

    def stop(self):
        self.stop_event.set()
        self.wake.set()
        for _, stop in self.inputs.values():
            stop.set()
        for board in self.boards.values():
            board.close()
        for thread in self.threads:
            thread.join(5)

    def run(self, stop):
        self.start()
        stop.wait()
        self.stop()

"""Counter devices on top of links: button boxes and rating pads (input), LED boards (output).

Both survive bad input and pulled cables: a fault is reported once (``on_fault``) until the
device works again (``on_ok``); the caller turns these into device states. Nothing here
knows about queues or servers: a press is handed to ``on_press`` and that is all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .exceptions import HardwareConnectionError, HardwareError, ProtocolError
from .protocol import (
    KeyMap,
    LineSplitter,
    Press,
    ReceiverDecoder,
    led_error,
    led_show,
    new_press_id,
    parse_line,
    press_from_action,
)
from .transports import Link, link_from_url

log = logging.getLogger(__name__)
FRAMINGS = ("line", "receiver", "hid")
HALF_LINE_SECONDS = 2.0  # a line not finished within this is garbage (a cut cable, noise)


def _link(link_or_url: Link | str) -> Link:
    return link_or_url if isinstance(link_or_url, Link) else link_from_url(link_or_url)


class FaultTracker:
    """Reports a fault once per kind until the device is fine again."""

    def __init__(self, name, on_fault=None, on_ok=None):
        self.name = name
        self.on_fault = on_fault
        self.on_ok = on_ok
        self.fault: tuple[str, str] | None = None

    def failed(self, kind: str, message: str) -> None:
        if self.fault is not None and self.fault[0] == kind:
            return
        self.fault = (kind, message)
        log.warning("%s: %s (%s)", self.name, kind, message)
        if self.on_fault:
            self.on_fault(kind, message)

    def ok(self) -> None:
        if self.fault is None:
            return
        self.fault = None
        log.info("%s: working again", self.name)
        if self.on_ok:
            self.on_ok()


class InputDevice:
    """A call-button box, rating pad or HID keypad read through a link.

    :param link_or_url: a :class:`Link` or its URL
    :param keymap: key names → actions (and the counter for ``hid``)
    :param framing: ``line`` (the documented line protocol), ``receiver`` (wireless
        receiver codes) or ``hid`` (one key name per line, counter from the key map)
    :param on_press: fn(Press) for every valid press
    :param on_fault: fn(kind, message) once per fault: ``garbage``, ``offline``
    :param on_ok: fn() when a faulty device works again
    :param reopen_seconds: wait between attempts to reopen a lost link
    """

    def __init__(
        self,
        link_or_url: Link | str,
        keymap: KeyMap | None = None,
        framing: str = "line",
        *,
        name: str = "",
        on_press: Callable[[Press], None] | None = None,
        on_fault: Callable[[str, str], None] | None = None,
        on_ok: Callable[[], None] | None = None,
        reopen_seconds: float = 2.0,
        clock=time.monotonic,
    ) -> None:
        if framing not in FRAMINGS:
            raise HardwareError(f"framing {framing!r}: one of {', '.join(FRAMINGS)}")
        self.link = _link(link_or_url)
        self.keymap = keymap or KeyMap()
        self.framing = framing
        self.name = name or self.link.url
        self.on_press = on_press
        self.faults = FaultTracker(self.name, on_fault, on_ok)
        self.reopen_seconds = reopen_seconds
        self.clock = clock
        self.splitter = LineSplitter()
        self.receiver = ReceiverDecoder(self.keymap, clock=clock)
        self.half_since: float | None = None
        self.next_open = 0.0

    def decode(self, line: bytes) -> Press | None:
        """One framed line → a press (None: a receiver repeat or an unmapped HID key)."""
        if self.framing == "line":
            return parse_line(line, self.keymap)
        if self.framing == "receiver":
            return self.receiver.decode(line)
        name = line.decode("ascii", "replace").strip()
        action = self.keymap.action_of(name)
        if action is None:
            log.debug("%s: key %s is not mapped", self.name, name)
            return None
        if self.keymap.counter is None:
            raise ProtocolError("a HID keypad needs its counter in the key map")
        return press_from_action(self.keymap.counter, action, new_press_id("kb"), "hid")

    def poll(self, timeout: float = 0.5) -> list[Press]:
        """Read once and hand out the presses that arrived; faults go to ``on_fault``."""
        now = self.clock()
        if not self.link.is_open:
            if now < self.next_open:
                time.sleep(min(timeout, self.next_open - now))
                return []
            try:
                self.link.open()
            except HardwareConnectionError as exc:
                self.next_open = now + self.reopen_seconds
                self.faults.failed("offline", str(exc))
                return []
        try:
            data = self.link.read(timeout)
        except HardwareConnectionError as exc:
            self.link.close()
            self.splitter = LineSplitter()
            self.next_open = self.clock() + self.reopen_seconds
            self.faults.failed("offline", str(exc))
            return []
        presses, good = [], bool(data) and self.faults.fault is not None
        for item in self.splitter.feed(data):
            if isinstance(item, ProtocolError):
                self.faults.failed("garbage", str(item))
                good = False
                continue
            try:
                press = self.decode(item)
            except ProtocolError as exc:
                self.faults.failed("garbage", f"{exc}: {item[:40]!r}")
                good = False
                continue
            if press is not None:
                presses.append(press)
        pending = self.splitter.pending
        if pending:
            if self.half_since is None:
                self.half_since = self.clock()
            if self.clock() - self.half_since >= HALF_LINE_SECONDS:
                self.splitter = LineSplitter()
                self.half_since = None
                self.faults.failed("garbage", f"half line never finished: {pending[:40]!r}")
                good = False
        else:
            self.half_since = None
        if good or (presses and self.faults.fault and self.faults.fault[0] == "offline"):
            self.faults.ok()
        elif self.faults.fault and self.faults.fault[0] == "offline" and self.link.is_open:
            self.faults.ok()  # reopened after an unplug
        for press in presses:
            if self.on_press:
                self.on_press(press)
        return presses

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set; never raises for device trouble."""
        try:
            while not stop.is_set():
                self.poll(0.5)
        finally:
            self.link.close()


class LedBoard:
    """An LED counter board on a link (line protocol): remembers what each counter shows
    and shows it again after the link comes back (catch-up).

    :param on_fault: fn(kind, message) once when the board cannot be reached
    :param on_ok: fn() when it can again
    """

    def __init__(
        self,
        link_or_url: Link | str,
        *,
        name: str = "",
        on_fault: Callable[[str, str], None] | None = None,
        on_ok: Callable[[], None] | None = None,
    ) -> None:
        self.link = _link(link_or_url)
        self.name = name or self.link.url
        self.faults = FaultTracker(self.name, on_fault, on_ok)
        self.shown: dict[int, bytes] = {}
        self.lock = threading.Lock()

    def _send(self, line: bytes) -> bool:
        try:
            if not self.link.is_open:
                self.link.open()
                # catch up: everything it missed, then the new line
                for _counter, old in sorted(self.shown.items()):
                    if old != line:
                        self.link.write(old)
            self.link.write(line)
        except HardwareConnectionError as exc:
            self.link.close()
            self.faults.failed("offline", str(exc))
            return False
        self.faults.ok()
        return True

    def show(self, counter: int, code: str) -> bool:
        """Show ``code`` on counter's board (``""`` blanks it). False: board unreachable."""
        line = led_show(counter, code)
        with self.lock:
            self.shown[counter] = line
            return self._send(line)

    def error(self, counter: int, word: str) -> bool:
        """Blink an error (paused, closed, refused, offline); the code comes back after."""
        with self.lock:
            return self._send(led_error(counter, word))

    def resync(self) -> bool:
        """Send every counter's code again (after a reconnect); False if still unreachable."""
        with self.lock:
            if not self.shown:
                return True
            if self.link.is_open:
                return True
            items = sorted(self.shown.items())
            ok = True
            for _, line in items:
                ok = self._send(line) and ok
                if not ok:
                    break
            return ok

    def close(self) -> None:
        self.link.close()


__all__ = ["FRAMINGS", "FaultTracker", "InputDevice", "LedBoard"]

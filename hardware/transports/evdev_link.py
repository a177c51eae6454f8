"""USB HID keypads through the Linux input layer (python-evdev), without a browser.

``evdev:/dev/input/by-id/usb-…-event-kbd[?grab=1]`` reads the keypad whatever window has
the focus; with ``grab=1`` (the default) its keys reach no other program. Each key press
(key down; auto-repeat ignored) is read as one line: the evdev key name, e.g. ``KEY_F1\\n``,
which the device's key map turns into an action.

``evdev-replay:/path/to/recording`` replays a recorded stream of kernel ``struct
input_event`` records (what ``/dev/input/eventN`` delivers) through the same translation:
where the kernel has no ``/dev/uinput`` to make a virtual keypad, tests and benches use it.
"""

from __future__ import annotations

import errno
import select
import struct

from ..exceptions import HardwareConfigError, HardwareConnectionError
from .base import Link, ParsedUrl, reject_unknown

EV_KEY = 0x01
KEY_DOWN = 1
#: struct input_event on 64-bit Linux: timeval (two longs), type, code, value
EVENT = struct.Struct("llHHi")


def _evdev():
    try:
        import evdev
    except ImportError:  # pragma: no cover - evdev is a dependency on Linux
        raise HardwareConfigError("evdev links need python-evdev (pip install evdev)") from None
    return evdev


def key_name(code: int) -> str:
    """The evdev name of a key code (``KEY_F1``); ``KEY_<code>`` when evdev knows none."""
    name = _evdev().ecodes.KEY.get(code) or _evdev().ecodes.BTN.get(code)
    if isinstance(name, list | tuple):
        name = name[-1]
    return name or f"KEY_{code}"


def key_code(name: str) -> int:
    """The key code of an evdev key name. :raises HardwareConfigError: unknown name"""
    code = _evdev().ecodes.ecodes.get(name)
    if code is None:
        raise HardwareConfigError(f"unknown key name {name!r}")
    return code


def record(keys: list[str], start: float = 1_700_000_000.0) -> bytes:
    """A recording of key presses (down, SYN, up, SYN each) as the kernel would deliver them."""
    out = bytearray()
    t = start
    for name in keys:
        code = key_code(name)
        for value in (KEY_DOWN, 0):
            sec, usec = int(t), int((t % 1) * 1e6)
            out += EVENT.pack(sec, usec, EV_KEY, code, value)
            out += EVENT.pack(sec, usec, 0, 0, 0)  # SYN_REPORT
            t += 0.05
    return bytes(out)


class EvdevLink(Link):
    """A HID keypad read through ``/dev/input/eventN``; key presses become lines."""

    scheme = "evdev"
    can_read = True
    can_write = False

    def __init__(self, path: str, grab: bool = True, url: str = "") -> None:
        super().__init__(url or f"evdev:{path}")
        self.path = path
        self.grab = grab
        self._device = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> EvdevLink:
        reject_unknown(parsed, {"grab"})
        if not parsed.target.startswith("/"):
            raise HardwareConfigError(f"{parsed.url}: expected evdev:/dev/input/…")
        return cls(parsed.target, parsed.options.get("grab", "1") != "0", parsed.url)

    @staticmethod
    def translate(events) -> bytes:
        """evdev InputEvents → one line per key down (the same for live and replayed input)."""
        out = bytearray()
        for event in events:
            if event.type == EV_KEY and event.value == KEY_DOWN:
                out += key_name(event.code).encode("ascii") + b"\n"
        return bytes(out)

    def _open(self) -> None:
        evdev = _evdev()
        try:
            self._device = evdev.InputDevice(self.path)
            if self.grab:
                self._device.grab()
        except OSError as exc:
            raise HardwareConnectionError(f"{self.url}: {exc.strerror or exc}") from exc

    def _write(self, data: bytes) -> None:
        raise HardwareConfigError(f"{self.url}: a keypad cannot be written to")

    def _read(self, timeout: float) -> bytes:
        try:
            ready, _, _ = select.select([self._device.fd], [], [], timeout)
            if not ready:
                return b""
            return self.translate(self._device.read())
        except BlockingIOError:
            return b""
        except OSError as exc:  # ENODEV: unplugged
            if exc.errno == errno.EAGAIN:
                return b""
            raise HardwareConnectionError(f"{self.url}: {exc.strerror or exc}") from exc

    def _close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            try:
                if self.grab:
                    device.ungrab()
            except OSError:
                pass
            device.close()


class EvdevReplayLink(EvdevLink):
    """A recorded ``struct input_event`` stream replayed through :meth:`EvdevLink.translate`."""

    scheme = "evdev-replay"

    def __init__(self, path: str, url: str = "") -> None:
        super().__init__(path, grab=False, url=url or f"evdev-replay:{path}")
        self._events: list = []

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> EvdevReplayLink:
        reject_unknown(parsed, set())
        if not parsed.target.startswith("/"):
            raise HardwareConfigError(f"{parsed.url}: expected evdev-replay:/path/to/recording")
        return cls(parsed.target, parsed.url)

    def _open(self) -> None:
        evdev = _evdev()
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise HardwareConnectionError(f"{self.url}: {exc.strerror or exc}") from exc
        usable = len(data) - len(data) % EVENT.size  # a torn last record is ignored
        self._events = [
            evdev.InputEvent(*EVENT.unpack_from(data, offset))
            for offset in range(0, usable, EVENT.size)
        ]

    def _read(self, timeout: float) -> bytes:
        # one key press per read, as a keypad delivers them
        while self._events:
            event = self._events.pop(0)
            line = self.translate([event])
            if line:
                return line
        return b""

    def _close(self) -> None:
        self._events = []


__all__ = ["EvdevLink", "EvdevReplayLink", "key_code", "key_name", "record"]

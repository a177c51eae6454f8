"""The line protocols of counter devices, parsed and built without any I/O.

Button boxes and rating pads (device → host), one ASCII line per press::

    <counter>:<key>[:<press id>]\\n          e.g.  3:next:b7f2-0001   3:r   5:2:pad5-88

* ``counter``: 1…999, the counter number as the centre numbers them;
* ``key``: a name from the device's key map (:data:`DEFAULT_KEYS`: ``next n recall r
  no_show x start s complete c done`` for buttons, ``1 2 3`` / ``rate1 rate2 rate3`` for the
  three rating buttons, lowest = "Không hài lòng");
* ``press id``: 1–40 of ``A-Z a-z 0-9 _ . -``, unique per press; a box that repeats a line
  (no ack, RS-485 collision) repeats the id, and the server acts once. Without an id the
  host gives the press one.

``\\r\\n`` is accepted; a line longer than :data:`MAX_LINE` bytes, non-ASCII bytes, an
unknown key or a counter out of range is a :class:`~hardware.exceptions.ProtocolError`.

Wireless call-pad receivers (433 MHz, EV1527 transmitters) print one fixed code per key
press as six hex digits, ``<transmitter address: 5 hex><key: 1 hex>``, e.g. ``A1B2C1``;
the key nibble is the data line the pad's key drives (:data:`RECEIVER_KEYS`: ``1`` next,
``2`` recall, ``4`` no-show, ``8`` complete). The key map's ``"receiver"`` entry maps a
transmitter address to its counter. A receiver repeats the code while a key is held: the
same code within ``repeat_window`` seconds is one press.

LED counter boards (host → device)::

    <counter>:show:<code>\\n     the code served now (empty: blank the board)
    <counter>:error:<word>\\n    blink an error: paused | closed | refused | offline

Over MQTT (see the README) the same facts travel as topics ``<prefix>/counter/<n>/…``.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .exceptions import HardwareConfigError, ProtocolError

#: actions of a call-button box, as the counter page names them
ACTIONS = ("next", "recall", "no_show", "start", "complete")
#: the three buttons of a rating pad (3 = "Rất hài lòng")
SCORES = (1, 2, 3)
#: errors an LED board can show
LED_ERRORS = ("paused", "closed", "refused", "offline")
MAX_LINE = 120
MAX_COUNTER = 999

DEFAULT_KEYS: dict[str, str] = {
    **{a: a for a in ACTIONS},
    "n": "next",
    "r": "recall",
    "x": "no_show",
    "noshow": "no_show",
    "s": "start",
    "c": "complete",
    "done": "complete",
    **{str(s): f"rate:{s}" for s in SCORES},
    **{f"rate{s}": f"rate:{s}" for s in SCORES},
}
#: EV1527 key nibble → action (the 4-key pads sold with call-system receivers)
RECEIVER_KEYS: dict[int, str] = {0x1: "next", 0x2: "recall", 0x4: "no_show", 0x8: "complete"}

_PRESS_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
_KEY = re.compile(r"[A-Za-z0-9_]{1,20}")
_RECEIVER_CODE = re.compile(r"[0-9A-Fa-f]{6}")
_LED_CODE = re.compile(r"[A-Z0-9-]{0,8}")


@dataclass(frozen=True)
class Press:
    """One button press.

    :ivar counter: counter number
    :ivar action: one of :data:`ACTIONS`, or ``"rate"`` for a rating pad
    :ivar press_id: unique id of the press (given by the device or the host)
    :ivar score: 1…3 for ``"rate"``, else ``None``
    :ivar source: ``"line"``, ``"receiver"``, ``"hid"`` or ``"mqtt"``
    """

    counter: int
    action: str
    press_id: str
    score: int | None = None
    source: str = "line"

    def as_dict(self) -> dict:
        """JSON-ready form, as the counter agent posts it."""
        data = {"counter": self.counter, "action": self.action, "id": self.press_id}
        if self.score is not None:
            data["score"] = self.score
        return data


def new_press_id(prefix: str = "h") -> str:
    """A fresh press id for a device that sends none."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@dataclass
class KeyMap:
    """What a device's keys mean: key names → actions, receiver addresses → counters.

    Built from the JSON an admin stores with the device::

        {"keys": {"F1": "next", "F2": "recall"}, "receiver": {"A1B2C": 3}, "counter": 3}

    ``keys`` extends :data:`DEFAULT_KEYS` (names compared case-insensitively; a HID key is
    named as evdev names it, e.g. ``KEY_F1`` or ``KEY_KP1``); ``counter`` is the counter a
    key without one acts on (HID keypads, MQTT topics).

    :raises HardwareConfigError: a key maps to an unknown action or an address is malformed
    """

    keys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    receiver: dict[str, int] = field(default_factory=dict)
    counter: int | None = None

    @classmethod
    def from_json(cls, data: Mapping | None, counter: int | None = None) -> KeyMap:
        data = dict(data or {})
        keys = dict(DEFAULT_KEYS)
        for name, action in dict(data.get("keys") or {}).items():
            action = str(action).strip().lower()
            if action not in ACTIONS and not re.fullmatch(r"rate:[123]", action):
                raise HardwareConfigError(
                    f"key {name!r}: unknown action {action!r} "
                    f"(allowed: {', '.join(ACTIONS)}, rate:1, rate:2, rate:3)"
                )
            keys[str(name).strip().lower()] = action
        receiver = {}
        for address, number in dict(data.get("receiver") or {}).items():
            if not re.fullmatch(r"[0-9A-Fa-f]{5}", str(address)):
                raise HardwareConfigError(f"receiver address {address!r}: expected 5 hex digits")
            receiver[str(address).upper()] = check_counter(number)
        default = data.get("counter", counter)
        return cls(keys, receiver, check_counter(default) if default is not None else None)

    def action_of(self, key: str) -> str | None:
        return self.keys.get(key.strip().lower())


def check_counter(value: object) -> int:
    """A counter number 1…999 from an int or decimal text.

    :raises ProtocolError: anything else
    """
    if isinstance(value, bool):
        raise ProtocolError(f"counter {value!r} is not a number")
    if isinstance(value, str):
        if not re.fullmatch(r"\d{1,3}", value):
            raise ProtocolError(f"counter {value[:10]!r} is not 1…{MAX_COUNTER}")
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_COUNTER:
        raise ProtocolError(f"counter {value!r} is not 1…{MAX_COUNTER}")
    return value


def press_from_action(counter: int, action: str, press_id: str, source: str) -> Press:
    """A :class:`Press` from a mapped action (``rate:N`` becomes action ``rate``)."""
    if action.startswith("rate:"):
        return Press(counter, "rate", press_id, int(action[5:]), source)
    return Press(counter, action, press_id, None, source)


def parse_line(line: bytes | str, keymap: KeyMap | None = None, id_prefix: str = "h") -> Press:
    """One line of a button box or rating pad → :class:`Press`.

    :raises ProtocolError: garbage, unknown key, bad counter or press id
    """
    keymap = keymap or KeyMap()
    raw = line.encode("latin-1", "replace") if isinstance(line, str) else bytes(line)
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        raise ProtocolError("non-ASCII bytes in a line", raw) from None
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ProtocolError(f"expected <counter>:<key>[:<press id>], got {text[:40]!r}", raw)
    counter = check_counter(parts[0])
    key = parts[1]
    if not _KEY.fullmatch(key):
        raise ProtocolError(f"malformed key {key[:20]!r}", raw)
    action = keymap.action_of(key)
    if action is None:
        raise ProtocolError(f"unknown key {key!r}", raw)
    if len(parts) == 3:
        if not _PRESS_ID.fullmatch(parts[2]):
            raise ProtocolError(f"malformed press id {parts[2][:40]!r}", raw)
        press_id = parts[2]
    else:
        press_id = new_press_id(id_prefix)
    return press_from_action(counter, action, press_id, "line")


class ReceiverDecoder:
    """Fixed codes of a wireless call-pad receiver → presses, one per key press.

    :param keymap: its ``receiver`` maps transmitter addresses to counters
    :param repeat_window: seconds within which the same code is the same (held) press
    :param clock: monotonic clock (tests pass their own)
    """

    def __init__(self, keymap: KeyMap, repeat_window: float = 0.6, clock=time.monotonic):
        self.keymap = keymap
        self.repeat_window = repeat_window
        self.clock = clock
        self.last: tuple[str, float] | None = None

    def decode(self, line: bytes | str) -> Press | None:
        """The press a code means, or None for a repeat of the one just seen.

        :raises ProtocolError: not a code, an unknown transmitter or key
        """
        raw = line.encode("latin-1", "replace") if isinstance(line, str) else bytes(line)
        text = raw.decode("ascii", "replace").strip()
        if not _RECEIVER_CODE.fullmatch(text):
            raise ProtocolError(f"not a receiver code: {text[:20]!r}", raw)
        code = text.upper()
        now = self.clock()
        repeat = self.last is not None and self.last[0] == code
        repeat = repeat and now - self.last[1] <= self.repeat_window
        self.last = (code, now)
        if repeat:
            return None
        address, key = code[:5], int(code[5], 16)
        counter = self.keymap.receiver.get(address)
        if counter is None:
            raise ProtocolError(f"unknown transmitter {address}", raw)
        action = RECEIVER_KEYS.get(key)
        if action is None:
            raise ProtocolError(f"transmitter {address}: unknown key code {key:X}", raw)
        return press_from_action(counter, action, new_press_id("rf"), "receiver")


class LineSplitter:
    """Bytes as they arrive → complete lines; half lines wait, overlong ones are dropped.

    ``feed`` yields ``bytes`` lines (without the terminator) or a :class:`ProtocolError`
    instance for a line that was too long (the caller logs it; the stream stays usable).
    """

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self.buf = bytearray()
        self.discarding = False

    def feed(self, data: bytes) -> Iterator[bytes | ProtocolError]:
        for byte in data:
            if byte in (0x0A, 0x0D):
                if self.discarding:
                    self.discarding = False
                elif self.buf:
                    yield bytes(self.buf)
                self.buf.clear()
                continue
            if self.discarding:
                continue
            self.buf.append(byte)
            if len(self.buf) > self.max_line:
                err = ProtocolError(f"line longer than {self.max_line} bytes", bytes(self.buf))
                self.buf.clear()
                self.discarding = True
                yield err

    @property
    def pending(self) -> bytes:
        """A half line still waiting for its end."""
        return bytes(self.buf)


def led_show(counter: int, code: str) -> bytes:
    """The line that makes counter's LED board show ``code`` (``""`` blanks it)."""
    code = (code or "").upper()
    if not _LED_CODE.fullmatch(code):
        raise ProtocolError(f"LED code {code[:12]!r}: A-Z, 0-9, '-', at most 8")
    return f"{check_counter(counter)}:show:{code}\n".encode("ascii")


def led_error(counter: int, word: str) -> bytes:
    """The line that makes counter's LED board blink an error (:data:`LED_ERRORS`)."""
    if word not in LED_ERRORS:
        raise ProtocolError(f"LED error {word!r}: one of {', '.join(LED_ERRORS)}")
    return f"{check_counter(counter)}:error:{word}\n".encode("ascii")


def parse_led_line(line: bytes) -> tuple[int, str, str]:
    """An LED board's line → (counter, "show" | "error", value): what a board firmware does.

    :raises ProtocolError: not an LED line
    """
    try:
        counter, verb, value = line.decode("ascii").strip().split(":", 2)
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("not an LED line", line) from None
    if verb not in ("show", "error"):
        raise ProtocolError(f"unknown LED verb {verb!r}", line)
    return check_counter(counter), verb, value


__all__ = [
    "ACTIONS",
    "DEFAULT_KEYS",
    "LED_ERRORS",
    "MAX_LINE",
    "RECEIVER_KEYS",
    "SCORES",
    "KeyMap",
    "LineSplitter",
    "Press",
    "ReceiverDecoder",
    "check_counter",
    "led_error",
    "led_show",
    "new_press_id",
    "parse_led_line",
    "parse_line",
    "press_from_action",
]

"""Exception hierarchy of :mod:`hardware`.

Every error raised on purpose by this package derives from :class:`HardwareError`, so the
application catches one type and turns it into a device state::

    HardwareError
    ├── HardwareConfigError       bad URL, unknown scheme, bad key map, missing dependency
    ├── HardwareConnectionError   unplugged port, broker gone, device vanished
    └── ProtocolError             a line or code the protocol does not know (garbage,
                                  half line, unknown action, bad counter)
"""

from __future__ import annotations


class HardwareError(Exception):
    """Base class of every error raised by :mod:`hardware`."""


class HardwareConfigError(HardwareError, ValueError):
    """Invalid configuration: malformed URL, unknown scheme, bad key map, missing library."""


class HardwareConnectionError(HardwareError):
    """The device or broker cannot be reached, or the link broke (unplugged mid-day)."""


class ProtocolError(HardwareError):
    """Bytes that are not a valid line of the protocol.

    :ivar raw: the offending bytes (at most 80), for one log line
    """

    def __init__(self, message: str, raw: bytes = b"") -> None:
        super().__init__(message)
        self.raw = bytes(raw[:80])


__all__ = ["HardwareConfigError", "HardwareConnectionError", "HardwareError", "ProtocolError"]

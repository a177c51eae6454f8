"""``dummy``: an in-memory link for tests; records the exact bytes written."""

from __future__ import annotations

import threading

from ..exceptions import HardwareConnectionError
from .base import Link, ParsedUrl, reject_unknown


class DummyLink(Link):
    """Records every write in :attr:`output`; :meth:`feed` queues input for :meth:`read`.

    :meth:`unplug` makes the next I/O fail like a pulled cable.
    """

    scheme = "dummy"
    can_read = True

    def __init__(self, url: str = "dummy") -> None:
        super().__init__(url)
        self.output = bytearray()
        self.writes: list[bytes] = []
        self._input = bytearray()
        self._ready = threading.Condition()
        self.unplugged = False

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> DummyLink:
        reject_unknown(parsed, set())
        return cls(parsed.url)

    def feed(self, data: bytes) -> None:
        """Bytes the device "sends" (read by the next :meth:`read`)."""
        with self._ready:
            self._input += data
            self._ready.notify_all()

    def unplug(self) -> None:
        with self._ready:
            self.unplugged = True
            self._ready.notify_all()

    def _check(self) -> None:
        if self.unplugged:
            raise HardwareConnectionError(f"{self.url}: device unplugged")

    def _open(self) -> None:
        self._check()

    def _write(self, data: bytes) -> None:
        self._check()
        self.output += data
        self.writes.append(data)

    def _read(self, timeout: float) -> bytes:
        with self._ready:
            self._ready.wait_for(lambda: self._input or self.unplugged, timeout)
            self._check()
            data = bytes(self._input)
            self._input.clear()
            return data


__all__ = ["DummyLink"]

"""An in-memory printer for tests and dry runs: ``dummy``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ..exceptions import PrinterConfigError, PrinterConnectionError
from .base import ParsedUrl, Transport, reject_unknown

#: Simulated ``DLE EOT n`` replies: ``{n: reply}`` or ``reply_for(n)``.
StatusReplies = Mapping[int, bytes] | Callable[[int], bytes]


class DummyTransport(Transport):
    """In-memory printer for tests and dry runs.

    Every byte written is appended to :attr:`output` (kept after :meth:`close`), and each
    :meth:`write` call is kept in :attr:`writes`.

    :param status_replies: simulate a bidirectional printer: a mapping (or function)
        from the ``n`` of a ``DLE EOT n`` query to the reply bytes; ``b""`` = silence.
        Without it the transport is write-only (``can_read`` false).
    :param fail_on: ``"open"``, ``"write"`` or ``"close"``: raise
        :class:`PrinterConnectionError` at that step, to simulate an unplugged printer.
    :param url: the URL the transport was created from
    """

    scheme = "dummy"

    def __init__(
        self,
        *,
        status_replies: StatusReplies | None = None,
        fail_on: str | None = None,
        url: str = "dummy",
    ) -> None:
        super().__init__(url)
        if fail_on not in (None, "open", "write", "close"):
            raise PrinterConfigError("fail_on must be None, 'open', 'write' or 'close'")
        self.status_replies = status_replies
        self.can_read = status_replies is not None  # type: ignore[misc]
        self.fail_on = fail_on
        self.output = bytearray()
        self.writes: list[bytes] = []
        self.opened = 0
        self.closed = 0
        self._pending = bytearray()

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> DummyTransport:
        """Create from ``dummy`` or ``dummy:?fail=open|write|close``."""
        reject_unknown(parsed, {"fail"})
        if parsed.target not in ("", "//"):
            raise PrinterConfigError(f"{parsed.url}: expected 'dummy' or 'dummy:?fail=write'")
        fail = parsed.options.get("fail")
        if fail is not None and fail not in ("open", "write", "close"):
            raise PrinterConfigError(f"{parsed.url}: fail must be open, write or close")
        return cls(fail_on=fail, url=parsed.url)

    def _open(self) -> None:
        if self.fail_on == "open":
            raise PrinterConnectionError(f"{self.url}: simulated failure on open")
        self.opened += 1

    def _write(self, data: bytes) -> None:
        if self.fail_on == "write":
            raise PrinterConnectionError(f"{self.url}: simulated failure on write")
        self.output += data
        self.writes.append(data)
        if self.status_replies is not None:
            for m in re.finditer(rb"\x10\x04([\x01-\x04])", data):
                n = m.group(1)[0]
                replies = self.status_replies
                reply = replies(n) if callable(replies) else replies.get(n, b"")
                self._pending += reply

    def _read(self, n: int, timeout: float) -> bytes:
        out = bytes(self._pending[:n])
        del self._pending[:n]
        return out

    def _close(self) -> None:
        self.closed += 1
        if self.fail_on == "close":
            raise PrinterConnectionError(f"{self.url}: simulated failure on close")


__all__ = ["DummyTransport", "StatusReplies"]

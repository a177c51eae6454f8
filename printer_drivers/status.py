"""Real-time printer status with ``DLE EOT n`` (``10 04 n``).

Each query is answered by one byte whose fixed bits follow the pattern ``0xx1xx10``
(bit 7 = 0, bit 4 = 1, bit 1 = 1, bit 0 = 0).  Meaning of the variable bits:

===  =======================  ============================================================
n    query                    bits used here
===  =======================  ============================================================
1    printer status           bit 3: offline
2    offline cause            bit 2: cover open, bit 3: paper fed by FEED button,
                              bit 5: stopped by paper end, bit 6: error occurred
3    error cause              bit 2: mechanical (recoverable) error, bit 3: auto-cutter
                              error, bit 5: unrecoverable error, bit 6: auto-recoverable
4    roll paper sensor        bits 2+3: paper near end, bits 5+6: paper end (both set)
===  =======================  ============================================================

:func:`read_status` turns the replies into a :class:`PrinterStatus` whose ``state`` is:

* ``"ready"``: the printer answered and can print (``paper_near_end`` may still be set);
* ``"not_ready"``: it answered and reports offline / paper out / cover open / error;
* ``"unknown"``: connected but no reply in time, or a reply that is not a status byte
  (``reason`` says which) -- not the same as offline;
* ``"unreachable"``: the connection itself failed (only from :func:`query_status`);
* ``"unsupported"``: the transport is write-only (``file:``, ``cups:``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .exceptions import (
    CoverOpenError,
    PaperOutError,
    PrinterConnectionError,
    PrinterHardwareError,
    PrinterOfflineError,
    PrinterStatusError,
    PrinterTimeoutError,
)
from .transports import Transport, transport_from_url

DLE_EOT = b"\x10\x04"
FIXED_MASK = 0b1001_0011
FIXED_VALUE = 0b0001_0010

STATE_READY = "ready"
STATE_NOT_READY = "not_ready"
STATE_UNKNOWN = "unknown"
STATE_UNREACHABLE = "unreachable"
STATE_UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class PrinterStatus:
    """Parsed printer status.

    Boolean fields are ``None`` when the corresponding query was not answered.

    :ivar state: ``"ready"``, ``"not_ready"``, ``"unknown"``, ``"unreachable"`` or
        ``"unsupported"`` (see module documentation)
    :ivar online: printer reports itself online
    :ivar paper_near_end: roll almost empty (printing still allowed)
    :ivar paper_out: no paper
    :ivar cover_open: cover open
    :ivar error: cutter, mechanical, unrecoverable or auto-recoverable error
    :ivar cutter_error: auto-cutter error (included in ``error``)
    :ivar raw: reply bytes in query order (n = 1, 2, 3, 4), as received
    :ivar reason: human readable explanation for non-ready states
    """

    state: str
    online: bool | None = None
    paper_near_end: bool | None = None
    paper_out: bool | None = None
    cover_open: bool | None = None
    error: bool | None = None
    cutter_error: bool | None = None
    raw: bytes = b""
    reason: str = ""

    @property
    def ready(self) -> bool:
        """True only if the printer answered and can print."""
        return self.state == STATE_READY

    @property
    def known(self) -> bool:
        """True if the printer answered with valid status bytes."""
        return self.state in (STATE_READY, STATE_NOT_READY)


def status_query(n: int) -> bytes:
    """The 3-byte ``DLE EOT n`` command (n = 1..4)."""
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n: n must be 1, 2, 3 or 4")
    return DLE_EOT + bytes((n,))


def check_status_byte(n: int, value: int) -> int:
    """Validate one status byte against the fixed-bit pattern ``0xx1xx10``.

    :raises PrinterStatusError: the byte is not a ``DLE EOT`` reply
    :returns: ``value``
    """
    if value & FIXED_MASK != FIXED_VALUE:
        raise PrinterStatusError(
            f"invalid reply to DLE EOT {n}: 0x{value:02X} does not match 0xx1xx10"
        )
    return value


def parse_status(replies: dict[int, int]) -> PrinterStatus:
    """Build a :class:`PrinterStatus` from validated reply bytes keyed by ``n``.

    Missing keys leave the related fields ``None``.  Needs at least ``n = 1``.

    :raises PrinterStatusError: a byte does not match the fixed-bit pattern
    """
    for n, value in replies.items():
        check_status_byte(n, value)
    if 1 not in replies:
        raise PrinterStatusError("no reply to DLE EOT 1")
    s1 = replies[1]
    s2 = replies.get(2)
    s3 = replies.get(3)
    s4 = replies.get(4)
    online = not s1 & 0x08
    cover_open = bool(s2 & 0x04) if s2 is not None else None
    paper_out: bool | None = None
    if s4 is not None:
        paper_out = s4 & 0x60 == 0x60
    if s2 is not None and s2 & 0x20:
        paper_out = True
    near_end = (s4 & 0x0C == 0x0C) if s4 is not None else None
    cutter_error = bool(s3 & 0x08) if s3 is not None else None
    error: bool | None = None
    if s3 is not None:
        error = bool(s3 & 0x6C)
    if s2 is not None and s2 & 0x40:
        error = True
    raw = bytes(replies[n] for n in sorted(replies))
    problems = [
        label
        for flag, label in (
            (not online, "offline"),
            (paper_out, "paper out"),
            (cover_open, "cover open"),
            (cutter_error, "cutter error"),
            (error and not cutter_error, "printer error"),
        )
        if flag
    ]
    return PrinterStatus(
        state=STATE_NOT_READY if problems else STATE_READY,
        online=online,
        paper_near_end=near_end,
        paper_out=paper_out,
        cover_open=cover_open,
        error=error,
        cutter_error=cutter_error,
        raw=raw,
        reason=", ".join(problems) or ("paper near end" if near_end else ""),
    )


def read_status(
    transport: Transport, timeout: float = 2.0, *, strict: bool = False
) -> PrinterStatus:
    """Query an *open* transport with ``DLE EOT 1..4`` and parse the replies.

    Queries stop at the first unanswered one; if ``n = 1`` is not answered the state is
    ``"unknown"`` (reason ``"no reply"``).  A reply violating the fixed-bit pattern gives
    ``"unknown"`` with the offending byte in ``reason`` and ``raw``.

    :param transport: an open transport; write-only ones give ``"unsupported"``
    :param timeout: seconds to wait for each reply byte
    :param strict: raise instead of returning ``"unknown"``:
        :class:`PrinterTimeoutError` on silence, :class:`PrinterStatusError` on garbage
    :raises PrinterConnectionError: the link failed while querying
    """
    if not transport.can_read:
        return PrinterStatus(STATE_UNSUPPORTED, reason=f"{transport.scheme}: cannot read status")
    replies: dict[int, int] = {}
    raw = bytearray()
    for n in (1, 2, 3, 4):
        transport.write(status_query(n))
        reply = transport.read(1, timeout)
        if not reply:
            if n == 1:
                if strict:
                    raise PrinterTimeoutError(f"{transport.url}: no reply to status query")
                return PrinterStatus(STATE_UNKNOWN, reason=f"no reply within {timeout:g} s")
            break
        raw += reply
        try:
            replies[n] = check_status_byte(n, reply[0])
        except PrinterStatusError as exc:
            if strict:
                raise
            return PrinterStatus(STATE_UNKNOWN, raw=bytes(raw), reason=str(exc))
    return parse_status(replies)


def query_status(
    url_or_transport: str | Transport, timeout: float = 2.0, *, strict: bool = False
) -> PrinterStatus:
    """Open the printer, read its status and close it again.

    Never raises for an unreachable printer (unless ``strict``): it returns state
    ``"unreachable"`` with the reason, so a health page can show it.

    :param url_or_transport: transport URL or (open or closed) :class:`Transport`
    :param timeout: seconds to wait for each status byte
    :param strict: see :func:`read_status`; also re-raises connection errors
    :raises PrinterConfigError: malformed URL
    """
    transport = (
        transport_from_url(url_or_transport)
        if isinstance(url_or_transport, str)
        else url_or_transport
    )
    try:
        if not transport.can_read:
            return PrinterStatus(
                STATE_UNSUPPORTED, reason=f"{transport.scheme}: cannot read status"
            )
        transport.open()
        return read_status(transport, timeout, strict=strict)
    except PrinterConnectionError as exc:
        if strict:
            raise
        return PrinterStatus(STATE_UNREACHABLE, reason=str(exc))
    finally:
        with contextlib.suppress(PrinterConnectionError):
            transport.close()


def raise_for_status(status: PrinterStatus) -> None:
    """Raise the matching :class:`PrinterNotReadyError` subclass for a not-ready status.

    Priority: paper out, cover open, hardware error, offline.  Does nothing for other
    states (including ``paper_near_end``, which still prints).
    """
    if status.state != STATE_NOT_READY:
        return
    if status.paper_out:
        raise PaperOutError(f"printer is out of paper ({status.reason})", status)
    if status.cover_open:
        raise CoverOpenError(f"printer cover is open ({status.reason})", status)
    if status.error:
        raise PrinterHardwareError(f"printer error ({status.reason})", status)
    raise PrinterOfflineError(f"printer is offline ({status.reason})", status)


__all__ = [
    "PrinterStatus",
    "check_status_byte",
    "parse_status",
    "query_status",
    "raise_for_status",
    "read_status",
    "status_query",
]

"""Exception hierarchy of :mod:`printer_drivers`.

Every error raised on purpose by this package derives from :class:`PrinterError`, so
callers (the kiosk web app) can catch one type and show a friendly message::

    PrinterError
    ├── PrinterConfigError        bad URL / profile / font, missing optional dependency
    ├── PrinterConnectionError    unreachable, unplugged, refused, I/O failure
    │   └── PrinterTimeoutError   connect / write / status read timed out
    ├── PrinterUnsupportedError   operation the transport cannot do (e.g. read on file:)
    ├── PrinterStatusError        status reply missing or malformed
    └── PrinterNotReadyError      the printer *answered* and says it cannot print
        ├── PaperOutError
        ├── CoverOpenError
        ├── PrinterOfflineError
        └── PrinterHardwareError  cutter jam, unrecoverable or auto-recoverable error

:class:`PrinterNotReadyError` carries the parsed :class:`~printer_drivers.status.PrinterStatus`
in its ``status`` attribute.
"""

from __future__ import annotations

from typing import Any


class PrinterError(Exception):
    """Base class of every error raised by :mod:`printer_drivers`."""


class PrinterConfigError(PrinterError, ValueError):
    """Invalid configuration: malformed transport URL, unknown profile, missing font..."""


class PrinterConnectionError(PrinterError):
    """The printer cannot be reached or the link failed (refused, unplugged, broken pipe)."""


class PrinterTimeoutError(PrinterConnectionError):
    """Connecting, writing to or reading from the printer took longer than allowed."""


class PrinterUnsupportedError(PrinterError):
    """The transport cannot perform the requested operation (e.g. reading from ``file:``)."""


class PrinterStatusError(PrinterError):
    """A status reply was missing or did not match the ESC/POS fixed-bit pattern."""


class PrinterNotReadyError(PrinterError):
    """The printer reported a condition that prevents printing.

    :param message: human readable explanation
    :param status: the :class:`~printer_drivers.status.PrinterStatus` that was reported
    """

    def __init__(self, message: str, status: Any = None) -> None:
        super().__init__(message)
        self.status = status


class PaperOutError(PrinterNotReadyError):
    """The paper roll is empty."""


class CoverOpenError(PrinterNotReadyError):
    """The printer cover is open."""


class PrinterOfflineError(PrinterNotReadyError):
    """The printer is offline for another (or unknown) reason."""


class PrinterHardwareError(PrinterNotReadyError):
    """Cutter error, unrecoverable error or an auto-recoverable error (e.g. head too hot)."""


__all__ = [
    "CoverOpenError",
    "PaperOutError",
    "PrinterConfigError",
    "PrinterConnectionError",
    "PrinterError",
    "PrinterHardwareError",
    "PrinterNotReadyError",
    "PrinterOfflineError",
    "PrinterStatusError",
    "PrinterTimeoutError",
    "PrinterUnsupportedError",
]

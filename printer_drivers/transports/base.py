"""The :class:`Transport` base class and the helpers shared by every transport.

A transport is a byte pipe to one printer.  Subclasses implement exactly one abstract
method, :meth:`Transport._write` (send raw bytes); the other hooks have defaults:

* :meth:`Transport._open` / :meth:`Transport._close`: nothing to connect or release;
* :meth:`Transport._read`: raises :class:`PrinterUnsupportedError` (write-only printer).

Everything else -- state checks, opening on first write, URL option parsing with its
timeout limits, ``OSError`` translation -- lives here, so a transport only deals with
its own device.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from ..exceptions import (
    PrinterConfigError,
    PrinterConnectionError,
    PrinterTimeoutError,
    PrinterUnsupportedError,
)


@dataclass(frozen=True)
class ParsedUrl:
    """A transport URL split into ``scheme``, ``target`` and query ``options``.

    :ivar url: the whole URL, stripped
    :ivar scheme: lower-case scheme, e.g. ``"tcp"``
    :ivar target: what follows ``scheme:`` up to ``?``, e.g. ``"//192.168.1.50:9100"``
    :ivar options: query parameters, e.g. ``{"timeout": "5"}``
    """

    url: str
    scheme: str
    target: str
    options: dict[str, str]


class Transport(abc.ABC):
    """Abstract byte pipe to a printer.

    Subclasses set :attr:`scheme`, implement :meth:`from_url` and :meth:`_write` and,
    as needed, override :meth:`_open`, :meth:`_close` and (with ``can_read = True``)
    :meth:`_read`.  The public methods add the state checks; transports turn their
    low-level errors into :class:`PrinterConnectionError` (see :func:`os_error`).

    Every transport is a context manager::

        with transport_from_url("tcp://192.168.1.50:9100") as t:
            t.write(job)

    :param url: the URL the transport was created from (default: the scheme)
    """

    #: URL scheme handled by the class (registry key).
    scheme: str = ""
    #: Whether :meth:`read` can return printer replies (needed for status queries).
    can_read: bool = False

    def __init__(self, url: str = "") -> None:
        self.url = url or self.scheme
        self.is_open = False

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> Transport:
        """Create an (unopened) instance from a parsed URL; validate everything here.

        :raises PrinterConfigError: the target or an option is invalid
        """
        raise NotImplementedError

    # -- public I/O ----------------------------------------------------------------
    def open(self) -> Transport:
        """Connect to the printer (idempotent) and return ``self``.

        :raises PrinterConnectionError: the printer cannot be reached
        """
        if not self.is_open:
            self._open()
            self.is_open = True
        return self

    def write(self, data: bytes) -> None:
        """Send ``data`` to the printer, opening the transport if needed.

        :raises PrinterConnectionError: the link failed (``PrinterTimeoutError`` on timeout)
        """
        if not self.is_open:
            self.open()
        self._write(bytes(data))

    def read(self, n: int = 1, timeout: float = 1.0) -> bytes:
        """Read up to ``n`` bytes, waiting at most ``timeout`` seconds.

        :returns: the bytes read; ``b""`` if nothing arrived in time
        :raises PrinterUnsupportedError: the transport is write-only (``can_read`` false)
        """
        if not self.can_read:
            raise PrinterUnsupportedError(f"{self.scheme}: transport cannot read replies")
        if not self.is_open:
            self.open()
        return self._read(n, timeout)

    def close(self) -> None:
        """Flush and release the connection (idempotent, never raises on a closed one)."""
        if self.is_open:
            self.is_open = False
            self._close()

    def __enter__(self) -> Transport:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r}{' open' if self.is_open else ''}>"

    # -- hooks ---------------------------------------------------------------------
    @abc.abstractmethod
    def _write(self, data: bytes) -> None:
        """Send ``data`` on the open connection (the one I/O method every transport has).

        :raises PrinterConnectionError: the link failed
        """

    def _open(self) -> None:  # noqa: B027 - optional hook, deliberately empty
        """Connect; the default has nothing to connect."""

    def _read(self, n: int, timeout: float) -> bytes:
        """Read up to ``n`` bytes within ``timeout`` seconds (``b""`` on silence).

        Only called when ``can_read`` is true; the default says the transport cannot.

        :raises PrinterUnsupportedError: the transport is write-only
        """
        raise PrinterUnsupportedError(f"{self.scheme}: transport cannot read replies")

    def _close(self) -> None:  # noqa: B027 - optional hook, deliberately empty
        """Release the connection; the default has nothing to release."""


# --------------------------------------------------------------------------- helpers


def float_option(parsed: ParsedUrl, key: str, default: float) -> float:
    """Option ``key`` as seconds in (0, 600], or ``default`` when absent.

    :raises PrinterConfigError: not a number or out of range
    """
    raw = parsed.options.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PrinterConfigError(f"{parsed.url}: {key}={raw!r} is not a number") from None
    if not 0 < value <= 600:
        raise PrinterConfigError(f"{parsed.url}: {key} must be in (0, 600] seconds")
    return value


def int_option(parsed: ParsedUrl, key: str, default: int | None, base: int = 10) -> int | None:
    """Option ``key`` as an integer (``base=0``: ``0x`` prefixes allowed), or ``default``.

    :raises PrinterConfigError: not an integer
    """
    raw = parsed.options.get(key)
    if raw is None:
        return default
    try:
        return int(raw, 0 if base == 0 else base)
    except ValueError:
        raise PrinterConfigError(f"{parsed.url}: {key}={raw!r} is not an integer") from None


def reject_unknown(parsed: ParsedUrl, allowed: set[str]) -> None:
    """Refuse query options outside ``allowed`` (the message lists the allowed ones).

    :raises PrinterConfigError: an unknown option was given
    """
    unknown = sorted(set(parsed.options) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise PrinterConfigError(
            f"{parsed.url}: unknown option(s) {', '.join(unknown)} (allowed: {known})"
        )


def os_error(url: str, exc: OSError) -> PrinterConnectionError:
    """Translate an ``OSError`` into :class:`PrinterTimeoutError` or
    :class:`PrinterConnectionError` with ``url`` in the message."""
    if isinstance(exc, TimeoutError):
        return PrinterTimeoutError(f"{url}: timed out")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return PrinterConnectionError(f"{url}: {reason}")


__all__ = [
    "ParsedUrl",
    "Transport",
    "float_option",
    "int_option",
    "os_error",
    "reject_unknown",
]

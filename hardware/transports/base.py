"""The :class:`Link` base class: a byte pipe to one counter device, chosen by URL.

Subclasses implement exactly one abstract method, :meth:`Link._write`; the hooks
:meth:`Link._open`, :meth:`Link._close` and :meth:`Link._read` have defaults. State checks,
opening on first use and ``OSError`` translation live here.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from ..exceptions import HardwareConfigError, HardwareConnectionError


@dataclass(frozen=True)
class ParsedUrl:
    """A link URL split into ``scheme``, ``target`` and query ``options``."""

    url: str
    scheme: str
    target: str
    options: dict[str, str]


class Link(abc.ABC):
    """Abstract byte pipe to a device (button box, LED board, rating pad, keypad).

    ``read`` returns what arrived (``b""`` on silence); line framing is the caller's
    (:class:`~hardware.protocol.LineSplitter`). Every link is a context manager.
    """

    scheme: str = ""
    #: whether :meth:`read` can return device input
    can_read: bool = False
    #: whether :meth:`write` reaches the device (LED boards need it)
    can_write: bool = True

    def __init__(self, url: str = "") -> None:
        self.url = url or self.scheme
        self.is_open = False

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> Link:
        """Create an (unopened) link from a parsed URL; validate everything here.

        :raises HardwareConfigError: the target or an option is invalid
        """
        raise NotImplementedError

    def open(self) -> Link:
        """Connect (idempotent). :raises HardwareConnectionError: cannot be reached"""
        if not self.is_open:
            self._open()
            self.is_open = True
        return self

    def write(self, data: bytes) -> None:
        """Send ``data``. :raises HardwareConnectionError: the link failed"""
        if not self.can_write:
            raise HardwareConfigError(f"{self.scheme}: this link cannot send to its device")
        if not self.is_open:
            self.open()
        self._write(bytes(data))

    def read(self, timeout: float = 0.5) -> bytes:
        """Bytes that arrived within ``timeout`` seconds (``b""`` if none).

        :raises HardwareConnectionError: the link broke (unplugged, broker gone)
        """
        if not self.can_read:
            raise HardwareConfigError(f"{self.scheme}: this link cannot read")
        if not self.is_open:
            self.open()
        return self._read(timeout)

    def close(self) -> None:
        """Release the device (idempotent, never raises on a closed link)."""
        if self.is_open:
            self.is_open = False
            self._close()

    def __enter__(self) -> Link:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r}{' open' if self.is_open else ''}>"

    @abc.abstractmethod
    def _write(self, data: bytes) -> None:
        """Send ``data`` on the open link (the one I/O method every link has)."""

    def _open(self) -> None:  # noqa: B027 - optional hook, deliberately empty
        """Connect; the default has nothing to connect."""

    def _read(self, timeout: float) -> bytes:
        raise HardwareConfigError(f"{self.scheme}: this link cannot read")

    def _close(self) -> None:  # noqa: B027 - optional hook, deliberately empty
        """Release; the default has nothing to release."""


def float_option(parsed: ParsedUrl, key: str, default: float, low=0.0, high=600.0) -> float:
    """Option ``key`` as a number in (low, high], or ``default``.

    :raises HardwareConfigError: not a number or out of range
    """
    raw = parsed.options.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise HardwareConfigError(f"{parsed.url}: {key}={raw!r} is not a number") from None
    if not low < value <= high:
        raise HardwareConfigError(f"{parsed.url}: {key} must be in ({low:g}, {high:g}]")
    return value


def reject_unknown(parsed: ParsedUrl, allowed: set[str]) -> None:
    """:raises HardwareConfigError: a query option outside ``allowed``"""
    unknown = sorted(set(parsed.options) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise HardwareConfigError(
            f"{parsed.url}: unknown option(s) {', '.join(unknown)} (allowed: {known})"
        )


def os_error(url: str, exc: OSError) -> HardwareConnectionError:
    """An ``OSError`` → :class:`HardwareConnectionError` naming the URL."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return HardwareConnectionError(f"{url}: {reason}")


__all__ = ["Link", "ParsedUrl", "float_option", "os_error", "reject_unknown"]

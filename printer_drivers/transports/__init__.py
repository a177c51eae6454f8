"""Transports: how bytes reach the printer, chosen by URL.

=========================================  ==============================================
URL                                        transport
=========================================  ==============================================
``usb:0416:5011`` (``usb:0x0416:0x5011``)  :class:`UsbTransport` (pyusb, bulk endpoints)
``tcp://192.168.1.50:9100?timeout=5``      :class:`TcpTransport` (raw "JetDirect" port)
``serial:/dev/ttyUSB0?baudrate=19200``     :class:`SerialTransport` (pyserial)
``file:/dev/usb/lp0``                      :class:`FileTransport` (bytes appended)
``cups:Kiosk_Printer``                     :class:`CupsTransport` (``lp -d NAME -o raw``)
``dummy``                                  :class:`DummyTransport` (in memory, for tests)
=========================================  ==============================================

Every transport has the same small I/O surface: :meth:`Transport.open`,
:meth:`Transport.write`, :meth:`Transport.read` and :meth:`Transport.close`; it is also a
context manager.  ``can_read`` tells whether status queries are possible.  Optional
dependencies (pyusb, pyserial) are imported only when such a transport is opened.

One module per transport (:mod:`.usb`, :mod:`.tcp`, :mod:`.serial_port`, :mod:`.file`,
:mod:`.cups`, :mod:`.dummy`), all built on the abstract :class:`~.base.Transport`.  This
module holds the registry: URL scheme -> transport class.  New schemes can be added with
:func:`register_transport`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from ..exceptions import PrinterConfigError
from .base import ParsedUrl, Transport
from .cups import CupsTransport
from .dummy import DummyTransport
from .file import FileTransport
from .serial_port import SerialTransport
from .tcp import TcpTransport
from .usb import UsbTransport

#: URL scheme -> transport class, filled by :func:`register_transport`.
TRANSPORTS: dict[str, type[Transport]] = {}


def register_transport(cls: type[Transport]) -> type[Transport]:
    """Register a :class:`Transport` subclass under its ``scheme`` (usable as decorator).

    :raises PrinterConfigError: the class has no valid ``scheme``
    :returns: ``cls``
    """
    if not cls.scheme or not re.fullmatch(r"[a-z][a-z0-9+.-]*", cls.scheme):
        raise PrinterConfigError(f"invalid transport scheme {cls.scheme!r}")
    TRANSPORTS[cls.scheme] = cls
    return cls


for _cls in (UsbTransport, TcpTransport, SerialTransport, FileTransport, CupsTransport):
    register_transport(_cls)
register_transport(DummyTransport)


def _supported() -> str:
    examples = {
        "usb": "usb:0416:5011",
        "tcp": "tcp://192.168.1.50:9100",
        "serial": "serial:/dev/ttyUSB0?baudrate=19200",
        "file": "file:/dev/usb/lp0",
        "cups": "cups:PRINTER_NAME",
        "dummy": "dummy",
    }
    return ", ".join(examples.get(s, f"{s}:...") for s in TRANSPORTS)


def parse_url(url: str) -> ParsedUrl:
    """Split a transport URL into scheme, target and query options.

    :raises PrinterConfigError: empty URL, missing or unknown scheme, bad query string
    """
    if not isinstance(url, str) or not url.strip():
        raise PrinterConfigError(f"empty printer URL; supported: {_supported()}")
    url = url.strip()
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep and scheme != "dummy":
        raise PrinterConfigError(f"printer URL {url!r} has no scheme; supported: {_supported()}")
    if scheme not in TRANSPORTS:
        raise PrinterConfigError(
            f"unknown printer URL scheme {scheme!r} in {url!r}; supported: {_supported()}"
        )
    target, _, query = rest.partition("?")
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise PrinterConfigError(f"{url}: malformed query string {query!r}") from None
    return ParsedUrl(url=url, scheme=scheme, target=target, options=options)


def transport_from_url(url: str) -> Transport:
    """Create the transport for ``url`` without connecting (validates the URL only).

    :raises PrinterConfigError: malformed URL or unknown scheme (message lists the
        supported schemes)
    """
    parsed = parse_url(url)
    return TRANSPORTS[parsed.scheme].from_url(parsed)


def open_transport(url: str) -> Transport:
    """Create the transport for ``url`` and connect it.

    :param url: e.g. ``"tcp://192.168.1.50:9100"``, ``"usb:0416:5011"``, ``"dummy"``
    :raises PrinterConfigError: malformed URL or unknown scheme
    :raises PrinterConnectionError: the printer cannot be reached
    :returns: an open :class:`Transport` (use it as a context manager or call ``close``)
    """
    return transport_from_url(url).open()


__all__ = [
    "TRANSPORTS",
    "CupsTransport",
    "DummyTransport",
    "FileTransport",
    "ParsedUrl",
    "SerialTransport",
    "TcpTransport",
    "Transport",
    "UsbTransport",
    "open_transport",
    "parse_url",
    "register_transport",
    "transport_from_url",
]

"""printer_drivers -- queue tickets on ESC/POS thermal printers.

Pipeline (python-escpos style)::

    TicketData --render_ticket--> 1-bit image --encode_ticket--> ESC/POS bytes
               --Transport (usb:, tcp://, serial:, file:, cups:, dummy)--> printer

Quick start::

    from printer_drivers import TicketData, print_ticket
    print_ticket("tcp://192.168.1.50:9100", data, "80mm")

This package is a plain library: no web framework, no application imports.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from PIL import Image

from .encode import PROFILES, PrinterProfile, encode_ticket, get_profile
from .exceptions import (
    CoverOpenError,
    PaperOutError,
    PrinterConfigError,
    PrinterConnectionError,
    PrinterError,
    PrinterHardwareError,
    PrinterNotReadyError,
    PrinterOfflineError,
    PrinterStatusError,
    PrinterTimeoutError,
    PrinterUnsupportedError,
)
from .layout import FontSet, TicketData, TicketLabels, render_ticket
from .slip import SlipData, render_slip
from .status import PrinterStatus, query_status, raise_for_status, read_status
from .transports import (
    DummyTransport,
    Transport,
    open_transport,
    register_transport,
    transport_from_url,
)

log = logging.getLogger(__name__)

FontArg = str | Path | FontSet | None


def _transport(url_or_transport: str | Transport) -> Transport:
    if isinstance(url_or_transport, Transport):
        return url_or_transport
    if isinstance(url_or_transport, str):
        return transport_from_url(url_or_transport)
    raise PrinterConfigError(f"expected a transport URL or Transport, got {url_or_transport!r}")


def send_job(
    url_or_transport: str | Transport,
    job: bytes,
    *,
    check_status: bool = True,
    require_status: bool = False,
    status_timeout: float = 2.0,
) -> PrinterStatus | None:
    """Open the transport, check the status where possible, write ``job``, close.

    :param url_or_transport: transport URL or :class:`Transport` (closed afterwards)
    :param job: bytes from :func:`encode_ticket`
    :param check_status: query ``DLE EOT`` first when the transport can read
    :param require_status: refuse to print unless the printer answered the status query
        (``PrinterTimeoutError`` on silence, ``PrinterStatusError`` on garbage)
    :param status_timeout: seconds to wait for each status byte
    :raises PrinterNotReadyError: ``PaperOutError``, ``CoverOpenError``... nothing written
    :raises PrinterConnectionError: unreachable printer or failed write
    :returns: the status read before printing, or ``None`` if not checked
    """
    transport = _transport(url_or_transport)
    status: PrinterStatus | None = None
    try:
        transport.open()
        if check_status and transport.can_read:
            status = read_status(transport, status_timeout, strict=require_status)
            raise_for_status(status)
            if status.paper_near_end:
                log.warning("%s: paper near end", transport.url)
            elif not status.known:
                log.info(
                    "%s: status %s (%s), printing anyway",
                    transport.url,
                    status.state,
                    status.reason,
                )
        transport.write(job)
    except BaseException:
        with contextlib.suppress(PrinterError):
            transport.close()
        raise
    transport.close()  # may raise: e.g. cups submits on close
    return status


def print_ticket(
    url_or_transport: str | Transport,
    data: TicketData,
    profile: str | PrinterProfile = "80mm",
    *,
    font_path: FontArg = None,
    labels: TicketLabels | None = None,
    check_status: bool = True,
    require_status: bool = False,
    status_timeout: float = 2.0,
) -> bytes:
    """Render, encode and print one ticket.

    Rendering happens before connecting.  On transports that can read (tcp, usb, serial,
    dummy with replies) the status is queried first and printing is refused if the
    printer reports paper out, cover open, an error or offline.  A printer that does not
    answer the status query still gets the job unless ``require_status`` is set.

    :param url_or_transport: e.g. ``"tcp://192.168.1.50:9100"`` or a :class:`Transport`
        (it is opened if needed and always closed)
    :param data: ticket content
    :param profile: ``"80mm"``, ``"58mm"``... or a :class:`PrinterProfile`
    :param font_path: font override, see :func:`render_ticket`
    :param labels: wording override, see :class:`TicketLabels`
    :param check_status: query the status before printing where supported
    :param require_status: refuse to print if the status cannot be read
    :param status_timeout: seconds to wait for each status byte
    :raises PaperOutError: printer reports no paper (nothing is written)
    :raises CoverOpenError: printer reports its cover open (nothing is written)
    :raises PrinterNotReadyError: other reported problem (offline, cutter error...)
    :raises PrinterConnectionError: printer unreachable or the write failed
    :raises PrinterConfigError: bad URL, profile or font
    :returns: the exact ESC/POS bytes of the job
    """
    prof = get_profile(profile)
    transport = _transport(url_or_transport)  # validate the URL before rendering
    image = render_ticket(data, prof.width_dots, font_path=font_path, labels=labels)
    job = encode_ticket(image, prof)
    send_job(
        transport,
        job,
        check_status=check_status,
        require_status=require_status,
        status_timeout=status_timeout,
    )
    return job


class Printer:
    """A configured printer: transport + profile + rendering options.

    ::

        printer = Printer("usb:0416:5011", "58mm")
        if printer.status().state != "not_ready":
            printer.print_ticket(data)

    :param url_or_transport: transport URL or :class:`Transport`
    :param profile: preset name or :class:`PrinterProfile`
    :param font_path: font override for :func:`render_ticket`
    :param labels: wording override
    :param check_status: query the status before each print where supported
    :param require_status: refuse to print if the status cannot be read
    :param status_timeout: seconds to wait for each status byte
    """

    def __init__(
        self,
        url_or_transport: str | Transport,
        profile: str | PrinterProfile = "80mm",
        *,
        font_path: FontArg = None,
        labels: TicketLabels | None = None,
        check_status: bool = True,
        require_status: bool = False,
        status_timeout: float = 2.0,
    ) -> None:
        self.transport = _transport(url_or_transport)
        self.profile = get_profile(profile)
        self.font_path = font_path
        self.labels = labels
        self.check_status = check_status
        self.require_status = require_status
        self.status_timeout = status_timeout

    def render(self, data: TicketData) -> Image.Image:
        """Render ``data`` at this printer's width (see :func:`render_ticket`)."""
        return render_ticket(
            data, self.profile.width_dots, font_path=self.font_path, labels=self.labels
        )

    def encode(self, data: TicketData) -> bytes:
        """Render and encode ``data`` without printing."""
        return encode_ticket(self.render(data), self.profile)

    def print_ticket(self, data: TicketData) -> bytes:
        """Print one ticket (see :func:`print_ticket`) and return the bytes sent."""
        job = self.encode(data)
        self.print_raw(job)
        return job

    def print_raw(self, job: bytes) -> PrinterStatus | None:
        """Send pre-encoded ESC/POS bytes with the same status checks (see :func:`send_job`)."""
        return send_job(
            self.transport,
            job,
            check_status=self.check_status,
            require_status=self.require_status,
            status_timeout=self.status_timeout,
        )

    def status(self) -> PrinterStatus:
        """Query the printer status (see :func:`query_status`); never raises on I/O."""
        return query_status(self.transport, self.status_timeout)

    def __repr__(self) -> str:
        return f"<Printer {self.transport.url!r} {self.profile.name}>"


__all__ = [
    "PROFILES",
    "CoverOpenError",
    "DummyTransport",
    "FontSet",
    "PaperOutError",
    "Printer",
    "PrinterConfigError",
    "PrinterConnectionError",
    "PrinterError",
    "PrinterHardwareError",
    "PrinterNotReadyError",
    "PrinterOfflineError",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterStatusError",
    "PrinterTimeoutError",
    "PrinterUnsupportedError",
    "SlipData",
    "TicketData",
    "TicketLabels",
    "Transport",
    "encode_ticket",
    "get_profile",
    "open_transport",
    "print_ticket",
    "query_status",
    "register_transport",
    "render_slip",
    "render_ticket",
    "send_job",
    "transport_from_url",
]

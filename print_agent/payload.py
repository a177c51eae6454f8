"""What a print job carries and how it becomes a TicketData: shared by the server and the agent.

Plain functions without Flask, so `qms agent` on a kiosk PC renders exactly what the
server's own worker would (the server builds the payload: qms.devices.operations.jobs).
"""

from datetime import datetime

from printer_drivers import SlipData, TicketData, render_slip, render_ticket

PAYLOAD_FIELDS = (
    "centre_name",
    "centre_locality",
    "code",
    "service_name",
    "counters",
    "priority_label",
    "issued_at",
    "ahead",
    "track_url",
    "hotline",
    "estimated_wait_minutes",
    "note",
)


def ticket_data(payload):
    """Payload dict (JSON of a PrintJob) → TicketData; issued_at is local ISO text, printed as is."""
    issued = payload.get("issued_at")
    issued_dt = datetime.fromisoformat(issued).replace(tzinfo=None) if issued else datetime.now()
    return TicketData(
        centre_name=payload.get("centre_name") or "",
        centre_locality=payload.get("centre_locality") or "",
        code=payload["code"],
        service_name=payload.get("service_name") or "",
        counters=payload.get("counters") or "",
        priority_label=payload.get("priority_label") or None,
        issued_at=issued_dt,
        ahead=max(0, int(payload.get("ahead") or 0)),
        track_url=payload["track_url"],
        hotline=payload.get("hotline") or "",
        estimated_wait_minutes=payload.get("estimated_wait_minutes"),
        note=payload.get("note") or None,
    )


def slip_data(payload):
    """A "slip" job's payload (a paper dossier's appointment slip) → SlipData."""
    received = payload.get("received_at")
    appointment = payload.get("appointment_date")
    return SlipData(
        centre_name=payload.get("centre_name") or "",
        centre_locality=payload.get("centre_locality") or "",
        code=payload["code"],
        procedure=payload.get("procedure") or "",
        received_at=datetime.fromisoformat(received).replace(tzinfo=None)
        if received
        else datetime.now(),
        status_url=payload["status_url"],
        citizen_name=payload.get("citizen_name") or "",
        documents=tuple(payload.get("documents") or ()),
        appointment=datetime.fromisoformat(appointment).date() if appointment else None,
        officer=payload.get("officer") or "",
        note=payload.get("note") or "",
        hotline=payload.get("hotline") or "",
    )


def render_payload(payload, width_dots):
    """Any job's payload → its 1-bit image: a queue ticket, or a slip (payload "layout")."""
    if payload.get("layout") == "slip":
        return render_slip(slip_data(payload), width_dots)
    return render_ticket(ticket_data(payload), width_dots)


def sample_payload(
    centre_name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    locality="XÃ TÂN KỲ",
    hotline="1900 0000",
    track_url="http://qms.local/t/vi-du-mau",
    issued_at=None,
):
    """A demo ticket with the longest real service name and a priority mark (print-test)."""
    return {
        "centre_name": centre_name,
        "centre_locality": locality,
        "code": "H012",
        "service_name": "Nông nghiệp – Môi trường",
        "counters": "Quầy 1, Quầy 4",
        "priority_label": "Người cao tuổi",
        "issued_at": issued_at or datetime.now().replace(microsecond=0).isoformat(),
        "ahead": 3,
        "track_url": track_url,
        "hotline": hotline,
        "estimated_wait_minutes": 12,
        "note": "IN THỬ · Vé mẫu, không có giá trị",
    }


def classify_error(exc):
    """A printer_drivers error → (kind, retry): kind as device_failed names it."""
    import printer_drivers as pd

    if isinstance(exc, pd.PaperOutError):
        return "paper_out", True
    if isinstance(exc, pd.CoverOpenError):
        return "cover_open", True
    if isinstance(exc, pd.PrinterOfflineError):
        return "offline", True
    if isinstance(exc, pd.PrinterHardwareError):
        return "error", True
    if isinstance(exc, pd.PrinterConnectionError):
        return "offline", True
    if isinstance(exc, pd.PrinterConfigError):
        return "config", False
    return "error", True


def status_report(status):
    """PrinterStatus → (state, kind, message) as the server stores it; state None = no news."""
    if status.state == "ready":
        return "ok", None, "paper near end" if status.paper_near_end else ""
    if status.state == "not_ready":
        if status.paper_out:
            kind = "paper_out"
        elif status.cover_open:
            kind = "cover_open"
        elif status.error:
            kind = "error"
        else:
            kind = "offline"
        return "failed", kind, status.reason
    if status.state == "unreachable":
        return "failed", "offline", status.reason
    return None, None, status.reason  # unknown (no reply) or unsupported (file:, cups:)


def send_checked(transport, job, status_timeout=1.0, require_status=False):
    """Print raw bytes like printer_drivers.send_job, but never onto a device that answers
    the status query with garbage: that is not a printer, and the job would count as printed.

    Returns the status read before printing (None for write-only transports; state
    "unknown" when the printer stayed silent, which the caller notes as such).

    :raises PrinterStatusError: the status reply was not a status byte
    :raises PrinterNotReadyError: paper out, cover open … (nothing written)
    :raises PrinterConnectionError: unreachable, or the write failed
    """
    import contextlib

    from printer_drivers import PrinterError, PrinterStatusError
    from printer_drivers.status import raise_for_status, read_status

    status = None
    try:
        transport.open()
        if transport.can_read:
            status = read_status(transport, status_timeout, strict=require_status)
            if status.state == "unknown" and status.raw:
                raise PrinterStatusError(f"{transport.url}: {status.reason}")
            raise_for_status(status)
        transport.write(job)
    except BaseException:
        with contextlib.suppress(PrinterError):
            transport.close()
        raise
    transport.close()
    return status

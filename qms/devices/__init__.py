"""Devices: ticket printing that never blocks issuing, printer status, kiosk print agents.

A ticket's print job is committed in the ticket's own transaction (ticket_issuing); the
server's worker (`qms serve`) or a kiosk's `qms agent` prints it, retries with backoff and
turns printer faults into device_failed / device_recovered signals. The agent itself is the
framework-free library print_agent; the staff page is qms.pages.devices.
"""


def check_printer_config(config):
    """A clear message for a bad QMS_PRINTER / QMS_PRINTER_PROFILE, or None."""
    from printer_drivers import PrinterConfigError, get_profile, transport_from_url

    try:
        if config.get("PRINTER"):
            transport_from_url(config["PRINTER"])
        get_profile(config.get("PRINTER_PROFILE") or "80mm")
    except PrinterConfigError as exc:
        return f"QMS_PRINTER / QMS_PRINTER_PROFILE: {exc}"
    return None


def init_app(app):
    from qms import signals
    from qms.state import get_state

    from . import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
        worker,
    )
    from .operations import jobs
    from .runtime import Runtime

    if app.config.get("START_BACKGROUND"):
        problem = check_printer_config(app.config)
        if problem:
            raise RuntimeError(problem)
    state = get_state(app)
    state.startup_checks.append(check_printer_config)
    state.devices = Runtime()

    def issuing(sender, session, ticket, **_):
        return jobs.on_ticket_issuing(sender, session, ticket)

    def issued(sender, ticket, **_):
        jobs.on_ticket_issued(sender, ticket)

    signals.ticket_issuing.connect(issuing, sender=app, weak=False)
    signals.ticket_issued.connect(issued, sender=app, weak=False)
    get_state(app).add_loop("printer", worker.run)
    cli.init_app(app)

"""Devices: ticket printing that never blocks issuing, printer status, kiosk print agents.

A ticket's print job is committed in the ticket's own transaction (ticket_issuing); the
server's worker (`qms serve`) or a kiosk's `qms agent` prints it, retries with backoff and
turns printer faults into device_failed / device_recovered signals.
"""

DEFAULTS = {
    "PRINT_JOB_TTL": 120,  # seconds: after that the citizen has left with the on-screen ticket
    "PRINTER_STATUS_INTERVAL": 15,  # seconds between DLE EOT polls while idle
    "PRINTER_RETRY_POLL": 3,  # … and while the printer is failed and jobs wait
    "PRINTER_STATUS_TIMEOUT": 1.0,  # seconds per status byte
    "PRINTER_REQUIRE_STATUS": False,  # true: a printer that never answers DLE EOT counts as offline
    "AGENT_SEEN_SECONDS": 86400,  # a kiosk whose agent said hello within this is served by it
    "AGENT_OFFLINE_SECONDS": 90,  # agent silent this long → its printer counts as offline
    "AGENT_CLAIM_TIMEOUT": 30,  # seconds before an unacknowledged claim is offered again
}


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
    from qms import background, signals
    from qms.devices import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
        operations,
        views,
        worker,
    )

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config.get("START_BACKGROUND"):
        problem = check_printer_config(app.config)
        if problem:
            raise RuntimeError(problem)
    app.extensions.setdefault("qms_startup_checks", []).append(check_printer_config)
    app.extensions["qms_devices"] = operations.Runtime()

    def issuing(sender, session, ticket, **_):
        operations.on_ticket_issuing(sender, session, ticket)

    def issued(sender, ticket, **_):
        operations.on_ticket_issued(sender, ticket)

    signals.ticket_issuing.connect(issuing, sender=app, weak=False)
    signals.ticket_issued.connect(issued, sender=app, weak=False)
    background.register(app, "printer", worker.run)
    views.init_app(app)
    cli.init_app(app)

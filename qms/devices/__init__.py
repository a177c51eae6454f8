"""Devices: ticket printing that never blocks issuing, printer status, kiosk print agents;
counter devices (call buttons, LED boards, rating pads) and the health of every device.

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


def check_mqtt_config(config):
    """A clear message for a bad QMS_MQTT_URL / QMS_MQTT_PREFIX, or None."""
    from hardware import HardwareConfigError
    from hardware.mqtt import check_prefix, parse_broker_url

    try:
        if config.get("MQTT_URL"):
            parse_broker_url(config["MQTT_URL"])
        check_prefix(config.get("MQTT_PREFIX") or "")
    except HardwareConfigError as exc:
        return f"QMS_MQTT_URL / QMS_MQTT_PREFIX: {exc}"
    return None


def init_app(app):
    from qms import signals
    from qms.state import get_state

    from . import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        api_counter,  # noqa: F401  (counter devices, heartbeats, device accounts)
        cli,
        hub,
        worker,
    )
    from .operations import jobs
    from .runtime import Runtime

    if app.config.get("START_BACKGROUND"):
        for check in (check_printer_config, check_mqtt_config):
            problem = check(app.config)
            if problem:
                raise RuntimeError(problem)
    state = get_state(app)
    state.startup_checks.extend((check_printer_config, check_mqtt_config))
    state.devices = Runtime()
    state.devices.hub = hub.Hub()

    def counter_changed(sender, counter, **_):
        state.devices.hub.mark(counter["number"])  # LED boards and counter agents follow

    signals.counter_changed.connect(counter_changed, sender=app, weak=False)
    state.add_loop("counter-devices", hub.run)

    def issuing(sender, session, ticket, **_):
        return jobs.on_ticket_issuing(sender, session, ticket)

    def issued(sender, ticket, **_):
        jobs.on_ticket_issued(sender, ticket)

    signals.ticket_issuing.connect(issuing, sender=app, weak=False)
    signals.ticket_issued.connect(issued, sender=app, weak=False)
    get_state(app).add_loop("printer", worker.run)
    cli.init_app(app)

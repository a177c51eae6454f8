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


# a printer written through libusb or a device file blocks the calling thread until the
# printer takes the bytes: with gevent that thread serves every request of the process
BLOCKING_UNDER_GEVENT = ("usb", "file")


def check_gevent_devices(config):
    """gevent serves every request on one thread: a printer that blocks it would stop the
    kiosks, the counters and every display for as long as a ticket prints, or a jammed
    printer's timeout. Such a printer belongs to a print agent, or the server runs threads."""
    if config.get("SERVE_WORKER_CLASS") != "gevent" or not config.get("PRINTER"):
        return None
    scheme = str(config["PRINTER"]).partition(":")[0].lower()
    if scheme not in BLOCKING_UNDER_GEVENT:
        return None
    return (
        f"QMS_PRINTER {scheme}:… không chạy được với --worker-class gevent: máy in sẽ chặn mọi "
        "yêu cầu khi đang in. Hãy cắm máy in vào một print agent hoặc dùng máy in mạng "
        "(tcp://), hoặc chạy --worker-class gthread. "
        f"A {scheme}: printer blocks every request of a gevent worker while it prints: "
        "drive it from a print agent, use a network printer, or serve with gthread."
    )


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
        for check in (check_printer_config, check_mqtt_config, check_gevent_devices):
            problem = check(app.config)
            if problem:
                raise RuntimeError(problem)
    state = get_state(app)
    state.startup_checks.extend((check_printer_config, check_mqtt_config, check_gevent_devices))
    state.devices = Runtime()
    state.devices.hub = hub.Hub()

    def counter_changed(sender, counter, **_):
        state.devices.hub.mark(counter["number"])  # LED boards and counter agents follow

    signals.counter_changed.connect(counter_changed, sender=app, weak=False)
    state.add_loop("counter-devices", hub.run)

    def issuing(sender, session, ticket, **_):
        return jobs.on_ticket_issuing(sender, session, ticket)

    def issued(sender, tickets, **_):
        jobs.on_tickets_issued(sender, tickets)

    signals.ticket_issuing.connect(issuing, sender=app, weak=False)
    signals.tickets_issued.connect(issued, sender=app, weak=False)
    get_state(app).add_loop("printer", worker.run)
    cli.init_app(app)

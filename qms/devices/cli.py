"""`qms agent` (a kiosk PC's print agent) and `qms print-test` (sample ticket, PNG)."""

import logging
import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("agent")
@click.option("--server", required=True, help="Server base URL, e.g. http://192.168.1.10:8080")
@click.option("--kiosk", required=True, help="This kiosk's id, as in /kiosk?kiosk=ID")
@click.option(
    "--printer",
    required=True,
    help="Printer URL: usb:VID:PID, tcp://host:9100, file:/dev/usb/lp0 …",
)
@click.option(
    "--token", default=None, envvar="QMS_AGENT_TOKEN", help="Bearer token of a device account."
)
@click.option(
    "--username", default=None, envvar="QMS_AGENT_USERNAME", help="Device account (role device)."
)
@click.option("--password", default=None, envvar="QMS_AGENT_PASSWORD", help="Its password.")
@click.option(
    "--profile", default="80mm", show_default=True, help="80mm, 58mm, 80mm-nocut, 58mm-nocut"
)
@click.option(
    "--journal",
    default=None,
    type=click.Path(dir_okay=False),
    help="Journal file (default ~/.local/state/qms-agent/ID.journal).",
)
@click.option(
    "--wait", default=20, show_default=True, type=click.IntRange(1, 30), help="Long-poll seconds."
)
def agent_command(server, kiosk, printer, token, username, password, profile, journal, wait):
    """Print this kiosk's tickets on a printer attached to this PC."""
    from print_agent.agent import Agent
    from printer_drivers import PrinterConfigError, get_profile, transport_from_url
    from qms.devices.operations.agent import KIOSK_ID

    if not token and not (username and password):
        raise click.UsageError("give --token, or --username and --password of a device account")
    if not KIOSK_ID.fullmatch(kiosk) or kiosk == "local":
        raise click.BadParameter("letters, digits, '-', '_', '.' (max 40)", param_hint="--kiosk")
    try:
        transport_from_url(printer)
        get_profile(profile)
    except PrinterConfigError as exc:
        raise click.ClickException(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    agent = Agent(
        server,
        kiosk,
        printer,
        token=token,
        username=username,
        password=password,
        profile=profile,
        journal=journal,
        wait=wait,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Print agent for kiosk {kiosk}: {server} → {printer} ({profile})")
    agent.run(stop)


@click.command("print-test")
@click.option("--printer", default=None, help="Printer URL (default: QMS_PRINTER).")
@click.option(
    "--png",
    "png",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the rendered ticket to this PNG.",
)
@click.option("--profile", default=None, help="80mm, 58mm … (default: QMS_PRINTER_PROFILE).")
@with_appcontext
def print_test_command(printer, png, profile):
    """Print a sample ticket (Vietnamese demo data) and/or write its image."""
    from print_agent.payload import sample_payload, ticket_data
    from printer_drivers import PrinterError, encode_ticket, get_profile, render_ticket, send_job
    from qms.timeutil import iso, utcnow

    cfg = current_app.config
    printer = printer or (None if png else cfg.get("PRINTER"))
    if not printer and not png:
        raise click.UsageError("no printer: give --printer URL, --png FILE or set QMS_PRINTER")
    try:
        prof = get_profile(profile or cfg["PRINTER_PROFILE"])
        payload = sample_payload(cfg["CENTRE_NAME"], cfg["COMMUNE_NAME"], cfg.get("HOTLINE") or "")
        payload["issued_at"] = iso(utcnow())  # the centre's local time, as on real tickets
        data = ticket_data(payload)
        image = render_ticket(data, prof.width_dots)
        if png:
            Path(png).parent.mkdir(parents=True, exist_ok=True)
            image.save(png)
            click.echo(f"Ticket image written: {png} ({image.width}×{image.height} dots)")
        if printer:
            job = encode_ticket(image, prof)
            send_job(printer, job, status_timeout=float(cfg["PRINTER_STATUS_TIMEOUT"]))
            click.echo(f"Sample ticket sent to {printer} ({len(job)} bytes, {prof.name})")
    except PrinterError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from None


@click.command("counter-agent")
@click.option("--server", required=True, help="Server base URL, e.g. http://192.168.1.10:8080")
@click.option("--counter", required=True, type=click.IntRange(1, 999), help="This PC's counter.")
@click.option(
    "--token", default=None, envvar="QMS_AGENT_TOKEN", help="Bearer token of a device account."
)
@click.option(
    "--username", default=None, envvar="QMS_AGENT_USERNAME", help="Device account (role device)."
)
@click.option("--password", default=None, envvar="QMS_AGENT_PASSWORD", help="Its password.")
@click.option(
    "--journal",
    default=None,
    type=click.Path(dir_okay=False),
    help="Press journal (default ~/.local/state/qms-counter-agent/counter-N.journal).",
)
@click.option(
    "--max-age",
    default=10.0,
    show_default=True,
    type=click.FloatRange(1, 120),
    help="Seconds a press may wait for the server before it is dropped (never called late).",
)
@click.option(
    "--heartbeat",
    default=15.0,
    show_default=True,
    type=click.FloatRange(0.5, 300),
    help="Seconds between reports of the devices' states.",
)
def counter_agent_command(server, counter, token, username, password, journal, max_age, heartbeat):
    """Run this counter PC's call buttons, LED board and rating pad (registered in /admin/devices)."""
    from print_agent.counter import CounterAgent

    if not token and not (username and password):
        raise click.UsageError("give --token, or --username and --password of a device account")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    agent = CounterAgent(
        server,
        counter,
        token=token,
        username=username,
        password=password,
        journal=journal,
        max_age=max_age,
        heartbeat=heartbeat,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Counter agent for counter {counter}: {server}", err=True)
    agent.run(stop)


@click.group("devices")
def devices_group():
    """Counter devices and device accounts."""


@devices_group.command("bind")
@click.argument("username")
@click.option("--kiosk", default=None, help="The kiosk id this account prints for.")
@click.option("--counter", default=None, type=int, help="The counter this account acts for.")
@with_appcontext
def bind_command(username, kiosk, counter):
    """Bind a device account to one kiosk or one counter (it may act for nothing else)."""
    from qms.devices.operations import binding
    from qms.errors import QmsError

    user_id = binding.user_id_by_name(username)
    if user_id is None:
        raise click.ClickException(f"no account {username!r}")
    try:
        result = binding.bind_account(user_id, kiosk, counter)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    what = f"kiosk {result['kiosk']}" if result["kiosk"] else f"counter {result['counter']}"
    click.echo(f"{username} is bound to {what}")


def init_app(app):
    app.cli.add_command(agent_command)
    app.cli.add_command(counter_agent_command)
    app.cli.add_command(devices_group)
    app.cli.add_command(print_test_command)

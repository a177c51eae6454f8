"""`qms federation …`: the outbox's status, figures sent on demand."""

from datetime import date

import click
from flask.cli import with_appcontext

from qms.extensions import get_db
from qms.federation import operations, queries
from qms.state import get_state
from qms.timeutil import local_day, utcnow


@click.group("federation")
def federation_group():
    """This centre's records for the province (QMS_PROVINCE_URL)."""


@federation_group.command("status")
@with_appcontext
def status_command():
    """Records pending, the last sent, the last error."""
    info = queries.status(get_state().federation)
    if not info["configured"]:
        click.echo("No province configured (QMS_PROVINCE_URL, QMS_PROVINCE_TOKEN).")
    for key, value in info.items():
        click.echo(f"{key}: {value}")


@federation_group.command("send-figures")
@click.option("--date", "day", default=None, help="YYYY-MM-DD (default today).")
@with_appcontext
def send_figures_command(day):
    """Queue one day's queue figures for the province now."""
    if not queries.is_configured():
        raise click.ClickException("No province configured (QMS_PROVINCE_URL, QMS_PROVINCE_TOKEN).")
    today = local_day(utcnow())
    try:
        target = date.fromisoformat(day) if day else today
    except ValueError:
        raise click.ClickException("--date must be YYYY-MM-DD") from None
    if target > today:
        raise click.ClickException("not a future day")
    seq = operations.queue_day_figures(get_db(), get_state().federation, target, today)
    click.echo(f"Figures of {target.isoformat()} queued (record {seq}).")


def init_app(app):
    app.cli.add_command(federation_group)

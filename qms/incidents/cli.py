"""`qms incidents …` commands."""

import click
from flask.cli import with_appcontext

from qms.drill import drill_command
from qms.incidents.operations.catalogue import ensure_seeded


@click.group("incidents")
def incidents_group():
    """The contingency plan's incident module."""


@incidents_group.command("seed")
@with_appcontext
def seed_command():
    """Add the plan's incident types 2.1–2.9 if any is missing (idempotent)."""
    added = ensure_seeded()
    click.echo(f"Incident types added: {added}")


def init_app(app):
    app.cli.add_command(incidents_group)
    app.cli.add_command(drill_command)  # the plan's drill, against a live server

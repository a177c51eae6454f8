"""`qms centre …` on a province instance: the centres allowed to send, and their tokens."""

import click
from flask import current_app
from flask.cli import with_appcontext

from qms.errors import QmsError
from qms.province import operations, queries


def _province_only():
    if not queries.is_province(current_app.config):
        raise click.ClickException(
            "This is not a province instance: set QMS_ROLE=province (config ROLE) first."
        )


@click.group("centre")
def centre_group():
    """Centres that send their records to this province instance."""


def _print_token(code, token):
    click.echo(f"Token of centre {code} (shown only this once; store it as QMS_PROVINCE_TOKEN):")
    click.echo(token)


@centre_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help='The centre\'s name, e.g. "Xã Tân Kỳ".')
@with_appcontext
def add_command(code, name):
    """Allow a centre to send; prints its token once."""
    _province_only()
    try:
        token = operations.add_centre(code, name)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    _print_token(code, token)


@centre_group.command("token")
@click.argument("code")
@with_appcontext
def token_command(code):
    """A new token for a centre (a lost one, or after a revoke); the old one stops working."""
    _province_only()
    try:
        token = operations.replace_token(code)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    _print_token(code, token)


@centre_group.command("revoke")
@click.argument("code")
@with_appcontext
def revoke_command(code):
    """The centre's token stops working (its records so far stay)."""
    _province_only()
    try:
        operations.revoke_centre(code)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Centre {code} revoked.")


@centre_group.command("list")
@with_appcontext
def list_command():
    """Every centre: code, mode, last seen, revoked or not."""
    _province_only()
    for c in queries.centres_list(include_revoked=True):
        state = "revoked" if c["is_revoked"] else (c["mode"] or "-")
        click.echo(f"{c['code']:<16} {c['name']:<40} {state:<12} {c['last_seen'] or 'never'}")


def init_app(app):
    app.cli.add_command(centre_group)

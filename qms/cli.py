"""The `qms` command: init, serve, user, backup (and the features' own commands)."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from qms.announce import missing_speech_segments, speech_dir
from qms.extensions import get_db
from qms.roles import ADMIN, ROLES
from qms.state import get_state


@click.command("init")
@click.option("--demo", is_flag=True, help="Add the demo services and counters on first run.")
@with_appcontext
def init_command(demo):
    """Create or upgrade the database; create the first admin (password printed once)."""
    from qms.auth.operations import create_user, generate_password
    from qms.auth.queries import users_list
    from qms.demo import seed_demo, seed_priorities
    from qms.incidents.operations.catalogue import ensure_seeded

    db = get_db()
    db.upgrade()
    click.echo(f"Database ready: {_safe_url(db.url)}")
    if seed_priorities():
        click.echo("Priority categories created.")
    if ensure_seeded():
        click.echo("Incident types restored.")
    if demo and seed_demo():
        click.echo("Demo services and counters created.")
    if not any(u["role"] == ADMIN for u in users_list()):
        password = generate_password()
        create_user("admin", ADMIN, password, full_name="Quản trị")
        click.echo("")
        click.echo("  First administrator created (shown only this once):")
        click.echo("    username: admin")
        click.echo(f"    password: {password}")
        click.echo("")


def _safe_url(url):
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (QMS_HOST).")
@click.option("--port", default=None, type=int, help="Port (QMS_PORT).")
@click.option("--threads", default=None, type=int, help="Worker threads (one per websocket).")
@with_appcontext
def serve_command(host, port, threads):
    """Serve with gunicorn's threaded worker (Socket.IO over simple-websocket)."""
    from qms.serve import run

    cfg = current_app.config
    db = get_db()
    if db.current_heads() != db.script_heads():
        click.echo(
            "The database is not initialised or not up to date: run `qms init` first.", err=True
        )
        sys.exit(2)
    for check in get_state().startup_checks:
        problem = check(cfg)  # e.g. an unknown printer URL scheme: fail now, clearly
        if problem:
            raise click.ClickException(problem)
    missing = missing_speech_segments()
    if missing:
        click.echo(
            f"Warning: announcement audio lacks {', '.join(missing)}: run `qms speech generate`.",
            err=True,
        )
    run(
        host or cfg["HOST"],
        int(port or cfg["PORT"]),
        int(threads or cfg["SERVE_THREADS"]),
        get_state().factory,
        config_overrides=cfg.get("SERVE_OVERRIDES"),
    )


@click.group("user")
def user_group():
    """Staff accounts."""


@user_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="device: a kiosk print agent's account",
)
@click.option("--password", default=None, help="Prompted (hidden) when absent.")
@click.option("--name", "full_name", default="", help="Full name shown on pages.")
@with_appcontext
def user_add(username, role, password, full_name):
    """Create a staff account."""
    from qms.auth.operations import create_user
    from qms.errors import QmsError

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(username, role, password, full_name=full_name)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"User {username} ({role}) created.")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password", default=None, help="Prompted (hidden) when absent.")
@with_appcontext
def user_passwd(username, password):
    """Set a new password (ends the user's sessions and tokens)."""
    from qms.auth.operations import set_password
    from qms.errors import QmsError

    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(username, password)
    except QmsError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Password of {username} changed.")


@user_group.command("list")
@with_appcontext
def user_list():
    """List staff accounts."""
    from qms.auth.queries import users_list

    for user in users_list():
        click.echo(
            f"{user['username']:<20} {user['role']:<8} {'active' if user['active'] else 'disabled'}"
        )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Online backup of the embedded SQLite database to PATH (safe while serving)."""
    try:
        target = get_db().backup_sqlite(path)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written: {target}")


@click.group("speech")
def speech_group():
    """The announcement voice: offline WAV segments."""


@speech_group.command("generate")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Default: DATA_DIR/speech (used by the server when present).",
)
@click.option(
    "--engine-cmd",
    default=None,
    help='Any TTS command with {out} and {text}, e.g. "mytts --out {out} {text}".',
)
@click.option("--voice", default="vi", show_default=True)
@click.option("--speed", default=140, show_default=True, type=int)
@with_appcontext
def speech_generate(out, engine_cmd, voice, speed):
    """Generate every segment the configured announcement needs (espeak-ng by default)."""
    from pathlib import Path

    from speech.generate import GenerationError, generate_segments

    target = Path(out) if out else Path(current_app.config["DATA_DIR"]) / "speech"
    try:
        manifest = generate_segments(
            target,
            engine_cmd=engine_cmd,
            voice=voice,
            speed=speed,
            template=current_app.config["ANNOUNCE_TEMPLATE"],
        )
    except (GenerationError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{len(manifest.get('segments', manifest))} segments written to {target}")


@speech_group.command("check")
@with_appcontext
def speech_check():
    """List segments the configured announcement needs but the voice lacks."""
    missing = missing_speech_segments()
    if missing:
        raise click.ClickException(f"Missing segments in {speech_dir()}: {', '.join(missing)}")
    click.echo(f"All segments present in {speech_dir()}")


def init_app(app):
    for command in (init_command, serve_command, user_group, backup_command, speech_group):
        app.cli.add_command(command)

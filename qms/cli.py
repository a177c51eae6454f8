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
        # a one-time password like every other handed-out one: changed at first login
        create_user("admin", ADMIN, password, full_name="Quản trị", must_change=True)
        click.echo("")
        click.echo("  First administrator created (shown only this once):")
        click.echo("    username: admin")
        click.echo(f"    password: {password}")
        click.echo("  It is a one-time password: the first login asks for a new one.")
        click.echo("")


def _safe_url(url):
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (QMS_HOST).")
@click.option("--port", default=None, type=int, help="Port (QMS_PORT).")
@click.option(
    "--threads",
    default=None,
    type=int,
    help="gthread: threads, one per websocket (QMS_SERVE_THREADS, 512); "
    "gevent: connections (QMS_SERVE_GREENLETS, 4096).",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Processes (QMS_SERVE_WORKERS); more than one needs QMS_MESSAGE_QUEUE (Redis).",
)
@click.option(
    "--worker-class",
    default=None,
    type=click.Choice(["gthread", "gevent"]),
    help="gthread (default: a thread per websocket) or gevent (QMS_SERVE_WORKER_CLASS).",
)
@with_appcontext
def serve_command(host, port, threads, workers, worker_class):
    """Serve with gunicorn (Socket.IO over simple-websocket), background loops inside."""
    from qms.serve import run

    cfg = current_app.config
    workers = int(workers or cfg["SERVE_WORKERS"])
    worker_class = worker_class or cfg["SERVE_WORKER_CLASS"]
    if workers > 1 and not cfg.get("MESSAGE_QUEUE"):
        raise click.ClickException(
            "Several processes need QMS_MESSAGE_QUEUE=redis://… so a call reaches every display."
        )
    if worker_class == "gevent":
        try:
            import gevent  # noqa: F401
        except ImportError:
            raise click.ClickException("--worker-class gevent needs: pip install gevent") from None
    db = get_db()
    if db.current_heads() != db.script_heads():
        click.echo(
            "The database is not initialised or not up to date: run `qms init` first.", err=True
        )
        sys.exit(2)
    for check in get_state().startup_checks:
        # e.g. an unknown printer URL scheme: fail now, clearly
        problem = check({**cfg, "SERVE_WORKER_CLASS": worker_class})
        if problem:
            raise click.ClickException(problem)
    missing = missing_speech_segments()
    if missing:
        click.echo(
            f"Warning: announcement audio lacks {', '.join(missing)}: run `qms speech generate`.",
            err=True,
        )
    # gthread: threads, one per open websocket; gevent: connections, one greenlet each
    threads = int(
        threads or cfg["SERVE_GREENLETS" if worker_class == "gevent" else "SERVE_THREADS"]
    )
    run(
        host or cfg["HOST"],
        int(port or cfg["PORT"]),
        threads,
        get_state().factory,
        config_overrides={
            **(cfg.get("SERVE_OVERRIDES") or {}),
            "SERVE_THREADS": threads,
            "SERVE_WORKER_CLASS": worker_class,
        },
        workers=workers,
        worker_class=worker_class,
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
    """One archive (0600): database (online copy), attachments, secret key, voice, media."""
    from qms.backup import BackupError, write_backup

    try:
        manifest = write_backup(
            get_db(), current_app.config["DATA_DIR"], path, current_app.config["VERSION"]
        )
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"Không sao lưu được: {exc}") from None
    click.echo(f"Backup written: {path} ({len(manifest['files'])} files + database)")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing database.")
@with_appcontext
def restore_command(archive, force):
    """Put a backup archive back into DATA_DIR after checking it (server stopped)."""
    from qms.backup import BackupError, restore_backup

    db = get_db()
    db.dispose()
    try:
        manifest = restore_backup(archive, current_app.config["DATA_DIR"], force=force)
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"Không khôi phục được: {exc}") from None
    if db.is_sqlite:
        db.upgrade()  # a backup of an older version gains this version's tables
    click.echo(
        f"Restored {len(manifest['files'])} files and the database "
        f"from a backup of {manifest['created_at']} (version {manifest['version']})"
    )


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
    for command in (
        init_command,
        serve_command,
        user_group,
        backup_command,
        restore_command,
        speech_group,
    ):
        app.cli.add_command(command)

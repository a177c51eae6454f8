"""The `qms` command line (console script and `python -m qms`)."""

import os
import sys


def _gevent_first():
    """`qms serve` with gevent workers: patch the standard library before anything imports it."""
    args = sys.argv[1:]
    wants = os.environ.get("QMS_SERVE_WORKER_CLASS") == "gevent" or (
        "--worker-class" in args and args[args.index("--worker-class") + 1 :][:1] == ["gevent"]
    )
    if args[:1] == ["serve"] and wants:
        from gevent import monkey

        monkey.patch_all()


_gevent_first()

from flask.cli import FlaskGroup  # noqa: E402  (after the gevent patch, on purpose)


def _create_app():
    from qms import create_app

    return create_app()


def main():
    cli = FlaskGroup(
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
    )
    cli.help = "HCC Queue: queue management for commune public administrative service centres."
    # the app is always qms's own: hide Flask's --app/--debug/--env-file from staff
    cli.params = [p for p in cli.params if p.name not in ("app", "debug", "env_file")]
    cli()


if __name__ == "__main__":
    main()

"""The `qms` command line (console script and `python -m qms`)."""

from flask.cli import FlaskGroup


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

"""`qms primary-sim`: a stand-in for QMS 1.2's health endpoint, for drills and tests."""

import click


@click.command("primary-sim")
@click.option("--port", type=int, required=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--fail-after", type=float, default=None, help="Stop answering (exit) after S seconds."
)
@click.option("--flap", type=float, default=None, help="Go down and up every S seconds.")
def primary_sim_command(port, host, fail_after, flap):
    """Answer GET / and /health with 200 {"status": "ok"} like QMS 1.2's health endpoint."""
    from qms.fallback.simulator import serve

    serve(host, port, fail_after=fail_after, flap=flap, echo=lambda m: click.echo(m, err=False))


def init_app(app):
    app.cli.add_command(primary_sim_command)

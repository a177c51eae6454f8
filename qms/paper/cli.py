"""`qms purge`: Decree 13 retention of the paper register's personal data."""

import click
from flask.cli import with_appcontext

from qms.paper.operations.purge import purge_personal_data


@click.command("purge")
@click.option("--days", type=int, default=None, help="Default: PAPER_RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Count only; change nothing.")
@with_appcontext
def purge_command(days, dry_run):
    """Blank names and phones of paper dossiers and assisted cases kept past the retention
    period, and the names on the appointment slips printed that long ago; codes, dates and
    counts stay."""
    result = purge_personal_data(days, dry_run=dry_run)
    verb = "Sẽ xóa" if dry_run else "Đã xóa"
    click.echo(
        f"{verb} thông tin cá nhân của {result['dossiers']} hồ sơ giấy, "
        f"{result['assisted']} phiếu hỗ trợ và {result['slips']} giấy hẹn đã in "
        f"(trước {result['before'][:10]})."
    )


def init_app(app):
    app.cli.add_command(purge_command)

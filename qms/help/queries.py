"""Reads of help requests and their one JSON shape."""

from sqlalchemy import select

from qms.extensions import get_db
from qms.help.models import HelpRequest
from qms.timeutil import iso


def help_dict(row):
    """The one JSON shape of a help request (POST, ack, list and the socket events)."""
    return {
        "id": row.id,
        "kiosk": row.kiosk,
        "created_at": iso(row.created_dt),
        "presses": row.presses,
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_at": iso(row.acknowledged_dt),
    }


def help_requests(open_only=False, limit=50):
    """Newest first; open_only: those nobody has acknowledged yet."""
    with get_db().read() as s:
        stmt = select(HelpRequest).order_by(HelpRequest.id.desc()).limit(limit)
        if open_only:
            stmt = stmt.where(HelpRequest.acknowledged_dt.is_(None))
        return [help_dict(row) for row in s.scalars(stmt)]

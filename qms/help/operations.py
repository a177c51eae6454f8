"""Every write of help requests: a press of the kiosk's button, an officer's acknowledgement."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from qms import signals
from qms.errors import Conflict, NotFound, RateLimited
from qms.extensions import get_db
from qms.help.models import HelpRequest
from qms.help.queries import help_dict
from qms.models import log_event
from qms.timeutil import utcnow

# the same kiosk pressing again while nobody has answered re-alerts the same request
REPEAT_WINDOW = timedelta(minutes=10)
# presses per client address per window: a child playing with the button cannot flood staff
LIMIT_PER_ADDRESS = 6
LIMIT_WINDOW = timedelta(minutes=10)


def request_help(kiosk, client=""):
    now = utcnow()
    with get_db().write() as s:
        recent = s.scalar(
            select(func.count(HelpRequest.id)).where(
                HelpRequest.client == client, HelpRequest.created_dt >= now - LIMIT_WINDOW
            )
        )
        row = s.scalar(
            select(HelpRequest)
            .where(
                HelpRequest.kiosk == kiosk,
                HelpRequest.acknowledged_dt.is_(None),
                HelpRequest.created_dt >= now - REPEAT_WINDOW,
            )
            .order_by(HelpRequest.id.desc())
            .limit(1)
        )
        if row is not None:
            row.presses += 1
        elif recent >= LIMIT_PER_ADDRESS:
            raise RateLimited(
                "Yêu cầu hỗ trợ đã được gửi, cán bộ sẽ đến ngay. Xin quý vị chờ trong giây lát.",
                "rate_limited",
            )
        else:
            row = HelpRequest(kiosk=kiosk, client=client[:64], created_dt=now)
            s.add(row)
        s.flush()
        data = help_dict(row)
    signals.help_requested.send(current_app._get_current_object(), request=data)
    return data


def acknowledge(request_id, user):
    """The officer who goes to the citizen; a second acknowledgement changes nothing."""
    with get_db().write() as s:
        row = s.get(HelpRequest, request_id)
        if row is None:
            raise NotFound("Không có yêu cầu hỗ trợ này.", "unknown_help_request")
        if row.acknowledged_dt is not None:
            raise Conflict(
                f"{row.acknowledged_by} đã nhận hỗ trợ yêu cầu này.",
                "already_acknowledged",
                request=help_dict(row),
            )
        row.acknowledged_dt = utcnow()
        row.acknowledged_by = (user.get("full_name") or user["username"])[:120]
        row.acknowledged_user_id = user["id"]
        log_event(
            s,
            "help.acknowledged",
            f"Hỗ trợ công dân tại {row.kiosk}: {row.acknowledged_by}",
            {"help_request": row.id, "kiosk": row.kiosk},
            user["id"],
        )
        data = help_dict(row)
    signals.help_acknowledged.send(current_app._get_current_object(), request=data)
    return data

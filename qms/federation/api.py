"""JSON routes of the centre side: the sender's status, and figures sent on demand."""

from datetime import date

from qms.errors import Conflict, Invalid
from qms.extensions import get_db
from qms.federation import operations, queries
from qms.roles import LEADERSHIP, TECHNICAL
from qms.state import get_state
from qms.timeutil import local_day, utcnow
from qms.web.routes import api_route


@api_route(
    "/federation/status",
    summary="The province outbox: configured, records pending, the oldest, the last sent seq "
    "and the last error",
    roles=TECHNICAL,
    tag="federation",
)
def federation_status():
    return queries.status(get_state().federation)


@api_route(
    "/federation/figures",
    ("POST",),
    summary="Queue one day's figures for the province now (default today; a past day is final)",
    roles=LEADERSHIP,
    body={"type": "object", "properties": {"date": {"type": "string", "format": "date"}}},
    tag="federation",
    status=202,
)
def federation_send_figures(data):
    if not queries.is_configured():
        raise Conflict(
            "Chưa cấu hình máy chủ tỉnh (QMS_PROVINCE_URL, QMS_PROVINCE_TOKEN). "
            "No province is configured.",
            "not_configured",
        )
    today = local_day(utcnow())
    day = date.fromisoformat(data["date"]) if data.get("date") else today
    if day > today:
        raise Invalid("Không gửi số liệu của ngày chưa tới. Not a future day.", "future_date")
    seq = operations.queue_day_figures(get_db(), get_state().federation, day, today)
    return {"day": day.isoformat(), "seq": seq, "is_final": day < today}

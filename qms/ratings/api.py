"""JSON routes of ratings. Public (the citizen's phone, the kiosk) or a device (the counter-side
tablet); a staff member's session or token is refused: officers do not rate for citizens."""

from flask import request

from qms.auth.queries import current_user
from qms.errors import Forbidden, Invalid
from qms.ratings import operations, queries
from qms.roles import DEVICES, LEADERSHIP, STAFF, may
from qms.state import get_state
from qms.web.routes import api_route
from qms.web.validation import query_date

RATING_BODY = {
    "type": "object",
    "properties": {
        "token": {
            "type": "string",
            "maxLength": 40,
        },  # the ticket's tracking token (phone, kiosk scan)
        "ticket": {
            "type": "integer",
            "minimum": 1,
        },  # the ticket's id: the counter-side tablet (device)
        "code": {"type": "string", "maxLength": 12},  # the code on the ticket, typed at the kiosk
        "day": {"type": "string", "format": "date", "maxLength": 10},  # with code; default today
        "score": {"type": "integer"},
        "reason": {"type": "string", "maxLength": 20},
        "comment": {"type": "string", "maxLength": 500},
        "source": {"type": "string", "enum": ["phone", "kiosk", "counter_page"]},
    },
    "required": ["score"],
}


@api_route(
    "/rating-scale",
    summary="The satisfaction scale, best first; the lowest asks why",
    tag="ratings",
    many=True,
)
def rating_scale():
    return queries.rating_scale()


@api_route(
    "/ratings",
    methods=("POST",),
    summary="Rate a finished ticket once: by token (phone, kiosk scan), by code (kiosk) or by id "
    "(counter-side tablet, device account); staff are refused",
    body=RATING_BODY,
    tag="ratings",
    status=201,
)
def add_rating(data):
    user = current_user(verify_csrf=True)
    if user is not None and may(user["role"], STAFF):
        raise Forbidden(
            "Cán bộ không đánh giá thay công dân. Staff may not rate in a citizen's place.",
            "staff_cannot_rate",
        )
    given = [k for k in ("token", "ticket", "code") if data[k] is not None]
    if len(given) != 1:
        raise Invalid(
            "Cần đúng một trong 'token', 'ticket', 'code'. Give exactly one of token, ticket, code.",
            "missing_ticket" if not given else "ambiguous_ticket",
        )
    answer = {"score": data["score"], "reason": data["reason"], "comment": data["comment"]}
    if data["ticket"] is not None:
        if user is None or not may(user["role"], DEVICES):
            raise Forbidden(
                "Chỉ máy đánh giá tại quầy được đánh giá theo số vé. Device account required.",
                "device_required",
            )
        source = data["source"] if data["source"] in ("counter_page", "kiosk") else "counter_page"
        return operations.rate(data["ticket"], source=source, **answer)
    if data["code"] is not None:
        # a typed code can be guessed: limited per client like issuing
        get_state().kiosk_limiter.hit(("rating", request.remote_addr))
        day = _day(data["day"])
        return operations.rate_by_code(data["code"], day=day, **answer)
    source = data["source"] if data["source"] in ("phone", "kiosk") else "phone"
    return operations.rate(data["token"], source=source, **answer)


def _day(text):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("'day' phải có dạng YYYY-MM-DD.", "invalid_date", field="day") from None


@api_route(
    "/ratings",
    summary="Ratings of the tickets of a date range, newest first (reasons and comments)",
    roles=LEADERSHIP,
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
    tag="ratings",
    many=True,
)
def list_ratings():
    from qms.queue.queries import today

    first, last = query_date("from") or today(), query_date("to") or today()
    if first > last:
        raise Invalid("'from' phải trước 'to'. 'from' must not be after 'to'.", "invalid_range")
    return queries.ratings_between(first, last)

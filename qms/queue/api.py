"""The queue's JSON routes for citizens and displays: services, counters, tickets, the board,
issuing and its limits. Counter actions are in api_counter.py, set-up in api_setup.py."""

from flask import Response, g, jsonify, request

from qms.auth.queries import require_user, staff_or_none
from qms.errors import NotFound
from qms.extensions import get_db
from qms.queue import limits, queries
from qms.queue.board import board_json
from qms.queue.operations import issuing, tickets
from qms.roles import COUNTER_STAFF, LEADERSHIP, TECHNICAL
from qms.web.routes import api_route

ISSUE_BODY = {
    "type": "object",
    "required": ["service"],
    "properties": {
        "service": {"type": "string", "maxLength": 3, "description": "service prefix, e.g. A"},
        "priority": {
            "type": ["string", "null"],
            "maxLength": 20,
            "description": "priority category code",
        },
        "kiosk": {"type": ["string", "null"], "maxLength": 40, "description": "issuing kiosk id"},
        "override": {
            "type": "boolean",
            "default": False,
            "description": "staff only: issue outside hours, past the cap or while paused (audited)",
        },
    },
}
CANCEL_BODY = {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 300}}}


@api_route("/services", summary="Services with the number of tickets waiting", many=True)
def list_services():
    return queries.services_list()


@api_route("/priorities", summary="Active priority categories", many=True)
def list_priorities():
    return queries.priority_categories()


@api_route("/counters", summary="Counters, their services and current ticket", many=True)
def list_counters():
    return queries.counters_list()


@api_route("/counters/<int:number>", summary="One counter")
def get_counter(number):
    counter = queries.get_counter(number)
    if counter is None:
        raise NotFound(f"Không có quầy số {number}. Unknown counter.", "unknown_counter")
    return counter


@api_route(
    "/counters/<int:number>/queue",
    summary="The waiting list of a counter, in call order",
    roles=(),
    many=True,
)
def counter_queue(number):
    if queries.get_counter(number) is None:
        raise NotFound(f"Không có quầy số {number}. Unknown counter.", "unknown_counter")
    return {"waiting": queries.counter_queue(number)}


@api_route(
    "/tickets",
    ["POST"],
    summary="Take a number (kiosk); 409 standby while the primary QMS runs",
    body=ISSUE_BODY,
    status=201,
    responses={
        403: "override without a staff login",
        404: "unknown service",
        409: "standby, service_inactive, paused (data reason), closed (data next_open), "
        "cap_reached",
        422: "unknown priority",
        429: "rate limited",
    },
)
def issue_ticket(data):
    if data.get("override"):  # a staff member issues past closed / cap / pause, audited
        user = require_user(COUNTER_STAFF)
        return issuing.issue_ticket(
            data["service"].upper(), data.get("priority"), data.get("kiosk"), override_by=user
        )
    enrolled = limits.enrolled_kiosk()
    # an enrolled kiosk is who its cookie says; any other label only routes the paper ticket
    kiosk = enrolled or data.get("kiosk") or request.headers.get("X-Kiosk-Id")
    limits.admit(request.remote_addr, enrolled)
    return issuing.issue_ticket(data["service"].upper(), data.get("priority"), kiosk)


@api_route("/issuing-limit", summary="The centre-wide ticket ceiling and its use", roles=())
def issuing_limit():
    with get_db().read() as s:
        return limits.ceiling_status(s)


CEILING_BODY = {
    "type": "object",
    "properties": {
        "per_minute": {"type": "integer", "minimum": 1, "maximum": 10000},
        "lift_minutes": {"type": "integer", "minimum": 0, "maximum": 720},
    },
}


@api_route(
    "/issuing-limit",
    ["PUT"],
    summary="Change the centre-wide ceiling or lift it for a while (0 ends a lift)",
    roles=LEADERSHIP,
    body=CEILING_BODY,
)
def set_issuing_limit(data):
    return issuing.set_issue_ceiling(g.user, data.get("per_minute"), data.get("lift_minutes"))


ENROL_BODY = {
    "type": "object",
    "required": ["kiosk"],
    "properties": {"kiosk": {"type": "string", "minLength": 1, "maxLength": 40}},
}


@api_route(
    "/kiosk-enrolment",
    ["POST"],
    summary="Enrol this browser as a kiosk (IT, from the kiosk itself): a signed cookie",
    roles=TECHNICAL,
    body=ENROL_BODY,
)
def enrol_kiosk(data):
    response = jsonify({"kiosk": data["kiosk"]})
    response.set_cookie(
        limits.KIOSK_COOKIE,
        limits.enrolment_cookie(data["kiosk"]),
        max_age=5 * 365 * 86400,
        httponly=True,
        samesite="Strict",
    )
    return response, 201


@api_route("/tickets/<int:ticket_id>", summary="One ticket with people ahead and estimated wait")
def get_ticket(ticket_id):
    ticket = queries.get_ticket(ticket_id)
    if ticket is None:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    # ids are sequential: without a staff login, no tracking link and no priority category
    return ticket if staff_or_none() else queries.public_view(ticket)


@api_route("/track/<token>", summary="A ticket by its tracking token (the QR code)")
def track_ticket(token):
    ticket = queries.ticket_by_token(token)
    if ticket is None:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    return ticket


@api_route(
    "/track/<token>/cancel",
    ["POST"],
    summary="The citizen cancels a waiting ticket from the tracking page",
    responses={404: "unknown ticket", 409: "no longer waiting"},
)
def cancel_tracked_ticket(token):
    if len(token) > 40:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    return tickets.cancel_by_citizen(token)


@api_route(
    "/tickets/<int:ticket_id>/cancel",
    ["POST"],
    summary="Cancel a ticket",
    roles=COUNTER_STAFF,
    body=CANCEL_BODY,
)
def cancel_ticket(ticket_id, data):
    return tickets.cancel_ticket(ticket_id, g.user["id"], data.get("reason") or "")


@api_route("/board", summary="Everything the waiting-room display shows")
def board():
    return Response(board_json(), mimetype="application/json")

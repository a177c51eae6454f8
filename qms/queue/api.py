"""The queue's JSON routes: parse, call an operation, serialise."""

from flask import Response, g, jsonify, request

from qms.auth.queries import require_user, staff_or_none
from qms.errors import NotFound
from qms.extensions import get_db
from qms.queue import limits, queries
from qms.queue.operations import calling, holding, issuing, setup, tickets
from qms.roles import ADMIN, COUNTER_STAFF, LEADERSHIP, TECHNICAL
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
EXPECT = {
    "ticket_id": {
        "type": ["integer", "null"],
        "description": "the ticket the page shows; 409 stale if it changed",
    },
    "page": {
        "type": ["string", "null"],
        "maxLength": 40,
        "description": "the counter page's id; 409 held_by_other if another page holds the counter",
    },
}
COUNTER_BODY = {"type": "object", "properties": dict(EXPECT)}
NO_SHOW_BODY = {
    "type": "object",
    "properties": {**EXPECT, "requeue": {"type": "boolean", "default": False}},
}
TRANSFER_BODY = {
    "type": "object",
    "properties": {
        **EXPECT,
        "service": {"type": "string", "maxLength": 3, "description": "to this service"},
        "counter": {
            "type": "integer",
            "minimum": 1,
            "maximum": 999,
            "description": "to this counter only: it calls the ticket before its services' queue",
        },
    },
}
CALL_BODY = {
    "type": "object",
    "required": ["code"],
    "properties": {
        **EXPECT,
        "code": {
            "type": "string",
            "minLength": 1,
            "maxLength": 12,
            "description": "a waiting number this counter serves, e.g. A012 (A12 also works)",
        },
    },
}
STATE_BODY = {
    "type": "object",
    "required": ["state"],
    "properties": {
        "state": {"type": "string", "enum": ["open", "paused", "closed"]},
        "reason": {
            "type": ["string", "null"],
            "maxLength": 200,
            "description": "why it pauses or closes: audited, shown on the display",
        },
        "page": EXPECT["page"],
    },
}
HOLD_BODY = {
    "type": "object",
    "required": ["page"],
    "properties": {
        "page": {
            "type": "string",
            "minLength": 8,
            "maxLength": 40,
            "description": "the counter page's random id",
        },
        "take_over": {
            "type": "boolean",
            "default": False,
            "description": "take the counter from the officer holding it (audited)",
        },
    },
}
RELEASE_BODY = {
    "type": "object",
    "required": ["page"],
    "properties": {"page": HOLD_BODY["properties"]["page"]},
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
    with get_db().read() as s:
        limits.admit(s, request.remote_addr, enrolled)
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
    return calling.cancel_by_citizen(token)


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
    return Response(queries.board_json(), mimetype="application/json")


def _counter_action(name):
    def action(number, data):
        fn = getattr(calling, name)
        return fn(
            number,
            user_id=g.user["id"],
            expected_ticket_id=data.get("ticket_id"),
            page=data.get("page"),
        )

    return action


@api_route(
    "/counters/<int:number>/call-next",
    ["POST"],
    summary="Finish the current ticket and call the next",
    roles=COUNTER_STAFF,
    body=COUNTER_BODY,
)
def call_next(number, data):
    return _counter_action("call_next")(number, data)


@api_route(
    "/counters/<int:number>/recall",
    ["POST"],
    summary="Call the current ticket again",
    roles=COUNTER_STAFF,
    body=COUNTER_BODY,
)
def recall(number, data):
    return _counter_action("recall")(number, data)


@api_route(
    "/counters/<int:number>/start",
    ["POST"],
    summary="The citizen arrived: start serving",
    roles=COUNTER_STAFF,
    body=COUNTER_BODY,
)
def start(number, data):
    return _counter_action("start_serving")(number, data)


@api_route(
    "/counters/<int:number>/complete",
    ["POST"],
    summary="Finish the current ticket",
    roles=COUNTER_STAFF,
    body=COUNTER_BODY,
)
def complete(number, data):
    return _counter_action("complete")(number, data)


@api_route(
    "/counters/<int:number>/no-show",
    ["POST"],
    summary="The citizen did not come (optionally re-queue)",
    roles=COUNTER_STAFF,
    body=NO_SHOW_BODY,
)
def no_show(number, data):
    return calling.no_show(
        number,
        g.user["id"],
        bool(data.get("requeue")),
        data.get("ticket_id"),
        page=data.get("page"),
    )


@api_route(
    "/counters/<int:number>/transfer",
    ["POST"],
    summary="Send the current ticket to another service, or to one counter",
    roles=COUNTER_STAFF,
    body=TRANSFER_BODY,
    responses={
        404: "unknown_counter (field counter), unknown_service",
        409: "no_current_ticket, stale, held_by_other, service_inactive, counter_closed",
        422: "missing_field (neither service nor counter), same_service, same_counter",
    },
)
def transfer(number, data):
    service = data.get("service")
    return calling.transfer(
        number,
        service.upper() if service is not None else None,
        g.user["id"],
        data.get("ticket_id"),
        page=data.get("page"),
        to_counter=data.get("counter"),
    )


@api_route(
    "/counters/<int:number>/call",
    ["POST"],
    summary="Call one waiting number out of turn (finishes the current ticket, like call-next)",
    roles=COUNTER_STAFF,
    body=CALL_BODY,
    responses={
        404: "unknown_counter, unknown_ticket (no such number today)",
        409: "counter_not_open, stale, held_by_other, not_waiting (data status_now), "
        "not_served_here",
        422: "invalid_code",
    },
)
def call_number(number, data):
    return calling.call_number(
        number,
        data["code"],
        g.user["id"],
        data.get("ticket_id"),
        page=data.get("page"),
    )


@api_route(
    "/counters/<int:number>/state",
    ["POST"],
    summary="Open, pause or close a counter; a pause may give its reason",
    roles=COUNTER_STAFF,
    body=STATE_BODY,
)
def counter_state(number, data):
    return calling.set_counter_state(
        number, data["state"], g.user["id"], reason=data.get("reason"), page=data.get("page")
    )


# --- one officer per counter, an officer's day ------------


@api_route(
    "/counters/<int:number>/hold",
    ["POST"],
    summary="Hold (or renew) a counter for this page; another officer's hold is a 409",
    roles=COUNTER_STAFF,
    body=HOLD_BODY,
    responses={404: "unknown_counter", 409: "held_by_other (data holder)"},
)
def hold_counter(number, data):
    return holding.hold(number, g.user, data["page"], take_over=bool(data.get("take_over")))


@api_route(
    "/counters/<int:number>/release",
    ["POST"],
    summary="This page leaves its counter",
    roles=COUNTER_STAFF,
    body=RELEASE_BODY,
    responses={404: "unknown_counter"},
)
def release_counter(number, data):
    return holding.release(number, data["page"])


@api_route(
    "/counter-holds",
    summary="Who works at which counter now (live holds)",
    roles=(),
    many=True,
)
def list_counter_holds():
    return queries.counter_holds()


@api_route("/me/today", summary="The calling officer's own figures of the day", roles=())
def my_day():
    return queries.officer_today(g.user["id"])


# --- set-up (admin) ---------------------------------------------------------------------

SERVICE_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "name_en": {"type": "string", "maxLength": 200},
        "active": {"type": "boolean", "default": True},
        "position": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
        "description": {"type": "string", "maxLength": 200, "description": "one line on the kiosk"},
        "daily_cap": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 9999,
            "description": "numbers per day; null = no cap",
        },
    },
}
COUNTER_SETUP_BODY = {
    "type": "object",
    "required": ["name", "services"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "services": {
            "type": "array",
            "items": {"type": "string", "maxLength": 3},
            "description": "service codes, in the order the counter serves them",
        },
        "state": {"type": "string", "enum": ["open", "paused", "closed"]},
    },
}
PRIORITY_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "name_en": {"type": "string", "maxLength": 100},
        "icon": {"type": "string", "maxLength": 40},
        "active": {"type": "boolean", "default": True},
        "position": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
    },
}


@api_route(
    "/services/<code>",
    ["PUT"],
    summary="Create or change a service (admin)",
    roles=(ADMIN,),
    body=SERVICE_BODY,
    tag="setup",
)
def put_service(code, data):
    from qms.queue.queries import services_list

    code = setup.upsert_service(
        code,
        data["name"],
        data.get("name_en") or "",
        data["active"],
        data["position"],
        data.get("description") or "",
        data.get("daily_cap"),
        user_id=g.user["id"],
    )
    return next(s for s in services_list() if s["code"] == code)


@api_route(
    "/counters/<int:number>",
    ["PUT"],
    summary="Create or change a counter and its services (admin)",
    roles=(ADMIN,),
    body=COUNTER_SETUP_BODY,
    tag="setup",
)
def put_counter(number, data):
    from qms.errors import Invalid

    codes = data["services"]
    if not all(isinstance(c, str) for c in codes) or not 1 <= number <= 999:
        raise Invalid(
            "services phải là danh sách mã lĩnh vực. services must be a list of codes.",
            "invalid_services",
        )
    setup.upsert_counter(
        number, data["name"], [c.upper() for c in codes], data.get("state"), user_id=g.user["id"]
    )
    return queries.get_counter(number)


@api_route(
    "/priorities/<code>",
    ["PUT"],
    summary="Create or change a priority category (admin)",
    roles=(ADMIN,),
    body=PRIORITY_BODY,
    tag="setup",
)
def put_priority(code, data):
    from qms.errors import Invalid

    if not code.isidentifier() or len(code) > 20:
        raise Invalid("Mã đối tượng ưu tiên không hợp lệ. Invalid category code.", "invalid_code")
    setup.upsert_priority(
        code,
        data["name"],
        data.get("name_en") or "",
        data.get("icon") or "",
        data["position"],
        data["active"],
        user_id=g.user["id"],
    )
    return next(
        (c for c in queries.priority_categories(active_only=False) if c["code"] == code), None
    )

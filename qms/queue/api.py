"""The queue's JSON routes: parse, call an operation, serialise."""

from flask import g, request

from qms.errors import NotFound
from qms.queue import queries
from qms.queue.operations import calling, issuing, setup, tickets
from qms.roles import ADMIN, COUNTER_STAFF
from qms.state import get_state
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
    },
}
EXPECT = {
    "ticket_id": {
        "type": ["integer", "null"],
        "description": "the ticket the page shows; 409 stale if it changed",
    }
}
COUNTER_BODY = {"type": "object", "properties": dict(EXPECT)}
NO_SHOW_BODY = {
    "type": "object",
    "properties": {**EXPECT, "requeue": {"type": "boolean", "default": False}},
}
TRANSFER_BODY = {
    "type": "object",
    "required": ["service"],
    "properties": {**EXPECT, "service": {"type": "string", "maxLength": 3}},
}
STATE_BODY = {
    "type": "object",
    "required": ["state"],
    "properties": {"state": {"type": "string", "enum": ["open", "paused", "closed"]}},
}
CANCEL_BODY = {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 300}}}


@api_route("/services", summary="Services with the number of tickets waiting")
def list_services():
    return queries.services_list()


@api_route("/priorities", summary="Active priority categories")
def list_priorities():
    return queries.priority_categories()


@api_route("/counters", summary="Counters, their services and current ticket")
def list_counters():
    return queries.counters_list()


@api_route("/counters/<int:number>", summary="One counter")
def get_counter(number):
    counter = queries.get_counter(number)
    if counter is None:
        raise NotFound(f"Không có quầy số {number}. Unknown counter.", "unknown_counter")
    return counter


@api_route(
    "/counters/<int:number>/queue", summary="The waiting list of a counter, in call order", roles=()
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
        404: "unknown service",
        409: "standby or service paused",
        422: "unknown priority",
        429: "rate limited",
    },
)
def issue_ticket(data):
    kiosk = data.get("kiosk") or request.headers.get("X-Kiosk-Id")
    get_state().kiosk_limiter.hit(kiosk or request.remote_addr)
    return issuing.issue_ticket(data["service"].upper(), data.get("priority"), kiosk)


@api_route("/tickets/<int:ticket_id>", summary="One ticket with people ahead and estimated wait")
def get_ticket(ticket_id):
    ticket = queries.get_ticket(ticket_id)
    if ticket is None:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    return ticket


@api_route("/track/<token>", summary="A ticket by its tracking token (the QR code)")
def track_ticket(token):
    ticket = queries.ticket_by_token(token)
    if ticket is None:
        raise NotFound("Không tìm thấy vé. Unknown ticket.", "unknown_ticket")
    return ticket


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
    return queries.board()


def _counter_action(name):
    def action(number, data):
        fn = getattr(calling, name)
        return fn(number, user_id=g.user["id"], expected_ticket_id=data.get("ticket_id"))

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
    return calling.no_show(number, g.user["id"], bool(data.get("requeue")), data.get("ticket_id"))


@api_route(
    "/counters/<int:number>/transfer",
    ["POST"],
    summary="Send the current ticket to another service",
    roles=COUNTER_STAFF,
    body=TRANSFER_BODY,
)
def transfer(number, data):
    return calling.transfer(number, data["service"].upper(), g.user["id"], data.get("ticket_id"))


@api_route(
    "/counters/<int:number>/state",
    ["POST"],
    summary="Open, pause or close a counter",
    roles=COUNTER_STAFF,
    body=STATE_BODY,
)
def counter_state(number, data):
    return calling.set_counter_state(number, data["state"], g.user["id"])


# --- set-up (admin) ---------------------------------------------------------------------

SERVICE_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "name_en": {"type": "string", "maxLength": 200},
        "active": {"type": "boolean", "default": True},
        "position": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
    },
}
COUNTER_SETUP_BODY = {
    "type": "object",
    "required": ["name", "services"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "services": {
            "type": "array",
            "description": "service codes, in the order the counter serves them",
        },
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
        code, data["name"], data.get("name_en") or "", data["active"], data["position"]
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
    setup.upsert_counter(number, data["name"], [c.upper() for c in codes])
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
    )
    return next(
        (c for c in queries.priority_categories(active_only=False) if c["code"] == code), None
    )

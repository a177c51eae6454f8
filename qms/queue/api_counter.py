"""What a counter page, an API client or a button box does at a counter: call, recall,
serve, complete, no-show, transfer, pause; the one-officer hold and the officer's day."""

from flask import g

from qms.queue import queries
from qms.queue.operations import calling, holding, transfers
from qms.roles import COUNTER_STAFF
from qms.web.routes import api_route

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
    return transfers.transfer(
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

"""Help requests' JSON routes."""

from flask import g, request

from qms.help import operations, queries
from qms.roles import COUNTER_STAFF
from qms.web.routes import api_route

HELP_BODY = {
    "type": "object",
    "required": ["kiosk"],
    "properties": {
        "kiosk": {"type": "string", "minLength": 1, "maxLength": 40, "description": "kiosk id"}
    },
}


@api_route(
    "/help-requests",
    ["POST"],
    summary="A citizen at a kiosk asks for help (the kiosk's button)",
    body=HELP_BODY,
    status=201,
    tag="help",
    responses={429: "too many requests from this address"},
)
def request_help(data):
    return operations.request_help(data["kiosk"].strip() or "kiosk", request.remote_addr or "")


@api_route(
    "/help-requests",
    summary="Help requests, newest first (?open=1: not yet acknowledged)",
    roles=(),
    query={"open": {"type": "string", "enum": ["0", "1"]}},
    tag="help",
    many=True,
)
def list_help_requests():
    return queries.help_requests(open_only=request.args.get("open") == "1")


@api_route(
    "/help-requests/<int:request_id>/ack",
    ["POST"],
    summary="An officer goes to help the citizen",
    roles=COUNTER_STAFF,
    tag="help",
    responses={404: "unknown request", 409: "already acknowledged"},
)
def acknowledge_help(request_id):
    return operations.acknowledge(request_id, g.user)

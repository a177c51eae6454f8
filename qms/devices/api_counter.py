"""JSON routes of counter devices and device health: GET /devices, page heartbeats, the
admin's device registry and device accounts, and the counter PC agent's protocol."""

from flask import g, request

from qms.roles import DEVICES, TECHNICAL
from qms.web.routes import api_route

from . import queries
from .operations import binding, counter_agent, registry

ACTIONS = ["next", "recall", "no_show", "start", "complete", "rate"]
HEARTBEAT_BODY = {
    "type": "object",
    "required": ["device"],
    "properties": {
        "device": {
            "type": "string",
            "maxLength": 60,
            "description": "display:<name>, kiosk:<id> or counter:<n>",
        }
    },
}
DEVICE_BODY = {
    "type": "object",
    "required": ["kind", "name", "counter"],
    "properties": {
        "kind": {"type": "string", "enum": ["button", "led", "rating_pad"]},
        "name": {"type": "string", "maxLength": 40},
        "counter": {"type": "integer", "minimum": 1, "maximum": 999},
        "host": {
            "type": "string",
            "enum": ["server", "agent", "mqtt"],
            "default": "agent",
            "description": "who opens it: the server, the counter PC's agent, or the MQTT bus",
        },
        "url": {
            "type": ["string", "null"],
            "maxLength": 200,
            "description": "serial:/dev/ttyUSB0?baudrate=9600, evdev:/dev/input/…, loop:// …",
        },
        "framing": {"type": ["string", "null"], "enum": ["line", "receiver", "hid"]},
        "keymap": {
            "type": ["object", "null"],
            "description": '{"keys": {"KEY_F1": "next"}, "receiver": {"A1B2C": 3}}',
        },
    },
}
BINDING_BODY = {
    "type": "object",
    "properties": {
        "kiosk": {"type": ["string", "null"], "maxLength": 40},
        "counter": {"type": ["integer", "null"], "minimum": 1, "maximum": 999},
    },
}
AGENT_HELLO_BODY = {
    "type": "object",
    "properties": {
        "version": {"type": ["string", "null"], "maxLength": 40},
        "devices": {
            "type": ["array", "null"],
            "maxItems": 20,
            "items": {"type": "object"},
            "description": '[{"name", "state": "ok|failed", "kind"?, "message"?}]',
        },
    },
}
PRESS_BODY = {
    "type": "object",
    "required": ["device", "action", "id"],
    "properties": {
        "device": {"type": "string", "maxLength": 40},
        "action": {"type": "string", "enum": ACTIONS},
        "id": {"type": "string", "minLength": 1, "maxLength": 40},
        "score": {"type": ["integer", "null"], "minimum": 1, "maximum": 3},
        "age": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 86400,
            "description": "seconds since the press (buffered while the network was down)",
        },
    },
}


def _clean_reports(data):
    reports = []
    for item in data.get("devices") or []:
        if not isinstance(item, dict):
            continue
        reports.append(
            {
                "name": str(item.get("name") or "")[:40],
                "state": "ok" if item.get("state") == "ok" else "failed",
                "kind": str(item.get("kind") or "offline")[:20],
                "message": str(item.get("message") or "")[:300],
            }
        )
    return {"devices": reports}


@api_route(
    "/devices",
    summary="Every device the centre depends on: id, kind, name, counter, state, last_seen",
    roles=(),
    tag="devices",
    many=True,
)
def list_devices():
    return queries.devices_health()


@api_route(
    "/devices/heartbeat",
    ["POST"],
    summary="A kiosk, display or counter page is alive (heartbeat.js)",
    body=HEARTBEAT_BODY,
    tag="devices",
    responses={409: "too many devices", 422: "malformed device"},
)
def heartbeat(data):
    return counter_agent.heartbeat(data["device"])


@api_route(
    "/counter-devices",
    summary="Registered call buttons, LED boards and rating pads",
    roles=(),
    tag="devices",
    many=True,
)
def list_counter_devices():
    return queries.counter_devices()


@api_route(
    "/counter-devices",
    ["POST"],
    summary="Register a call button, LED board or rating pad",
    roles=TECHNICAL,
    body=DEVICE_BODY,
    tag="devices",
    status=201,
    responses={409: "name taken", 422: "bad URL, key map or kind"},
)
def add_counter_device(data):
    return registry.add_device(data, g.user)


@api_route(
    "/counter-devices/<int:device_id>",
    ["DELETE"],
    summary="Remove a registered counter device",
    roles=TECHNICAL,
    tag="devices",
)
def remove_counter_device(device_id):
    registry.remove_device(device_id, g.user)
    return {"removed": device_id}


@api_route(
    "/device-accounts",
    summary="Device accounts and the kiosk or counter each may act for",
    roles=TECHNICAL,
    tag="devices",
    many=True,
)
def list_device_accounts():
    return queries.device_accounts()


@api_route(
    "/device-accounts/<int:user_id>",
    ["PUT"],
    summary="Bind a device account to one kiosk or one counter",
    roles=TECHNICAL,
    body=BINDING_BODY,
    tag="devices",
)
def bind_device_account(user_id, data):
    return binding.bind_account(user_id, data.get("kiosk"), data.get("counter"), g.user)


@api_route(
    "/counters/<int:counter>/agent",
    ["POST"],
    summary="Counter agent: hello / heartbeat with its devices' states",
    roles=DEVICES,
    body=AGENT_HELLO_BODY,
    tag="agents",
)
def counter_agent_hello(counter, data):
    binding.require_counter(g.user, counter)
    return counter_agent.agent_hello(counter, g.user, _clean_reports(data))


@api_route(
    "/counters/<int:counter>/presses",
    ["POST"],
    summary="Counter agent: a button or rating press (acts once per press id)",
    roles=DEVICES,
    body=PRESS_BODY,
    tag="agents",
    responses={404: "unknown counter or device", 409: "press too late"},
)
def counter_agent_press(counter, data):
    binding.require_counter(g.user, counter)
    return counter_agent.agent_press(counter, g.user, data)


@api_route(
    "/counters/<int:counter>/board",
    summary="Counter agent: the code its LED board shows (long poll with ?after=&wait=)",
    roles=DEVICES,
    query={
        "after": {"type": "integer", "minimum": 0, "description": "the version already shown"},
        "wait": {"type": "integer", "minimum": 0, "maximum": 30, "default": 0},
    },
    tag="agents",
)
def counter_agent_board(counter):
    binding.require_counter(g.user, counter)
    after = request.args.get("after")
    wait = int(request.args.get("wait") or 0)
    return counter_agent.board_state(counter, int(after) if after else None, wait)

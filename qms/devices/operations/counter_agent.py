"""Page heartbeats and the counter PC's agent: its hello (device states), presses, board.

Pages (kiosk, display, counter) post a heartbeat every HEARTBEAT_INTERVAL seconds; a counter
agent says hello with the state of each device it opened. Silence past
HEARTBEAT_OFFLINE_SECONDS makes a device offline (health.silence_watchdog).
"""

import re

from flask import current_app

from qms.errors import Conflict, Invalid, NotFound
from qms.queue import queries as queue_queries
from qms.state import get_state
from qms.timeutil import iso, utcnow

from ..hub import display_of
from ..queries import counter_devices
from . import health, presses

HEARTBEAT = re.compile(r"(kiosk|display):([A-Za-z0-9][A-Za-z0-9_.-]{0,39})|counter:([0-9]{1,3})")


def heartbeat(device):
    """A page is alive: "display:<name>", "kiosk:<id>" or "counter:<n>"."""
    m = HEARTBEAT.fullmatch(device or "")
    if not m:
        raise Invalid(
            "Thiết bị: display:<tên>, kiosk:<mã> hoặc counter:<số>. "
            "Device: display:<name>, kiosk:<id> or counter:<n>.",
            "invalid_device",
        )
    if m.group(3) is not None and queue_queries.get_counter(int(m.group(3))) is None:
        raise NotFound("Không có quầy này. Unknown counter.", "unknown_counter")
    if not health.device_known(device):
        cap = int(current_app.config["HEARTBEAT_MAX_DEVICES"])
        if health.count_devices(("kiosk:", "display:", "counter:")) >= cap:
            raise Conflict(
                "Đã đủ số thiết bị theo dõi. Too many devices.", "too_many_devices", limit=cap
            )
    health.heard_from(device)
    return {
        "device": device,
        "state": "online",
        "interval": float(current_app.config["HEARTBEAT_INTERVAL"]),
        "server_time": iso(utcnow()),
    }


def _hub():
    return get_state().devices.hub


def _agent_device(counter, name):
    for device in counter_devices(counter):
        if device["name"] == name:
            return device
    raise NotFound(
        f"Quầy {counter} không có thiết bị '{name}'. Unknown device at this counter.",
        "unknown_device",
    )


def agent_hello(counter, user, info):
    """A counter agent's hello/heartbeat: store its devices' states, answer its devices."""
    if queue_queries.get_counter(counter) is None:
        raise NotFound(f"Không có quầy số {counter}. Unknown counter.", "unknown_counter")
    mine = {d["name"]: d for d in counter_devices(counter, host="agent")}
    for report in info.get("devices") or []:
        device = mine.get(report.get("name"))
        if device is None:
            continue  # not registered here: nothing to say about it
        key = f"{device['kind']}:{device['name']}"
        if report.get("state") == "ok":
            health.heard_from(key)
        else:
            health.set_device_state(
                key,
                "failed",
                report.get("kind") or "offline",
                report.get("message") or "",
                data={"watch": True},
                seen=True,
            )
    return {
        "counter": counter,
        "devices": list(mine.values()),
        "display": display_of(counter, _hub()),
        "press_max_age": float(current_app.config["DEVICE_PRESS_MAX_AGE"]),
        "server_time": iso(utcnow()),
    }


def agent_press(counter, user, data):
    """A press from a device of this counter's agent → what presses.press answers."""
    device = _agent_device(counter, data.get("device"))
    key = f"{device['kind']}:{device['name']}"
    action = data["action"]
    if device["kind"] == "led":
        raise Invalid("Bảng LED không bấm được. An LED board has no buttons.", "invalid_action")
    result = presses.press(
        counter,
        action,
        data["id"],
        key,
        user=user,
        score=data.get("score"),
        age=float(data.get("age") or 0.0),
    )
    health.heard_from(key)
    if result.get("board") and not result.get("duplicate"):
        _hub().flash(counter, result["board"], data["id"])
    return result


def board_state(counter, after, wait):
    """Long poll: the counter's board as soon as it differs from version `after`."""
    hub = _hub()
    if queue_queries.get_counter(counter) is None:
        raise NotFound(f"Không có quầy số {counter}. Unknown counter.", "unknown_counter")
    if after is not None and wait > 0:
        hub.wait(counter, after, wait)
    return display_of(counter, hub)

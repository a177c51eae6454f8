"""Counter devices as the admin registers them: kind, where it is plugged, its URL, counter
and key map. A URL the hardware library does not know is refused here, not at the first press."""

import re

from sqlalchemy import select

from hardware import HardwareConfigError, KeyMap, link_from_url
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries as queue_queries
from qms.state import get_state

from ..models import COUNTER_DEVICE_KINDS, DEVICE_HOSTS, FRAMINGS, CounterDevice
from ..queries import counter_device_dict

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def _check(data):
    kind = data.get("kind")
    if kind not in COUNTER_DEVICE_KINDS:
        raise Invalid(
            "Loại thiết bị: button, led hoặc rating_pad. Kind: button, led or rating_pad.",
            "invalid_kind",
        )
    name = data.get("name") or ""
    if not NAME.fullmatch(name):
        raise Invalid(
            "Tên thiết bị chỉ gồm chữ, số, '-', '_', '.' (tối đa 40). Invalid device name.",
            "invalid_name",
        )
    counter = data.get("counter")
    if queue_queries.get_counter(counter) is None:
        raise NotFound(f"Không có quầy số {counter}. Unknown counter.", "unknown_counter")
    host = data.get("host") or "agent"
    if host not in DEVICE_HOSTS:
        raise Invalid(
            "Nơi cắm: server, agent hoặc mqtt. Host: server, agent or mqtt.", "invalid_host"
        )
    framing = data.get("framing") or (
        "hid" if (data.get("url") or "").startswith("evdev") else "line"
    )
    if framing not in FRAMINGS:
        raise Invalid(
            "Khung dữ liệu: line, receiver hoặc hid. Framing: line, receiver or hid.",
            "invalid_framing",
        )
    url = (data.get("url") or "").strip()
    if host == "mqtt":
        url = ""
    else:
        try:
            link = link_from_url(url)
        except HardwareConfigError as exc:
            raise Invalid(
                f"Địa chỉ thiết bị không hợp lệ. Invalid device URL: {exc}", "invalid_url"
            ) from None
        if kind == "led" and not link.can_write:
            raise Invalid(
                f"Bảng LED cần đường ghi được. {url}: cannot drive an LED board.", "invalid_url"
            )
        if kind != "led" and not link.can_read:
            raise Invalid(
                f"Thiết bị bấm cần đường đọc được. {url}: cannot read presses.", "invalid_url"
            )
    try:
        keymap = KeyMap.from_json(data.get("keymap") or {}, counter)
    except HardwareConfigError as exc:
        raise Invalid(f"Bảng phím không hợp lệ. Invalid key map: {exc}", "invalid_keymap") from None
    del keymap  # validated; what is stored is what the admin wrote
    return {
        "kind": kind,
        "name": name,
        "counter": counter,
        "host": host,
        "url": url,
        "framing": framing,
        "keymap": dict(data.get("keymap") or {}),
    }


def add_device(data, user=None):
    values = _check(data)
    with get_db().write() as s:
        if s.scalar(select(CounterDevice.id).where(CounterDevice.name == values["name"])):
            raise Conflict("Tên thiết bị đã có. A device with this name exists.", "device_exists")
        device = CounterDevice(**values, is_active=True)
        s.add(device)
        s.flush()
        log_event(
            s,
            "device.registered",
            f"{values['kind']}:{values['name']} → quầy {values['counter']} ({values['host']})",
            {"device": device.id},
            (user or {}).get("id"),
        )
        result = counter_device_dict(device)
    get_state().devices.hub.reload.set()
    return result


def remove_device(device_id, user=None):
    with get_db().write() as s:
        device = s.get(CounterDevice, device_id)
        if device is None:
            raise NotFound("Không có thiết bị này. Unknown device.", "unknown_device")
        log_event(
            s,
            "device.removed",
            f"{device.kind}:{device.name} (quầy {device.counter})",
            {"device": device.id},
            (user or {}).get("id"),
        )
        s.delete(device)
    get_state().devices.hub.reload.set()

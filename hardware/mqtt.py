"""MQTT for counter devices (paho-mqtt): the topic contract and one client that keeps it.

Topics under a prefix (default ``hcc``), ``n`` the counter number:

==============================  ====================  =======================================
topic                           who publishes         payload
==============================  ====================  =======================================
``hcc/counter/<n>/button``      a call-button box     ``{"action": "next|recall|no_show|start|
                                                      complete", "id": "<press id>"}`` or a
                                                      bare ``next`` …
``hcc/counter/<n>/rating``      a rating pad          ``{"score": 1|2|3, "id": "<press id>"}``
``hcc/counter/<n>/display``     the server, retained  the code served now (``""``: none)
``hcc/counter/<n>/error``       the server            ``{"error": "paused|closed|refused",
                                                      "id": "<press id>"}`` (blink the board)
``hcc/counter/<n>/status``      a device (its will)   ``online`` / ``offline``, retained
==============================  ====================  =======================================
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from .exceptions import HardwareConfigError, HardwareConnectionError, ProtocolError
from .protocol import ACTIONS, SCORES, check_counter, new_press_id

log = logging.getLogger(__name__)
_PRESS_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_PAYLOAD = 512


def _paho():
    try:
        import paho.mqtt.client as mqtt
    except ImportError:  # pragma: no cover - paho-mqtt is a dependency
        raise HardwareConfigError("MQTT needs paho-mqtt (pip install paho-mqtt)") from None
    return mqtt


def parse_broker_url(url: str) -> dict:
    """``mqtt://[user:password@]host[:port]`` → connection settings.

    :raises HardwareConfigError: not an mqtt:// URL
    """
    parts = urlsplit(url or "")
    if parts.scheme != "mqtt" or not parts.hostname:
        raise HardwareConfigError(
            f"{url!r}: expected mqtt://host[:port], e.g. mqtt://127.0.0.1:1883"
        )
    try:
        port = parts.port or 1883
    except ValueError:
        raise HardwareConfigError(f"{url!r}: bad port") from None
    return {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "path": parts.path.lstrip("/"),
    }


def check_prefix(prefix: str) -> str:
    """:raises HardwareConfigError: a prefix with wildcards or empty levels"""
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", prefix or ""):
        raise HardwareConfigError(f"MQTT prefix {prefix!r}: letters, digits, '-', '_', '/'")
    return prefix


def topic(prefix: str, counter: int, leaf: str) -> str:
    return f"{prefix}/counter/{counter}/{leaf}"


def split_topic(prefix: str, name: str) -> tuple[int, str]:
    """``hcc/counter/3/button`` → (3, "button"). :raises ProtocolError: another topic"""
    head = f"{prefix}/counter/"
    if not name.startswith(head):
        raise ProtocolError(f"topic {name[:80]!r} is not under {head}")
    number, _, leaf = name[len(head) :].partition("/")
    return check_counter(number), leaf


def _payload(raw: bytes):
    if len(raw) > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {len(raw)} bytes", raw)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ProtocolError("payload is not UTF-8", raw) from None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ProtocolError("payload is not valid JSON", raw) from None
        if not isinstance(data, dict):
            raise ProtocolError("payload is not a JSON object", raw)
        return data
    return text


def _press_id(data) -> str:
    press_id = data.get("id") if isinstance(data, dict) else None
    if press_id is None:
        return new_press_id("mq")
    if not isinstance(press_id, str) or not _PRESS_ID.fullmatch(press_id):
        raise ProtocolError(f"malformed press id {str(press_id)[:40]!r}")
    return press_id


def parse_button_payload(raw: bytes) -> tuple[str, str]:
    """A button message → (action, press id). :raises ProtocolError: anything else"""
    data = _payload(raw)
    action = data.get("action") if isinstance(data, dict) else data
    if action not in ACTIONS:
        raise ProtocolError(f"unknown action {str(action)[:20]!r}", raw)
    return action, _press_id(data)


def parse_rating_payload(raw: bytes) -> tuple[int, str]:
    """A rating message → (score, press id). :raises ProtocolError: anything else"""
    data = _payload(raw)
    score = data.get("score") if isinstance(data, dict) else data
    if isinstance(score, str) and score in ("1", "2", "3"):
        score = int(score)
    if isinstance(score, bool) or score not in SCORES:
        raise ProtocolError(f"score {str(score)[:10]!r} is not 1, 2 or 3", raw)
    return score, _press_id(data)


class MqttBus:
    """One MQTT client for many counters: subscribes to buttons, ratings and statuses,
    publishes LED codes (retained) and errors. Reconnects by itself; ``on_connect`` runs
    after every (re)connection so the caller can publish every board again (catch-up).

    Callbacks run on paho's network thread and must not block long: hand work to a queue.

    :param url: ``mqtt://host[:port]``
    :param prefix: topic prefix
    :param on_message: fn(counter, leaf, payload bytes) for ``button``, ``rating``, ``status``
    :param on_connect: fn() after each connection
    :param on_disconnect: fn(reason text) when the broker goes away
    """

    def __init__(
        self,
        url: str,
        prefix: str = "hcc",
        *,
        client_id: str | None = None,
        on_message: Callable[[int, str, bytes], None] | None = None,
        on_connect: Callable[[], None] | None = None,
        on_disconnect: Callable[[str], None] | None = None,
        leaves: tuple[str, ...] = ("button", "rating", "status"),
        keepalive: int = 15,
    ) -> None:
        self.settings = parse_broker_url(url)
        self.url = url
        self.prefix = check_prefix(prefix)
        self.on_message = on_message
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect
        self.leaves = leaves
        self.keepalive = keepalive
        self.connected = threading.Event()
        mqtt = _paho()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"qms-{uuid.uuid4().hex[:10]}",
        )
        if self.settings["username"]:
            self.client.username_pw_set(self.settings["username"], self.settings["password"])
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_message = self._message

    def start(self, wait: float = 0.0) -> bool:
        """Connect in the background (retrying forever); True when connected within ``wait``."""
        self.client.connect_async(self.settings["host"], self.settings["port"], self.keepalive)
        self.client.loop_start()
        return self.connected.wait(wait) if wait else self.connected.is_set()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
        self.connected.clear()

    def _connected(self, client, userdata, flags, reason_code, properties=None):
        if getattr(reason_code, "is_failure", False):
            log.warning("MQTT %s refused the connection: %s", self.url, reason_code)
            return
        for leaf in self.leaves:
            client.subscribe(f"{self.prefix}/counter/+/{leaf}", qos=1)
        self.connected.set()
        if self.on_connect:
            try:
                self.on_connect()
            except Exception:  # noqa: BLE001 - a callback must not kill paho's thread
                log.exception("MQTT on_connect callback failed")

    def _disconnected(self, client, userdata, flags, reason_code, properties=None):
        was = self.connected.is_set()
        self.connected.clear()
        if was and self.on_disconnect:
            try:
                self.on_disconnect(str(reason_code))
            except Exception:  # noqa: BLE001
                log.exception("MQTT on_disconnect callback failed")

    def _message(self, client, userdata, msg):
        try:
            counter, leaf = split_topic(self.prefix, msg.topic)
        except ProtocolError as exc:
            log.warning("MQTT: %s", exc)
            return
        if leaf in self.leaves and self.on_message:
            try:
                self.on_message(counter, leaf, bytes(msg.payload))
            except Exception:  # noqa: BLE001
                log.exception("MQTT message handler failed")

    def publish(self, counter: int, leaf: str, payload: str | bytes, retain=False, qos=1):
        """Publish under the prefix. :raises HardwareConnectionError: not connected"""
        if not self.connected.is_set():
            raise HardwareConnectionError(f"{self.url}: not connected")
        info = self.client.publish(topic(self.prefix, counter, leaf), payload, qos, retain)
        if info.rc != 0:
            raise HardwareConnectionError(f"{self.url}: publish failed (rc {info.rc})")
        return info

    def publish_display(self, counter: int, code: str):
        """The code counter n serves now, retained, for its LED board (``""``: none)."""
        return self.publish(counter, "display", code or "", retain=True)

    def publish_error(self, counter: int, error: str, press_id: str | None = None):
        body = json.dumps({"error": error, "id": press_id})
        return self.publish(counter, "error", body)


__all__ = [
    "MqttBus",
    "check_prefix",
    "parse_broker_url",
    "parse_button_payload",
    "parse_rating_payload",
    "split_topic",
    "topic",
]

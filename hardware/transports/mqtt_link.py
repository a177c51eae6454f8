"""``mqtt://host[:port]/<topic>``: one MQTT topic as a link (paho-mqtt).

Writing publishes to the topic (``retain=1`` for LED boards, so a board that reconnects
gets the current code at once); reading returns each message received on it followed by
``\\n``. Most centres use :class:`hardware.mqtt.MqttBus` instead, which serves every counter
with one connection; this link lets one device be driven alone (the counter agent).
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import uuid

from ..exceptions import HardwareConfigError, HardwareConnectionError
from .base import Link, ParsedUrl, float_option, reject_unknown


class MqttLink(Link):
    scheme = "mqtt"
    can_read = True

    def __init__(self, host, port, topic, retain=False, connect_timeout=5.0, url=""):
        super().__init__(url or f"mqtt://{host}:{port}/{topic}")
        self.host, self.port, self.topic = host, port, topic
        self.retain = retain
        self.connect_timeout = connect_timeout
        self._client = None
        self._inbox: queue.Queue = queue.Queue(maxsize=1000)
        self._connected = threading.Event()
        self._lost = False

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> MqttLink:
        reject_unknown(parsed, {"retain", "connect_timeout"})
        m = re.fullmatch(
            r"//([A-Za-z0-9._-]+)(?::(\d{1,5}))?/([A-Za-z0-9_/-]{1,200})", parsed.target
        )
        if not m:
            raise HardwareConfigError(
                f"{parsed.url}: expected mqtt://host[:port]/topic, e.g. "
                "mqtt://127.0.0.1:1883/hcc/counter/3/display"
            )
        retain = parsed.options.get("retain", "0") in ("1", "true", "yes")
        timeout = float_option(parsed, "connect_timeout", 5.0)
        return cls(m.group(1), int(m.group(2) or 1883), m.group(3), retain, timeout, parsed.url)

    def _open(self) -> None:
        try:
            import paho.mqtt.client as mqtt
        except ImportError:  # pragma: no cover
            raise HardwareConfigError("MQTT needs paho-mqtt") from None
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"link-{uuid.uuid4().hex[:10]}"
        )

        def connected(c, userdata, flags, reason_code, properties=None):
            c.subscribe(self.topic, qos=1)
            self._connected.set()

        def disconnected(c, userdata, flags, reason_code, properties=None):
            self._connected.clear()
            self._lost = True

        def message(c, userdata, msg):
            with contextlib.suppress(queue.Full):
                self._inbox.put_nowait(bytes(msg.payload) + b"\n")

        client.on_connect, client.on_disconnect, client.on_message = (
            connected,
            disconnected,
            message,
        )
        try:
            client.connect(self.host, self.port, keepalive=15)
        except OSError as exc:
            raise HardwareConnectionError(f"{self.url}: {exc}") from exc
        client.loop_start()
        if not self._connected.wait(self.connect_timeout):
            client.loop_stop()
            raise HardwareConnectionError(f"{self.url}: no answer from the broker")
        self._client = client
        self._lost = False

    def _write(self, data: bytes) -> None:
        if not self._connected.is_set():
            raise HardwareConnectionError(f"{self.url}: broker connection lost")
        info = self._client.publish(self.topic, data.rstrip(b"\n"), qos=1, retain=self.retain)
        if info.rc != 0:
            raise HardwareConnectionError(f"{self.url}: publish failed (rc {info.rc})")

    def _read(self, timeout: float) -> bytes:
        if self._lost and not self._connected.is_set():
            raise HardwareConnectionError(f"{self.url}: broker connection lost")
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return b""

    def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.disconnect()
            client.loop_stop()


__all__ = ["MqttLink"]

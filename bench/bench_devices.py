"""Counter devices end to end, with real processes: `qms serve` with the MQTT bus, a
`qms counter-agent` reading a serial button box, LED board and rating pad on pseudo-terminal
pairs, Socket.IO displays. Prints press → display event latency p50/p99 over MQTT and serial.

    .venv/bin/python bench/bench_devices.py [--presses 200] [--mqtt mqtt://127.0.0.1:1883]

DeviceRig is shared with tests/devices/test_counter_devices_e2e.py.
"""

import argparse
import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import tty
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.liveserver import LiveServer  # noqa: E402

PASSWORD = "counter-pc-password-42"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait_for(predicate, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


class Pty:
    """One end a device holds (fd), the other a serial port path the agent opens."""

    def __init__(self):
        self.fd, port = os.openpty()
        tty.setraw(self.fd)
        tty.setraw(port)
        self.port_fd = port
        self.path = os.ttyname(port)
        self.buffer = b""

    def write(self, data):
        os.write(self.fd, data)

    def lines(self, timeout=0.05):
        """Complete lines the agent wrote to this port so far."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            self.buffer += os.read(self.fd, 4096)
        *done, self.buffer = self.buffer.split(b"\n")
        return done

    def close(self):
        for fd in (self.fd, self.port_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class DeviceRig:
    def __init__(self, workdir, mqtt_url, displays=2):
        self.workdir = Path(workdir)
        self.mqtt_url = mqtt_url
        self.prefix = f"hcc{uuid.uuid4().hex[:6]}"
        self.server = LiveServer(
            self.workdir / "srv",
            env={
                "QMS_MQTT_URL": mqtt_url,
                "QMS_MQTT_PREFIX": self.prefix,
                "QMS_LOG_LEVEL": "WARNING",
            },
        )
        self.displays = displays
        self.box, self.led, self.pad = Pty(), Pty(), Pty()
        self.calls = []  # (display index, code, counter, recall, monotonic time)
        self.lock = threading.Lock()
        self.clients = []
        self.agent = None
        self.mqtt = None
        self.retained = {}

    def api(self, method, path, **kwargs):
        r = requests.request(
            method, self.server.url + "/api/v1" + path, headers=self.admin, timeout=10, **kwargs
        )
        return r

    def start(self):
        s = self.server
        s.init()
        s.qms("user", "add", "pc1", "--role", "device", "--password", PASSWORD)
        s.qms("devices", "bind", "pc1", "--counter", "1")
        s.start()
        self.admin = s.token()
        for body in (
            {"kind": "button", "name": "box1", "counter": 1, "url": f"serial:{self.box.path}"},
            {"kind": "led", "name": "led1", "counter": 1, "url": f"serial:{self.led.path}"},
            {"kind": "rating_pad", "name": "pad1", "counter": 1, "url": f"serial:{self.pad.path}"},
            {"kind": "button", "name": "esp32-2", "counter": 2, "host": "mqtt"},
            {"kind": "led", "name": "led2", "counter": 2, "host": "mqtt"},
        ):
            r = self.api("POST", "/counter-devices", json=body)
            assert r.status_code == 201, r.text
        for n in (1, 2):
            r = self.api("POST", f"/counters/{n}/state", json={"state": "open"})
            assert r.status_code == 200, r.text
        self.agent_log = open(self.workdir / "agent.log", "ab")  # noqa: SIM115
        self.agent = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qms",
                "counter-agent",
                "--server",
                s.url,
                "--counter",
                "1",
                "--username",
                "pc1",
                "--password",
                PASSWORD,
                "--journal",
                str(self.workdir / "c1.journal"),
                "--heartbeat",
                "1",
            ],
            env={**s.env, "QMS_DATA_DIR": str(self.workdir / "agent-data")},
            cwd=ROOT,
            stdout=self.agent_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: self.device_state("button:box1") == "online", 60, "the agent opened box1")
        wait_for(lambda: self.device_state("rating_pad:pad1") == "online", 30, "pad1")
        self._mqtt_start()
        self._displays_start()
        return self

    def device_state(self, device):
        r = self.api("GET", "/devices")
        return {d["id"]: d["state"] for d in r.json()}.get(device) if r.ok else None

    def _mqtt_start(self):
        import paho.mqtt.client as mqtt

        from hardware.mqtt import parse_broker_url

        settings = parse_broker_url(self.mqtt_url)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"rig-{self.prefix}")
        connected = threading.Event()

        def on_connect(c, userdata, flags, reason_code, properties=None):
            c.subscribe(f"{self.prefix}/counter/+/display", qos=1)
            c.subscribe(f"{self.prefix}/counter/+/error", qos=1)
            connected.set()

        def on_message(c, userdata, msg):
            with self.lock:
                self.retained.setdefault(msg.topic, []).append(
                    msg.payload.decode("utf-8", "replace")
                )

        client.on_connect, client.on_message = on_connect, on_message
        client.connect(settings["host"], settings["port"])
        client.loop_start()
        assert connected.wait(10), "rig MQTT client could not connect"
        self.mqtt = client

    def _displays_start(self):
        import socketio

        for index in range(self.displays):
            client = socketio.Client(reconnection=False)

            def on_called(payload, index=index):
                with self.lock:
                    self.calls.append(
                        (
                            index,
                            payload["ticket"]["code"],
                            payload["counter"]["number"],
                            payload["recall"],
                            time.monotonic(),
                        )
                    )

            client.on("ticket_called", on_called)
            client.connect(self.server.url, transports=["websocket"], wait_timeout=10)
            self.clients.append(client)

    def issue(self, service):
        r = requests.post(
            self.server.url + "/api/v1/tickets", json={"service": service}, timeout=10
        )
        assert r.status_code == 201, r.text
        return r.json()

    def press_mqtt(self, counter, payload, leaf="button"):
        info = self.mqtt.publish(
            f"{self.prefix}/counter/{counter}/{leaf}", json.dumps(payload), qos=1
        )
        info.wait_for_publish(5)

    def called(self, code, counter, recall=False):
        with self.lock:
            return [c for c in self.calls if c[1:4] == (code, counter, recall)]

    def wait_called(self, code, counter, recall=False, timeout=20):
        """Every display's receipt time of this call."""
        seen = wait_for(
            lambda: (
                len(self.called(code, counter, recall)) >= self.displays
                and self.called(code, counter, recall)
            ),
            timeout,
            f"{code} at counter {counter} on every display",
        )
        return [c[4] for c in seen]

    def topic(self, counter, leaf="display"):
        with self.lock:
            return list(self.retained.get(f"{self.prefix}/counter/{counter}/{leaf}", []))

    def stop(self):
        for client in self.clients:
            with contextlib.suppress(Exception):
                client.disconnect()
        if self.mqtt is not None:
            for n in (1, 2):  # leave no retained codes behind on a shared broker
                self.mqtt.publish(
                    f"{self.prefix}/counter/{n}/display", b"", retain=True
                ).wait_for_publish(5)
            self.mqtt.loop_stop()
            self.mqtt.disconnect()
        if self.agent is not None and self.agent.poll() is None:
            self.agent.terminate()
            try:
                self.agent.wait(10)
            except subprocess.TimeoutExpired:
                self.agent.kill()
        self.server.stop()
        if self.agent is not None:
            self.agent_log.close()
        for p in (self.box, self.led, self.pad):
            p.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument(
        "--mqtt", default=os.environ.get("QMS_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rig = DeviceRig(tmp, args.mqtt).start()
        try:
            results = {}
            for how in ("serial", "mqtt"):
                counter, service = (1, "A") if how == "serial" else (2, "C")
                latencies = []
                for i in range(args.presses):
                    ticket = rig.issue(service)
                    sent = time.monotonic()
                    if how == "serial":
                        rig.box.write(f"1:next:bench-{i}\n".encode())
                    else:
                        rig.press_mqtt(2, {"action": "next", "id": f"bench-{i}"})
                    times = rig.wait_called(ticket["code"], counter)
                    latencies.extend(t - sent for t in times)
                results[how] = latencies
            print(f"press → ticket_called on {rig.displays} displays, {args.presses} presses each")
            for how, values in results.items():
                ms = [v * 1000 for v in values]
                print(
                    f"  {how:6s}  p50 {pct(ms, 50):6.1f} ms   p99 {pct(ms, 99):6.1f} ms   max {max(ms):6.1f} ms"
                )
        finally:
            rig.stop()


if __name__ == "__main__":
    main()

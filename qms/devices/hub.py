"""Counter devices in this process: what each counter's board shows, and the loop (`qms
serve`) that serves the MQTT bus and the devices plugged into the server itself.

Every counter change marks that counter (counter_changed); agents' long polls wake on it,
and the loop's publisher pushes the counter's code to MQTT (retained) and to the server's
LED boards. The code is read back from the database each time, so a board that missed
anything (a reconnect, a restart) is right again with the next push.
"""

import logging
import queue
import threading
import time

from flask import current_app
from sqlalchemy import select

from hardware import FaultTracker, HardwareError, InputDevice, KeyMap, LedBoard
from hardware.mqtt import MqttBus, parse_button_payload, parse_rating_payload
from qms.db import try_acquire_lease
from qms.errors import QmsError
from qms.extensions import get_db
from qms.queue import queries as queue_queries
from qms.state import get_state

from .models import CounterDevice
from .operations import health, presses

log = logging.getLogger(__name__)
LEASE = "counter-devices"


class Hub:
    """Board versions per counter (agents long-poll them) and the outputs of this process."""

    def __init__(self):
        self.changed = threading.Condition()
        self.versions = {}  # counter → int, bumped on every change or error flash
        self.flashes = {}  # counter → (version, error word) of the latest refused press
        self.dirty = set()
        self.outputs = []  # fn(counter, display) / fn(counter, None, error) of the running loop
        self.reload = threading.Event()

    def mark(self, counter):
        with self.changed:
            self.versions[counter] = self.versions.get(counter, 0) + 1
            self.dirty.add(counter)
            self.changed.notify_all()

    def flash(self, counter, word, press_id=None):
        """A refused press: blink its board (MQTT error topic, the server's LED boards)."""
        with self.changed:
            version = self.versions.get(counter, 0) + 1
            self.versions[counter] = version
            self.flashes[counter] = (version, word)
            self.changed.notify_all()
        for output in list(self.outputs):
            try:
                output(counter, None, word, press_id)
            except Exception:  # an output's trouble is its device's state, never the caller's
                log.warning("board flash for counter %s failed", counter, exc_info=True)

    def version(self, counter):
        with self.changed:
            return self.versions.get(counter, 0)

    def wait(self, counter, after, timeout):
        """Until counter's version differs from `after` (or timeout); returns the version."""
        with self.changed:
            self.changed.wait_for(lambda: self.versions.get(counter, 0) != after, timeout)
            return self.versions.get(counter, 0)

    def take_dirty(self, timeout):
        with self.changed:
            self.changed.wait_for(lambda: bool(self.dirty), timeout)
            dirty, self.dirty = self.dirty, set()
            return sorted(dirty)


def display_of(counter, hub=None):
    """What counter n's board shows: {"counter", "code", "state", "version", "error"}."""
    row = queue_queries.get_counter(counter)
    if row is None:
        return None
    version = hub.version(counter) if hub else 0
    flash = hub.flashes.get(counter) if hub else None
    return {
        "counter": counter,
        "code": (row["current"] or {}).get("code") or "",
        "state": row["state"],
        "version": version,
        "error": flash[1] if flash and flash[0] == version else None,
    }


class DeviceLoop:
    """The loop's work: presses in, boards out, device states from what the devices do."""

    def __init__(self, app, hub, stop):
        self.app = app
        self.hub = hub
        self.stop = stop
        self.presses = queue.Queue(maxsize=1000)
        self.trackers = {}
        self.bus = None
        self.boards = {}  # counter → [LedBoard]
        self.inputs = []  # (InputDevice, thread stop event)

    # --- device states ----------------------------------------------------------------
    def tracker(self, device):
        if device not in self.trackers:
            self.trackers[device] = FaultTracker(
                device,
                on_fault=lambda kind, message, d=device: self.set_state(d, "failed", kind, message),
                on_ok=lambda d=device: self.set_state(d, "ok"),
            )
        return self.trackers[device]

    def set_state(self, device, state, kind=None, message=""):
        with self.app.app_context():
            if state == "ok":
                health.heard_from(device)
            else:
                health.set_device_state(device, "failed", kind, message, seen=False)

    def seen(self, device):
        with self.app.app_context():
            health.heard_from(device)

    # --- presses ------------------------------------------------------------------------
    def enqueue(self, item):
        try:
            self.presses.put_nowait(item)
        except queue.Full:
            log.error("press queue full: press dropped (%s)", item[0])

    def on_bus_message(self, counter, leaf, payload):
        self.enqueue(("mqtt", counter, leaf, payload))

    def handle(self, item):
        kind = item[0]
        if kind == "mqtt":
            _, counter, leaf, payload = item
            device = f"{'rating_pad' if leaf == 'rating' else 'button'}:mqtt-{counter}"
            if leaf == "status":
                text = payload.decode("utf-8", "replace").strip().lower()
                for name, dev_kind in self.mqtt_devices(counter):
                    device = f"{dev_kind}:{name}"
                    if text == "offline":
                        self.tracker(device).failed("offline", "thiết bị báo offline qua MQTT")
                    else:
                        self.tracker(device).ok()
                        self.seen(device)
                return
            device = self.mqtt_device_name(counter, leaf) or device
            try:
                if leaf == "button":
                    action, press_id = parse_button_payload(payload)
                    score = None
                else:
                    score, press_id = parse_rating_payload(payload)
                    action = "rate"
            except HardwareError as exc:
                self.tracker(device).failed("garbage", str(exc))
                return
            self.act(device, counter, action, press_id, score)
        else:
            _, device, press = item
            self.act(device, press.counter, press.action, press.press_id, press.score)

    def act(self, device, counter, action, press_id, score):
        with self.app.app_context():
            try:
                result = presses.press(counter, action, press_id, device, score=score)
            except QmsError as exc:  # unknown counter: the device is set up wrong
                self.tracker(device).failed("config", f"{exc.code}: {exc.message}")
                return
            tracker = self.tracker(device)
            if tracker.fault is not None and tracker.fault[0] != "offline":
                tracker.ok()
            else:
                health.heard_from(device)
        if result.get("board") and not result.get("duplicate"):
            self.hub.flash(counter, result["board"], press_id)

    def mqtt_devices(self, counter):
        with self.app.app_context(), get_db().read() as s:
            return s.execute(
                select(CounterDevice.name, CounterDevice.kind).where(
                    CounterDevice.counter == counter,
                    CounterDevice.host == "mqtt",
                    CounterDevice.is_active.is_(True),
                )
            ).all()

    def mqtt_device_name(self, counter, leaf):
        wanted = "rating_pad" if leaf == "rating" else "button"
        for name, kind in self.mqtt_devices(counter):
            if kind == wanted:
                return f"{kind}:{name}"
        return None

    # --- outputs ------------------------------------------------------------------------
    def shows(self, counter):
        """Whether anything here shows counter's board: a connected MQTT bus or a board on
        this server. Counter agents read their display themselves (their long poll)."""
        bus = self.bus
        return (bus is not None and bus.connected.is_set()) or bool(self.boards.get(counter))

    def output(self, counter, display, error=None, press_id=None):
        if self.bus is not None and self.bus.connected.is_set():
            try:
                if display is not None:
                    self.bus.publish_display(counter, display["code"])
                    if display["state"] in ("paused", "closed"):
                        self.bus.publish_error(counter, display["state"])
                if error:
                    self.bus.publish_error(counter, error, press_id)
            except HardwareError as exc:
                log.warning("MQTT publish for counter %s failed: %s", counter, exc)
        for board in self.boards.get(counter, []):
            if display is not None:
                board.show(counter, display["code"])
                if display["state"] in ("paused", "closed"):
                    board.error(counter, display["state"])
            if error:
                board.error(counter, error)

    def publish_all(self):
        with self.app.app_context():
            counters = [c["number"] for c in queue_queries.counters_list()]
            for number in counters:
                display = display_of(number, self.hub)
                if display is not None:
                    self.output(number, display)

    # --- devices on this server -----------------------------------------------------------
    def open_devices(self):
        for _reader, stop in self.inputs:
            stop.set()
        for boards in self.boards.values():
            for board in boards:
                board.close()
        self.inputs, self.boards = [], {}
        with self.app.app_context(), get_db().read() as s:
            rows = s.scalars(
                select(CounterDevice).where(
                    CounterDevice.host == "server", CounterDevice.is_active.is_(True)
                )
            ).all()
            specs = [
                (r.kind, r.name, r.url, r.counter, r.framing, dict(r.keymap or {})) for r in rows
            ]
        for kind, name, url, counter, framing, keymap in specs:
            device = f"{kind}:{name}"
            tracker = self.tracker(device)
            try:
                if kind == "led":
                    board = LedBoard(
                        url,
                        name=device,
                        on_fault=lambda k, m, t=tracker: t.failed(k, m),
                        on_ok=tracker.ok,
                    )
                    self.boards.setdefault(counter, []).append(board)
                    continue
                stop = threading.Event()
                reader = InputDevice(
                    url,
                    KeyMap.from_json(keymap, counter),
                    framing,
                    name=device,
                    on_press=lambda press, d=device: self.enqueue(("press", d, press)),
                    on_fault=lambda k, m, t=tracker: t.failed(k, m),
                    on_ok=tracker.ok,
                )
            except HardwareError as exc:
                tracker.failed("config", str(exc))
                continue
            thread = threading.Thread(
                target=reader.run, args=(stop,), name=f"qms-device-{name}", daemon=True
            )
            thread.start()
            self.inputs.append((reader, stop))
            self.seen(device)

    def close(self):
        for _, stop in self.inputs:
            stop.set()
        for boards in self.boards.values():
            for board in boards:
                board.close()
        if self.bus is not None:
            self.bus.stop()


def run(app, stop):
    """`qms serve`'s counter-device loop: lease, MQTT bus, the server's own devices, presses."""
    hub = get_state(app).devices.hub
    holder = f"{id(hub):x}-{time.monotonic_ns():x}"
    with app.app_context():
        cfg = dict(current_app.config)
    while not stop.is_set():
        with app.app_context():
            if try_acquire_lease(get_db(), LEASE, holder, 30.0):
                break
        stop.wait(5.0)
    if stop.is_set():
        return
    work = DeviceLoop(app, hub, stop)
    hub.outputs.append(work.output)
    if cfg.get("MQTT_URL"):

        def lost(reason):
            work.set_state("mqtt:broker", "failed", "offline", f"MQTT broker lost: {reason}")

        def connected():
            work.set_state("mqtt:broker", "ok")
            work.publish_all()  # catch-up: every board shows its counter's code again

        work.bus = MqttBus(
            cfg["MQTT_URL"],
            cfg["MQTT_PREFIX"],
            on_message=work.on_bus_message,
            on_connect=connected,
            on_disconnect=lost,
        )
        if not work.bus.start(wait=5.0):
            work.set_state(
                "mqtt:broker", "failed", "offline", f"no MQTT broker at {cfg['MQTT_URL']}"
            )
    work.open_devices()
    work.publish_all()
    publisher = threading.Thread(target=_publish, args=(app, hub, work, stop), daemon=True)
    publisher.start()
    renewed = time.monotonic()
    try:
        while not stop.is_set():
            try:
                item = work.presses.get(timeout=0.5)
            except queue.Empty:
                item = None
            if item is not None:
                try:
                    work.handle(item)
                except Exception:  # one bad press must not stop the others
                    log.exception("device press failed")
            if hub.reload.is_set():
                hub.reload.clear()
                work.open_devices()
            if time.monotonic() - renewed > 10:
                with app.app_context():
                    try_acquire_lease(get_db(), LEASE, holder, 30.0)
                renewed = time.monotonic()
    finally:
        hub.outputs.remove(work.output)
        work.close()


def _publish(app, hub, work, stop):
    while not stop.is_set():
        for counter in hub.take_dirty(0.5):
            if not work.shows(counter):  # nobody to show it to: a call costs no board read
                continue
            try:
                with app.app_context():
                    display = display_of(counter, hub)
                if display is not None:
                    work.output(counter, display)
            except Exception:
                log.exception("board push for counter %s failed", counter)

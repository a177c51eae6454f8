"""The print path's memory between requests (get_state(app).devices) and where a job goes.

Small caches for the issuing hot path (which kiosks have an agent, counters per service,
priority names, failed devices) refreshed at most every CACHE_SECONDS, and the wake-ups of
the server's worker and the agents' long polls.
"""

import threading
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms.queue.models import Counter, CounterService, PriorityCategory, Service
from qms.state import get_state
from qms.timeutil import utcnow

from .models import DeviceState

LOCAL = "local"
LOCAL_DEVICE = "printer:local"
CACHE_SECONDS = 5.0


class Runtime:
    """Per-app memory of the print path: caches for the issuing hot path, wake-ups for workers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.refresh_at = 0.0
        self.agents = set()  # kiosks served by a print agent
        self.counters = {}  # service code → "Quầy 1, Quầy 4"
        self.priorities = {}  # category code → Vietnamese name
        self.failed = {}  # device → kind, for the kiosk's hint right after issuing
        self.changed = threading.Condition()
        self.version = 0  # bumped whenever a job becomes available
        self.local_wake = threading.Event()
        self.hub = None  # qms.devices.hub.Hub: counter boards, agents' long polls

    def notify(self, target=None):
        with self.changed:
            self.version += 1
            self.changed.notify_all()
        if target in (None, LOCAL):
            self.local_wake.set()

    def wait_change(self, seen, timeout):
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)

    def add_agent(self, kiosk):
        with self.lock:
            self.agents = self.agents | {kiosk}

    def device_changed(self, device, state, kind):
        with self.lock:
            if state == "failed":
                self.failed[device] = kind
            elif state == "ok":
                self.failed.pop(device, None)


def runtime(app=None):
    return get_state(app or current_app._get_current_object()).devices


def refresh(rt, s, force=False):
    """Reload the small caches at most every CACHE_SECONDS (inside the caller's session)."""
    now = time.monotonic()
    if not force and now < rt.refresh_at:
        return
    cutoff = utcnow() - timedelta(seconds=float(current_app.config["AGENT_SEEN_SECONDS"]))
    agents = {
        device[6:]
        for device, seen in s.execute(
            select(DeviceState.device, DeviceState.last_seen_dt).where(
                DeviceState.device.like("agent:%")
            )
        )
        if seen is not None and seen >= cutoff
    }
    names = {}
    rows = s.execute(
        select(Service.code, Counter.name, Counter.number)
        .join(CounterService, CounterService.service_id == Service.id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.state != "closed")
        .order_by(Counter.number)
    )
    for code, name, number in rows:
        names.setdefault(code, []).append(name or f"Quầy {number}")
    priorities = dict(s.execute(select(PriorityCategory.code, PriorityCategory.name_vi)).all())
    failed = dict(
        s.execute(
            select(DeviceState.device, DeviceState.kind).where(DeviceState.state == "failed")
        ).all()
    )
    with rt.lock:
        rt.agents = agents
        rt.counters = {code: ", ".join(v) for code, v in names.items()}
        rt.priorities = priorities
        rt.failed = failed
        rt.refresh_at = now + CACHE_SECONDS


def printer_configured():
    return bool(current_app.config.get("PRINTER"))


def device_of(target):
    return LOCAL_DEVICE if target == LOCAL else f"printer:{target.split(':', 1)[1]}"


def target_for(rt, kiosk):
    """agent:<kiosk> when a print agent serves that kiosk, else local when a printer is set."""
    if kiosk and kiosk in rt.agents:
        return f"agent:{kiosk}"
    if printer_configured():
        return LOCAL
    return None

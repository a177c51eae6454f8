"""Device states: printers and agents, and the device_failed / device_recovered signals.

A state changes in its own transaction; the signals go out after it commits, once per
transition (never once per retry), because their listeners (incidents) write too.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from qms import calendar as centre_calendar
from qms import signals
from qms.extensions import get_db
from qms.models import log_event
from qms.timeutil import to_local, utcnow

from ..models import DeviceState
from ..runtime import runtime


def set_device_state(device, state, kind=None, message="", data=None, seen=False, now=None):
    """Store a device's state; on ok→failed send device_failed once, on failed→ok device_recovered.

    Returns the transition: "failed", "recovered" or None.
    """
    now = now or utcnow()
    message = (message or "")[:300]
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is None:
            row = DeviceState(device=device, state="unknown", message="", since_dt=now, data={})
            s.add(row)
        old_state, old_kind = row.state, row.kind
        if state is not None and (state != old_state or (state == "failed" and kind != old_kind)):
            row.state = state
            row.since_dt = now
        if state is not None:
            row.kind = kind if state in ("failed", "unknown") else None
            row.message = message
        if data:
            row.data = {**(row.data or {}), **data}
        if seen:
            row.last_seen_dt = now
        transition = None
        if state == "failed" and (old_state != "failed" or old_kind != kind):
            transition = "failed"
            log_event(s, "device.failed", f"{device}: {kind} {message}", {"device": device})
        elif state == "ok" and old_state == "failed":
            transition = "recovered"
            log_event(s, "device.recovered", f"{device}: hoạt động trở lại", {"device": device})
    runtime().device_changed(device, state, kind)
    app = current_app._get_current_object()
    if transition == "failed":
        signals.device_failed.send(
            app, device=device, kind=kind, message=message, data=dict(data or {})
        )
    elif transition == "recovered":
        signals.device_recovered.send(app, device=device, kind=old_kind, message=message)
    return transition


def touch(device, now):
    """A known device was heard from (an agent's long poll): last_seen only.

    False when the device never registered (no row): a poll alone makes no device.
    """
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is None:
            return False
        row.last_seen_dt = now
        return True


def note_status_silence(device, now=None):
    """A printer that can answer DLE EOT did not: after PRINTER_SILENT_SECONDS of that, its
    state is "unknown" (kind no_status), never "ok". Returns the state stored, or None."""
    now = now or utcnow()
    limit = float(current_app.config["PRINTER_SILENT_SECONDS"])
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is None:
            row = DeviceState(device=device, state="unknown", message="", since_dt=now, data={})
            s.add(row)
        data = dict(row.data or {})
        since = data.get("silent_since")
        if since is None:
            data["silent_since"] = now.isoformat()
            row.data = data
            return None
        if row.state == "unknown" and row.kind == "no_status":
            return None
        if row.state == "failed":
            return None  # an open fault stays until the printer answers
        silent_for = (now - datetime.fromisoformat(since)).total_seconds()
        if silent_for < limit:
            return None
    message = f"no answer to status queries for {int(silent_for)} s"
    set_device_state(device, "unknown", "no_status", message, now=now)
    return "unknown"


def note_status_answer(device):
    """The printer answered a status query: forget any silence."""
    with get_db().read() as s:
        row = s.get(DeviceState, device)
        if row is None or "silent_since" not in (row.data or {}):
            return
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is not None:
            row.data = {k: v for k, v in (row.data or {}).items() if k != "silent_since"}


HEARTBEAT_KINDS = ("kiosk", "display", "counter")
WATCHED_PREFIXES = ("kiosk:", "display:", "counter:", "button:", "led:", "rating_pad:")


def heard_from(device, now=None, message="", data=None):
    """A watched device (a page's heartbeat, a counter device in use) is alive: state ok.

    Creates the row the first time; a device that was offline recovers (incident resolved).
    """
    now = now or utcnow()
    with get_db().read() as s:
        row = s.get(DeviceState, device)
        fresh = row is not None and row.state == "ok"
    if fresh:
        with get_db().write() as s:
            row = s.get(DeviceState, device)
            row.last_seen_dt = now
            if data:
                row.data = {**(row.data or {}), **data}
        return None
    return set_device_state(
        device, "ok", None, message, data={"watch": True, **(data or {})}, seen=True, now=now
    )


def count_devices(prefixes):
    with get_db().read() as s:
        return s.scalar(
            select(func.count(DeviceState.device)).where(
                or_(*[DeviceState.device.like(f"{p}%") for p in prefixes])
            )
        )


def device_known(device):
    with get_db().read() as s:
        return s.get(DeviceState, device) is not None


def silence_watchdog(now=None):
    """Watched devices silent past HEARTBEAT_OFFLINE_SECONDS become offline (one incident
    each, through device_failed); the next heartbeat resolves it."""
    now = now or utcnow()
    limit = now - timedelta(seconds=float(current_app.config["HEARTBEAT_OFFLINE_SECONDS"]))
    with get_db().read() as s:
        calendar, _reception = centre_calendar.centre_state(s)
        if calendar is not None and not centre_calendar.is_open(calendar, now):
            return []  # outside opening hours a TV or kiosk switched off is the rule
        rows = s.execute(
            select(DeviceState.device, DeviceState.last_seen_dt, DeviceState.data).where(
                DeviceState.state == "ok",
                DeviceState.last_seen_dt < limit,
                or_(*[DeviceState.device.like(f"{p}%") for p in WATCHED_PREFIXES]),
            )
        ).all()
    gone = []
    for device, seen, data in rows:
        if not (data or {}).get("watch"):
            continue
        local = to_local(seen)
        message = f"không liên lạc từ {local:%H:%M:%S}"
        set_device_state(device, "failed", "offline", message, now=now)
        gone.append(device)
    return gone


def agent_watchdog(now=None):
    """Agents silent for AGENT_OFFLINE_SECONDS: their kiosk's printer counts as offline."""
    now = now or utcnow()
    limit = now - timedelta(seconds=float(current_app.config["AGENT_OFFLINE_SECONDS"]))
    with get_db().read() as s:
        rows = s.execute(
            select(DeviceState.device, DeviceState.last_seen_dt).where(
                DeviceState.device.like("agent:%"), DeviceState.last_seen_dt < limit
            )
        ).all()
        states = dict(
            s.execute(
                select(DeviceState.device, DeviceState.state).where(
                    DeviceState.device.like("printer:%")
                )
            ).all()
        )
    changed = []
    for device, seen in rows:
        kiosk = device[6:]
        printer = f"printer:{kiosk}"
        if states.get(printer) == "failed":
            continue
        message = f"print agent not seen since {seen:%H:%M:%S} UTC"
        set_device_state(
            printer, "failed", "offline", message, data={"agent_silent": True}, now=now
        )
        changed.append(kiosk)
    return changed

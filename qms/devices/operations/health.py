"""Device states: printers and agents, and the device_failed / device_recovered signals.

A state changes in its own transaction; the signals go out after it commits, once per
transition (never once per retry), because their listeners (incidents) write too.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.extensions import get_db
from qms.models import log_event
from qms.timeutil import utcnow

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
            row.kind = kind if state == "failed" else None
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
    """A device was heard from (an agent's long poll): last_seen only, no state change."""
    with get_db().write() as s:
        row = s.get(DeviceState, device)
        if row is None:
            s.add(DeviceState(device=device, state="ok", message="", since_dt=now, data={}))
        else:
            row.last_seen_dt = now


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

"""Automatic incidents: signal receivers for device faults, the primary QMS failing and
returning, and unclean starts (a possible power cut). Each open incident is found again by its
source key, so a repeated fault adds a timeline row instead of a second incident.

The receivers answer nothing (no sender needs a value), never mutate their arguments and never
raise into the sender: a failing incident must not break printing or mode switching."""

import logging

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.extensions import get_db
from qms.incidents.models import OPEN_STATUSES, Incident
from qms.incidents.operations import lifecycle
from qms.incidents.operations.timeline import changed, load, record

log = logging.getLogger(__name__)

DEFAULT_DEVICE_TYPES = {
    "printer": "2.1",
    "network": "2.3",
    "router": "2.3",
    "internet": "2.3",
    "power": "2.7",
    "ups": "2.7",
    "primary": "2.8",
    "qms": "2.8",
}
# anything else (displays, call buttons, kiosks…) is part of the queue-numbering system
DEVICE_FALLBACK_TYPE = "2.8"
DEVICE_KINDS = {
    "paper_out": "Hết giấy",
    "paper_low": "Sắp hết giấy",
    "offline": "Mất kết nối",
    "cover_open": "Nắp máy đang mở",
    "error": "Báo lỗi",
    "paper_jam": "Kẹt giấy",
}
PRIMARY_SOURCE = "mode:primary"
POWER_SOURCE = "app:unclean-start"


def _open_by_source(s, source_key):
    """The open incident this source raised, or None."""
    return s.scalars(
        select(Incident)
        .where(Incident.source_key == source_key, Incident.status.in_(OPEN_STATUSES))
        .order_by(Incident.id.desc())
    ).first()


def _open_id_by_source(source_key):
    with get_db().read() as s:
        incident = _open_by_source(s, source_key)
        return incident.id if incident else None


def _add_row(incident_id, kind, summary, data=None, user=None):
    with get_db().write() as s:
        record(s, load(s, incident_id), kind, summary, data, user)
    return changed(incident_id, kind)


def device_type_code(device):
    mapping = {**DEFAULT_DEVICE_TYPES, **(current_app.config["INCIDENT_DEVICE_TYPES"] or {})}
    prefix = str(device).split(":", 1)[0].lower()
    return mapping.get(prefix, DEVICE_FALLBACK_TYPE)


def on_device_failed(device, kind, message="", data=None, **_):
    """Open one incident per fault; a repeated failure adds a timeline row instead."""
    source_key = f"device:{device}"
    label = DEVICE_KINDS.get(kind, kind)
    summary = f"{device}: {label}" + (f" — {message}" if message else "")
    with get_db().write() as s:  # found and noted in one transaction
        existing = _open_by_source(s, source_key)
        if existing is not None:
            record(
                s,
                existing,
                "device_failed_again",
                f"Thiết bị báo lỗi lại: {summary}",
                {"device": device, "kind": kind, "message": message},
            )
            incident_id = existing.id
    if existing is not None:
        return changed(incident_id, "device_failed_again")
    return lifecycle.report_incident(
        device_type_code(device),
        f"Tự động: {summary}",
        user=None,
        scope=str(device)[:200],
        source_key=source_key,
        is_automatic=True,
    )


def on_device_recovered(device, kind="", message="", **_):
    incident_id = _open_id_by_source(f"device:{device}")
    if incident_id is None:
        return None
    return lifecycle.resolve(incident_id, "Tự động: thiết bị hoạt động trở lại", automatic=True)


def on_mode_changed(old, new, reason="", user=None, automatic=False, **_):
    incident_id = _open_id_by_source(PRIMARY_SOURCE)
    if new == "fallback":
        if incident_id is not None:
            return None
        how = "tự động phát hiện" if automatic else "lãnh đạo chuyển chế độ"
        description = f"Hệ thống QMS 1.2 gặp sự cố ({how}); chuyển sang bấm số dự phòng."
        if reason:
            description += f" Lý do: {reason}"
        return lifecycle.report_incident(
            "2.8",
            description,
            user=user if user and not automatic else None,
            scope="QMS 1.2",
            source_key=PRIMARY_SOURCE,
            is_automatic=True,
        )
    if incident_id is None:
        return None
    if new == "draining":
        return _add_row(
            incident_id,
            "primary_back",
            "QMS 1.2 hoạt động trở lại; đang gọi hết số dự phòng còn chờ",
            {"old": old, "new": new},
            user,
        )
    if new in ("standby", "standalone"):
        return lifecycle.resolve(
            incident_id,
            "Tự động: hệ thống QMS 1.2 hoạt động trở lại"
            if new == "standby"
            else "Chuyển sang chế độ độc lập (không dùng QMS 1.2)",
            user=user if not automatic else None,
            automatic=True,
        )
    return None


def on_app_started(unclean=False, **_):
    if not unclean:
        return None
    incident_id = _open_id_by_source(POWER_SOURCE)
    if incident_id is not None:
        return _add_row(
            incident_id, "restarted_again", "Máy chủ lại khởi động sau khi tắt đột ngột"
        )
    return lifecycle.report_incident(
        "2.7",
        "Tự động: máy chủ khởi động lại sau khi tắt đột ngột — có thể đã mất điện. "
        "Cần cán bộ xác nhận hoặc loại bỏ.",
        scope="Máy chủ HCC Queue",
        source_key=POWER_SOURCE,
        is_automatic=True,
        needs_confirmation=True,
    )


def connect_signals(app):
    """Listen to this app's signals only; a receiver's failure is logged, never raised."""

    def guarded(name, fn):
        def receiver(sender, **kwargs):
            try:
                with app.app_context():
                    fn(**kwargs)
            except Exception:  # a failing incident must never break printing or mode switching
                log.exception("automatic incident from %s failed", name)

        return receiver

    signals.device_failed.connect(
        guarded("device_failed", on_device_failed), sender=app, weak=False
    )
    signals.device_recovered.connect(
        guarded("device_recovered", on_device_recovered), sender=app, weak=False
    )
    signals.mode_changed.connect(guarded("mode_changed", on_mode_changed), sender=app, weak=False)
    signals.app_started.connect(guarded("app_started", on_app_started), sender=app, weak=False)

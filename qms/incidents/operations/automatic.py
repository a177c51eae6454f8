"""Automatic incidents: signal receivers for device faults, the primary QMS failing and
returning, and unclean starts (a possible power cut). Each open incident is found again by its
source key, so a repeated fault adds a timeline row instead of a second incident.

The receivers answer nothing (no sender needs a value), never mutate their arguments and never
raise into the sender: a failing incident must not break printing or mode switching."""

import logging
import re

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.extensions import get_db
from qms.incidents import alerts
from qms.incidents.models import OPEN_STATUSES, Incident
from qms.incidents.operations import drills, lifecycle
from qms.incidents.operations.timeline import changed, load, record

log = logging.getLogger(__name__)

DEFAULT_DEVICE_TYPES = {
    "printer": "2.1",
    "network": "2.3",
    "router": "2.3",
    "internet": "2.3",
    "disk": "2.4",  # the data disk filling up stops the software: plan 2.4
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
# " / english" after a Vietnamese phrase, up to a closing parenthesis or the end
BILINGUAL_SLASH = re.compile(r"\s+/\s+[\x20-\x7e]*?(?=\)|$)")
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


def vietnamese_only(text):
    """The book goes to the province in Vietnamese: drop an English half ("… / cannot connect",
    "…. Primary QMS not responding (…)") that an older probe or a caller may still add."""
    kept = []
    for sentence in BILINGUAL_SLASH.sub("", text or "").split(". "):
        if _looks_english(re.sub(r"\(.*?\)", "", sentence)):
            detail = re.findall(r"\((.*?)\)", sentence)  # keep its Vietnamese detail, if any
            if detail and kept and not _looks_english(detail[0]):
                kept[-1] = kept[-1].rstrip(".") + f" ({detail[0]})"
            continue
        kept.append(sentence)
    return ". ".join(kept).strip().rstrip(".").strip()


def _looks_english(sentence):
    words = [w for w in sentence.split() if w.isalpha()]
    return sentence.isascii() and len(words) >= 2


def primary_description(reason, automatic):
    how = "tự động phát hiện" if automatic else "lãnh đạo chuyển chế độ"
    description = f"Hệ thống QMS 1.2 gặp sự cố ({how}); chuyển sang bấm số dự phòng."
    if automatic:  # the probe's words; what leadership typed stays as typed
        reason = vietnamese_only(reason)
    if reason:
        description += f" Lý do: {reason}."
    return description


def on_mode_changed(old, new, reason="", user=None, automatic=False, **_):
    incident_id = _open_id_by_source(PRIMARY_SOURCE)
    if new == "fallback":
        if incident_id is not None:
            return None
        with get_db().read() as s:
            is_drill = drills.running_drill(s) is not None
        incident = lifecycle.report_incident(
            "2.8",
            ("Diễn tập: " if is_drill else "") + primary_description(reason, automatic),
            user=user if user and not automatic else None,
            scope="QMS 1.2",
            source_key=PRIMARY_SOURCE,
            is_automatic=True,
            is_drill=is_drill,
        )
        if is_drill:
            with get_db().write() as s:
                drill = drills.running_drill(s)
                if drill is not None:
                    drills.note_created(s, drill, "incidents", incident["id"])
        return incident
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


def _open_ids(s):
    """Every open incident, newest first (a pause concerns whichever are open)."""
    return list(
        s.scalars(
            select(Incident.id)
            .where(Incident.status.in_(OPEN_STATUSES))
            .order_by(Incident.id.desc())
        )
    )


def on_reception_changed(paused, reason="", user=None, **_):
    """A centre-wide pause or resume of reception goes into the timeline of every open incident
    (Đại Sơn plan, power cut: "Báo cáo lãnh đạo Trung tâm tạm dừng tiếp nhận")."""
    if paused:
        kind, summary = "reception_paused", "Lãnh đạo tạm dừng tiếp nhận toàn Trung tâm"
        if reason:
            summary += f": {reason}"
    else:
        kind, summary = "reception_resumed", "Tiếp nhận trở lại toàn Trung tâm"
    with get_db().write() as s:
        ids = _open_ids(s)
        for incident_id in ids:
            record(s, load(s, incident_id), kind, summary, {"reason": reason or ""}, user)
    for incident_id in ids:
        changed(incident_id, kind)
    return ids


PAPER_ROWS = {
    "received": "Tiếp nhận hồ sơ giấy {code}: {procedure}",
    "entered": "Hồ sơ giấy {code} đã nhập vào hệ thống (mã {official_code})",
    "returned": "Hồ sơ giấy {code} đã trả kết quả",
}


def on_paper_dossier_changed(dossier, action, **_):
    """A paper dossier taken because of an incident shows in its timeline (no personal data)."""
    incident_id = dossier.get("incident")
    if not incident_id or action not in PAPER_ROWS:
        return None
    summary = PAPER_ROWS[action].format(
        **{**dossier, "official_code": dossier.get("official_code")}
    )
    with get_db().write() as s:
        incident = load(s, incident_id)
        record(s, incident, f"paper_{action}", summary, {"dossier": dossier["id"]})
        drill = drills.running_drill(s) if dossier.get("is_drill") else None
        if drill is not None and action == "received":
            drills.note_created(s, drill, "dossiers", dossier["code"])
    return changed(incident_id, f"paper_{action}")


def on_account_locked(username, full_name="", until=None, attempts=5, **_):
    """Plan 2.2 "Lỗi đăng nhập tài khoản": an account locked after wrong passwords (centre-admin).
    One open incident per account; a second lock adds a timeline row."""
    source_key = f"account:{username}"
    who = f"{full_name} ({username})" if full_name else username
    summary = f"Tài khoản {who} bị tạm khóa sau {attempts} lần nhập sai mật khẩu"
    incident_id = _open_id_by_source(source_key)
    if incident_id is not None:
        return _add_row(incident_id, "account_locked_again", summary, {"until": until})
    return lifecycle.report_incident(
        "2.2",
        f"Tự động: {summary}. Liên hệ quản trị viên để mở khóa hoặc cấp lại mật khẩu.",
        scope=f"Tài khoản {username}"[:200],
        source_key=source_key,
        is_automatic=True,
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
    # the centre-wide pause (centre feature) and paper dossiers in the timeline
    signals.reception_changed.connect(
        guarded("reception_changed", on_reception_changed), sender=app, weak=False
    )
    signals.paper_dossier_changed.connect(
        guarded("paper_dossier_changed", on_paper_dossier_changed), sender=app, weak=False
    )
    # new incidents alert IT and leadership by e-mail (the staff pages hear the socket event)
    signals.incident_changed.connect(
        guarded("alert", alerts.on_incident_changed), sender=app, weak=False
    )
    # plan 2.2: an account locked after wrong passwords (auth feature)
    signals.account_locked.connect(
        guarded("account_locked", on_account_locked), sender=app, weak=False
    )

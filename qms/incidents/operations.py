"""Every incident write: one transaction, one timeline row per change, then incident_changed."""

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.incidents.catalogue import PLAN_TYPES
from qms.incidents.models import (
    OPEN_STATUSES,
    Incident,
    IncidentEvent,
    IncidentQuarterNote,
    IncidentType,
)
from qms.models import log_event, utcnow
from qms.timeutil import zone

log = logging.getLogger(__name__)

SYSTEM_NAME = "Hệ thống (tự động)"
CHANNELS = {
    "phone": "Điện thoại",
    "zalo": "Zalo",
    "email": "Email",
    "in_person": "Trực tiếp",
    "document": "Công văn",
    "other": "Khác",
}
CATEGORIES = ("simple", "complex")


# --- the one function that writes the timeline ---------------------------------------------


def record(s, incident, kind, summary, data=None, user=None, at=None):
    """One audit row per change: the incident's timeline and the centre's log."""
    user_id = user["id"] if user else None
    s.add(
        IncidentEvent(
            incident_id=incident.id,
            kind=kind,
            event_dt=at or utcnow(),
            user_id=user_id,
            summary=summary[:300],
            data=data or {},
        )
    )
    log_event(
        s, f"incident.{kind}", f"#{incident.id} {summary}", {"incident": incident.id}, user_id
    )


def _changed(incident_id, action):
    from qms.incidents.queries import get_incident

    incident = get_incident(incident_id, with_timeline=False)
    signals.incident_changed.send(
        current_app._get_current_object(), incident=incident, action=action
    )
    return incident


def _user_name(user):
    if not user:
        return SYSTEM_NAME
    return user.get("name") or user.get("username") or ""


# --- input helpers ----------------------------------------------------------------------------


def parse_local_datetime(text, field):
    """'2026-11-22T08:30' (centre's local time) or with an offset → naive UTC."""
    if text is None or text == "":
        return None
    try:
        value = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise Invalid(
            f"'{field}' phải là ngày giờ dạng YYYY-MM-DDTHH:MM. '{field}' must be an ISO date-time.",
            "invalid_datetime",
            field=field,
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    value = value.astimezone(UTC).replace(tzinfo=None)
    if value > utcnow() + timedelta(minutes=5):
        raise Invalid(
            f"'{field}' không được ở tương lai. '{field}' cannot be in the future.",
            "future_datetime",
            field=field,
        )
    return value


def _text(value, field, max_len, required=True):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"Cần nhập '{field}'. '{field}' is required.", "missing_field", field=field)
    if len(value) > max_len:
        raise Invalid(f"'{field}' quá dài. '{field}' is too long.", "too_long", field=field)
    return value


def _load(s, incident_id):
    incident = s.get(Incident, incident_id)
    if incident is None:
        raise NotFound("Không có sự cố này. Unknown incident.", "unknown_incident")
    return incident


def _require_open(incident):
    if incident.status not in OPEN_STATUSES:
        raise Conflict(
            "Sự cố đã được khắc phục hoặc đã đóng. The incident is no longer open.",
            "incident_not_open",
        )


# --- catalogue --------------------------------------------------------------------------------


def ensure_catalogue():
    """Add any plan type missing from the table (idempotent); returns how many were added."""
    with get_db().write() as s:
        present = set(s.scalars(select(IncidentType.code)))
        added = 0
        for position, item in enumerate(PLAN_TYPES):
            if item["code"] in present:
                continue
            s.add(
                IncidentType(
                    code=item["code"],
                    title=item["title"],
                    title_en=item["title_en"],
                    category=item["category"],
                    symptoms=item["symptoms"],
                    steps=list(item["steps"]),
                    responsible=item["responsible"],
                    contacts=list(item["contacts"]),
                    position=position,
                    is_active=True,
                )
            )
            added += 1
        if added:
            log_event(s, "incident.catalogue_seeded", f"{added} incident types added", {})
    return added


def catalogue_ready():
    """Seed lazily once per process: the migration seeds too, but a database reset may not."""
    app = current_app._get_current_object()
    if not app.extensions.get("qms_incident_catalogue"):
        ensure_catalogue()
        app.extensions["qms_incident_catalogue"] = True


def _clean_type_fields(data, partial):
    clean = {}
    if "title" in data or not partial:
        clean["title"] = _text(data.get("title"), "title", 200)
    if data.get("title_en") is not None:
        clean["title_en"] = _text(data.get("title_en"), "title_en", 200, required=False)
    if "category" in data or not partial:
        if data.get("category") not in CATEGORIES:
            raise Invalid(
                "Phân loại phải là simple hoặc complex. Category must be simple or complex.",
                "invalid_category",
                field="category",
            )
        clean["category"] = data["category"]
    for field in ("symptoms", "responsible"):
        if data.get(field) is not None:
            clean[field] = _text(data.get(field), field, 2000, required=False)
    for field in ("steps", "contacts"):
        if data.get(field) is not None:
            items = data[field]
            if isinstance(items, str):
                items = items.splitlines()
            if not isinstance(items, list) or len(items) > 30:
                raise Invalid(
                    f"'{field}' phải là danh sách. '{field}' must be a list.", "invalid_list"
                )
            items = [str(i).strip()[:500] for i in items if str(i).strip()]
            clean[field] = items
    if data.get("is_active") is not None:
        clean["is_active"] = bool(data["is_active"])
    if data.get("position") is not None:
        clean["position"] = int(data["position"])
    return clean


def create_type(data, user=None):
    catalogue_ready()
    code = _text(data.get("code"), "code", 10)
    if not all(part.isdigit() for part in code.split(".")):
        raise Invalid(
            "Mã loại sự cố có dạng 2.10. A type code looks like 2.10.", "invalid_code", field="code"
        )
    fields = _clean_type_fields(data, partial=False)
    with get_db().write() as s:
        if s.get(IncidentType, code) is not None:
            raise Conflict(f"Đã có loại sự cố {code}. Type {code} exists.", "type_exists")
        if "position" not in fields:
            fields["position"] = len(s.scalars(select(IncidentType.code)).all())
        s.add(IncidentType(code=code, **fields))
        log_event(
            s, "incident.type_created", f"{code} {fields['title']}", {"code": code}, _uid(user)
        )
    return code


def update_type(code, data, user=None):
    catalogue_ready()
    fields = _clean_type_fields(data, partial=True)
    with get_db().write() as s:
        item = s.get(IncidentType, code)
        if item is None:
            raise NotFound("Không có loại sự cố này. Unknown incident type.", "unknown_type")
        for key, value in fields.items():
            setattr(item, key, value)
        log_event(
            s,
            "incident.type_updated",
            f"{code} {item.title}",
            {"fields": sorted(fields)},
            _uid(user),
        )
    return code


def _uid(user):
    return user["id"] if user else None


# --- lifecycle --------------------------------------------------------------------------------


def report_incident(
    type_code,
    description="",
    user=None,
    occurred_at=None,
    scope="",
    is_drill=False,
    source_key=None,
    is_automatic=False,
    needs_confirmation=False,
    action="reported",
):
    catalogue_ready()
    description = _text(description, "description", 2000, required=False)
    scope = _text(scope, "scope", 200, required=False)
    occurred = (
        occurred_at
        if isinstance(occurred_at, datetime)
        else parse_local_datetime(occurred_at, "occurred_at")
    )
    now = utcnow()
    with get_db().write() as s:
        kind = s.get(IncidentType, str(type_code))
        if kind is None or not kind.is_active:
            raise NotFound(
                f"Không có loại sự cố '{type_code}'. Unknown incident type.",
                "unknown_type",
                field="type",
            )
        incident = Incident(
            type_code=kind.code,
            status="reported",
            description=description,
            scope=scope,
            source_key=source_key,
            is_drill=bool(is_drill),
            is_automatic=is_automatic,
            needs_confirmation=needs_confirmation,
            occurred_dt=occurred or now,
            reported_dt=now,
            reporter_id=_uid(user),
            reporter_name=_user_name(user),
            checklist=[
                {"text": step, "done": False, "done_dt": None, "done_by": None}
                for step in kind.steps
            ],
            escalations=[],
            resolution="",
            outcome="",
        )
        s.add(incident)
        s.flush()
        label = "Diễn tập: " if incident.is_drill else ""
        record(
            s,
            incident,
            "reported",
            f"{label}Báo sự cố {kind.code} {kind.title}",
            {"description": description, "scope": scope, "automatic": is_automatic},
            user,
        )
        incident_id = incident.id
    return _changed(incident_id, action)


def tick_step(incident_id, n, done, user):
    done = bool(done)
    with get_db().write() as s:
        incident = _load(s, incident_id)
        _require_open(incident)
        checklist = [dict(step) for step in incident.checklist]
        if not 1 <= n <= len(checklist):
            raise NotFound("Không có bước này. Unknown step.", "unknown_step", step=n)
        step = checklist[n - 1]
        changed = step["done"] != done
        if changed:
            step["done"] = done
            step["done_dt"] = utcnow().isoformat(timespec="seconds") if done else None
            step["done_by"] = _user_name(user) if done else None
            incident.checklist = checklist  # a new list: JSON columns track assignment only
            if done and incident.status == "reported":
                incident.status = "handling"
            verb = "Đã làm" if done else "Bỏ đánh dấu"
            kind = "step_done" if done else "step_undone"
            record(s, incident, kind, f"{verb} bước {n}: {step['text']}", {"step": n}, user)
    if not changed:  # ticking twice is harmless and writes nothing
        from qms.incidents.queries import get_incident

        return get_incident(incident_id, with_timeline=False)
    return _changed(incident_id, "step")


def add_note(incident_id, text, user):
    text = _text(text, "text", 2000)
    with get_db().write() as s:
        incident = _load(s, incident_id)
        if incident.status == "closed":
            raise Conflict("Sự cố đã đóng. The incident is closed.", "incident_closed")
        record(s, incident, "note", text[:300], {"text": text}, user)
    return _changed(incident_id, "note")


def escalate(incident_id, to, channel, note="", user=None, at=None):
    to = _text(to, "to", 200)
    note = _text(note, "note", 1000, required=False)
    if channel not in CHANNELS:
        raise Invalid(
            f"Hình thức liên hệ không hợp lệ. Channel must be one of {', '.join(CHANNELS)}.",
            "invalid_channel",
            field="channel",
        )
    when = at if isinstance(at, datetime) else parse_local_datetime(at, "at")
    when = when or utcnow()
    with get_db().write() as s:
        incident = _load(s, incident_id)
        _require_open(incident)
        entry = {
            "to": to,
            "channel": channel,
            "note": note,
            "at": when.isoformat(timespec="seconds"),
            "by": _user_name(user),
        }
        incident.escalations = [*incident.escalations, entry]
        if incident.escalated_dt is None:
            incident.escalated_dt = when
        incident.status = "escalated"
        record(s, incident, "escalated", f"Chuyển cấp: {to} ({CHANNELS[channel]})", entry, user)
    return _changed(incident_id, "escalated")


def resolve(incident_id, resolution, user=None, at=None, automatic=False):
    resolution = _text(resolution, "resolution", 2000)
    when = at if isinstance(at, datetime) else parse_local_datetime(at, "resolved_at")
    when = when or utcnow()
    with get_db().write() as s:
        incident = _load(s, incident_id)
        _require_open(incident)
        if when < incident.occurred_dt:
            raise Invalid(
                "Thời điểm khắc phục trước thời điểm xảy ra. Resolved before it occurred.",
                "resolved_before_occurred",
                field="resolved_at",
            )
        incident.status = "resolved"
        incident.resolution = resolution
        incident.resolved_dt = when
        incident.resolved_by_id = _uid(user)
        incident.outcome = "fixed"
        had_notice = _drop_notice(incident)
        record(
            s,
            incident,
            "resolved",
            f"Đã khắc phục: {resolution}",
            {"resolution": resolution, "automatic": automatic, "notice_withdrawn": had_notice},
            user,
        )
    _withdraw_after(incident_id, had_notice)
    return _changed(incident_id, "resolved")


def close(incident_id, user=None):
    with get_db().write() as s:
        incident = _load(s, incident_id)
        if incident.status != "resolved":
            raise Conflict(
                "Chỉ đóng được sự cố đã khắc phục. Resolve the incident before closing it.",
                "incident_not_resolved",
            )
        incident.status = "closed"
        incident.closed_dt = utcnow()
        had_notice = _drop_notice(incident)
        record(s, incident, "closed", "Đóng sự cố (ghi sổ)", {}, user)
    _withdraw_after(incident_id, had_notice)
    return _changed(incident_id, "closed")


def confirm(incident_id, user=None):
    with get_db().write() as s:
        incident = _load(s, incident_id)
        if not incident.needs_confirmation:
            raise Conflict("Sự cố không cần xác nhận. Nothing to confirm.", "nothing_to_confirm")
        incident.needs_confirmation = False
        record(s, incident, "confirmed", "Xác nhận đây là sự cố thật", {}, user)
    return _changed(incident_id, "confirmed")


def dismiss(incident_id, reason="", user=None):
    """Close as not-an-incident (e.g. an unclean restart that was not a power cut)."""
    reason = _text(reason, "reason", 500, required=False)
    with get_db().write() as s:
        incident = _load(s, incident_id)
        _require_open(incident)
        now = utcnow()
        incident.status = "closed"
        incident.outcome = "dismissed"
        incident.needs_confirmation = False
        incident.resolution = "Không phải sự cố" + (f": {reason}" if reason else "")
        incident.resolved_dt = now
        incident.closed_dt = now
        had_notice = _drop_notice(incident)
        record(s, incident, "dismissed", incident.resolution, {"reason": reason}, user)
    _withdraw_after(incident_id, had_notice)
    return _changed(incident_id, "dismissed")


def start_paper_reception(incident_id, user=None):
    """The plan's general process: a lasting incident moves reception to paper for a while."""
    with get_db().write() as s:
        incident = _load(s, incident_id)
        _require_open(incident)
        if incident.paper_dt is not None:
            raise Conflict(
                "Đã chuyển sang tiếp nhận hồ sơ giấy. Paper reception already started.",
                "paper_already",
            )
        incident.paper_dt = utcnow()
        record(
            s, incident, "paper_reception", "Chuyển sang tiếp nhận hồ sơ giấy tạm thời", {}, user
        )
    return _changed(incident_id, "paper_reception")


# --- public notice ------------------------------------------------------------------------------


def _drop_notice(incident):
    had = incident.notice_id is not None
    incident.notice_id = None
    return had


def _withdraw_after(incident_id, had_notice):
    if had_notice:
        from qms.notices import withdraw_notice

        withdraw_notice(source="incident", source_ref=str(incident_id))


def publish_incident_notice(incident_id, text, user=None):
    from qms.notices import publish_notice, withdraw_notice

    text = _text(text, "text", 300)
    with get_db().read() as s:
        _require_open(_load(s, incident_id))
    withdraw_notice(source="incident", source_ref=str(incident_id))  # one notice per incident
    notice_id = publish_notice(
        text, "", source="incident", source_ref=str(incident_id), user_id=_uid(user)
    )
    with get_db().write() as s:
        incident = _load(s, incident_id)
        incident.notice_id = notice_id
        record(
            s,
            incident,
            "notice_published",
            f"Thông báo công khai: {text}",
            {"notice": notice_id, "text": text},
            user,
        )
    return _changed(incident_id, "notice")


def withdraw_incident_notice(incident_id, user=None):
    from qms.notices import withdraw_notice

    with get_db().read() as s:
        _load(s, incident_id)
    count = withdraw_notice(source="incident", source_ref=str(incident_id))
    with get_db().write() as s:
        incident = _load(s, incident_id)
        incident.notice_id = None
        record(s, incident, "notice_withdrawn", "Gỡ thông báo công khai", {"count": count}, user)
    return _changed(incident_id, "notice")


# --- quarterly proposals ------------------------------------------------------------------------


def save_quarter_note(year, quarter, proposals, number="", user=None):
    if not (2000 <= int(year) <= 2100 and 1 <= int(quarter) <= 4):
        raise Invalid("Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter")
    proposals = _text(proposals, "proposals", 5000, required=False)
    number = _text(number, "number", 40, required=False)
    with get_db().write() as s:
        note = s.get(IncidentQuarterNote, (int(year), int(quarter)))
        if note is None:
            note = IncidentQuarterNote(year=int(year), quarter=int(quarter))
            s.add(note)
        note.proposals = proposals
        note.number = number
        note.updated_by_id = _uid(user)
        log_event(s, "incident.proposals", f"Đề xuất quý {quarter}/{year}", {}, _uid(user))
    return {"year": int(year), "quarter": int(quarter), "proposals": proposals, "number": number}


# --- automatic incidents (signal handlers) -------------------------------------------------------

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


def _open_by_source(s, source_key):
    return s.scalars(
        select(Incident)
        .where(Incident.source_key == source_key, Incident.status.in_(OPEN_STATUSES))
        .order_by(Incident.id.desc())
    ).first()


def device_type_code(device):
    mapping = {**DEFAULT_DEVICE_TYPES, **(current_app.config.get("INCIDENT_DEVICE_TYPES") or {})}
    prefix = str(device).split(":", 1)[0].lower()
    return mapping.get(prefix, DEVICE_FALLBACK_TYPE)


DEVICE_KINDS = {
    "paper_out": "Hết giấy",
    "paper_low": "Sắp hết giấy",
    "offline": "Mất kết nối",
    "cover_open": "Nắp máy đang mở",
    "error": "Báo lỗi",
    "paper_jam": "Kẹt giấy",
}


def on_device_failed(device, kind, message="", data=None, **_):
    """Open one incident per fault; a repeated failure adds a timeline row instead."""
    catalogue_ready()
    source_key = f"device:{device}"
    label = DEVICE_KINDS.get(kind, kind)
    summary = f"{device}: {label}" + (f" — {message}" if message else "")
    with get_db().write() as s:
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
        return _changed(incident_id, "device_failed_again")
    return report_incident(
        device_type_code(device),
        f"Tự động: {summary}",
        user=None,
        scope=str(device)[:200],
        source_key=source_key,
        is_automatic=True,
    )


def on_device_recovered(device, kind="", message="", **_):
    source_key = f"device:{device}"
    with get_db().read() as s:
        existing = _open_by_source(s, source_key)
        incident_id = existing.id if existing else None
    if incident_id is None:
        return None
    return resolve(incident_id, "Tự động: thiết bị hoạt động trở lại", automatic=True)


PRIMARY_SOURCE = "mode:primary"


def on_mode_changed(old, new, reason="", user=None, automatic=False, **_):
    if new == "fallback":
        with get_db().read() as s:
            existing = _open_by_source(s, PRIMARY_SOURCE)
        if existing is not None:
            return None
        how = "tự động phát hiện" if automatic else "lãnh đạo chuyển chế độ"
        description = f"Hệ thống QMS 1.2 gặp sự cố ({how}); chuyển sang bấm số dự phòng."
        if reason:
            description += f" Lý do: {reason}"
        return report_incident(
            "2.8",
            description,
            user=user if user and not automatic else None,
            scope="QMS 1.2",
            source_key=PRIMARY_SOURCE,
            is_automatic=True,
        )
    with get_db().read() as s:
        existing = _open_by_source(s, PRIMARY_SOURCE)
        incident_id = existing.id if existing else None
    if incident_id is None:
        return None
    if new == "draining":
        with get_db().write() as s:
            record(
                s,
                _load(s, incident_id),
                "primary_back",
                "QMS 1.2 hoạt động trở lại; đang gọi hết số dự phòng còn chờ",
                {"old": old, "new": new},
                user,
            )
        return _changed(incident_id, "primary_back")
    if new in ("standby", "standalone"):
        return resolve(
            incident_id,
            "Tự động: hệ thống QMS 1.2 hoạt động trở lại"
            if new == "standby"
            else "Chuyển sang chế độ độc lập (không dùng QMS 1.2)",
            user=user if not automatic else None,
            automatic=True,
        )
    return None


POWER_SOURCE = "app:unclean-start"


def on_app_started(unclean=False, **_):
    if not unclean:
        return None
    with get_db().read() as s:
        existing = _open_by_source(s, POWER_SOURCE)
        incident_id = existing.id if existing else None
    if incident_id is not None:
        with get_db().write() as s:
            record(
                s,
                _load(s, incident_id),
                "restarted_again",
                "Máy chủ lại khởi động sau khi tắt đột ngột",
                {},
            )
        return _changed(incident_id, "restarted_again")
    return report_incident(
        "2.7",
        "Tự động: máy chủ khởi động lại sau khi tắt đột ngột — có thể đã mất điện. "
        "Cần cán bộ xác nhận hoặc loại bỏ.",
        scope="Máy chủ HCC Queue",
        source_key=POWER_SOURCE,
        is_automatic=True,
        needs_confirmation=True,
    )


def connect_signals(app):
    """Listeners for the automatic incidents; they never raise into the sender."""

    def guarded(name, fn):
        def handler(sender, **kwargs):
            try:
                with app.app_context():
                    fn(**kwargs)
            except Exception:  # a failing incident must never break printing or mode switching
                log.exception("automatic incident from %s failed", name)

        return handler

    signals.device_failed.connect(
        guarded("device_failed", on_device_failed), sender=app, weak=False
    )
    signals.device_recovered.connect(
        guarded("device_recovered", on_device_recovered), sender=app, weak=False
    )
    signals.mode_changed.connect(guarded("mode_changed", on_mode_changed), sender=app, weak=False)
    signals.app_started.connect(guarded("app_started", on_app_started), sender=app, weak=False)

"""Every write of the centre: calendar, reception pause, settings; each with its audit row
(who, when, before → after), then the board is pushed again."""

from flask import current_app

from qms import signals
from qms.calendar import CALENDAR_KEY, NOT_PAUSED, RECEPTION_KEY, validate_calendar
from qms.centre import settings
from qms.errors import Invalid
from qms.extensions import get_db
from qms.models import Setting, log_event
from qms.timeutil import iso, utcnow


def _app():
    return current_app._get_current_object()


def _put(s, key, value):
    row = s.get(Setting, key)
    before = dict(row.value) if row else None
    if value is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value
    return before


def set_calendar(data, user_id=None):
    """PUT /calendar: the whole calendar, validated first; None clears it (always open)."""
    clean = None if data is None else validate_calendar(data)
    with get_db().write() as s:
        before = _put(s, CALENDAR_KEY, clean)
        log_event(
            s,
            "centre.calendar",
            "Xóa lịch làm việc (luôn mở)" if clean is None else "Sửa lịch làm việc",
            {"before": before, "after": clean},
            user_id,
        )
    signals.setup_changed.send(_app())
    signals.queue_changed.send(_app())
    return clean


def set_reception(paused, reason, user=None):
    """Pause or resume taking numbers centre-wide; tickets already waiting stay."""
    reason = (reason or "").strip()
    if paused and not reason:
        raise Invalid(
            "Hãy ghi lý do tạm dừng (ví dụ: mất điện, hệ thống gặp sự cố). "
            "Give a reason for the pause.",
            "missing_reason",
        )
    user_id = user["id"] if user else None
    with get_db().write() as s:
        row = s.get(Setting, RECEPTION_KEY)
        before = {**NOT_PAUSED, **(row.value if row else {})}
        if paused:
            since = before["since"] if before["paused"] else iso(utcnow())
            after = {"paused": True, "reason": reason[:300], "since": since, "by": user_id}
        else:
            after = dict(NOT_PAUSED)
        _put(s, RECEPTION_KEY, after)
        log_event(
            s,
            "centre.reception",
            f"Tạm dừng tiếp nhận: {reason}" if paused else "Tiếp nhận trở lại",
            {"before": before, "after": after},
            user_id,
        )
    signals.reception_changed.send(_app(), paused=bool(paused), reason=after["reason"], user=user)
    signals.setup_changed.send(_app())
    signals.queue_changed.send(_app())
    return after


def _check_setting(key, value):
    label_vi, label_en, rule = settings.FIELDS[key]
    if isinstance(rule, tuple):
        if value not in rule:
            raise Invalid(
                f"{label_vi}: chọn một trong {', '.join(rule)}. {label_en}: one of {rule}.",
                "invalid_value",
                field=key,
            )
        return value
    if key == "PRIORITY_RATIO":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= rule:
            raise Invalid(
                f"{label_vi} phải từ 1 đến {rule}. {label_en} must be 1–{rule}.",
                "invalid_value",
                field=key,
            )
        return value
    if not isinstance(value, str):
        raise Invalid(
            f"{label_vi} phải là chữ. {label_en} must be text.", "invalid_type", field=key
        )
    value = value.strip()
    if len(value) > rule:
        raise Invalid(
            f"{label_vi} dài quá {rule} ký tự. {label_en} is too long.", "too_long", field=key
        )
    if key in ("CENTRE_NAME", "COMMUNE_NAME") and not value:
        raise Invalid(
            f"{label_vi} không được để trống. {label_en} is required.", "missing_field", field=key
        )
    if key == "ANNOUNCE_TEMPLATE":
        try:
            value.format(code="A001", counter=1)
        except (KeyError, IndexError, ValueError):
            raise Invalid(
                "Câu mời chỉ dùng {code} (số thứ tự) và {counter} (số quầy). "
                "The sentence may use only {code} and {counter}.",
                "invalid_template",
                field=key,
            ) from None
        if "{code}" not in value or "{counter}" not in value:
            raise Invalid(
                "Câu mời phải có cả {code} và {counter}. The sentence needs {code} and {counter}.",
                "invalid_template",
                field=key,
            )
    return value


def update_settings(changes, user_id=None):
    """Change some of the centre's settings; None for a key goes back to the configuration."""
    unknown = [k for k in changes if k not in settings.FIELDS]
    if unknown:
        raise Invalid(f"Không có mục '{unknown[0]}'. Unknown setting.", "unknown_field")
    clean = {k: (None if v is None else _check_setting(k, v)) for k, v in changes.items()}
    with get_db().write() as s:
        current = settings.stored(s)
        effective = {**settings.defaults(), **current}
        after = {**current, **{k: v for k, v in clean.items() if v is not None}}
        for key in [k for k, v in clean.items() if v is None]:
            after.pop(key, None)
        new_effective = {**settings.defaults(), **after}
        diff = [k for k in settings.FIELDS if effective.get(k) != new_effective.get(k)]
        _put(s, settings.SETTINGS_KEY, after or None)
        if diff:
            log_event(
                s,
                "centre.settings",
                f"Sửa thông tin trung tâm: {', '.join(diff)}",
                {
                    "before": {k: effective.get(k) for k in diff},
                    "after": {k: new_effective.get(k) for k in diff},
                },
                user_id,
            )
    settings.apply(_app(), after)
    signals.setup_changed.send(_app())
    signals.queue_changed.send(_app())
    return new_effective

"""Set-up of the queue: services, counters and the priority categories.

Each change is checked whole before anything is written, runs in one transaction with its
audit row (who, when, before → after), then the board is pushed again.
"""

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.errors import Conflict, Invalid
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries
from qms.queue.models import COUNTER_STATES, Counter, CounterService, PriorityCategory, Service

MAX_CAP = 9999  # numbers per service per day: four digits on the ticket


def _app():
    return current_app._get_current_object()


def _changed():
    signals.setup_changed.send(_app())
    signals.queue_changed.send(_app())


def _audit(s, kind, summary, before, after, user_id):
    if before == after:
        return
    keys = [k for k in (after or before) if (before or {}).get(k) != (after or {}).get(k)]
    log_event(
        s,
        kind,
        summary,
        {
            "before": {k: before.get(k) for k in keys} if before else None,
            "after": {k: after.get(k) for k in keys} if after else None,
        },
        user_id,
    )


def _service_snapshot(service):
    return {
        "name": service.name_vi,
        "name_en": service.name_en,
        "description": service.description,
        "active": service.is_active,
        "position": service.position,
        "daily_cap": service.daily_cap,
    }


def clean_code(code):
    code = (code or "").strip().upper()
    if not code.isascii() or not code.isalpha() or not 1 <= len(code) <= 3:
        raise Invalid(
            "Mã lĩnh vực phải là 1–3 chữ cái không dấu (ví dụ A). "
            "Service code must be 1–3 letters A–Z.",
            "invalid_code",
        )
    return code


def _required_text(value, label_vi, label_en, limit):
    value = (value or "").strip()
    if not value:
        raise Invalid(f"{label_vi} không được để trống. {label_en} is required.", "invalid_name")
    if len(value) > limit:
        raise Invalid(f"{label_vi} dài quá {limit} ký tự. {label_en} is too long.", "too_long")
    return value


def upsert_service(
    code,
    name_vi,
    name_en="",
    is_active=True,
    position=0,
    description="",
    daily_cap=None,
    *,
    user_id=None,
    create=False,
):
    """Create or change a service; create=True refuses a prefix already in use."""
    code = clean_code(code)
    name_vi = _required_text(name_vi, "Tên lĩnh vực", "Service name", 200)
    description = (description or "").strip()
    if len(description) > 200:
        raise Invalid("Mô tả dài quá 200 ký tự. Description is too long.", "too_long")
    if daily_cap is not None and (
        isinstance(daily_cap, bool)
        or not isinstance(daily_cap, int)
        or not 0 <= daily_cap <= MAX_CAP
    ):
        raise Invalid(
            f"Giới hạn số mỗi ngày phải từ 0 đến {MAX_CAP}, hoặc để trống nếu không giới hạn. "
            f"daily_cap must be 0–{MAX_CAP} or null.",
            "invalid_cap",
            field="daily_cap",
        )
    with get_db().write() as s:
        service = s.scalar(select(Service).where(Service.code == code))
        if service is not None and create:
            raise Conflict(
                f"Mã lĩnh vực {code} đã được dùng cho “{service.name_vi}”. "
                f"Prefix {code} is already used.",
                "duplicate_code",
            )
        before = _service_snapshot(service) if service else None
        if service is None:
            service = Service(code=code)
            s.add(service)
        service.name_vi, service.name_en = name_vi, (name_en or "").strip()
        service.is_active, service.position = bool(is_active), position
        service.description, service.daily_cap = description, daily_cap
        _audit(
            s,
            "setup.service",
            f"{'Sửa' if before else 'Thêm'} lĩnh vực {code} – {name_vi}",
            before,
            _service_snapshot(service),
            user_id,
        )
    _changed()
    return code


def _counter_snapshot(counter):
    return {
        "name": counter.name,
        "services": [link.service.code for link in counter.links],
        "state": counter.state,
    }


def upsert_counter(number, name, service_codes, state=None, *, user_id=None, create=False):
    """Create or change a counter and the ordered services it serves."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
        raise Invalid("Số quầy phải từ 1 đến 999. Counter number must be 1–999.", "invalid_number")
    name = _required_text(name, "Tên quầy", "Counter name", 100)
    codes = [(c or "").strip().upper() for c in service_codes]
    if len(set(codes)) != len(codes):
        raise Invalid(
            "Một lĩnh vực chỉ được liệt kê một lần. A service is listed twice.", "duplicate_service"
        )
    if state is not None and state not in COUNTER_STATES:
        raise Invalid(f"Trạng thái quầy không hợp lệ: {state}. Unknown state.", "invalid_state")
    with get_db().write() as s:
        services = {svc.code: svc for svc in s.scalars(select(Service))}
        missing = [c for c in codes if c not in services]
        if missing:
            raise Invalid(
                f"Không có lĩnh vực {', '.join(missing)}. Unknown service: {', '.join(missing)}.",
                "unknown_service",
            )
        counter = s.scalar(select(Counter).where(Counter.number == number))
        if counter is not None and create:
            raise Conflict(
                f"Đã có quầy số {number}. Counter {number} already exists.", "duplicate_counter"
            )
        before = _counter_snapshot(counter) if counter else None
        if counter is None:
            counter = Counter(number=number, name=name, state="open")
            s.add(counter)
        counter.name = name
        if state is not None:
            counter.state = state
        counter.links = [
            CounterService(service_id=services[c].id, service=services[c], position=i)
            for i, c in enumerate(codes)
        ]
        s.flush()
        after = _counter_snapshot(counter)
        _audit(
            s,
            "setup.counter",
            f"{'Sửa' if before else 'Thêm'} quầy {number} – {name}",
            before,
            after,
            user_id,
        )
        summary = queries.counter_summary(counter)
    if before is None or before["state"] != after["state"] or before["name"] != after["name"]:
        signals.counter_changed.send(_app(), counter=summary)
    _changed()
    return number


def _priority_snapshot(category):
    return {
        "name": category.name_vi,
        "name_en": category.name_en,
        "icon": category.icon,
        "position": category.position,
        "active": category.is_active,
    }


def upsert_priority(
    code, name_vi, name_en="", icon="", position=0, is_active=True, *, user_id=None, create=False
):
    code = (code or "").strip()
    if not code.isidentifier() or not code.isascii() or len(code) > 20:
        raise Invalid(
            "Mã đối tượng ưu tiên chỉ gồm chữ không dấu, số, gạch dưới (tối đa 20). "
            "Invalid category code.",
            "invalid_code",
        )
    name_vi = _required_text(name_vi, "Tên đối tượng ưu tiên", "Category name", 100)
    with get_db().write() as s:
        category = s.get(PriorityCategory, code)
        if category is not None and create:
            raise Conflict(
                f"Đã có đối tượng ưu tiên mã {code}. Category {code} exists.", "duplicate_code"
            )
        before = _priority_snapshot(category) if category else None
        if category is None:
            category = PriorityCategory(code=code)
            s.add(category)
        category.name_vi, category.name_en, category.icon = name_vi, name_en or "", icon or ""
        category.position, category.is_active = position, bool(is_active)
        _audit(
            s,
            "setup.priority",
            f"{'Sửa' if before else 'Thêm'} đối tượng ưu tiên {code} – {name_vi}",
            before,
            _priority_snapshot(category),
            user_id,
        )
    _changed()
    return code

"""Set-up of the queue: services, counters and the priority categories."""

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.errors import Invalid
from qms.extensions import get_db
from qms.queue.models import Counter, CounterService, PriorityCategory, Service


def _changed():
    signals.queue_changed.send(current_app._get_current_object())


def upsert_service(code, name_vi, name_en="", is_active=True, position=0):
    code = (code or "").strip().upper()
    if not code.isalpha() or not 1 <= len(code) <= 3:
        raise Invalid(
            "Mã lĩnh vực phải là 1–3 chữ cái. Service code must be 1–3 letters.", "invalid_code"
        )
    with get_db().write() as s:
        service = s.scalar(select(Service).where(Service.code == code))
        if service is None:
            service = Service(code=code)
            s.add(service)
        service.name_vi, service.name_en = name_vi, name_en
        service.is_active, service.position = is_active, position
    _changed()
    return code


def upsert_counter(number, name, service_codes):
    if not (name or "").strip():
        raise Invalid("Tên quầy không được để trống. Counter name is required.", "invalid_name")
    if len(set(service_codes)) != len(service_codes):
        raise Invalid(
            "Một lĩnh vực chỉ được liệt kê một lần. A service is listed twice.", "duplicate_service"
        )
    with get_db().write() as s:
        counter = s.scalar(select(Counter).where(Counter.number == number))
        if counter is None:
            counter = Counter(number=number, name=name, state="open")
            s.add(counter)
        counter.name = name
        services = {svc.code: svc for svc in s.scalars(select(Service))}
        missing = [c for c in service_codes if c not in services]
        if missing:
            raise Invalid(f"Không có lĩnh vực {missing}. Unknown services.", "unknown_service")
        counter.links = [
            CounterService(service_id=services[c].id, position=i)
            for i, c in enumerate(service_codes)
        ]
    _changed()
    return number


def upsert_priority(code, name_vi, name_en="", icon="", position=0, is_active=True):
    with get_db().write() as s:
        category = s.get(PriorityCategory, code)
        if category is None:
            category = PriorityCategory(code=code)
            s.add(category)
        category.name_vi, category.name_en, category.icon = name_vi, name_en, icon
        category.position, category.is_active = position, is_active
    return code

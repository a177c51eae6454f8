"""Editing the catalogue of incident types: the plan's nine, and any the centre adds."""

from sqlalchemy import select

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.incidents.contacts import parse_contact
from qms.incidents.inputs import clean_text
from qms.incidents.models import IncidentType
from qms.incidents.operations.timeline import user_id
from qms.incidents.plan import PLAN_TYPES
from qms.models import log_event

CATEGORIES = ("simple", "complex")


def ensure_seeded():
    """Add any plan type missing from the table (idempotent); returns how many were added.

    Migration 0004 seeds the catalogue; `qms init` and `qms incidents seed` call this to
    restore a missing type (e.g. after a PostgreSQL TRUNCATE). Reads never call it."""
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
                    contacts=[parse_contact(c) for c in item["contacts"]],
                    position=position,
                    is_active=True,
                )
            )
            added += 1
        if added:
            log_event(s, "incident.catalogue_seeded", f"{added} incident types added", {})
    return added


def _clean_type_fields(data, partial):
    clean = {}
    if "title" in data or not partial:
        clean["title"] = clean_text(data.get("title"), "title", 200)
    if data.get("title_en") is not None:
        clean["title_en"] = clean_text(data.get("title_en"), "title_en", 200, required=False)
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
            clean[field] = clean_text(data.get(field), field, 2000, required=False)
    for field in ("steps", "contacts"):
        if data.get(field) is not None:
            items = data[field]
            if isinstance(items, str):
                items = items.splitlines()
            if not isinstance(items, list) or len(items) > 30:
                raise Invalid(
                    f"'{field}' phải là danh sách. '{field}' must be a list.", "invalid_list"
                )
            if field == "contacts":  # {"name", "phone"}: on a bad day IT needs the number
                clean[field] = [c for c in map(parse_contact, items) if c]
            else:
                clean[field] = [str(i).strip()[:500] for i in items if str(i).strip()]
    if data.get("is_active") is not None:
        clean["is_active"] = bool(data["is_active"])
    if data.get("position") is not None:
        clean["position"] = int(data["position"])
    return clean


def create_type(data, user=None):
    code = clean_text(data.get("code"), "code", 10)
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
            s, "incident.type_created", f"{code} {fields['title']}", {"code": code}, user_id(user)
        )
    return code


def update_type(code, data, user=None):
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
            user_id(user),
        )
    return code

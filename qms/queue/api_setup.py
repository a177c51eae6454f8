"""Set-up of the queue through the API (admin): services, counters, priority categories."""

from flask import g

from qms.queue import queries
from qms.queue.operations import setup
from qms.roles import ADMIN
from qms.web.routes import api_route

# --- set-up (admin) ---------------------------------------------------------------------

SERVICE_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "name_en": {"type": "string", "maxLength": 200},
        "active": {"type": "boolean", "default": True},
        "position": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
        "description": {"type": "string", "maxLength": 200, "description": "one line on the kiosk"},
        "daily_cap": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 9999,
            "description": "numbers per day; null = no cap",
        },
    },
}
COUNTER_SETUP_BODY = {
    "type": "object",
    "required": ["name", "services"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "services": {
            "type": "array",
            "items": {"type": "string", "maxLength": 3},
            "description": "service codes, in the order the counter serves them",
        },
        "state": {"type": "string", "enum": ["open", "paused", "closed"]},
    },
}
PRIORITY_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 100},
        "name_en": {"type": "string", "maxLength": 100},
        "icon": {"type": "string", "maxLength": 40},
        "active": {"type": "boolean", "default": True},
        "position": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
    },
}


@api_route(
    "/services/<code>",
    ["PUT"],
    summary="Create or change a service (admin)",
    roles=(ADMIN,),
    body=SERVICE_BODY,
    tag="setup",
)
def put_service(code, data):
    from qms.queue.queries import services_list

    code = setup.upsert_service(
        code,
        data["name"],
        data.get("name_en") or "",
        data["active"],
        data["position"],
        data.get("description") or "",
        data.get("daily_cap"),
        user_id=g.user["id"],
    )
    return next(s for s in services_list() if s["code"] == code)


@api_route(
    "/counters/<int:number>",
    ["PUT"],
    summary="Create or change a counter and its services (admin)",
    roles=(ADMIN,),
    body=COUNTER_SETUP_BODY,
    tag="setup",
)
def put_counter(number, data):
    from qms.errors import Invalid

    codes = data["services"]
    if not all(isinstance(c, str) for c in codes) or not 1 <= number <= 999:
        raise Invalid(
            "services phải là danh sách mã lĩnh vực. services must be a list of codes.",
            "invalid_services",
        )
    setup.upsert_counter(
        number, data["name"], [c.upper() for c in codes], data.get("state"), user_id=g.user["id"]
    )
    return queries.get_counter(number)


@api_route(
    "/priorities/<code>",
    ["PUT"],
    summary="Create or change a priority category (admin)",
    roles=(ADMIN,),
    body=PRIORITY_BODY,
    tag="setup",
)
def put_priority(code, data):
    from qms.errors import Invalid

    if not code.isidentifier() or len(code) > 20:
        raise Invalid("Mã đối tượng ưu tiên không hợp lệ. Invalid category code.", "invalid_code")
    setup.upsert_priority(
        code,
        data["name"],
        data.get("name_en") or "",
        data.get("icon") or "",
        data["position"],
        data["active"],
        user_id=g.user["id"],
    )
    return next(
        (c for c in queries.priority_categories(active_only=False) if c["code"] == code), None
    )

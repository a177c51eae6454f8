"""The centre's JSON routes: calendar, reception pause, settings, audit log."""

from flask import g, request

from qms.centre import operations, queries
from qms.roles import ADMIN, LEADERSHIP
from qms.web.routes import api_route

SPAN = {"type": "array", "description": 'one opening span ["07:30", "11:30"]'}
CALENDAR_BODY = {
    "type": "object",
    "required": ["weekly"],
    "properties": {
        "weekly": {
            "type": "object",
            "description": 'mon … sun → list of ["HH:MM", "HH:MM"] spans (lunch break = two spans)',
        },
        "holidays": {"type": "array", "description": "dates YYYY-MM-DD the centre is closed"},
        "cutoff_minutes": {
            "type": "integer",
            "minimum": 0,
            "maximum": 240,
            "default": 0,
            "description": "no numbers this long before each closing",
        },
    },
}
RECEPTION_BODY = {
    "type": "object",
    "required": ["paused"],
    "properties": {
        "paused": {"type": "boolean"},
        "reason": {"type": "string", "maxLength": 300},
    },
}
SETTINGS_BODY = {
    "type": "object",
    "properties": {
        "CENTRE_NAME": {"type": ["string", "null"], "maxLength": 120},
        "COMMUNE_NAME": {"type": ["string", "null"], "maxLength": 120},
        "CENTRE_ADDRESS": {"type": ["string", "null"], "maxLength": 200},
        "HOTLINE": {"type": ["string", "null"], "maxLength": 40},
        "PROVINCE_CENTRE_NAME": {"type": ["string", "null"], "maxLength": 160},
        "ANNOUNCE_TEMPLATE": {"type": ["string", "null"], "maxLength": 200},
        "ANNOUNCE_NUMBERS": {"type": ["string", "null"], "enum": ["cardinal", "digits"]},
        "KIOSK_WELCOME": {"type": ["string", "null"], "maxLength": 160},
        "KIOSK_FOOTER": {"type": ["string", "null"], "maxLength": 200},
        "PRIORITY_POLICY": {"type": ["string", "null"], "enum": ["strict", "ratio"]},
        "PRIORITY_RATIO": {"type": ["integer", "null"], "minimum": 1, "maximum": 20},
    },
}


@api_route(
    "/calendar", summary="Opening hours, holidays, cut-off; open_now and next_open", tag="centre"
)
def get_calendar():
    return queries.calendar_view()


@api_route(
    "/calendar",
    ["PUT"],
    summary="Set the calendar (leader/admin); nothing is saved when any part is wrong",
    roles=LEADERSHIP,
    body=CALENDAR_BODY,
    tag="centre",
    responses={
        422: "unknown_weekday, invalid_hours, inverted_hours, overlapping_hours, invalid_date"
    },
)
def put_calendar(data):
    operations.set_calendar(data, g.user["id"])
    return queries.calendar_view()


@api_route(
    "/calendar",
    ["DELETE"],
    summary="Remove the calendar: reception always open (leader/admin)",
    roles=LEADERSHIP,
    tag="centre",
)
def delete_calendar():
    operations.set_calendar(None, g.user["id"])
    return queries.calendar_view()


@api_route("/reception", summary="Is reception paused centre-wide, why, since when", tag="centre")
def get_reception():
    return queries.reception_view()


@api_route(
    "/reception",
    ["POST"],
    summary="Pause or resume reception centre-wide (leader/admin); waiting tickets stay",
    roles=LEADERSHIP,
    body=RECEPTION_BODY,
    tag="centre",
    responses={422: "missing_reason"},
)
def post_reception(data):
    operations.set_reception(data["paused"], data.get("reason"), g.user)
    return queries.reception_view()


@api_route(
    "/centre", summary="The centre's settings in force (admin)", roles=(ADMIN,), tag="centre"
)
def get_settings():
    return queries.settings_view()


@api_route(
    "/centre",
    ["PATCH"],
    summary="Change the centre's settings; null returns a key to the configuration (admin)",
    roles=(ADMIN,),
    body=SETTINGS_BODY,
    tag="centre",
)
def patch_settings(data):
    sent = request.get_json(silent=True) or {}
    operations.update_settings({k: data[k] for k in sent}, g.user["id"])
    return queries.settings_view()


@api_route(
    "/audit",
    summary="The audit log of set-up, accounts, pauses and overrides (leader/admin)",
    roles=LEADERSHIP,
    query={
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "kind": {"type": "string", "maxLength": 40, "description": "prefix, e.g. user."},
        "before": {"type": "integer", "minimum": 1, "description": "older than this id"},
    },
    tag="centre",
    many=True,
)
def audit():
    limit = int(request.args.get("limit") or 200)
    before = int(request.args["before"]) if request.args.get("before") else None
    return queries.audit_entries(limit, request.args.get("kind") or None, before)

from flask import g

from qms.api import api_route
from qms.extensions import get_db
from qms.fallback import operations
from qms.fallback.queries import MODES, current_mode

MODE_BODY = {
    "type": "object",
    "required": ["mode"],
    "properties": {
        "mode": {"type": "string", "enum": list(MODES)},
        "reason": {"type": "string", "maxLength": 500},
    },
}


@api_route("/mode", summary="The operating mode (standalone, standby, fallback, draining)", tag="fallback")
def get_mode():
    with get_db().read() as s:
        return current_mode(s)


@api_route("/mode", ["POST"], summary="Switch the operating mode (leadership or admin)", roles=("leader",), body=MODE_BODY, tag="fallback")
def post_mode(data):
    return operations.switch_mode(data["mode"], data.get("reason") or "", user=g.user)

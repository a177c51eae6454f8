"""Drill JSON routes: `qms drill` starts one, runs its script, then stores its report."""

from flask import g

from qms.errors import NotFound
from qms.incidents import queries
from qms.incidents.operations import drills
from qms.roles import TECHNICAL
from qms.web.routes import api_route

TAG = "incidents"
START_BODY = {
    "type": "object",
    "properties": {"title": {"type": ["string", "null"], "maxLength": 200}},
}
FINISH_BODY = {
    "type": "object",
    "required": ["steps"],
    "properties": {
        "steps": {
            "type": "array",
            "description": '[{"name", "ok": true|false|null (skipped), "detail", "seconds"}]',
        },
        "outcome": {"type": ["string", "null"], "enum": list(drills.OUTCOMES)},
        "summary": {"type": ["string", "null"], "maxLength": 2000},
        "created": {
            "type": ["object", "null"],
            "description": '{"incidents": [ids], "dossiers": [codes]} made by the drill',
        },
    },
}


@api_route(
    "/drills",
    ["POST"],
    summary="Start a drill: until it finishes, the incidents it provokes are marked as drills",
    roles=TECHNICAL,
    body=START_BODY,
    tag=TAG,
    status=201,
    responses={409: "a drill is already running"},
)
def drill_start(data):
    return drills.start_drill(data.get("title") or "", g.user)


@api_route("/drills/<int:drill_id>", summary="One drill and its report", roles=(), tag=TAG)
def drill_get(drill_id):
    drill = queries.get_drill(drill_id)
    if drill is None:
        raise NotFound("Không có cuộc diễn tập này. Unknown drill.", "unknown_drill")
    return drill


@api_route(
    "/drills/<int:drill_id>/finish",
    ["POST"],
    summary="Store the drill's report (its steps and what it created) and end it",
    roles=TECHNICAL,
    body=FINISH_BODY,
    tag=TAG,
)
def drill_finish(drill_id, data):
    return drills.finish_drill(
        drill_id,
        data["steps"],
        data.get("outcome"),
        data.get("summary") or "",
        data.get("created"),
        g.user,
    )

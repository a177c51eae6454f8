"""Drills (diễn tập) the plan requires: started and finished by `qms drill`.

While a drill runs (at most DRILL_MAX_MINUTES), the automatic incidents it provokes are marked
is_drill and listed in its record; its report (the steps, each with its outcome) is stored when
it finishes, and the quarterly report lists drills apart from real incidents."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.incidents.inputs import clean_text
from qms.incidents.models import IncidentDrill
from qms.incidents.operations.timeline import user_id
from qms.incidents.queries import drill_dict
from qms.models import log_event
from qms.timeutil import utcnow

OUTCOMES = ("passed", "failed")


def running_drill(s, now=None):
    """The drill running now (started within DRILL_MAX_MINUTES), or None."""
    now = now or utcnow()
    limit = now - timedelta(minutes=int(current_app.config["DRILL_MAX_MINUTES"]))
    return s.scalars(
        select(IncidentDrill)
        .where(IncidentDrill.status == "running", IncidentDrill.started_dt >= limit)
        .order_by(IncidentDrill.id.desc())
    ).first()


def note_created(s, drill, kind, ref):
    """Inside the caller's transaction: the drill made this (an incident id, a dossier code)."""
    created = {key: list(value) for key, value in (drill.created or {}).items()}
    created.setdefault(kind, [])
    if ref not in created[kind]:
        created[kind].append(ref)
    drill.created = created


def start_drill(title="", user=None):
    title = clean_text(title, "title", 200, required=False) or "Diễn tập xử lý sự cố QMS 1.2"
    with get_db().write() as s:
        if running_drill(s) is not None:
            raise Conflict(
                "Đang có một cuộc diễn tập chưa kết thúc. A drill is already running.",
                "drill_running",
            )
        drill = IncidentDrill(
            status="running",
            outcome="",
            title=title,
            started_dt=utcnow(),
            started_by_id=user_id(user),
            steps=[],
            created={"incidents": [], "dossiers": []},
            summary="",
        )
        s.add(drill)
        s.flush()
        log_event(s, "drill.started", f"Bắt đầu diễn tập #{drill.id}: {title}", {}, user_id(user))
        return drill_dict(drill)


def _clean_steps(steps):
    if not isinstance(steps, list) or len(steps) > 50:
        raise Invalid("'steps' phải là danh sách. 'steps' must be a list.", "invalid_list")
    clean = []
    for step in steps:
        if not isinstance(step, dict) or not str(step.get("name") or "").strip():
            raise Invalid("Mỗi bước cần có 'name'. Each step needs a name.", "invalid_step")
        ok = step.get("ok")
        seconds = step.get("seconds")
        clean.append(
            {
                "name": str(step["name"]).strip()[:200],
                "ok": ok if isinstance(ok, bool) else None,  # None: skipped
                "detail": str(step.get("detail") or "").strip()[:500],
                "seconds": round(float(seconds), 1) if isinstance(seconds, int | float) else None,
            }
        )
    return clean


def finish_drill(drill_id, steps, outcome=None, summary="", created=None, user=None):
    steps = _clean_steps(steps or [])
    summary = clean_text(summary, "summary", 2000, required=False)
    if outcome is None:
        outcome = "failed" if any(step["ok"] is False for step in steps) else "passed"
    if outcome not in OUTCOMES:
        raise Invalid("'outcome' phải là passed hoặc failed.", "invalid_value", field="outcome")
    with get_db().write() as s:
        drill = s.get(IncidentDrill, drill_id)
        if drill is None:
            raise NotFound("Không có cuộc diễn tập này. Unknown drill.", "unknown_drill")
        if drill.status != "running":
            raise Conflict("Cuộc diễn tập đã kết thúc. The drill is finished.", "drill_finished")
        for kind, refs in (created or {}).items():
            if kind in ("incidents", "dossiers") and isinstance(refs, list):
                for ref in refs[:100]:
                    note_created(s, drill, kind, ref)
        drill.status = "finished"
        drill.outcome = outcome
        drill.finished_dt = utcnow()
        drill.steps = steps
        drill.summary = summary
        log_event(
            s,
            "drill.finished",
            f"Kết thúc diễn tập #{drill.id}: {'đạt' if outcome == 'passed' else 'chưa đạt'}",
            {"steps": len(steps)},
            user_id(user),
        )
        return drill_dict(drill)

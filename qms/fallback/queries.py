"""Reads of the fallback feature: mode, probe state, outages, adoptions, reconciliation rows."""

from flask import current_app
from sqlalchemy import func, select

from qms.extensions import get_db
from qms.mode import current_mode
from qms.models import Setting
from qms.timeutil import iso, local_day, utcnow

PROBE_KEY = "fallback.probe"
TAKEOVER_REQUEST_KEY = "fallback.takeover_request"


def probe_state(s):
    row = s.get(Setting, PROBE_KEY)
    state = {
        "primary_up": None,
        "consecutive_ok": 0,
        "consecutive_fail": 0,
        "ok_streak_since": None,
        "last_ok": None,
        "last_fail": None,
        "last_error": None,
        "last_change": None,
    }
    if row is not None:
        state.update(row.value)
    return state


def takeover_request(s):
    row = s.get(Setting, TAKEOVER_REQUEST_KEY)
    return dict(row.value) if row is not None and row.value.get("pending") else None


def open_outage(s):
    from qms.fallback.models import Outage

    return s.scalar(
        select(Outage).where(Outage.ended_dt.is_(None)).order_by(Outage.id.desc()).limit(1)
    )


def unfinished_count(s):
    """Tickets of today still waiting or at a counter: draining ends when this reaches zero."""
    from qms.queue.models import Ticket

    return s.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.status.in_(("waiting", "called", "serving")),
            Ticket.day == local_day(utcnow()),
        )
    )


def outage_dict(outage):
    return {
        "id": outage.id,
        "started_at": iso(outage.started_dt),
        "draining_at": iso(outage.draining_dt),
        "ended_at": iso(outage.ended_dt),
        "reason": outage.reason,
        "started_by": outage.started_by,
        "automatic": outage.is_automatic,
        "end_reason": outage.end_reason,
        "ended_by": outage.ended_by,
        "is_open": outage.ended_dt is None,
    }


def primary_config():
    cfg = current_app.config
    return {
        "url": cfg.get("PRIMARY_URL"),
        "interval": float(cfg["PRIMARY_PROBE_INTERVAL"]),
        "timeout": float(cfg["PRIMARY_PROBE_TIMEOUT"]),
        "fail_threshold": int(cfg["PRIMARY_FAIL_THRESHOLD"]),
        "recover_threshold": int(cfg["PRIMARY_RECOVER_THRESHOLD"]),
        "recover_seconds": float(cfg["PRIMARY_RECOVER_SECONDS"]),
        "expect_status": str(cfg["PRIMARY_EXPECT_STATUS"]),
        "takeover": cfg["TAKEOVER"],
        "series": cfg["FALLBACK_SERIES"],
    }


def status():
    """Everything the admin page shows at the top: mode, probe, pending request, open outage."""
    with get_db().read() as s:
        outage = open_outage(s)
        return {
            "mode": current_mode(s),
            "primary": {**probe_state(s), "config": primary_config()},
            "takeover_request": takeover_request(s),
            "outage": outage_dict(outage) if outage else None,
            "unfinished": unfinished_count(s),
        }


def outages_list(limit=100):
    from qms.fallback.models import Outage

    with get_db().read() as s:
        rows = s.scalars(select(Outage).order_by(Outage.id.desc()).limit(limit))
        return [outage_dict(o) for o in rows]


def get_outage(outage_id):
    from qms.fallback.models import Outage

    with get_db().read() as s:
        outage = s.get(Outage, outage_id)
        return outage_dict(outage) if outage else None


def adoptions_list(limit=200):
    from qms.auth.models import User
    from qms.fallback.models import Adoption
    from qms.queue.models import Service

    with get_db().read() as s:
        rows = s.execute(
            select(Adoption, Service.code, User.username)
            .join(Service, Service.id == Adoption.service_id)
            .outerjoin(User, User.id == Adoption.user_id)
            .order_by(Adoption.id.desc())
            .limit(limit)
        ).all()
        return [adoption_dict(a, code, username) for a, code, username in rows]


def adoption_dict(adoption, service_code, username=None):
    return {
        "id": adoption.id,
        "service": service_code,
        "day": adoption.day.isoformat(),
        "from": adoption.number_from,
        "to": adoption.number_to,
        "count": adoption.number_to - adoption.number_from + 1,
        "outage": adoption.outage_id,
        "created_at": iso(adoption.created_dt),
        "by": username,
    }

"""Reads of the centre: calendar with open_now/next_open, the reception pause, settings,
and the audit log (who, when, what, before → after)."""

from sqlalchemy import or_, select

from qms import calendar
from qms.auth.models import User
from qms.centre import settings
from qms.extensions import get_db
from qms.models import LogEntry
from qms.timeutil import iso, utcnow

# the rows leadership reads as the audit of the centre's set-up and accounts
AUDIT_KINDS = ("setup.", "user.", "centre.", "ticket.override", "counter.state", "mode.")


def calendar_view():
    """GET /calendar: the calendar (or the always-open empty one), open_now, next_open."""
    with get_db().read() as s:
        cal, reception = calendar.centre_state(s)
    shown = cal or {
        "weekly": {d: [] for d in calendar.WEEKDAYS},
        "holidays": [],
        "cutoff_minutes": 0,
    }
    now = utcnow()
    when = calendar.next_open(cal, now)
    return {
        **shown,
        "configured": cal is not None,
        "open_now": calendar.is_open(cal, now),
        "next_open": iso(when),
        "next_open_text": calendar.opening_text(when, now),
        "reception": calendar.status(cal, reception, now)["reception"],
    }


def reception_view():
    with get_db().read() as s:
        cal, reception = calendar.centre_state(s)
    return {
        "paused": bool(reception["paused"]),
        "reason": reception.get("reason") or "",
        "since": reception.get("since"),
    }


def settings_view():
    """Every editable setting: the value in force, and whether the centre set it."""
    with get_db().read() as s:
        stored = settings.stored(s)
    defaults = settings.defaults()
    return {
        key: {
            "value": stored.get(key, defaults.get(key)),
            "default": defaults.get(key),
            "stored": key in stored,
            "label": label_vi,
            "label_en": label_en,
        }
        for key, (label_vi, label_en, _rule) in settings.FIELDS.items()
    }


def audit_entries(limit=200, kind=None, before_id=None):
    """Newest first: the rows of the set-up, accounts, pauses and overrides."""
    with get_db().read() as s:
        stmt = (
            select(LogEntry, User)
            .outerjoin(User, User.id == LogEntry.user_id)
            .order_by(LogEntry.id.desc())
            .limit(limit)
        )
        prefixes = [kind] if kind else list(AUDIT_KINDS)
        stmt = stmt.where(or_(*[LogEntry.kind.startswith(p) for p in prefixes]))
        if before_id:
            stmt = stmt.where(LogEntry.id < before_id)
        return [
            {
                "id": entry.id,
                "at": iso(entry.logged_dt),
                "kind": entry.kind,
                "summary": entry.summary,
                "by": (user.full_name or user.username) if user else None,
                "by_username": user.username if user else None,
                "before": (entry.data or {}).get("before"),
                "after": (entry.data or {}).get("after"),
                "data": entry.data or {},
            }
            for entry, user in s.execute(stmt).all()
        ]

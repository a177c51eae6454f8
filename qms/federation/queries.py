"""Reads of the centre side: what is still to send, what the centre looks like now, the status.

The records themselves are plain dicts in Vietnamese (the province reads them as they are).
"""

import json

from flask import current_app
from sqlalchemy import func, select

from qms.extensions import get_db
from qms.federation.models import OutboxRecord
from qms.mode import current_mode
from qms.models import Setting
from qms.timeutil import iso

STATUS_KEY = "federation.status"  # the sender's last outcome, for every process to read
FINALS_KEY = "federation.final_day"  # the last local day whose final figures were queued
TEXT_MAX = 2000  # a description longer than this is cut: a record stays small


def is_configured(config=None):
    config = config or current_app.config
    return bool(config.get("PROVINCE_URL") and config.get("PROVINCE_TOKEN"))


def record_dict(row):
    """A record as POSTed to the province."""
    return {"seq": row.seq, "kind": row.kind, "at": iso(row.created_dt), "data": row.data}


def pending(limit, max_bytes):
    """The oldest unsent records, in order, at most `limit` and about `max_bytes` (never none
    when one is pending: a large record goes alone)."""
    with get_db().read() as s:
        rows = s.scalars(
            select(OutboxRecord)
            .where(OutboxRecord.sent_dt.is_(None))
            .order_by(OutboxRecord.seq)
            .limit(limit)
        ).all()
        batch, size = [], 0
        for row in rows:
            item = record_dict(row)
            size += len(json.dumps(item, ensure_ascii=False).encode())
            if batch and size > max_bytes:
                break
            batch.append(item)
        return batch


def outbox_counts():
    with get_db().read() as s:
        waiting, oldest = s.execute(
            select(func.count(OutboxRecord.seq), func.min(OutboxRecord.created_dt)).where(
                OutboxRecord.sent_dt.is_(None)
            )
        ).one()
        last_sent = s.scalar(
            select(func.max(OutboxRecord.seq)).where(OutboxRecord.sent_dt.is_not(None))
        )
        saved = s.get(Setting, STATUS_KEY)
        return waiting, oldest, last_sent, dict(saved.value) if saved else {}


def status(runtime):
    """GET /federation/status: configured, pending, oldest pending, last sent seq, last error."""
    waiting, oldest, last_sent, saved = outbox_counts()
    return {
        "configured": is_configured(),
        "province_url": current_app.config.get("PROVINCE_URL"),
        "pending": waiting,
        "oldest_pending_at": iso(oldest),
        "last_sent_seq": last_sent,
        "last_success_at": saved.get("last_success_at"),
        "last_error": saved.get("last_error"),
        "last_error_at": saved.get("last_error_at"),
        "dropped": runtime.dropped if runtime else 0,
    }


def final_day(s):
    row = s.get(Setting, FINALS_KEY)
    return row.value.get("day") if row else None


# --- what a record says ---------------------------------------------------------------------


def cut(text):
    text = text or ""
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def incident_record(incident, action):
    """The incident book's row, as the province keeps it: the centre's id, type, status, times."""
    kind = incident.get("type") or {}
    return {
        "centre_id": incident["id"],
        "action": action,
        "type": kind.get("code"),
        "type_title": kind.get("title") or "",
        "status": incident.get("status"),
        "is_open": bool(incident.get("is_open")),
        "is_drill": bool(incident.get("is_drill")),
        "is_automatic": bool(incident.get("is_automatic")),
        "description": cut(incident.get("description")),
        "resolution": cut(incident.get("resolution")),
        "occurred_at": incident.get("occurred_at"),
        "reported_at": incident.get("reported_at"),
        "resolved_at": incident.get("resolved_at"),
        "closed_at": incident.get("closed_at"),
    }


def queue_snapshot():
    """The queue now: mode, waiting per service, counters open, numbers issued today."""
    from qms.queue.queries import counters_list, issued_today, waiting_counts

    with get_db().read() as s:
        mode = current_mode(s)
        waiting = {code: n for code, n in sorted(waiting_counts(s).items())}
        issued = sum(issued_today(s).values())
    counters = counters_list()
    return {
        "mode": mode.get("mode"),
        "mode_since": mode.get("since"),
        "waiting": waiting,
        "waiting_total": sum(waiting.values()),
        "counters_open": sum(1 for c in counters if c.get("state") == "open"),
        "issued_today": issued,
    }


def day_figures(day, is_final):
    """One local day's queue figures and satisfaction counts, read from the queue report."""
    from qms.ratings.queries import rating_scale
    from qms.reports.queries import compute

    totals, _ = compute(day, day, ())
    counts = totals.get("ratings") or {}
    ratings = [
        {
            "score": level["score"],
            "label": level["label"],
            "count": int(counts.get(str(level["score"]), 0)),
            "satisfied": bool(level["satisfied"]),
        }
        for level in rating_scale()
    ]
    keys = (
        "issued",
        "served",
        "no_show",
        "cancelled",
        "wait_p50_min",
        "wait_p90_min",
        "wait_avg_min",
        "wait_max_min",
        "within_target_pct",
        "rated",
        "satisfied_pct",
    )
    return {
        "day": day.isoformat(),
        "is_final": is_final,
        **{key: totals.get(key) for key in keys},
        "satisfied": sum(level["count"] for level in ratings if level["satisfied"]),
        "ratings": ratings,
    }

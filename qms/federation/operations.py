"""Every write of the centre side: records into the outbox, acknowledgements, purges, status.

A record is written right after the change it reports commits (signals are sent after the
commit), in its own short transaction. Issuing and calling never write here: the queue is
read by the sender loop as a snapshot. A write that fails is a log line and a counter, never an
error for the person who changed something.
"""

import logging
from datetime import date, timedelta

from sqlalchemy import delete, text, update

from qms.federation import queries
from qms.federation.models import OutboxRecord
from qms.models import Setting
from qms.timeutil import iso, utcnow

log = logging.getLogger(__name__)

# PostgreSQL: outbox writes take this advisory lock so seq order is commit order across
# processes (the sender never sees seq 11 before seq 10 commits). SQLite writes are serial.
OUTBOX_LOCK = 0x51F3D


def add_record(s, kind, data):
    """Append one record inside the caller's transaction."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK})
    row = OutboxRecord(kind=kind, data=data, created_dt=utcnow())
    s.add(row)
    s.flush()
    return row.seq


def enqueue(db, runtime, kind, data):
    """Append one record in its own transaction; never raises. Returns its seq or None."""
    try:
        with db.write() as s:
            seq = add_record(s, kind, data)
    except Exception:  # storage failing: the change itself is already saved; count the loss
        if runtime is not None:
            runtime.dropped += 1
        log.exception("federation: a %s record could not be written to the outbox", kind)
        return None
    if runtime is not None:
        runtime.wake.set()
    return seq


def mark_sent(db, seqs):
    """The province holds these: they are not sent again."""
    if not seqs:
        return 0
    with db.write() as s:
        result = s.execute(
            update(OutboxRecord)
            .where(OutboxRecord.seq.in_(list(seqs)), OutboxRecord.sent_dt.is_(None))
            .values(sent_dt=utcnow())
        )
        return result.rowcount


def purge_sent(db, keep_days):
    """Records the province acknowledged more than keep_days ago leave the outbox."""
    cutoff = utcnow() - timedelta(days=int(keep_days))
    with db.write() as s:
        result = s.execute(
            delete(OutboxRecord).where(
                OutboxRecord.sent_dt.is_not(None), OutboxRecord.sent_dt < cutoff
            )
        )
        return result.rowcount


def save_status(db, ok, error=None):
    """The sender's last outcome, for GET /federation/status in any process."""
    now = iso(utcnow())
    with db.write() as s:
        row = s.get(Setting, queries.STATUS_KEY)
        value = dict(row.value) if row else {}
        if ok:
            value.update(last_success_at=now, last_error=None)
        else:
            value.update(last_error=error, last_error_at=now)
        if row is None:
            s.add(Setting(key=queries.STATUS_KEY, value=value))
        else:
            row.value = value


def queue_finals(db, runtime, today, backfill_days=31):
    """Final figures of every past day not yet sent (the day end, or days the centre was off);
    the first run sends yesterday's. Returns the days queued."""
    with db.read() as s:
        last = queries.final_day(s)
    first = date.fromisoformat(last) + timedelta(days=1) if last else today - timedelta(days=1)
    first = max(first, today - timedelta(days=backfill_days))
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    if not days:
        return []
    figures = [queries.day_figures(day, is_final=True) for day in days]
    with db.write() as s:
        for item in figures:
            add_record(s, "figures", item)
        row = s.get(Setting, queries.FINALS_KEY)
        value = {"day": days[-1].isoformat()}
        if row is None:
            s.add(Setting(key=queries.FINALS_KEY, value=value))
        else:
            row.value = value
    if runtime is not None:
        runtime.wake.set()
    return days


def queue_day_figures(db, runtime, day, today):
    """On demand (`qms federation send-figures`, POST /federation/figures): one day's figures."""
    return enqueue(db, runtime, "figures", queries.day_figures(day, is_final=day < today))

"""One officer per counter: a page holds its counter by renewing a short lease.

A page that is gone stops renewing and its hold lapses after COUNTER_HOLD_SECONDS; a page that
closes releases it at once. Another officer opening a held counter is told who holds it and may
take over (audited); the page that lost it hears `counter_hold` over Socket.IO.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.errors import Conflict, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries
from qms.queue.models import Counter, CounterHold
from qms.timeutil import utcnow


def _app():
    return current_app._get_current_object()


def hold(counter_number, user, page, take_over=False):
    """Hold (or renew) counter n for this page. Held by another officer's live page: 409
    `held_by_other` naming them, unless take_over. The same officer's other page yields."""
    now = utcnow()
    until = now + timedelta(seconds=int(current_app.config["COUNTER_HOLD_SECONDS"]))
    with get_db().write() as s:
        counter = s.scalar(select(Counter).where(Counter.number == counter_number))
        if counter is None:
            raise NotFound(
                f"Không có quầy số {counter_number}. Unknown counter {counter_number}.",
                "unknown_counter",
            )
        row = s.get(CounterHold, counter.id)
        live = row is not None and row.until_dt > now
        previous = queries.hold_dict(row) if live else None
        previous_page = row.page if live else None
        if live and row.page == page:  # a renewal: nothing changes hands
            row.until_dt = until
            return queries.hold_answer(counter.number, row)
        taken_over = live and row.user_id != user["id"]
        if taken_over and not take_over:
            raise Conflict(
                f"{counter.name} đang do {row.user_name} làm việc. "
                f"{counter.name} is held by {row.user_name}.",
                "held_by_other",
                holder=queries.hold_dict(row),
            )
        if row is None:
            row = CounterHold(counter_id=counter.id)
            s.add(row)
        row.user_id, row.user_name, row.page = user["id"], user["display_name"], page
        row.since_dt, row.until_dt = now, until
        if taken_over:
            log_event(
                s,
                "counter.take_over",
                f"{counter.name}: {row.user_name} nhận quầy thay {previous['name']}",
                {"counter": counter.number, "from": previous, "to": row.user_name},
                user["id"],
            )
        s.flush()
        answer = queries.hold_answer(counter.number, row)
    signals.counter_hold_changed.send(
        _app(),
        counter=counter_number,
        holder=answer["holder"],
        previous=previous,
        previous_page=previous_page,
        taken_over=taken_over,
    )
    return answer


def release(counter_number, page):
    """The page leaves its counter (change counter, page closed): the hold ends now."""
    with get_db().write() as s:
        counter = s.scalar(select(Counter).where(Counter.number == counter_number))
        if counter is None:
            raise NotFound(
                f"Không có quầy số {counter_number}. Unknown counter {counter_number}.",
                "unknown_counter",
            )
        row = s.get(CounterHold, counter.id)
        if row is None or row.page != page:
            return {"counter": counter_number, "released": False}
        previous = queries.hold_dict(row)
        s.delete(row)
    signals.counter_hold_changed.send(
        _app(),
        counter=counter_number,
        holder=None,
        previous=previous,
        previous_page=page,
        taken_over=False,
    )
    return {"counter": counter_number, "released": True}

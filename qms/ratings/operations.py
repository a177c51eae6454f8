"""Every write of a rating: rate (phone, counter-side tablet, kiosk) and rate_last_finished (pad).

One rating per ticket, only for a served ticket, only within RATING_WINDOW_MINUTES after it
finished. Who may ask is the API's business: an officer never rates in the citizen's place.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.queue.models import Counter, Ticket
from qms.queue.queries import today
from qms.ratings import queries
from qms.ratings.models import SOURCES, Rating
from qms.timeutil import utcnow


def _unknown_ticket():
    return NotFound(
        "Không tìm thấy vé này. Xin kiểm tra lại số trên vé. Ticket not found.", "unknown_ticket"
    )


def _check_answer(score, reason, comment, asks_reason=True):
    if not isinstance(score, int) or isinstance(score, bool) or score not in queries.scores():
        raise Invalid(
            f"Mức đánh giá phải là một trong {queries.scores()}. Score must be one of the scale.",
            "invalid_score",
            field="score",
        )
    comment = (comment or "").strip()[:500] or None
    if score != queries.lowest_score() or not asks_reason:
        return None, comment  # asked only of the unsatisfied, where the device can ask (not a pad)
    codes = [r["code"] for r in queries.reasons()]
    if not reason:
        raise Invalid(
            "Xin quý vị cho biết lý do chưa hài lòng. Please choose a reason.",
            "reason_required",
            field="reason",
            reasons=codes,
        )
    if reason not in codes:
        raise Invalid(
            f"Lý do phải là một trong {', '.join(codes)}. Unknown reason.",
            "invalid_reason",
            field="reason",
        )
    return reason, comment


def _by_press(s, press_id):
    if press_id is None:
        return None
    return s.scalar(select(Rating).where(Rating.press_id == press_id))


def _answer(s, rating):
    ticket = s.get(Ticket, rating.ticket_id)
    number = s.scalar(select(Counter.number).where(Counter.id == rating.counter_id))
    return queries.rating_dict(rating, ticket.code, number)


def _record(s, ticket, score, reason, comment, source, press_id, now):
    if s.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)) is not None:
        raise Conflict("Vé này đã được đánh giá. This ticket was already rated.", "already_rated")
    if ticket.status != "done":
        raise Conflict(
            "Chỉ đánh giá được sau khi đã được phục vụ xong. Only a served ticket can be rated.",
            "not_finished",
            ticket_status=ticket.status,
        )
    if now > queries.closes_at(ticket.finished_dt):
        raise Conflict(
            f"Đã quá {int(current_app.config['RATING_WINDOW_MINUTES'])} phút sau khi hoàn thành, "
            "không thể đánh giá nữa. The rating window has closed.",
            "rating_window_closed",
        )
    rating = Rating(
        ticket_id=ticket.id,
        day=ticket.day,
        counter_id=ticket.counter_id,
        score=score,
        reason=reason,
        comment=comment,
        source=source,
        press_id=press_id,
        rated_dt=now,
    )
    s.add(rating)
    try:
        s.flush()
    except IntegrityError:  # another process rated it a moment ago (PostgreSQL)
        raise Conflict(
            "Vé này đã được đánh giá. This ticket was already rated.", "already_rated"
        ) from None
    log_event(s, "rating.added", f"{ticket.code}: {score} ({source})", {"ticket": ticket.id}, None)
    return _answer(s, rating)


def _commit_and_announce(work):
    with get_db().write() as s:
        result, is_new = work(s)
    if is_new:
        signals.ticket_rated.send(current_app._get_current_object(), rating=result)
    return result


def rate(ticket, score, reason=None, comment=None, source="phone", press_id=None):
    """ticket: the ticket's id (int) or its tracking token (str, newest ticket of the token)."""
    if source not in SOURCES:
        raise Invalid("Nguồn đánh giá không hợp lệ. Unknown source.", "invalid_source")
    reason, comment = _check_answer(score, reason, comment)

    def work(s):
        earlier = _by_press(s, press_id)
        if earlier is not None:
            return _answer(s, earlier), False
        if isinstance(ticket, str):
            row = s.scalar(
                select(Ticket)
                .where(Ticket.track_token == ticket)
                .order_by(Ticket.id.desc())
                .limit(1)
            )
        else:
            row = s.get(Ticket, ticket)
        if row is None:
            raise _unknown_ticket()
        return _record(s, row, score, reason, comment, source, press_id, utcnow()), True

    return _commit_and_announce(work)


def rate_by_code(code, score, day=None, reason=None, comment=None, source="kiosk"):
    """The kiosk: a citizen types the code on their ticket (today's, unless day is given)."""
    code = (code or "").strip().upper()
    day = day or today()
    if not isinstance(day, date):
        raise Invalid("Ngày không hợp lệ. Invalid day.", "invalid_date")
    reason, comment = _check_answer(score, reason, comment)

    def work(s):
        row = s.scalar(
            select(Ticket)
            .where(Ticket.code == code, Ticket.day == day)
            .order_by(Ticket.id.desc())
            .limit(1)
        )
        if row is None:
            raise _unknown_ticket()
        return _record(s, row, score, reason, comment, source, None, utcnow()), True

    return _commit_and_announce(work)


def rate_last_finished(counter_number, score, source="pad", press_id=None):
    """A rating pad: the ticket that counter finished last, within the window, once.

    A press id seen before answers the rating it made (a repeated press acts once)."""
    if source not in SOURCES:
        raise Invalid("Nguồn đánh giá không hợp lệ. Unknown source.", "invalid_source")
    reason, comment = _check_answer(score, None, None, asks_reason=False)

    def work(s):
        earlier = _by_press(s, press_id)
        if earlier is not None:
            return _answer(s, earlier), False
        counter_id = s.scalar(select(Counter.id).where(Counter.number == counter_number))
        if counter_id is None:
            raise NotFound(f"Không có quầy số {counter_number}.", "unknown_counter")
        now = utcnow()
        row = queries.last_finished(s, counter_id, now)
        if row is None or row.status != "done":
            raise Conflict(
                "Quầy chưa phục vụ xong vé nào để đánh giá. Nothing to rate at this counter.",
                "nothing_to_rate",
            )
        return _record(s, row, score, reason, comment, source, press_id, now), True

    return _commit_and_announce(work)

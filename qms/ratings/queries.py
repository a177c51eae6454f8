"""The rating scale, the reasons, and the one serializer of a rating."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms.extensions import get_db
from qms.queue.models import Counter, Ticket
from qms.ratings.models import Rating
from qms.timeutil import iso, utcnow

# Decision 766/QĐ-TTg: three levels; a centre may set its own through RATING_SCALE
DEFAULT_SCALE = (
    {"score": 3, "label": "Rất hài lòng", "label_en": "Very satisfied"},
    {"score": 2, "label": "Hài lòng", "label_en": "Satisfied"},
    {"score": 1, "label": "Không hài lòng", "label_en": "Not satisfied"},
)
DEFAULT_REASONS = (
    {"code": "attitude", "label": "Thái độ", "label_en": "Attitude"},
    {"code": "waiting_time", "label": "Thời gian chờ", "label_en": "Waiting time"},
    {"code": "unclear_guidance", "label": "Hướng dẫn chưa rõ", "label_en": "Unclear guidance"},
    {"code": "other", "label": "Khác", "label_en": "Other"},
)
SOURCE_LABELS = {
    "phone": "Điện thoại",
    "counter_page": "Máy tính bảng tại quầy",
    "pad": "Bàn phím đánh giá",
    "kiosk": "Máy lấy số",
}


def reasons():
    return [
        {"code": r["code"], "label": r["label"], "label_en": r.get("label_en") or r["label"]}
        for r in current_app.config["RATING_REASONS"] or DEFAULT_REASONS
    ]


def rating_scale():
    """Best level first; the lowest asks why (reasons) and is the only one not 'satisfied'."""
    levels = sorted(
        current_app.config["RATING_SCALE"] or DEFAULT_SCALE, key=lambda x: -int(x["score"])
    )
    lowest = int(levels[-1]["score"])
    scale = []
    for level in levels:
        score = int(level["score"])
        entry = {
            "score": score,
            "label": level["label"],
            "label_en": level.get("label_en") or level["label"],
            "satisfied": score != lowest,
            "asks_reason": score == lowest,
        }
        if score == lowest:
            entry["reasons"] = reasons()
        scale.append(entry)
    return scale


def scores():
    return [level["score"] for level in rating_scale()]


def lowest_score():
    return min(scores())


def window():
    return timedelta(minutes=int(current_app.config["RATING_WINDOW_MINUTES"]))


def closes_at(finished_dt):
    return finished_dt + window() if finished_dt else None


def rating_dict(rating, code, counter_number):
    """The one JSON shape of a rating (POST /ratings, GET /ratings, the ticket_rated signal)."""
    labels = {level["score"]: level["label"] for level in rating_scale()}
    reason_labels = {r["code"]: r["label"] for r in reasons()}
    return {
        "id": rating.id,
        "ticket": rating.ticket_id,
        "code": code,
        "day": rating.day.isoformat(),
        "counter": counter_number,
        "score": rating.score,
        "label": labels.get(rating.score, str(rating.score)),
        "reason": rating.reason,
        "reason_label": reason_labels.get(rating.reason) if rating.reason else None,
        "comment": rating.comment,
        "source": rating.source,
        "rated_at": iso(rating.rated_dt),
    }


def rating_of_token(token):
    """For the phone page: {"rateable", "score", "closes_at"} of the ticket behind a token."""
    with get_db().read() as s:
        ticket = s.scalar(
            select(Ticket).where(Ticket.track_token == token).order_by(Ticket.id.desc()).limit(1)
        )
        if ticket is None:
            return None
        score = s.scalar(select(Rating.score).where(Rating.ticket_id == ticket.id))
    closes = closes_at(ticket.finished_dt)
    return {
        "status": ticket.status,
        "score": score,
        "rateable": ticket.status == "done" and score is None and utcnow() <= closes,
        "closes_at": iso(closes) if closes else None,
    }


def pending_for_counter(counter_number):
    """The ticket the counter finished last, if it was served, is unrated and still in the window:
    what the counter-side tablet shows when it (re)connects."""
    now = utcnow()
    with get_db().read() as s:
        counter_id = s.scalar(select(Counter.id).where(Counter.number == counter_number))
        if counter_id is None:
            return None
        ticket = last_finished(s, counter_id, now)
        if ticket is None or ticket.status != "done":
            return None
        if s.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)) is not None:
            return None
        return rating_prompt(ticket, counter_number)


def last_finished(s, counter_id, now):
    """The ticket this counter finished last (served, absent or transferred), within the window."""
    return s.scalar(
        select(Ticket)
        .where(
            Ticket.counter_id == counter_id,
            Ticket.finished_dt.is_not(None),
            Ticket.finished_dt >= now - window(),
            Ticket.status.in_(("done", "no_show", "transferred")),
        )
        .order_by(Ticket.finished_dt.desc(), Ticket.id.desc())
        .limit(1)
    )


def rating_prompt(ticket, counter_number):
    """What a rating tablet shows: the code, the service, until when it may be rated."""
    return {
        "ticket": {
            "id": ticket.id,
            "code": ticket.code,
            "service_name": ticket.service.name_vi,
            "service_name_en": ticket.service.name_en,
            "finished_at": iso(ticket.finished_dt),
        },
        "counter": counter_number,
        "closes_at": iso(closes_at(ticket.finished_dt)),
    }


def ratings_between(first_day, last_day, limit=500):
    """Ratings of tickets of these local days, newest first (the leadership's comment list)."""
    with get_db().read() as s:
        rows = s.execute(
            select(Rating, Ticket.code, Counter.number)
            .join(Ticket, Ticket.id == Rating.ticket_id)
            .outerjoin(Counter, Counter.id == Rating.counter_id)
            .where(Rating.day >= first_day, Rating.day <= last_day)
            .order_by(Rating.rated_dt.desc(), Rating.id.desc())
            .limit(limit)
        ).all()
        return [rating_dict(r, code, number) for r, code, number in rows]


def prompt_from_ticket(ticket):
    """rating_prompt for a ticket dict (the ticket_changed signal's), without a database read."""
    from datetime import datetime

    finished = datetime.fromisoformat(ticket["finished_at"]) if ticket["finished_at"] else None
    return {
        "ticket": {
            "id": ticket["id"],
            "code": ticket["code"],
            "service_name": ticket["service_name"],
            "service_name_en": ticket["service_name_en"],
            "finished_at": ticket["finished_at"],
        },
        "counter": ticket["counter"],
        "closes_at": (finished + window()).isoformat() if finished else None,
    }

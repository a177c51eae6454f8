"""Ticker notices on displays and kiosks: the one writer, used by staff, mode switches and incidents.

add_notice / retire_notices write inside the caller's transaction (the caller sends
notices_changed after its commit); publish_notice / withdraw_notice are the same writes in a
transaction of their own, with the signal.
"""

from flask import current_app
from sqlalchemy import select

from qms import signals
from qms.errors import Invalid, NotFound
from qms.extensions import get_db
from qms.models import Notice, log_event
from qms.timeutil import utcnow


def add_notice(s, text_vi, text_en="", source="staff", source_ref=None, user_id=None, log=True):
    text_vi = (text_vi or "").strip()
    if not text_vi or len(text_vi) > 300:
        raise Invalid(
            "Thông báo phải có 1–300 ký tự. Notice must be 1–300 characters.", "invalid_notice"
        )
    notice = Notice(
        text_vi=text_vi, text_en=(text_en or "").strip(), source=source, source_ref=source_ref
    )
    s.add(notice)
    s.flush()
    if log:
        log_event(
            s, "notice.published", text_vi[:200], {"source": source, "ref": source_ref}, user_id
        )
    return notice.id


def retire_notices(s, notice_id=None, source=None, source_ref=None, user_id=None, log=True):
    """Withdraw one notice by id, or every active notice of a source/ref; returns how many."""
    stmt = select(Notice).where(Notice.is_active.is_(True))
    if notice_id is not None:
        stmt = stmt.where(Notice.id == notice_id)
    if source is not None:
        stmt = stmt.where(Notice.source == source)
    if source_ref is not None:
        stmt = stmt.where(Notice.source_ref == source_ref)
    notices = s.scalars(stmt).all()
    if notice_id is not None and not notices:
        raise NotFound("Không có thông báo này. Unknown notice.", "unknown_notice")
    now = utcnow()
    for notice in notices:
        notice.is_active = False
        notice.withdrawn_dt = now
        if log:
            log_event(s, "notice.withdrawn", notice.text_vi[:200], {"id": notice.id}, user_id)
    return len(notices)


def publish_notice(text_vi, text_en="", source="staff", source_ref=None, user_id=None):
    with get_db().write() as s:
        notice_id = add_notice(s, text_vi, text_en, source, source_ref, user_id)
    signals.notices_changed.send(current_app._get_current_object())
    return notice_id


def withdraw_notice(notice_id=None, source=None, source_ref=None, user_id=None):
    with get_db().write() as s:
        count = retire_notices(s, notice_id, source, source_ref, user_id)
    if count:
        signals.notices_changed.send(current_app._get_current_object())
    return count

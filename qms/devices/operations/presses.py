"""A press of a counter device acts through the queue's own operations, once per press id.

The press row is committed first ("pending"), then the queue operation runs, then the row
records the outcome: a press seen again (a retry, an MQTT redelivery, a box that repeats its
line) answers the first outcome and acts no more, even if the server died in between.
A press on a paused or closed counter does nothing and lights the error on its board.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from qms.errors import Conflict, Invalid, NotFound, QmsError
from qms.extensions import get_db
from qms.models import log_event
from qms.queue import queries as queue_queries
from qms.queue.operations import calling
from qms.ratings import operations as ratings
from qms.timeutil import utcnow

from ..models import DevicePress

log = logging.getLogger(__name__)
ACTIONS = ("next", "recall", "no_show", "start", "complete", "rate")
ACTION_NAMES = {
    "next": "gọi số tiếp theo",
    "recall": "gọi lại",
    "no_show": "vắng mặt",
    "start": "bắt đầu phục vụ",
    "complete": "hoàn thành",
    "rate": "đánh giá",
}
# what the LED board blinks for a refused press
BOARD_ERRORS = {"paused": "paused", "closed": "closed"}


def _queue_call(action, counter, user_id, score, press_id):
    if action == "next":
        return calling.call_next(counter, user_id)
    if action == "recall":
        return calling.recall(counter, user_id)
    if action == "no_show":
        return calling.no_show(counter, user_id)
    if action == "start":
        return calling.start_serving(counter, user_id)
    if action == "complete":
        return calling.complete(counter, user_id)
    return {"rating": ratings.rate_last_finished(counter, score, "pad", press_id)}


def _outcome(result):
    ticket = (result or {}).get("ticket")
    rating = (result or {}).get("rating")
    return {
        "ticket": {"id": ticket["id"], "code": ticket["code"]} if ticket else None,
        "rating": rating,
    }


def press(counter, action, press_id, source, user=None, score=None, age=0.0):
    """Act on counter's behalf of a device → {"status", "duplicate", "ticket", "error"?, "board"?}.

    status: done | refused | failed. "board" names the error its LED board should blink.
    Raises NotFound for an unknown counter (the device is misconfigured).
    """
    if action not in ACTIONS:
        raise Invalid(f"Thao tác không hợp lệ: {action}. Unknown action.", "invalid_action")
    if action == "rate" and score not in (1, 2, 3):
        raise Invalid("Điểm đánh giá 1, 2 hoặc 3. Score 1..3.", "invalid_score")
    max_age = float(current_app.config["DEVICE_PRESS_MAX_AGE"])
    if age > max_age:
        raise Conflict(
            f"Lệnh bấm đến muộn {age:.0f} giây, không thực hiện. Press too late, dropped.",
            "press_too_late",
        )
    counter_row = queue_queries.get_counter(counter)
    if counter_row is None:
        raise NotFound(f"Không có quầy số {counter}. Unknown counter {counter}.", "unknown_counter")
    key = f"{counter}:{press_id}"
    now = utcnow()
    try:
        with get_db().write() as s:
            s.add(
                DevicePress(
                    key=key,
                    counter=counter,
                    action=action,
                    source=source[:60],
                    status="pending",
                    result={},
                    created_dt=now,
                )
            )
    except IntegrityError:
        with get_db().read() as s:
            row = s.get(DevicePress, key)
            earlier = {"status": row.status, **(row.result or {})} if row else {}
        return {**earlier, "duplicate": True}
    user_id = (user or {}).get("id")
    if action != "rate" and counter_row["state"] != "open":
        outcome = {
            "status": "refused",
            "ticket": None,
            "error": {
                "code": "counter_not_open",
                "message": "Quầy đang tạm dừng hoặc đã đóng. Counter is not open.",
            },
            "board": BOARD_ERRORS.get(counter_row["state"], "refused"),
        }
    else:
        try:
            outcome = {
                "status": "done",
                **_outcome(_queue_call(action, counter, user_id, score, press_id)),
            }
        except QmsError as exc:
            outcome = {
                "status": "refused",
                "ticket": None,
                "error": {"code": exc.code, "message": exc.message},
                "board": "refused",
            }
    summary = f"Quầy {counter}: {ACTION_NAMES[action]} từ thiết bị {source}"
    if outcome["status"] == "refused":
        summary += f" — không thực hiện ({outcome['error']['code']})"
    with get_db().write() as s:
        row = s.get(DevicePress, key)
        row.status = outcome["status"]
        row.result = {k: v for k, v in outcome.items() if k != "status"}
        log_event(
            s,
            "device.press",
            summary,
            {
                "device": source,
                "press_id": press_id,
                "counter": counter,
                "action": action,
                "status": outcome["status"],
                "ticket": (outcome.get("ticket") or {}).get("code"),
            },
            user_id,
        )
    return {**outcome, "duplicate": False}


def forget_old_presses(now=None, keep_hours=36):
    """Press ids older than a day and a half can no longer come back: drop them."""
    cutoff = (now or utcnow()) - timedelta(hours=keep_hours)
    with get_db().write() as s:
        return s.execute(delete(DevicePress).where(DevicePress.created_dt < cutoff)).rowcount

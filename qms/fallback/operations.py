"""Every write of the fallback feature: mode switches, probe results, adoption of printed numbers.

Mode switches are recorded with who and why (log), announced on the ticker (notice), open and
close the outage row, and raise mode_changed (the incident module opens/closes a 2.8 incident).
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qms import notices, signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.fallback import queries
from qms.fallback.models import Adoption, Outage
from qms.fallback.queries import PROBE_KEY, TAKEOVER_REQUEST_KEY
from qms.mode import MODES, cached_mode, current_mode, store_mode
from qms.models import Setting, log_event
from qms.queue.models import Service
from qms.queue.operations import tickets
from qms.timeutil import iso, local_day, utcnow

NOTICE_TEXT = {
    "fallback": (
        "Hệ thống bấm số dự phòng đang hoạt động. Xin mời lấy số tại máy này.",
        "Backup queue system active. Please take your number here.",
    ),
    "draining": (
        "Hệ thống chính đã hoạt động trở lại. Công dân đã có số xin vui lòng chờ gọi.",
        "The main system is back. If you hold a number, please wait to be called.",
    ),
}
# adopted tickets sit just before the takeover instant, one millisecond per number, so they are
# called in number order ahead of every local ticket issued after it
MAX_NUMBER = tickets.ADOPT_SLOTS - 1


def _app():
    return current_app._get_current_object()


def _set(s, key, value):
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


# --- mode switches ------------------------------------------------------------------------


def switch_mode(new_mode, reason="", user=None, automatic=False):
    if new_mode not in MODES:
        raise Invalid(
            f"Chế độ không hợp lệ: {new_mode}. Mode must be one of {', '.join(MODES)}.",
            "invalid_mode",
        )
    if new_mode != "standalone" and not current_app.config.get("PRIMARY_URL"):
        raise Conflict(
            "Chưa cấu hình hệ thống chính (QMS_PRIMARY_URL): chỉ dùng được chế độ độc lập. "
            "No primary QMS configured: only standalone is possible.",
            "no_primary",
        )
    with get_db().write() as s:
        change = _switch_in(s, new_mode, reason, user, automatic)
        state = current_mode(s)
    if change:
        _announce(change)
    return state


def _switch_in(s, new_mode, reason, user, automatic):
    """The switch inside the caller's transaction; returns what _announce sends, or None."""
    old = current_mode(s)
    if old["mode"] == new_mode:
        return None
    now = utcnow()
    username = user["username"] if user else None
    store_mode(
        s,
        {
            "mode": new_mode,
            "since": iso(now),
            "reason": reason,
            "by": username,
            "automatic": automatic,
            "previous": old["mode"],
        },
    )
    # the switch itself is logged below; the ticker follows the mode
    notices.retire_notices(s, source="mode", log=False)
    if new_mode in NOTICE_TEXT:
        vi, en = NOTICE_TEXT[new_mode]
        notices.add_notice(s, vi, en, source="mode", source_ref=new_mode, log=False)
    outage = queries.open_outage(s)
    if new_mode == "fallback":
        if outage is None:
            outage = Outage(
                started_dt=now, reason=reason[:500], started_by=username, is_automatic=automatic
            )
            s.add(outage)
        else:  # the primary failed again while draining: the same outage goes on
            outage.draining_dt = None
        ensure_local_series(s, local_day(now))
    elif new_mode == "draining" and outage is not None:
        outage.draining_dt = now
    elif new_mode in ("standby", "standalone") and outage is not None:
        outage.ended_dt = now
        outage.end_reason = reason[:500]
        outage.ended_by = username
    _set(s, TAKEOVER_REQUEST_KEY, {"pending": False})
    s.flush()
    log_event(
        s,
        "mode.switch",
        f"Mode {old['mode']} → {new_mode}" + (f": {reason}" if reason else ""),
        {
            "old": old["mode"],
            "new": new_mode,
            "reason": reason,
            "automatic": automatic,
            "outage": outage.id if outage else None,
        },
        user["id"] if user else None,
    )
    return {"old": old["mode"], "new": new_mode, "reason": reason, "user": user, "auto": automatic}


def _announce(change):
    app = _app()
    signals.mode_changed.send(
        app,
        old=change["old"],
        new=change["new"],
        reason=change["reason"],
        user=change["user"],
        automatic=change["auto"],
    )
    signals.notices_changed.send(app)
    signals.fallback_status.send(app, status={"mode": change["new"], "event": "mode_changed"})


def finish_draining(entering=False):
    """Draining ends by itself once no local or adopted ticket waits or is at a counter.

    entering: called as the mode turns to draining, when the cached mode may not have been
    dropped yet (receivers run in no set order): the transaction reads the mode itself."""
    # cheap check first, from memory (every mode change drops it): this runs after every call
    if not entering and cached_mode() != "draining":
        return False
    with get_db().write() as s:
        if current_mode(s)["mode"] != "draining" or queries.unfinished_count(s):
            return False
        change = _switch_in(
            s,
            "standby",
            "Đã phục vụ hết số dự phòng, trả lại hệ thống chính.",
            None,
            True,
        )
    if change:
        _announce(change)
    return bool(change)


def ensure_local_series(s, day):
    """With FALLBACK_SERIES = "offset:N", local numbers of the day start above N."""
    offset = series_offset()
    if not offset:
        return
    for service_id in s.scalars(select(Service.id)):
        tickets.raise_sequence(s, service_id, day, offset)


def series_offset():
    series = str(current_app.config.get("FALLBACK_SERIES") or "continue")
    if series.startswith("offset:"):
        return int(series.split(":", 1)[1])
    return 0


# --- the probe and what its transitions do ------------------------------------------------


def record_probe(ok, error=None, now=None):
    """Store one probe result; returns "down" or "up" when the primary's state flips, else None.

    Down after PRIMARY_FAIL_THRESHOLD consecutive failures; up again only after
    PRIMARY_RECOVER_THRESHOLD consecutive successes spanning PRIMARY_RECOVER_SECONDS.
    """
    cfg = queries.primary_config()
    now = now or utcnow()
    with get_db().write() as s:
        state = queries.probe_state(s)
        transition = None
        if ok:
            if not state["consecutive_ok"] or not state.get("ok_streak_ts"):
                state["ok_streak_since"] = iso(now)
                state["ok_streak_ts"] = now.timestamp()
            state["consecutive_ok"] += 1
            state["consecutive_fail"] = 0
            state["last_ok"] = iso(now)
            streak = now.timestamp() - state["ok_streak_ts"]
            if (
                state["primary_up"] is not True
                and state["consecutive_ok"] >= cfg["recover_threshold"]
                and (state["primary_up"] is None or streak >= cfg["recover_seconds"])
            ):
                transition = "up" if state["primary_up"] is False else None
                state["primary_up"] = True
                state["last_change"] = iso(now)
        else:
            state["consecutive_fail"] += 1
            state["consecutive_ok"] = 0
            state["ok_streak_since"] = state["ok_streak_ts"] = None
            state["last_fail"] = iso(now)
            state["last_error"] = (error or "")[:300]
            if (
                state["primary_up"] is not False
                and state["consecutive_fail"] >= cfg["fail_threshold"]
            ):
                transition = "down"
                state["primary_up"] = False
                state["last_change"] = iso(now)
        _set(s, PROBE_KEY, state)
        if transition:
            log_event(
                s,
                f"primary.{transition}",
                f"Primary QMS {'is back' if transition == 'up' else 'not responding'}"
                + (f": {error}" if error and transition == "down" else ""),
                {"url": cfg["url"], "error": error},
            )
    if transition:
        signals.fallback_status.send(_app(), status={"primary_up": transition == "up"})
    return transition


def on_primary_down(error=""):
    """Takeover (TAKEOVER=auto) or a pending request for leadership (TAKEOVER=ask)."""
    # the reason goes into the outage record and the incident book sent to the province:
    # Vietnamese only (the probe's error text is Vietnamese too, see monitor.probe)
    reason = "Hệ thống QMS 1.2 không phản hồi" + (f" ({error})" if error else "") + "."
    with get_db().read() as s:
        mode = current_mode(s)["mode"]
    if mode not in ("standby", "draining"):
        return None
    if current_app.config["TAKEOVER"] == "ask":
        return request_takeover(reason)
    return switch_mode("fallback", reason, automatic=True)


def on_primary_up():
    with get_db().write() as s:
        mode = current_mode(s)["mode"]
        if queries.takeover_request(s):
            _set(s, TAKEOVER_REQUEST_KEY, {"pending": False})
            log_event(s, "takeover.withdrawn", "Primary QMS back: takeover request withdrawn")
    if mode == "fallback":
        switch_mode(
            "draining",
            "Hệ thống QMS 1.2 hoạt động trở lại.",
            automatic=True,
        )
        finish_draining()


def request_takeover(reason):
    with get_db().write() as s:
        if queries.takeover_request(s):
            return None
        request = {"pending": True, "since": iso(utcnow()), "reason": reason}
        _set(s, TAKEOVER_REQUEST_KEY, request)
        log_event(s, "takeover.requested", f"Takeover requested: {reason}", request)
    signals.fallback_status.send(
        _app(),
        status={
            "event": "takeover_requested",
            "message": "Hệ thống QMS 1.2 không phản hồi: cần lãnh đạo quyết định chuyển sang "
            "chế độ dự phòng tại /admin/fallback.",
            **request,
        },
    )
    return request


# --- adoption -------------------------------------------------------------------------------


def adopt(service_code, number_from, number_to, user=None):
    """Tickets QMS 1.2 printed join our queue; new local numbers continue above them."""
    format_code = tickets.format_code
    limit = int(current_app.config["FALLBACK_ADOPT_MAX"])
    for name, value in (("from", number_from), ("to", number_to)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_NUMBER:
            raise Invalid(
                f"'{name}' phải là số nguyên từ 1 đến {MAX_NUMBER}. "
                f"'{name}' must be an integer 1–{MAX_NUMBER}.",
                "invalid_number",
                field=name,
            )
    if number_from > number_to:
        raise Invalid(
            "Số đầu phải nhỏ hơn hoặc bằng số cuối. 'from' must not exceed 'to'.",
            "invalid_range",
        )
    if number_to - number_from + 1 > limit:
        raise Invalid(
            f"Mỗi lần chỉ tiếp nhận tối đa {limit} số. At most {limit} numbers per adoption.",
            "range_too_large",
            limit=limit,
        )
    now = utcnow()
    day = local_day(now)
    with get_db().write() as s:
        mode = current_mode(s)["mode"]
        if mode == "standby":
            raise Conflict(
                "Hệ thống chính đang hoạt động: chỉ tiếp nhận số của QMS 1.2 khi ở chế độ dự "
                "phòng. The primary QMS is running: adopt only in fallback mode.",
                "standby",
                mode=mode,
            )
        service = s.scalar(select(Service).where(Service.code == (service_code or "").upper()))
        if service is None:
            raise NotFound(
                f"Không có lĩnh vực '{service_code}'. Unknown service '{service_code}'.",
                "unknown_service",
            )
        previous = s.scalars(
            select(Adoption).where(Adoption.service_id == service.id, Adoption.day == day)
        ).all()
        for earlier in previous:
            if earlier.number_from == number_from and earlier.number_to == number_to:
                return {
                    "adopted": 0,
                    "adoption": queries.adoption_dict(earlier, service.code),
                    "tickets": [],
                }
        overlapping = [
            a for a in previous if a.number_from <= number_to and number_from <= a.number_to
        ]
        taken = tickets.numbers_taken(s, service.id, day, number_from, number_to)
        if overlapping or taken:
            ranges = [f"{a.number_from}–{a.number_to}" for a in overlapping]
            codes = [format_code(service.code, n) for n in taken[:10]]
            detail = ", ".join(
                ([f"đã tiếp nhận/adopted {r}" for r in ranges])
                + ([", ".join(codes)] if codes else [])
            )
            raise Conflict(
                f"Khoảng số {format_code(service.code, number_from)}–"
                f"{format_code(service.code, number_to)} trùng với số đã có ({detail}). "
                "Hãy nhập khoảng số chưa được tiếp nhận hoặc cấp. "
                "The range overlaps numbers already adopted or issued.",
                "overlap",
                ranges=ranges,
                numbers=list(taken[:50]),
            )
        outage = queries.open_outage(s)
        # in an outage: just before the takeover; without one (standalone): from now on
        base = (
            outage.started_dt
            if outage is not None
            else now + timedelta(milliseconds=tickets.ADOPT_SLOTS)
        )
        adoption = Adoption(
            outage_id=outage.id if outage else None,
            service_id=service.id,
            day=day,
            number_from=number_from,
            number_to=number_to,
            created_dt=now,
            user_id=user["id"] if user else None,
        )
        s.add(adoption)
        s.flush()
        user_id = user["id"] if user else None
        adopted = tickets.add_adopted(
            s, service, day, number_from, number_to, base, adoption.id, user_id
        )
        log_event(
            s,
            "fallback.adopt",
            f"Adopted {format_code(service.code, number_from)}–"
            f"{format_code(service.code, number_to)} ({len(adopted)})",
            {
                "service": service.code,
                "from": number_from,
                "to": number_to,
                "adoption": adoption.id,
            },
            user_id,
        )
        result = {
            "adopted": len(adopted),
            "adoption": queries.adoption_dict(adoption, service.code, user and user["username"]),
            "tickets": adopted,
        }
    signals.queue_changed.send(_app())
    return result

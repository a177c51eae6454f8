"""Mode switches: recorded with who and why, announced through mode_changed."""

from flask import current_app

from qms import signals
from qms.errors import Conflict, Invalid
from qms.extensions import get_db
from qms.fallback.queries import MODES, current_mode
from qms.models import Notice, Setting, log_event, utcnow
from qms.timeutil import iso

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


def switch_mode(new_mode, reason="", user=None, automatic=False):
    if new_mode not in MODES:
        raise Invalid(f"Chế độ không hợp lệ: {new_mode}. Mode must be one of {', '.join(MODES)}.", "invalid_mode")
    if new_mode != "standalone" and not current_app.config.get("PRIMARY_URL"):
        raise Conflict(
            "Chưa cấu hình hệ thống chính (QMS_PRIMARY_URL): chỉ dùng được chế độ độc lập. "
            "No primary QMS configured: only standalone is possible.",
            "no_primary",
        )
    app = current_app._get_current_object()
    with get_db().write() as s:
        old = current_mode(s)
        if old["mode"] == new_mode:
            return old
        state = {
            "mode": new_mode,
            "since": iso(utcnow()),
            "reason": reason,
            "by": user["username"] if user else None,
            "automatic": automatic,
            "previous": old["mode"],
        }
        row = s.get(Setting, "mode")
        if row is None:
            s.add(Setting(key="mode", value=state))
        else:
            row.value = state
        for notice in s.query(Notice).filter(Notice.source == "mode", Notice.is_active.is_(True)):
            notice.is_active = False
            notice.withdrawn_dt = utcnow()
        if new_mode in NOTICE_TEXT:
            vi, en = NOTICE_TEXT[new_mode]
            s.add(Notice(text_vi=vi, text_en=en, source="mode", source_ref=new_mode))
        log_event(
            s,
            "mode.switch",
            f"Mode {old['mode']} → {new_mode}" + (f": {reason}" if reason else ""),
            {"old": old["mode"], "new": new_mode, "reason": reason, "automatic": automatic},
            user["id"] if user else None,
        )
    signals.mode_changed.send(
        app, old=old["mode"], new=new_mode, reason=reason, user=user, automatic=automatic
    )
    signals.notices_changed.send(app)
    return state

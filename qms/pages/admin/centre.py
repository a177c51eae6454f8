"""The centre's settings (admin); hours, holidays and the reception pause, the audit log
(leadership)."""

import re
from datetime import date

from flask import flash, g, request

from qms import calendar as centre_calendar
from qms.centre import operations as centre_ops
from qms.centre import queries as centre_queries
from qms.centre import settings as centre_settings
from qms.errors import Invalid, QmsError
from qms.i18n import t
from qms.pages.admin.common import (
    CENTRE_PAGE_FIELDS,
    ROLE_NAMES,
    STATE_NAMES,
    bp,
    done,
    failed,
    int_field,
    render,
)
from qms.pages.guard import login_required
from qms.roles import ADMIN, LEADERSHIP

# --- the centre -----------------------------------------------------------------------------


@bp.route("/admin/centre", methods=["GET", "POST"])
@login_required(ADMIN)
def centre():
    if request.method == "POST":
        view = centre_queries.settings_view()
        changes = {}
        for key in CENTRE_PAGE_FIELDS:
            if key not in request.form:
                continue
            value = request.form.get(key, "").strip()
            if value == (view[key]["value"] or ""):
                continue
            # back to the configuration when it equals the default
            changes[key] = None if value == (view[key]["default"] or "") else value
        try:
            centre_ops.update_settings(changes, g.user["id"])
        except QmsError as exc:
            flash(exc.message, "error")
            return render(
                "centre.html", 422, settings=_posted_settings(), fields=CENTRE_PAGE_FIELDS
            )
        return done("Đã lưu thông tin trung tâm.", "Centre settings saved.", "admin.centre")
    return render("centre.html", settings=centre_queries.settings_view(), fields=CENTRE_PAGE_FIELDS)


def _posted_settings():
    view = centre_queries.settings_view()
    for key in CENTRE_PAGE_FIELDS:
        if key in request.form:
            view[key] = {**view[key], "value": request.form.get(key, "")}
    return view


# --- calendar and reception (leadership) ---------------------------------------------------------


def _holidays(text):
    """One date a line (or comma-separated): YYYY-MM-DD or dd/mm/yyyy."""
    out = []
    for item in re.split(r"[\s,;]+", text or ""):
        if not item:
            continue
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", item)
        if match:
            day, month, year = (int(x) for x in match.groups())
            try:
                item = date(year, month, day).isoformat()
            except ValueError:
                raise Invalid(
                    f"Ngày nghỉ '{item}' không có thật. Holiday '{item}' is not a date.",
                    "invalid_date",
                ) from None
        out.append(item)
    return out


def _calendar_from_form(form):
    weekly = {}
    for day in centre_calendar.WEEKDAYS:
        spans = []
        for part in ("am", "pm"):
            start = form.get(f"{day}_{part}_start", "").strip()
            end = form.get(f"{day}_{part}_end", "").strip()
            if not start and not end:
                continue
            if not start or not end:
                raise Invalid(
                    f"{centre_calendar.WEEKDAY_NAMES[day]}: hãy nhập cả giờ mở và giờ đóng. "
                    f"{day}: give both opening and closing times.",
                    "invalid_hours",
                )
            spans.append([start, end])
        weekly[day] = spans
    return {
        "weekly": weekly,
        "holidays": _holidays(form.get("holidays")),
        "cutoff_minutes": int_field(form.get("cutoff_minutes"), "Ngừng cấp số trước", "Cut-off", 0),
    }


def _calendar_page(status=200, posted=None):
    view = centre_queries.calendar_view()
    if posted is not None:
        view = {**view, **posted}
    return render(
        "calendar.html",
        status,
        cal=view,
        weekdays=centre_calendar.WEEKDAYS,
        weekday_names=centre_calendar.WEEKDAY_NAMES,
        reception=centre_queries.reception_view(),
        preset=centre_calendar.OFFICE_HOURS,
    )


@bp.route("/admin/calendar")
@login_required(*LEADERSHIP)
def calendar():
    return _calendar_page()


@bp.route("/admin/calendar", methods=["POST"])
@login_required(*LEADERSHIP)
def save_calendar():
    action = request.form.get("action", "save")
    try:
        if action == "preset":
            current = centre_queries.calendar_view()
            centre_ops.set_calendar(
                {**centre_calendar.OFFICE_HOURS, "holidays": current["holidays"]}, g.user["id"]
            )
            return done(
                "Đã áp dụng giờ hành chính thông thường.",
                "Usual office hours applied.",
                "admin.calendar",
            )
        if action == "clear":
            centre_ops.set_calendar(None, g.user["id"])
            return done(
                "Đã bỏ lịch: máy lấy số luôn cấp số.",
                "Calendar removed: always open.",
                "admin.calendar",
            )
        centre_ops.set_calendar(_calendar_from_form(request.form), g.user["id"])
    except QmsError as exc:
        flash(exc.message, "error")
        return _calendar_page(422, posted=_posted_calendar(request.form))
    return done("Đã lưu lịch làm việc.", "Calendar saved.", "admin.calendar")


def _posted_calendar(form):
    weekly = {
        day: [
            [form.get(f"{day}_{p}_start", ""), form.get(f"{day}_{p}_end", "")]
            for p in ("am", "pm")
            if form.get(f"{day}_{p}_start") or form.get(f"{day}_{p}_end")
        ]
        for day in centre_calendar.WEEKDAYS
    }
    holidays = [h for h in re.split(r"[\s,;]+", form.get("holidays", "")) if h]
    return {"weekly": weekly, "holidays": holidays, "cutoff_minutes": form.get("cutoff_minutes")}


@bp.route("/admin/reception", methods=["POST"])
@login_required(*LEADERSHIP)
def reception():
    paused = request.form.get("paused") == "1"
    try:
        centre_ops.set_reception(paused, request.form.get("reason", "")[:300], g.user)
    except QmsError as exc:
        return failed(exc, "admin.calendar")
    if paused:
        return done("Đã tạm dừng tiếp nhận.", "Reception paused.", "admin.calendar")
    return done("Đã tiếp nhận trở lại.", "Reception resumed.", "admin.calendar")


# --- audit log (leadership) ------------------------------------------------------------------------

AUDIT_FILTERS = {
    "": ("Tất cả", "Everything"),
    "setup.": ("Lĩnh vực, quầy, ưu tiên", "Services, counters, priority"),
    "user.": ("Tài khoản, đăng nhập", "Accounts, logins"),
    "centre.": ("Lịch, tiếp nhận, thông tin", "Calendar, reception, settings"),
    "ticket.override": ("Cấp số ngoài quy định", "Override tickets"),
    "counter.state": ("Mở / đóng quầy", "Counter open/close"),
    "mode.": ("Chế độ dự phòng", "Fallback mode"),
}


@bp.route("/admin/audit")
@login_required(*LEADERSHIP)
def audit():
    kind = request.args.get("kind", "")
    if kind not in AUDIT_FILTERS:
        kind = ""
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and 0 < int(before) < 2**31 else None
    entries = centre_queries.audit_entries(100, kind or None, before_id)
    return render("audit.html", entries=entries, kind=kind, filters=AUDIT_FILTERS, page_size=100)


def audit_value(value):
    """A before/after value as leadership reads it: names, not codes; lists as text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return t("Có", "Yes") if value else t("Không", "No")
    if isinstance(value, str) and value in ROLE_NAMES:
        return t(*ROLE_NAMES[value])
    if isinstance(value, str) and value in STATE_NAMES:
        return t(*STATE_NAMES[value])
    if isinstance(value, list):
        return ", ".join("–".join(v) if isinstance(v, list) else audit_value(v) for v in value)
    if isinstance(value, dict):  # weekly hours
        return (
            "; ".join(
                f"{centre_calendar.WEEKDAY_NAMES.get(k, k)}: {audit_value(v)}"
                for k, v in value.items()
                if v
            )
            or "—"
        )
    return str(value)


AUDIT_LABELS = {
    "name": ("Tên", "Name"),
    "name_en": ("Tên tiếng Anh", "English name"),
    "description": ("Mô tả", "Description"),
    "active": ("Hoạt động", "Active"),
    "position": ("Thứ tự", "Order"),
    "daily_cap": ("Số/ngày", "Daily cap"),
    "services": ("Lĩnh vực", "Services"),
    "state": ("Trạng thái", "State"),
    "icon": ("Biểu tượng", "Icon"),
    "full_name": ("Họ và tên", "Full name"),
    "title": ("Chức vụ", "Title"),
    "role": ("Vai trò", "Role"),
    "paused": ("Tạm dừng", "Paused"),
    "reason": ("Lý do", "Reason"),
    "weekly": ("Giờ theo thứ", "Weekly hours"),
    "holidays": ("Ngày nghỉ", "Holidays"),
    "cutoff_minutes": ("Ngừng cấp số trước (phút)", "Cut-off (min)"),
}


def setting_label(key):
    label = centre_settings.FIELDS.get(key) or AUDIT_LABELS.get(key)
    return t(label[0], label[1]) if label else key

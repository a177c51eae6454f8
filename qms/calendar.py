"""The centre's time: opening hours per weekday, holidays, a cut-off before each closing, and
the centre-wide pause of reception. Read by issuing and the board through the clock seam.

Stored as Setting rows written by the centre feature: "calendar" {"weekly", "holidays",
"cutoff_minutes"} and "reception" {"paused", "reason", "since", "by"}. No calendar row means
always open (a fresh or demo install).
"""

import re
from datetime import UTC, date, datetime, time, timedelta

from qms.errors import Invalid
from qms.models import setting_values
from qms.timeutil import iso, to_local, utcnow, zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "thứ Hai",
    "tue": "thứ Ba",
    "wed": "thứ Tư",
    "thu": "thứ Năm",
    "fri": "thứ Sáu",
    "sat": "thứ Bảy",
    "sun": "Chủ nhật",
}
CALENDAR_KEY = "calendar"
RECEPTION_KEY = "reception"
OFFICE_HOURS = {  # the usual hours of a commune office: the page's one-click preset
    "weekly": {
        **{d: [["07:30", "11:30"], ["13:30", "17:00"]] for d in WEEKDAYS[:5]},
        "sat": [],
        "sun": [],
    },
    "holidays": [],
    "cutoff_minutes": 15,
}
NOT_PAUSED = {"paused": False, "reason": "", "since": None, "by": None}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def centre_state(s):
    """(calendar or None, reception) in one read."""
    return state_from(setting_values(s.connection(), (CALENDAR_KEY, RECEPTION_KEY)))


def state_from(values):
    """(calendar or None, reception) from the stored Setting values {key: value}: for a
    caller that reads them together with other settings (issuing reads the mode with them)."""
    return values.get(CALENDAR_KEY), {**NOT_PAUSED, **(values.get(RECEPTION_KEY) or {})}


def _minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def validate_calendar(data):
    """A clean calendar, or Invalid naming the first problem (nothing is stored)."""
    if not isinstance(data, dict):
        raise Invalid(
            "Lịch phải là một đối tượng JSON. Calendar must be an object.", "invalid_calendar"
        )
    weekly = data.get("weekly")
    if not isinstance(weekly, dict):
        raise Invalid(
            "Thiếu giờ làm việc theo thứ (weekly). 'weekly' is required.", "invalid_calendar"
        )
    unknown = [d for d in weekly if d not in WEEKDAYS]
    if unknown:
        raise Invalid(
            f"Không có thứ '{unknown[0]}': dùng {', '.join(WEEKDAYS)}. "
            f"Unknown weekday '{unknown[0]}'.",
            "unknown_weekday",
            field=str(unknown[0]),
        )
    clean_week = {}
    for day in WEEKDAYS:
        spans = weekly.get(day) or []
        if not isinstance(spans, list):
            raise Invalid(
                f"Giờ của {day} phải là danh sách. Hours of {day} must be a list.", "invalid_hours"
            )
        clean = []
        for span in spans:
            if (
                not isinstance(span, list | tuple)
                or len(span) != 2
                or not all(isinstance(x, str) and _HHMM.match(x) for x in span)
            ):
                raise Invalid(
                    f'Giờ của {day} phải có dạng ["07:30", "11:30"]. '
                    f'Hours of {day} must look like ["07:30", "11:30"].',
                    "invalid_hours",
                    field=day,
                )
            start, end = span
            if _minutes(start) >= _minutes(end):
                raise Invalid(
                    f"{WEEKDAY_NAMES[day]}: giờ mở {start} phải trước giờ đóng {end}. "
                    f"{day}: opening {start} must come before closing {end}.",
                    "inverted_hours",
                    field=day,
                )
            clean.append([start, end])
        clean.sort(key=lambda span: span[0])
        for before, after in zip(clean, clean[1:], strict=False):
            if _minutes(after[0]) < _minutes(before[1]):
                raise Invalid(
                    f"{WEEKDAY_NAMES[day]}: khung giờ {before[0]}–{before[1]} và "
                    f"{after[0]}–{after[1]} chồng lên nhau. {day}: hours overlap.",
                    "overlapping_hours",
                    field=day,
                )
        clean_week[day] = clean
    holidays = data.get("holidays") or []
    if not isinstance(holidays, list):
        raise Invalid("Ngày nghỉ phải là danh sách. 'holidays' must be a list.", "invalid_date")
    clean_days = set()
    for text in holidays:
        try:
            day = date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
        except ValueError:
            day = None
        if day is None or not 2000 <= day.year <= 2100:
            raise Invalid(
                f"Ngày nghỉ '{text}' không đúng dạng YYYY-MM-DD. Holiday '{text}' is not a date.",
                "invalid_date",
                field="holidays",
            )
        clean_days.add(day.isoformat())
    cutoff = data.get("cutoff_minutes", 0)
    if cutoff is None:
        cutoff = 0
    if isinstance(cutoff, bool) or not isinstance(cutoff, int) or not 0 <= cutoff <= 240:
        raise Invalid(
            "Thời gian ngừng cấp số trước giờ đóng phải từ 0 đến 240 phút. "
            "cutoff_minutes must be 0–240.",
            "invalid_cutoff",
            field="cutoff_minutes",
        )
    return {"weekly": clean_week, "holidays": sorted(clean_days), "cutoff_minutes": cutoff}


def _spans(calendar, day):
    """The day's [start, last issuing moment) pairs as local datetimes; none on a holiday."""
    if calendar is None or day.isoformat() in calendar.get("holidays", ()):
        return []
    cutoff = timedelta(minutes=calendar.get("cutoff_minutes") or 0)
    out = []
    for start, end in calendar["weekly"].get(WEEKDAYS[day.weekday()], []):
        begin = datetime.combine(day, time.fromisoformat(start), tzinfo=zone())
        stop = datetime.combine(day, time.fromisoformat(end), tzinfo=zone()) - cutoff
        if stop > begin:
            out.append((begin, stop))
    return out


def opens_on(calendar, day):
    """The centre works on this local day: no calendar, or opening hours that day."""
    return calendar is None or bool(_spans(calendar, day))


def is_open(calendar, now_utc=None):
    """Reception takes numbers now: no calendar, or inside a span before its cut-off."""
    if calendar is None:
        return True
    local = to_local(now_utc or utcnow())
    return any(begin <= local < stop for begin, stop in _spans(calendar, local.date()))


def next_open(calendar, now_utc=None):
    """The next moment reception opens (UTC, naive), or None: no calendar, or open now, or
    no opening hours within a year."""
    if calendar is None:
        return None
    now = now_utc or utcnow()
    local = to_local(now)
    if is_open(calendar, now):
        return None
    for offset in range(0, 367):
        day = local.date() + timedelta(days=offset)
        for begin, _stop in _spans(calendar, day):
            if begin > local:
                return begin.astimezone(UTC).replace(tzinfo=None)
    return None


def opening_text(when_utc, now_utc=None):
    """'lúc 07:30 thứ Hai, 24/11/2026' — when reception opens again, in plain Vietnamese."""
    if when_utc is None:
        return ""
    local, today = to_local(when_utc), to_local(now_utc or utcnow()).date()
    hhmm = local.strftime("%H:%M")
    if local.date() == today:
        return f"lúc {hhmm} hôm nay"
    if local.date() == today + timedelta(days=1):
        return f"lúc {hhmm} ngày mai ({WEEKDAY_NAMES[WEEKDAYS[local.weekday()]]}, {local:%d/%m/%Y})"
    return f"lúc {hhmm} {WEEKDAY_NAMES[WEEKDAYS[local.weekday()]]}, {local:%d/%m/%Y}"


def status(calendar, reception, now_utc=None):
    """What the board and GET /calendar say about the centre's time right now."""
    now = now_utc or utcnow()
    return {
        "open_now": is_open(calendar, now),
        "next_open": iso(next_open(calendar, now)),
        "reception": {
            "paused": bool(reception["paused"]),
            "reason": reception.get("reason") or "",
            "since": reception.get("since"),
        },
    }

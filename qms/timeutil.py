"""Local time of the centre: service days, ISO output with offset, Vietnamese formats."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# The one clock seam: tests pin it with set_clock(); nothing else patches time.
_pinned = None


def utcnow():
    """Naive UTC: every *_dt column stores UTC; conversion to local time happens on output."""
    if _pinned is not None:
        return _pinned()
    return datetime.now(UTC).replace(tzinfo=None)


def set_clock(source=None):
    """Pin utcnow() to source() (a callable returning naive UTC); None restores the real clock."""
    global _pinned
    _pinned = source


def zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(dt):
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(zone())


def iso(dt):
    local = to_local(dt)
    return local.isoformat(timespec="seconds") if local else None


def local_day(dt_utc):
    return to_local(dt_utc).date()


def vn_datetime(dt):
    """dd/mm/yyyy HH:MM:SS, the format printed on tickets."""
    return to_local(dt).strftime("%d/%m/%Y %H:%M:%S")


def vn_long_date(d):
    """'ngày 05 tháng 01 năm 2026' (leading zeros per Decree 30/2020)."""
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def utc_from_local_date(d, end=False):
    """UTC instant of the start (or end) of a local day, for range queries."""
    from datetime import time, timedelta

    start = datetime.combine(d, time.min, tzinfo=zone())
    if end:
        start += timedelta(days=1)
    return start.astimezone(UTC).replace(tzinfo=None)

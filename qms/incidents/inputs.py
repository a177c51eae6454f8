"""Reading what staff typed: texts, local date-times, the book's filters, a year and quarter.

Shared by the operations (which validate every field they write), the JSON API and the pages.
"""

from datetime import UTC, datetime, timedelta

from qms.errors import Invalid
from qms.incidents.models import STATUSES
from qms.incidents.queries import quarter_bounds
from qms.models import utcnow
from qms.timeutil import local_day, zone
from qms.web.validation import query_date


def clean_text(value, field, max_len, required=True):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"Cần nhập '{field}'. '{field}' is required.", "missing_field", field=field)
    if len(value) > max_len:
        raise Invalid(f"'{field}' quá dài. '{field}' is too long.", "too_long", field=field)
    return value


def parse_local_datetime(text, field):
    """'2026-11-22T08:30' (centre's local time) or with an offset → naive UTC."""
    if text is None or text == "":
        return None
    try:
        value = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise Invalid(
            f"'{field}' phải là ngày giờ dạng YYYY-MM-DDTHH:MM. '{field}' must be an ISO date-time.",
            "invalid_datetime",
            field=field,
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    value = value.astimezone(UTC).replace(tzinfo=None)
    if value > utcnow() + timedelta(minutes=5):
        raise Invalid(
            f"'{field}' không được ở tương lai. '{field}' cannot be in the future.",
            "future_datetime",
            field=field,
        )
    return value


def parse_drill(raw):
    if raw in (None, "", "all"):
        return None
    if raw in ("only", "1", "true"):
        return True
    if raw in ("exclude", "0", "false"):
        return False
    raise Invalid(
        "'drill' phải là only, exclude hoặc all. Invalid 'drill'.", "invalid_value", field="drill"
    )


def parse_list_args(args):
    """The book's filters (status/type/from/to/drill) → keyword arguments of list_incidents."""
    status = args.get("status") or None
    if status and status not in ("open", "closed", "all", *STATUSES):
        raise Invalid("Trạng thái không hợp lệ. Invalid status.", "invalid_value", field="status")
    return {
        "status": None if status == "all" else status,
        "type_code": args.get("type") or None,
        "date_from": query_date("from"),
        "date_to": query_date("to"),
        "drill": parse_drill(args.get("drill")),
    }


def current_quarter():
    today = local_day(utcnow())
    return today.year, (today.month - 1) // 3 + 1


def date_range_args():
    """?from=…&to=… (local days); a missing end defaults to this quarter's."""
    date_from, date_to = query_date("from"), query_date("to")
    if date_from is None or date_to is None:
        first, last = quarter_bounds(*current_quarter())
        date_from, date_to = date_from or first, date_to or last
    if date_from > date_to:
        raise Invalid("'from' sau 'to'. 'from' is after 'to'.", "invalid_range", field="from")
    return date_from, date_to


def year_quarter_args(args):
    """year and quarter from a query string or a form; this quarter by default."""
    this_year, this_quarter = current_quarter()
    try:
        year = int(args.get("year") or this_year)
        quarter = int(args.get("quarter") or this_quarter)
    except ValueError:
        raise Invalid(
            "Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter"
        ) from None
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Invalid("Năm hoặc quý không hợp lệ. Invalid year or quarter.", "invalid_quarter")
    return year, quarter

"""Reading what an officer typed for a paper dossier: names, phones, dates, the ticket."""

import re
from datetime import date

from qms.errors import Invalid

PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# 10 digits from 0 (mobile 03/05/07/08/09, landline 02x), or 11 for the old landline plan
PHONE = re.compile(r"^0\d{9,10}$")


def clean_text(value, field, max_len, required=True, label=None):
    label = label or field
    value = " ".join(str(value or "").split()) if field != "documents" else str(value or "")
    value = value.strip()
    if required and not value:
        raise Invalid(f"Cần nhập {label}. '{field}' is required.", "missing_field", field=field)
    if len(value) > max_len:
        raise Invalid(f"{label} quá dài. '{field}' is too long.", "too_long", field=field)
    return value


def clean_phone(value, field="phone"):
    """'0977.606.968', '+84 977 606 968' → '0977606968'; '' when none; 422 when not a phone."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    digits = PHONE_SEPARATORS.sub("", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not PHONE.match(digits):
        raise Invalid(
            f"'{raw}' không phải số điện thoại (10 chữ số, bắt đầu bằng 0). "
            "Not a Vietnamese phone number.",
            "invalid_phone",
            field=field,
        )
    return digits


def format_phone(digits):
    """'0977606968' → '0977.606.968' as Vietnamese write it."""
    if len(digits) == 10:
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    if len(digits) == 11:  # landline: area code 02xx, then 7 digits
        return f"{digits[:4]}.{digits[4:8]}.{digits[8:]}"
    return digits


def clean_documents(value):
    """A list of papers or one per line → the stored text (one per line)."""
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    lines = [" ".join(line.split()) for line in str(value or "").splitlines()]
    text = "\n".join(line for line in lines if line)
    return clean_text(text, "documents", 2000, required=False, label="Giấy tờ đã nhận")


def parse_date(value, field, today, not_before_today=True):
    """'2026-11-27' → date; in the past → 422 (an appointment is never before today)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(
                f"Ngày hẹn phải có dạng YYYY-MM-DD. '{field}' must be YYYY-MM-DD.",
                "invalid_date",
                field=field,
            ) from None
    if not_before_today and day < today:
        raise Invalid(
            f"Ngày hẹn {day:%d/%m/%Y} đã qua. The appointment date is in the past.",
            "date_in_past",
            field=field,
        )
    return day


def clean_official_code(value):
    code = clean_text(value, "official_code", 60, label="Mã hồ sơ trên hệ thống")
    if not re.match(r"^[0-9A-Za-z.\-_/]+$", code):
        raise Invalid(
            "Mã hồ sơ chỉ gồm chữ, số và các dấu . - _ /. Invalid official code.",
            "invalid_official_code",
            field="official_code",
        )
    return code.upper()

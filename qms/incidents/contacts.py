"""The catalogue's contacts: who to call on a bad day, with a number to call.

Stored in IncidentType.contacts as {"name", "phone"}; older rows hold plain names. Staff type
one contact per line as "Phó Giám đốc Trung tâm | 0977.606.968" (or "… - 0977 606 968")."""

import re

from qms.errors import Invalid

# a phone at the end of a line, after "|", ":", "-", "–" or "—": digits with . space - ( ) +
TRAILING_PHONE = re.compile(
    r"^(?P<name>.*?)\s*(?:\||:|-|–|—)\s*(?P<phone>\+?[\d][\d .()\-]{2,20})$"
)
SEPARATORS = re.compile(r"[\s.\-()]")


def phone_digits(phone):
    """'0977.606.968' → '0977606968' (the tel: link); hotlines such as 1900 0000 stay valid."""
    return SEPARATORS.sub("", phone or "")


def clean_phone(phone, name=""):
    phone = " ".join(str(phone or "").split())
    if not phone:
        return ""
    digits = phone_digits(phone)
    if not re.fullmatch(r"\+?\d{3,15}", digits):
        raise Invalid(
            f"Số điện thoại của '{name}' không hợp lệ: {phone}. Invalid phone number.",
            "invalid_phone",
            field="contacts",
        )
    return phone


def parse_contact(item):
    """A typed line or a {"name", "phone"} → {"name", "phone"}; None for an empty line."""
    if isinstance(item, dict):
        name = " ".join(str(item.get("name") or "").split())
        phone = item.get("phone") or ""
    else:
        text = " ".join(str(item or "").split())
        match = TRAILING_PHONE.match(text)
        name, phone = (match["name"], match["phone"]) if match else (text, "")
    if not name:
        return None
    return {"name": name[:200], "phone": clean_phone(phone, name)[:30]}


def contact_dict(raw):
    """As the API and pages show one contact (a stored dict or an older plain name)."""
    entry = raw if isinstance(raw, dict) else {"name": str(raw), "phone": ""}
    name, phone = entry.get("name") or "", entry.get("phone") or ""
    return {
        "name": name,
        "phone": phone,
        "phone_digits": phone_digits(phone),
        "line": f"{name} | {phone}" if phone else name,
    }

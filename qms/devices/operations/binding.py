"""Device accounts bound to one kiosk or one counter: a device may act only for its own.

A kiosk PC's token says hello, claims and acknowledges jobs of its kiosk only; a counter
PC's token presses buttons and reads the board of its counter only. An unbound device
account can do neither (an admin binds it: /admin/devices or `qms devices bind`).
"""

from sqlalchemy import select

from qms.auth.models import User
from qms.errors import Forbidden, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.roles import DEVICE
from qms.timeutil import utcnow

from ..models import DeviceAccount
from .agent import check_kiosk_id


def binding_of(user_id):
    """{"kiosk": id|None, "counter": n|None} of a device account, or None when unbound."""
    with get_db().read() as s:
        row = s.get(DeviceAccount, user_id)
        return {"kiosk": row.kiosk, "counter": row.counter} if row else None


def _refuse(what):
    return Forbidden(
        f"Tài khoản thiết bị này không được gắn với {what}. "
        f"This device account is not bound to {what}.",
        "device_not_bound",
    )


def require_kiosk(user, kiosk):
    """A device account acts only for the kiosk it is bound to (staff roles pass)."""
    check_kiosk_id(kiosk)
    if user is None or user["role"] != DEVICE:
        return
    bound = binding_of(user["id"])
    if bound is None or bound["kiosk"] != kiosk:
        raise _refuse(f"ki-ốt {kiosk}")


def require_counter(user, counter):
    """A device account acts only for the counter it is bound to (staff roles pass)."""
    if user is None or user["role"] != DEVICE:
        return
    bound = binding_of(user["id"])
    if bound is None or bound["counter"] != counter:
        raise _refuse(f"quầy {counter}")


def bind_account(user_id, kiosk=None, counter=None, by=None):
    """Bind a device account to one kiosk or one counter (replacing any earlier binding)."""
    if (kiosk is None) == (counter is None):
        raise Invalid(
            "Gắn với một ki-ốt hoặc một quầy. Give a kiosk or a counter.", "invalid_binding"
        )
    if kiosk is not None:
        check_kiosk_id(kiosk)
    if counter is not None and not (isinstance(counter, int) and 1 <= counter <= 999):
        raise Invalid("Số quầy từ 1 đến 999. Counter 1..999.", "invalid_counter")
    with get_db().write() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("Không có tài khoản này. Unknown account.", "unknown_user")
        if user.role != DEVICE:
            raise Invalid(
                "Chỉ gắn được tài khoản thiết bị. Only device accounts are bound.", "not_a_device"
            )
        row = s.get(DeviceAccount, user_id)
        if row is None:
            row = DeviceAccount(user_id=user_id)
            s.add(row)
        row.kiosk, row.counter, row.bound_dt = kiosk, counter, utcnow()
        what = f"kiosk {kiosk}" if kiosk else f"counter {counter}"
        log_event(
            s,
            "device.bound",
            f"{user.username} → {what}",
            {"kiosk": kiosk, "counter": counter},
            (by or {}).get("id"),
        )
        return {"user_id": user.id, "username": user.username, "kiosk": kiosk, "counter": counter}


def user_id_by_name(username):
    with get_db().read() as s:
        return s.scalar(select(User.id).where(User.username == username))

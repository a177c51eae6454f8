"""Who is who: passwords checked with a per-account lockout, browser sessions kept on the
server (logout ends them for good), bearer tokens."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from qms import signals
from qms.auth.models import ApiToken, User, UserSession
from qms.auth.operations.passwords import hash_token
from qms.errors import RateLimited
from qms.extensions import get_db
from qms.models import log_event
from qms.timeutil import iso, to_local, utcnow

LOCK_AFTER = 5  # wrong passwords for one account …
LOCK_WINDOW = timedelta(minutes=15)  # … within this long …
LOCK_FOR = timedelta(minutes=15)  # … lock it for this long (an admin's reset unlocks)
# verified against when the username is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def account_locked_error(until):
    local = to_local(until).strftime("%H:%M")
    retry = max(1, int((until - utcnow()).total_seconds()))
    return RateLimited(
        f"Tài khoản đang tạm khóa vì nhập sai mật khẩu {LOCK_AFTER} lần. Hãy thử lại sau "
        f"{local} hoặc liên hệ quản trị viên để mở khóa. Account locked after {LOCK_AFTER} "
        f"wrong passwords until {local}; an administrator can unlock it.",
        "account_locked",
        locked_until=iso(until),
        retry_after=retry,
    )


def user_dict(user):
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "full_name": user.full_name,
        "must_change_password": user.must_change_password,
    }


def authenticate(username, password):
    """The user if the password matches an active account, else None.

    A locked account raises 429 account_locked, even with the right password; the wrong
    password that reaches the limit locks the account and raises it too.
    """
    now = utcnow()
    with get_db().read() as s:
        user = s.scalar(select(User).where(User.username == (username or "")))
        if user is None or not user.is_active:
            check_password_hash(_DUMMY_HASH, password or "")
            return None
        matches = check_password_hash(user.password_hash, password or "")
        locked_until = user.locked_until_dt
        found = user_dict(user)
    if locked_until is not None and locked_until > now:
        raise account_locked_error(locked_until)
    if matches:
        return found
    until = _count_failure(found["id"], now)
    if until is not None:
        raise account_locked_error(until)
    return None


def _count_failure(user_id, now):
    """One more wrong password; the lock's end when this one locked the account."""
    with get_db().write() as s:
        user = s.get(User, user_id)
        if user.failed_since_dt is None or now - user.failed_since_dt > LOCK_WINDOW:
            user.failed_logins, user.failed_since_dt = 1, now
        else:
            user.failed_logins += 1
        if user.failed_logins < LOCK_AFTER:
            return None
        until = now + LOCK_FOR
        user.locked_until_dt = until
        user.failed_logins, user.failed_since_dt = 0, None
        log_event(
            s,
            "user.locked",
            f"Tài khoản {user.username} tạm khóa đến {to_local(until).strftime('%H:%M')} "
            f"sau {LOCK_AFTER} lần sai mật khẩu",
            {"user": user.username, "until": iso(until), "attempts": LOCK_AFTER},
            None,
        )
        locked = {
            "username": user.username,
            "full_name": user.full_name,
            "until": iso(until),
            "attempts": LOCK_AFTER,
        }
    signals.account_locked.send(current_app._get_current_object(), **locked)
    return until


def record_login(user_id):
    """A successful login: the failure count starts again."""
    with get_db().write() as s:
        user = s.get(User, user_id)
        user.last_login_dt = utcnow()
        user.failed_logins, user.failed_since_dt, user.locked_until_dt = 0, None, None
        log_event(s, "user.login", f"{user.username} đăng nhập", {}, user_id)


def _lifetime():
    return timedelta(hours=current_app.config["TOKEN_HOURS"])


def issue_token(user_id):
    raw = secrets.token_urlsafe(32)
    expires = utcnow() + _lifetime()
    with get_db().write() as s:
        s.execute(delete(ApiToken).where(ApiToken.expires_dt < utcnow()))
        s.add(ApiToken(user_id=user_id, token_hash=hash_token(raw), expires_dt=expires))
    return raw, expires


def start_session(user_id):
    """A new browser session: the raw id goes into the signed cookie, its hash stays here."""
    raw = secrets.token_urlsafe(32)
    with get_db().write() as s:
        s.execute(delete(UserSession).where(UserSession.expires_dt < utcnow()))
        s.add(
            UserSession(id_hash=hash_token(raw), user_id=user_id, expires_dt=utcnow() + _lifetime())
        )
    return raw


def end_session(raw):
    """Logout: the cookie, even one saved before, no longer opens anything."""
    if not raw:
        return
    with get_db().write() as s:
        s.execute(delete(UserSession).where(UserSession.id_hash == hash_token(raw)))


def end_all_access(s, user_id):
    """Inside a caller's transaction: every session and token of the user ends."""
    s.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return s.execute(delete(ApiToken).where(ApiToken.user_id == user_id)).rowcount

"""Who is asking: bearer token or browser session, and whether their role may do this."""

from flask import request, session
from sqlalchemy import select

from qms.auth.models import ApiToken, User, UserSession
from qms.auth.operations.passwords import hash_token
from qms.errors import Forbidden, Unauthorized
from qms.extensions import csrf, get_db
from qms.roles import may
from qms.timeutil import iso, utcnow


def display_name(user):
    """How people are named on pages, books and exports: full name, else the username."""
    return user.full_name or user.username


def _who(user):
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "name": user.full_name,
        "full_name": user.full_name,
        "title": user.title,
        "display_name": display_name(user),
        "must_change_password": user.must_change_password,
    }


def session_user():
    """The browser session's user (a server-side session that logout ends), or None."""
    user_id, raw = session.get("user_id"), session.get("sid")
    if user_id is None:
        return None
    with get_db().read() as s:
        row = s.get(UserSession, hash_token(raw)) if isinstance(raw, str) else None
        user = s.get(User, user_id) if row is not None and row.user_id == user_id else None
        if user is None or not user.is_active or row.expires_dt < utcnow():
            session.clear()
            return None
        return _who(user)


def current_user(verify_csrf=False):
    """The requesting staff member as a dict, or None for a public client."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        raw = header[7:].strip()
        with get_db().read() as s:
            token = s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
            if token is None or token.expires_dt < utcnow() or not token.user.is_active:
                raise Unauthorized(
                    "Phiên đăng nhập hết hạn hoặc không hợp lệ. Token invalid or expired.",
                    "invalid_token",
                )
            return _who(token.user)
    user = session_user()
    if user is not None and verify_csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return user


def require_user(roles):
    """roles=() means any staff role (not a device); admin passes every check."""
    user = current_user(verify_csrf=True)
    if user is None:
        raise Unauthorized("Cần đăng nhập. Login required.", "login_required")
    if user["must_change_password"]:
        raise Forbidden(
            "Quý vị cần đổi mật khẩu tạm trước khi làm việc (trang /password). "
            "Change your one-time password first (/password).",
            "password_change_required",
        )
    if not may(user["role"], roles):
        raise Forbidden(
            "Tài khoản không có quyền thực hiện thao tác này. Your role may not do this.",
            "forbidden_role",
        )
    return user


def user_view(user, now=None):
    """The ONE shape of a staff account in the API and the admin page."""
    now = now or utcnow()
    locked = user.locked_until_dt is not None and user.locked_until_dt > now
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "title": user.title,
        "role": user.role,
        "active": user.is_active,
        "locked": locked,
        "locked_until": iso(user.locked_until_dt) if locked else None,
        "must_change_password": user.must_change_password,
        "last_login_at": iso(user.last_login_dt),
        "created_at": iso(user.created_dt),
    }


def users_list():
    with get_db().read() as s:
        now = utcnow()
        return [user_view(u, now) for u in s.scalars(select(User).order_by(User.username))]


def get_user(user_id):
    with get_db().read() as s:
        user = s.get(User, user_id)
        return user_view(user) if user else None


def staff_or_none():
    """The logged-in staff member (not a device), or None; a bad token counts as nobody."""
    try:
        user = current_user()
    except Unauthorized:
        return None
    return user if user is not None and may(user["role"], ()) else None

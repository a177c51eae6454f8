"""Who is asking: bearer token or browser session, and whether their role may do this."""

from flask import request, session
from sqlalchemy import select

from qms.auth.models import ApiToken, User
from qms.auth.operations import hash_token
from qms.errors import Forbidden, Unauthorized
from qms.extensions import csrf, get_db
from qms.roles import may
from qms.timeutil import utcnow


def current_user(verify_csrf=False):
    """The requesting staff member as a dict, or None for a public client."""
    header = request.headers.get("Authorization", "")
    with get_db().read() as s:
        if header.lower().startswith("bearer "):
            raw = header[7:].strip()
            token = s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
            if token is None or token.expires_dt < utcnow() or not token.user.is_active:
                raise Unauthorized(
                    "Phiên đăng nhập hết hạn hoặc không hợp lệ. Token invalid or expired.",
                    "invalid_token",
                )
            user = token.user
        else:
            user_id = session.get("user_id")
            if user_id is None:
                return None
            user = s.get(User, user_id)
            if user is None or not user.is_active or session.get("pw") != user.password_hash[-12:]:
                session.clear()
                return None
            if verify_csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
                csrf.protect()
        return {"id": user.id, "username": user.username, "role": user.role, "name": user.full_name}


def require_user(roles):
    """roles=() means any staff role (not a device); admin passes every check."""
    user = current_user(verify_csrf=True)
    if user is None:
        raise Unauthorized("Cần đăng nhập. Login required.", "login_required")
    if not may(user["role"], roles):
        raise Forbidden(
            "Tài khoản không có quyền thực hiện thao tác này. Your role may not do this.",
            "forbidden_role",
        )
    return user


def users_list():
    with get_db().read() as s:
        return [
            {"id": u.id, "username": u.username, "role": u.role, "active": u.is_active}
            for u in s.scalars(select(User).order_by(User.username))
        ]


def password_marker(user_id):
    """The end of the password hash kept in the session: a password change ends every session."""
    with get_db().read() as s:
        return s.get(User, user_id).password_hash[-12:]

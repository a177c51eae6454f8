"""Users and tokens: every write about staff identity goes through here."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from qms.auth.models import ApiToken, User
from qms.errors import Conflict, Invalid
from qms.extensions import get_db
from qms.models import log_event
from qms.roles import ROLES
from qms.timeutil import utcnow

MIN_PASSWORD = 8
# verified against when the username is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8))


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_password():
    return secrets.token_urlsafe(12)


def _check_password_rules(password):
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự. Password needs {MIN_PASSWORD}+ characters.",
            "weak_password",
        )


def create_user(username, role, password, full_name="", by_user_id=None):
    if role not in ROLES:
        raise Invalid(
            f"Vai trò không hợp lệ: {role}. Role must be one of {', '.join(ROLES)}.", "invalid_role"
        )
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise Invalid("Tên đăng nhập không hợp lệ. Invalid username.", "invalid_username")
    _check_password_rules(password)
    with get_db().write() as s:
        if s.scalar(select(User).where(User.username == username)):
            raise Conflict(f"Tài khoản '{username}' đã tồn tại. User exists.", "user_exists")
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            password_hash=generate_password_hash(password),
        )
        s.add(user)
        s.flush()
        log_event(
            s, "user.created", f"User {username} ({role}) created", {"user": username}, by_user_id
        )
        return user.id


def set_password(username, password, by_user_id=None):
    _check_password_rules(password)
    with get_db().write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise Invalid(f"Không có tài khoản '{username}'. No such user.", "unknown_user")
        user.password_hash = generate_password_hash(password)
        s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        log_event(s, "user.password", f"Password of {username} changed", {}, by_user_id)


def authenticate(username, password):
    """The user's id and role if the password matches an active account, else None."""
    with get_db().read() as s:
        user = s.scalar(select(User).where(User.username == (username or "")))
        if user is None or not user.is_active:
            check_password_hash(_DUMMY_HASH, password or "")
            return None
        if not check_password_hash(user.password_hash, password or ""):
            return None
        return {"id": user.id, "username": user.username, "role": user.role}


def record_login(user_id):
    with get_db().write() as s:
        user = s.get(User, user_id)
        user.last_login_dt = utcnow()
        log_event(s, "user.login", f"{user.username} logged in", {}, user_id)


def issue_token(user_id):
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["TOKEN_HOURS"]
    expires = utcnow() + timedelta(hours=hours)
    with get_db().write() as s:
        s.execute(delete(ApiToken).where(ApiToken.expires_dt < utcnow()))
        s.add(ApiToken(user_id=user_id, token_hash=hash_token(raw), expires_dt=expires))
    return raw, expires

"""Staff accounts: create, change, reset to a one-time password, the own password, tokens."""

from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from qms.auth.models import ApiToken, User
from qms.auth.operations.login import end_all_access
from qms.auth.operations.passwords import check_password_rules, generate_password
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.roles import ADMIN, ROLES

EDITABLE = ("full_name", "title", "role", "active")


def _clean_username(username):
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise Invalid(
            "Tên đăng nhập không hợp lệ (1–64 ký tự, không có dấu cách). "
            "Invalid username (1–64 characters, no spaces).",
            "invalid_username",
        )
    return username


def _check_role(role):
    if role not in ROLES:
        raise Invalid(
            f"Vai trò không hợp lệ: {role}. Role must be one of {', '.join(ROLES)}.",
            "invalid_role",
        )


def _text(value, name, limit=120):
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(f"'{name}' dài quá {limit} ký tự. '{name}' is too long.", "too_long")
    return value


def _snapshot(user):
    return {
        "full_name": user.full_name,
        "title": user.title,
        "role": user.role,
        "active": user.is_active,
    }


def create_user(
    username, role, password, full_name="", by_user_id=None, title="", must_change=False
):
    """A new account; returns its id. must_change: the password was handed out (one-time)."""
    _check_role(role)
    username = _clean_username(username)
    check_password_rules(password, username)
    full_name, title = _text(full_name, "full_name"), _text(title, "title")
    with get_db().write() as s:
        # SQLite's lower() folds ASCII only: compare the exact name too (the unique index does)
        same = or_(User.username == username, func.lower(User.username) == username.lower())
        if s.scalar(select(User.id).where(same)):
            raise Conflict(
                f"Tên đăng nhập '{username}' đã có người dùng. Username '{username}' exists.",
                "user_exists",
            )
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            title=title,
            password_hash=generate_password_hash(password),
            must_change_password=must_change,
        )
        s.add(user)
        s.flush()
        log_event(
            s,
            "user.created",
            f"Tạo tài khoản {username} ({role})",
            {"user": username, "before": None, "after": _snapshot(user)},
            by_user_id,
        )
        return user.id


def add_user(username, role, full_name, title="", password=None, by_user_id=None):
    """POST /users: (id, the one-time password when the admin gave none, else None)."""
    generated = None if password else generate_password()
    user_id = create_user(
        username,
        role,
        password or generated,
        full_name=full_name,
        by_user_id=by_user_id,
        title=title,
        must_change=True,
    )
    return user_id, generated


def _load(s, user_id):
    user = s.get(User, user_id)
    if user is None:
        raise NotFound(f"Không có tài khoản số {user_id}. Unknown user.", "unknown_user")
    return user


def _active_admins(s):
    return s.scalar(select(func.count(User.id)).where(User.role == ADMIN, User.is_active.is_(True)))


def update_user(user_id, changes, by_user_id):
    """PATCH /users/<id>: full name, title, role, active. Refuses leaving no admin."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(f"Không sửa được '{sorted(unknown)[0]}'. Not editable.", "unknown_field")
    if "role" in changes:
        _check_role(changes["role"])
    with get_db().write() as s:
        user = _load(s, user_id)
        before = _snapshot(user)
        if "full_name" in changes:
            user.full_name = _text(changes["full_name"], "full_name")
        if "title" in changes:
            user.title = _text(changes["title"], "title")
        if "role" in changes:
            user.role = changes["role"]
        if "active" in changes:
            if not changes["active"] and user.id == by_user_id:
                raise Conflict(
                    "Quý vị không thể tự khóa tài khoản của chính mình. "
                    "You cannot deactivate your own account.",
                    "cannot_deactivate_self",
                )
            user.is_active = bool(changes["active"])
        s.flush()
        was_admin = before["role"] == ADMIN and before["active"]
        if was_admin and not (user.role == ADMIN and user.is_active) and _active_admins(s) == 0:
            raise Conflict(
                "Phải còn ít nhất một quản trị viên đang hoạt động. "
                "At least one active administrator must remain.",
                "last_admin",
            )
        after = _snapshot(user)
        diff = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
        if not user.is_active and before["active"]:
            end_all_access(s, user.id)
        if diff:
            log_event(
                s,
                "user.changed",
                f"Sửa tài khoản {user.username}: {', '.join(diff)}",
                {
                    "user": user.username,
                    "before": {k: v[0] for k, v in diff.items()},
                    "after": {k: v[1] for k, v in diff.items()},
                },
                by_user_id,
            )
        return user.id


def reset_password(user_id, by_user_id):
    """A new one-time password; unlocks the account and ends its sessions and tokens."""
    password = generate_password()
    with get_db().write() as s:
        user = _load(s, user_id)
        was_locked = user.locked_until_dt is not None
        user.password_hash = generate_password_hash(password)
        user.must_change_password = True
        user.failed_logins, user.failed_since_dt, user.locked_until_dt = 0, None, None
        end_all_access(s, user.id)
        log_event(
            s,
            "user.reset",
            f"Cấp lại mật khẩu tạm cho {user.username}" + (" (mở khóa)" if was_locked else ""),
            {"user": user.username, "unlocked": was_locked},
            by_user_id,
        )
    return password


def revoke_tokens(user_id, by_user_id):
    """Every API token of the user stops working (a lost phone, a leaked script)."""
    with get_db().write() as s:
        user = _load(s, user_id)
        count = s.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
        log_event(
            s,
            "user.tokens_revoked",
            f"Thu hồi {count} mã truy cập API của {user.username}",
            {"user": user.username, "count": count},
            by_user_id,
        )
    return count


def change_own_password(user_id, current, new):
    """The officer's own change (and the first-login one): other sessions and tokens end."""
    with get_db().write() as s:
        user = _load(s, user_id)
        if not check_password_hash(user.password_hash, current or ""):
            raise Invalid(
                "Mật khẩu hiện tại không đúng. The current password is wrong.", "wrong_password"
            )
        check_password_rules(new, user.username)
        if new == current:
            raise Invalid(
                "Mật khẩu mới phải khác mật khẩu hiện tại. Choose a new password.",
                "same_password",
            )
        user.password_hash = generate_password_hash(new)
        user.must_change_password = False
        end_all_access(s, user.id)
        log_event(s, "user.password", f"{user.username} đổi mật khẩu", {}, user_id)


def set_password(username, password, by_user_id=None):
    """`qms user passwd`: the operator at the server sets it; sessions and tokens end."""
    check_password_rules(password, username)
    with get_db().write() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise Invalid(f"Không có tài khoản '{username}'. No such user.", "unknown_user")
        user.password_hash = generate_password_hash(password)
        user.must_change_password = False
        user.failed_logins, user.failed_since_dt, user.locked_until_dt = 0, None, None
        end_all_access(s, user.id)
        log_event(
            s, "user.password", f"Đặt lại mật khẩu của {username} (dòng lệnh)", {}, by_user_id
        )

"""Bearer tokens for API clients and the agents; staff accounts (admin)."""

from flask import g, request

from qms.auth import queries
from qms.auth.operations import login, users
from qms.errors import Forbidden, NotFound, Unauthorized
from qms.roles import ADMIN, ROLES
from qms.state import get_state
from qms.timeutil import iso
from qms.web.routes import api_route

TOKEN_BODY = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "maxLength": 64},
        "password": {"type": "string", "maxLength": 256},
        "new_password": {
            "type": "string",
            "maxLength": 256,
            "description": "replaces a one-time password in the same call",
        },
    },
}
USER_BODY = {
    "type": "object",
    "required": ["username", "full_name", "role"],
    "properties": {
        "username": {"type": "string", "maxLength": 64},
        "full_name": {"type": "string", "maxLength": 120},
        "title": {"type": "string", "maxLength": 120},
        "role": {"type": "string", "enum": list(ROLES)},
        "password": {
            "type": "string",
            "maxLength": 256,
            "description": "omit for a generated one-time password (answered once)",
        },
    },
}
USER_PATCH = {
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "maxLength": 120},
        "title": {"type": "string", "maxLength": 120},
        "role": {"type": "string", "enum": list(ROLES)},
        "active": {"type": "boolean"},
    },
}
PASSWORD_BODY = {
    "type": "object",
    "required": ["current_password", "new_password"],
    "properties": {
        "current_password": {"type": "string", "maxLength": 256},
        "new_password": {"type": "string", "maxLength": 256},
    },
}


@api_route(
    "/auth/token",
    ["POST"],
    summary="Exchange a username and password for a bearer token",
    body=TOKEN_BODY,
    tag="auth",
    status=201,
    responses={
        401: "wrong username or password",
        403: "password_change_required: send new_password",
        429: "rate_limited or account_locked",
    },
)
def create_token(data):
    get_state().login_limiter.hit(("login", request.remote_addr))
    user = login.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized(
            "Sai tên đăng nhập hoặc mật khẩu. Wrong username or password.", "bad_credentials"
        )
    if user["must_change_password"]:
        if not data.get("new_password"):
            raise Forbidden(
                "Mật khẩu tạm phải được đổi ở lần đăng nhập đầu: gửi kèm new_password. "
                "A one-time password must be changed first: send new_password.",
                "password_change_required",
            )
        users.change_own_password(user["id"], data["password"], data["new_password"])
    login.record_login(user["id"])
    raw, expires = login.issue_token(user["id"])
    return {"token": raw, "expires_at": iso(expires), "user": queries.get_user(user["id"])}


@api_route("/auth/me", summary="The logged-in staff member", roles=(), tag="auth")
def me():
    return {"user": g.user}


@api_route(
    "/auth/password",
    ["POST"],
    summary="Change your own password (other sessions and tokens end)",
    body=PASSWORD_BODY,
    tag="auth",
    responses={401: "login required", 422: "wrong current password or weak new one"},
)
def change_password(data):
    user = queries.current_user(verify_csrf=True)  # a one-time password may change itself
    if user is None:
        raise Unauthorized("Cần đăng nhập. Login required.", "login_required")
    users.change_own_password(user["id"], data["current_password"], data["new_password"])
    return {"user": queries.get_user(user["id"])}


@api_route("/users", summary="Staff accounts (admin)", roles=(ADMIN,), tag="users", many=True)
def list_users():
    return queries.users_list()


@api_route(
    "/users",
    ["POST"],
    summary="Create a staff account; a one-time password is answered once when none is given",
    roles=(ADMIN,),
    body=USER_BODY,
    tag="users",
    status=201,
    responses={409: "user_exists", 422: "weak_password or invalid_username"},
)
def create_user(data):
    user_id, one_time = users.add_user(
        data["username"],
        data["role"],
        data["full_name"],
        data.get("title") or "",
        data.get("password"),
        by_user_id=g.user["id"],
    )
    answer = queries.get_user(user_id)
    if one_time:
        answer["password"] = one_time
    return answer


def _existing(user_id):
    user = queries.get_user(user_id)
    if user is None:
        raise NotFound(f"Không có tài khoản số {user_id}. Unknown user.", "unknown_user")
    return user


@api_route(
    "/users/<int:user_id>",
    ["PATCH"],
    summary="Change a staff account's name, title, role or active flag (admin)",
    roles=(ADMIN,),
    body=USER_PATCH,
    tag="users",
    responses={404: "unknown_user", 409: "last_admin or cannot_deactivate_self"},
)
def patch_user(user_id, data):
    _existing(user_id)
    changes = {k: v for k, v in data.items() if v is not None}
    users.update_user(user_id, changes, g.user["id"])
    return queries.get_user(user_id)


@api_route(
    "/users/<int:user_id>/reset-password",
    ["POST"],
    summary="A new one-time password (answered once); also unlocks the account (admin)",
    roles=(ADMIN,),
    tag="users",
    responses={404: "unknown_user"},
)
def reset_password(user_id):
    _existing(user_id)
    password = users.reset_password(user_id, g.user["id"])
    return {**queries.get_user(user_id), "password": password}


@api_route(
    "/users/<int:user_id>/revoke-tokens",
    ["POST"],
    summary="Every API token of the account stops working (admin)",
    roles=(ADMIN,),
    tag="users",
    responses={404: "unknown_user"},
)
def revoke_tokens(user_id):
    _existing(user_id)
    return {"revoked": users.revoke_tokens(user_id, g.user["id"])}

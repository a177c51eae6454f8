"""Bearer tokens for API clients and the agents."""

from flask import g, request

from qms.auth import operations
from qms.errors import Unauthorized
from qms.state import get_state
from qms.timeutil import iso
from qms.web.routes import api_route

TOKEN_BODY = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "maxLength": 64},
        "password": {"type": "string", "maxLength": 256},
    },
}


@api_route(
    "/auth/token",
    ["POST"],
    summary="Exchange a username and password for a bearer token",
    body=TOKEN_BODY,
    tag="auth",
    status=201,
)
def create_token(data):
    limiter = get_state().login_limiter
    limiter.hit(("login", request.remote_addr))
    user = operations.authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized(
            "Sai tên đăng nhập hoặc mật khẩu. Wrong username or password.", "bad_credentials"
        )
    operations.record_login(user["id"])
    raw, expires = operations.issue_token(user["id"])
    return {"token": raw, "expires_at": iso(expires), "user": user}


@api_route("/auth/me", summary="The logged-in staff member", roles=(), tag="auth")
def me():
    return {"user": g.user}

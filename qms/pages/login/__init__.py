"""The login page for staff pages: server-side sessions, CSRF-protected forms, rate-limited;
the own-password page (forced after a one-time password)."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from qms.auth import queries
from qms.auth.operations import login as login_ops
from qms.auth.operations import users
from qms.errors import QmsError, RateLimited
from qms.i18n import t, vn_time
from qms.state import get_state

bp = Blueprint("login", __name__, template_folder="templates")
DEFAULT_NEXT = "/counter"


def safe_next(target, default=DEFAULT_NEXT):
    """Only a path on this site: no scheme, no host, no '//', no backslash, no control or
    space characters (browsers drop a tab, so '/\\t/host' would become '//host')."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 500:
        return default
    if target.startswith("//") or any(ord(c) <= 32 or ord(c) == 127 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _form(next_url, error=None, username="", status=200):
    return render_template(
        "login/login.html", next=next_url, error=error, username=username
    ), status


def _begin(user_id):
    raw = login_ops.start_session(user_id)
    session.clear()
    session["user_id"] = user_id
    session["sid"] = raw
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _form(next_url)
    username = request.form.get("username", "")[:64]
    try:
        get_state().login_limiter.hit(("login", request.remote_addr))
        user = login_ops.authenticate(username, request.form.get("password", "")[:256])
    except RateLimited as exc:
        return _form(next_url, _limit_message(exc), username, 429)
    if user is None:
        error = t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
        return _form(next_url, error, username, 401)
    login_ops.record_login(user["id"])
    _begin(user["id"])
    if user["must_change_password"]:
        return redirect(url_for("login.password", next=next_url))
    return redirect(next_url)


def _limit_message(exc):
    if exc.code != "account_locked":
        return exc.message
    until = vn_time(exc.data["locked_until"], seconds=False, with_date=False)
    return t(
        f"Tài khoản đang tạm khóa vì nhập sai mật khẩu {login_ops.LOCK_AFTER} lần liên tiếp. "
        f"Quý vị hãy thử lại sau {until}, hoặc liên hệ quản trị viên để mở khóa ngay.",
        f"This account is locked after {login_ops.LOCK_AFTER} wrong passwords. "
        f"Try again after {until}, or ask an administrator to unlock it now.",
    )


@bp.route("/logout", methods=["POST"])
def logout():
    login_ops.end_session(session.get("sid"))
    session.clear()
    return redirect(url_for("login.login"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change the own password; the only page open while a one-time password is in use."""
    user = queries.session_user()
    next_url = safe_next(request.values.get("next"))
    if user is None:
        return redirect(url_for("login.login", next=url_for("login.password")))
    error = None
    if request.method == "POST":
        new = request.form.get("new_password", "")[:300]
        if new != request.form.get("confirm_password", "")[:300]:
            error = t("Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ.")
        else:
            try:
                users.change_own_password(
                    user["id"], request.form.get("current_password", "")[:300], new
                )
            except QmsError as exc:
                error = exc.message
            else:
                _begin(user["id"])  # every other session ended with the change
                return redirect(next_url)
    return render_template("login/password.html", user=user, next=next_url, error=error), (
        422 if error else 200
    )


def init_app(app):
    app.register_blueprint(bp)

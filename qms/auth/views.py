"""Browser login for staff pages: session cookie, CSRF-protected form, rate-limited."""

from functools import wraps

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from qms.auth import operations
from qms.auth.queries import current_user
from qms.errors import RateLimited
from qms.i18n import t

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target):
    return (
        target if target and target.startswith("/") and not target.startswith("//") else "/counter"
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, error=None, username="")
    username = request.form.get("username", "")[:64]
    try:
        current_app.extensions["qms_login_limiter"].hit(("login", request.remote_addr))
    except RateLimited as exc:
        return render_template(
            "login.html", next=next_url, error=exc.message, username=username
        ), 429
    user = operations.authenticate(username, request.form.get("password", "")[:256])
    if user is None:
        error = t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
        return render_template("login.html", next=next_url, error=error, username=username), 401
    operations.record_login(user["id"])
    session.clear()
    session["user_id"] = user["id"]
    session["pw"] = _password_marker(user["id"])
    session.permanent = True
    return redirect(next_url)


def _password_marker(user_id):
    """A password change ends every session of that user."""
    from qms.auth.models import User
    from qms.extensions import get_db

    with get_db().read() as s:
        return s.get(User, user_id).password_hash[-12:]


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


def login_required(*roles):
    """For staff pages: redirect to the login form, or a readable 403 page for a wrong role."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            from qms.auth.models import STAFF_ROLES

            if user["role"] not in (roles or STAFF_ROLES) and user["role"] != "admin":
                message = t(
                    "Tài khoản của bạn không có quyền xem trang này.",
                    "Your role may not open this page.",
                )
                return render_template("error.html", code=403, message=message), 403
            g.user = user
            return fn(*args, **kwargs)

        return wrapper

    return decorator


def init_app(app):
    app.register_blueprint(bp)
    from datetime import timedelta

    app.permanent_session_lifetime = timedelta(hours=app.config["TOKEN_HOURS"])

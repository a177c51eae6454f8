"""The login page for staff pages: session cookie, CSRF-protected form, rate-limited."""

from flask import Blueprint, redirect, render_template, request, session, url_for

from qms.auth import operations, queries
from qms.errors import RateLimited
from qms.i18n import t
from qms.state import get_state

bp = Blueprint("login", __name__, template_folder="templates")


def _safe_next(target):
    return (
        target if target and target.startswith("/") and not target.startswith("//") else "/counter"
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login/login.html", next=next_url, error=None, username="")
    username = request.form.get("username", "")[:64]
    try:
        get_state().login_limiter.hit(("login", request.remote_addr))
    except RateLimited as exc:
        return render_template(
            "login/login.html", next=next_url, error=exc.message, username=username
        ), 429
    user = operations.authenticate(username, request.form.get("password", "")[:256])
    if user is None:
        error = t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
        return render_template(
            "login/login.html", next=next_url, error=error, username=username
        ), 401
    operations.record_login(user["id"])
    session.clear()
    session["user_id"] = user["id"]
    session["pw"] = _password_marker(user["id"])
    session.permanent = True
    return redirect(next_url)


def _password_marker(user_id):
    """A password change ends every session of that user."""
    return queries.password_marker(user_id)


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("login.login"))


def init_app(app):
    app.register_blueprint(bp)

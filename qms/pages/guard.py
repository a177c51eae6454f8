"""The staff pages' door: log in first, then the role check of qms/roles.py."""

from functools import wraps

from flask import g, redirect, render_template, request, url_for

from qms.auth.queries import current_user
from qms.i18n import t
from qms.roles import may


def login_required(*roles):
    """Redirect to the login form, or a readable 403 page for a wrong role; () = any staff."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
            if user.get("must_change_password"):  # a one-time password: changed first
                return redirect(url_for("login.password", next=request.full_path.rstrip("?")))
            if not may(user["role"], roles):
                message = t(
                    "Tài khoản của quý vị không có quyền xem trang này.",
                    "Your role may not open this page.",
                )
                return render_template("layout/error.html", code=403, message=message), 403
            g.user = user
            return fn(*args, **kwargs)

        return wrapper

    return decorator

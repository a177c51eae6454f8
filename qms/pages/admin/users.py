"""Staff accounts: create with a one-time password, edit, reset (unlocks), revoke tokens."""

from flask import flash, g, request

from qms.auth import queries as auth_queries
from qms.auth.operations import users as user_ops
from qms.errors import Invalid, QmsError
from qms.pages.admin.common import bp, done, failed, render
from qms.pages.guard import login_required
from qms.roles import ADMIN, ROLES

# --- users --------------------------------------------------------------------------------


def _users_page(status=200, new=None, one_time=None):
    return render(
        "users.html",
        status,
        users=auth_queries.users_list(),
        roles=ROLES,
        new=new or {},
        one_time=one_time,
    )


@bp.route("/admin/users")
@login_required(ADMIN)
def users():
    return _users_page()


@bp.route("/admin/users", methods=["POST"])
@login_required(ADMIN)
def create_user():
    form = request.form
    try:
        user_id, password = user_ops.add_user(
            form.get("username", ""),
            form.get("role", ""),
            form.get("full_name", ""),
            form.get("title", ""),
            by_user_id=g.user["id"],
        )
    except QmsError as exc:
        flash(exc.message, "error")
        return _users_page(422, new=form)
    user = auth_queries.get_user(user_id)
    # shown once, in this answer only: never stored, never put in a flash cookie
    return _users_page(201, one_time={"user": user, "password": password, "created": True})


@bp.route("/admin/users/<int:user_id>", methods=["POST"])
@login_required(ADMIN)
def edit_user(user_id):
    form = request.form
    changes = {
        "full_name": form.get("full_name", ""),
        "title": form.get("title", ""),
        "role": form.get("role", ""),
        "active": form.get("active") == "1",
    }
    try:
        if auth_queries.get_user(user_id) is None:
            raise Invalid("Không có tài khoản này. Unknown user.", "unknown_user")
        user_ops.update_user(user_id, changes, g.user["id"])
    except QmsError as exc:
        return failed(exc, "admin.users")
    return done("Đã lưu tài khoản.", "Account saved.", "admin.users")


@bp.route("/admin/users/<int:user_id>/reset", methods=["POST"])
@login_required(ADMIN)
def reset_user(user_id):
    try:
        if auth_queries.get_user(user_id) is None:
            raise Invalid("Không có tài khoản này. Unknown user.", "unknown_user")
        password = user_ops.reset_password(user_id, g.user["id"])
    except QmsError as exc:
        return failed(exc, "admin.users")
    user = auth_queries.get_user(user_id)
    return _users_page(200, one_time={"user": user, "password": password, "created": False})


@bp.route("/admin/users/<int:user_id>/revoke", methods=["POST"])
@login_required(ADMIN)
def revoke_user_tokens(user_id):
    try:
        if auth_queries.get_user(user_id) is None:
            raise Invalid("Không có tài khoản này. Unknown user.", "unknown_user")
        count = user_ops.revoke_tokens(user_id, g.user["id"])
    except QmsError as exc:
        return failed(exc, "admin.users")
    return done(
        f"Đã thu hồi {count} mã truy cập API.", f"{count} API tokens revoked.", "admin.users"
    )

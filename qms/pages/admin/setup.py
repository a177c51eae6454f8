"""Services, counters, priority categories and the priority policy (admin)."""

import re

from flask import flash, g, request

from qms.centre import operations as centre_ops
from qms.centre import queries as centre_queries
from qms.errors import Invalid, QmsError
from qms.pages.admin.common import (
    bp,
    done,
    failed,
    int_field,
    render,
)
from qms.pages.guard import login_required
from qms.queue import queries as queue_queries
from qms.queue.operations import setup
from qms.roles import ADMIN

# --- services -----------------------------------------------------------------------------


def _service_form(form):
    return {
        "name_vi": form.get("name", ""),
        "name_en": form.get("name_en", ""),
        "description": form.get("description", ""),
        "position": int_field(form.get("position"), "Thứ tự", "Order", 0),
        "daily_cap": int_field(form.get("daily_cap"), "Giới hạn số mỗi ngày", "Daily cap"),
        "is_active": form.get("active") == "1",
    }


def _services_page(status=200, new=None):
    with_counts = queue_queries.services_list()
    return render(
        "services.html",
        status,
        services=with_counts,
        issued=queue_queries.issued_today_counts(),
        new=new or {},
    )


@bp.route("/admin/services")
@login_required(ADMIN)
def services():
    return _services_page()


@bp.route("/admin/services", methods=["POST"])
@login_required(ADMIN)
def create_service():
    try:
        fields = _service_form(request.form)
        code = setup.upsert_service(
            request.form.get("code", ""), **fields, user_id=g.user["id"], create=True
        )
    except QmsError as exc:
        flash(exc.message, "error")
        return _services_page(422, new=request.form)
    return done(f"Đã thêm lĩnh vực {code}.", f"Service {code} added.", "admin.services")


@bp.route("/admin/services/<code>", methods=["POST"])
@login_required(ADMIN)
def edit_service(code):
    try:
        fields = _service_form(request.form)
        if code not in {svc["code"] for svc in queue_queries.services_list()}:
            raise Invalid(f"Không có lĩnh vực {code}. Unknown service.", "unknown_service")
        setup.upsert_service(code, **fields, user_id=g.user["id"])
    except QmsError as exc:
        return failed(exc, "admin.services")
    return done(f"Đã lưu lĩnh vực {code}.", f"Service {code} saved.", "admin.services")


# --- counters -----------------------------------------------------------------------------


def _codes(text):
    return [c for c in re.split(r"[\s,;]+", (text or "").upper()) if c]


def _counters_page(status=200, new=None):
    return render(
        "counters.html",
        status,
        counters=queue_queries.counters_list(),
        services=queue_queries.services_list(),
        new=new or {},
    )


@bp.route("/admin/counters")
@login_required(ADMIN)
def counters():
    return _counters_page()


@bp.route("/admin/counters", methods=["POST"])
@login_required(ADMIN)
def create_counter():
    try:
        number = int_field(request.form.get("number"), "Số quầy", "Counter number")
        if number is None:
            raise Invalid("Hãy nhập số quầy. Counter number is required.", "invalid_number")
        setup.upsert_counter(
            number,
            request.form.get("name", ""),
            _codes(request.form.get("services")),
            request.form.get("state") or "open",
            user_id=g.user["id"],
            create=True,
        )
    except QmsError as exc:
        flash(exc.message, "error")
        return _counters_page(422, new=request.form)
    return done(f"Đã thêm quầy {number}.", f"Counter {number} added.", "admin.counters")


@bp.route("/admin/counters/<int:number>", methods=["POST"])
@login_required(ADMIN)
def edit_counter(number):
    try:
        if queue_queries.get_counter(number) is None:
            raise Invalid(f"Không có quầy số {number}. Unknown counter.", "unknown_counter")
        setup.upsert_counter(
            number,
            request.form.get("name", ""),
            _codes(request.form.get("services")),
            request.form.get("state") or None,
            user_id=g.user["id"],
        )
    except QmsError as exc:
        return failed(exc, "admin.counters")
    return done(f"Đã lưu quầy {number}.", f"Counter {number} saved.", "admin.counters")


# --- priority categories and policy ----------------------------------------------------------


def _priorities_page(status=200, new=None):
    return render(
        "priorities.html",
        status,
        categories=queue_queries.priority_rows(),
        settings=centre_queries.settings_view(),
        new=new or {},
    )


@bp.route("/admin/priorities")
@login_required(ADMIN)
def priorities():
    return _priorities_page()


def _priority_form(form):
    return {
        "name_vi": form.get("name", ""),
        "name_en": form.get("name_en", ""),
        "icon": form.get("icon", "")[:40],
        "position": int_field(form.get("position"), "Thứ tự", "Order", 0),
        "is_active": form.get("active") == "1",
    }


@bp.route("/admin/priorities", methods=["POST"])
@login_required(ADMIN)
def create_priority():
    try:
        code = setup.upsert_priority(
            request.form.get("code", ""),
            **_priority_form(request.form),
            user_id=g.user["id"],
            create=True,
        )
    except QmsError as exc:
        flash(exc.message, "error")
        return _priorities_page(422, new=request.form)
    return done(f"Đã thêm đối tượng {code}.", f"Category {code} added.", "admin.priorities")


@bp.route("/admin/priorities/<code>", methods=["POST"])
@login_required(ADMIN)
def edit_priority(code):
    known = {c["code"] for c in queue_queries.priority_rows()}
    try:
        if code not in known:
            raise Invalid(f"Không có đối tượng {code}. Unknown category.", "unknown_priority")
        setup.upsert_priority(code, **_priority_form(request.form), user_id=g.user["id"])
    except QmsError as exc:
        return failed(exc, "admin.priorities")
    return done(f"Đã lưu đối tượng {code}.", f"Category {code} saved.", "admin.priorities")


@bp.route("/admin/priorities/policy", methods=["POST"])
@login_required(ADMIN)
def priority_policy():
    try:
        ratio = int_field(request.form.get("ratio"), "Số vé ưu tiên", "Ratio K", 3)
        centre_ops.update_settings(
            {"PRIORITY_POLICY": request.form.get("policy", ""), "PRIORITY_RATIO": ratio},
            g.user["id"],
        )
    except QmsError as exc:
        return failed(exc, "admin.priorities")
    return done("Đã lưu chính sách ưu tiên.", "Priority policy saved.", "admin.priorities")

"""What every set-up page shares: the blueprint, the tabs, rendering and form answers."""

import re

from flask import Blueprint, flash, g, redirect, render_template, url_for

from qms.errors import Invalid
from qms.i18n import t
from qms.pages.guard import login_required
from qms.roles import ADMIN, LEADERSHIP, may

bp = Blueprint(
    "admin",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/admin-static",
)

ROLE_NAMES = {
    "admin": ("Quản trị viên", "Administrator"),
    "leader": ("Lãnh đạo", "Leadership"),
    "officer": ("Công chức tại quầy", "Counter officer"),
    "it": ("Cán bộ CNTT", "IT officer"),
    "device": ("Thiết bị (máy lấy số, quầy)", "Device account"),
}
STATE_NAMES = {
    "open": ("Đang mở", "Open"),
    "paused": ("Tạm dừng", "Paused"),
    "closed": ("Đóng", "Closed"),
}
CENTRE_PAGE_FIELDS = (
    "CENTRE_NAME",
    "COMMUNE_NAME",
    "CENTRE_ADDRESS",
    "HOTLINE",
    "PROVINCE_CENTRE_NAME",
    "ANNOUNCE_TEMPLATE",
    "ANNOUNCE_NUMBERS",
    "KIOSK_WELCOME",
    "KIOSK_FOOTER",
)


def tabs():
    role = g.user["role"]
    tabs = []
    if role == ADMIN:
        tabs += [
            ("admin.services", t("Lĩnh vực", "Services")),
            ("admin.counters", t("Quầy", "Counters")),
            ("admin.priorities", t("Ưu tiên", "Priority")),
            ("admin.users", t("Tài khoản", "Users")),
            ("admin.centre", t("Thông tin trung tâm", "Centre")),
        ]
    if may(role, LEADERSHIP):
        tabs += [
            ("admin.calendar", t("Lịch & tiếp nhận", "Hours & reception")),
            ("admin.audit", t("Nhật ký thay đổi", "Audit log")),
        ]
    return tabs


def render(template, status=200, **context):
    return render_template(
        f"admin/{template}",
        tabs=tabs(),
        current_tab="admin." + template.removesuffix(".html"),
        role_names=ROLE_NAMES,
        state_names=STATE_NAMES,
        **context,
    ), status


def int_field(value, label_vi, label_en, default=None):
    value = (value or "").strip()
    if value == "":
        return default
    if not re.fullmatch(r"-?\d{1,6}", value):
        raise Invalid(
            f"{label_vi} phải là số nguyên. {label_en} must be a whole number.", "invalid"
        )
    return int(value)


def done(message_vi, message_en, endpoint, **values):
    flash(t(message_vi, message_en), "ok")
    return redirect(url_for(endpoint, **values))


def failed(exc, endpoint, **values):
    flash(exc.message, "error")
    return redirect(url_for(endpoint, **values))


@bp.route("/admin/setup")
@login_required(*LEADERSHIP)
def index():
    return redirect(url_for("admin.services" if g.user["role"] == ADMIN else "admin.calendar"))

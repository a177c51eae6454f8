"""The staff page /admin/devices: every device's health, counter devices (register, remove),
device accounts (bind to a kiosk or counter), printer states, recent jobs, reprint, test print."""

import re

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from qms.devices import queries
from qms.devices.operations import binding as binding_ops
from qms.devices.operations import registry as registry_ops
from qms.devices.operations import reprint as reprint_ops
from qms.errors import QmsError
from qms.i18n import t
from qms.pages.guard import login_required
from qms.roles import COUNTER_STAFF, TECHNICAL, may

bp = Blueprint("devices", __name__, template_folder="templates")


@bp.app_template_filter("device_error")
def _device_error_filter(text):
    return device_error(text)


@bp.app_template_test("driver_error")
def _driver_error_test(text):
    return is_driver_error(text)


KIND_LABELS = {
    "paper_out": ("Hết giấy", "Paper out"),
    "cover_open": ("Nắp máy đang mở", "Cover open"),
    "offline": ("Mất kết nối", "Offline"),
    "error": ("Báo lỗi", "Error"),
    "config": ("Sai cấu hình", "Configuration"),
}
# a printer driver's error ("PaperOutError: printer is out of paper…"), said for the officer
# who must act on it; the driver's own words stay under "technical detail"
ERROR_TEXTS = {
    "PaperOutError": (
        "Máy in hết giấy: lắp cuộn giấy mới, đóng nắp rồi bấm In thử.",
        "Out of paper: load a new roll, close the cover, then Test print.",
    ),
    "CoverOpenError": (
        "Nắp máy in đang mở: đóng nắp lại rồi bấm In thử.",
        "The cover is open: close it, then Test print.",
    ),
    "PrinterOfflineError": (
        "Máy in chưa sẵn sàng: kiểm tra nguồn, đèn báo và giấy.",
        "The printer is not ready: check its power, lights and paper.",
    ),
    "PrinterHardwareError": (
        "Máy in báo lỗi phần cứng: tắt máy in, bật lại; nếu vẫn lỗi, báo cán bộ kỹ thuật.",
        "The printer reports a hardware fault: switch it off and on; if it stays, call "
        "the technician.",
    ),
    "PrinterTimeoutError": (
        "Máy in không trả lời: kiểm tra nguồn, cáp và mạng của máy in.",
        "The printer does not answer: check its power, cable and network.",
    ),
    "PrinterConnectionError": (
        "Không kết nối được máy in: kiểm tra nguồn, cáp và mạng của máy in.",
        "Cannot reach the printer: check its power, cable and network.",
    ),
    "PrinterConfigError": (
        "Cấu hình máy in chưa đúng: báo cán bộ kỹ thuật kiểm tra địa chỉ máy in.",
        "The printer is set up wrongly: the technician should check its address.",
    ),
    "PrinterUnsupportedError": (
        "Máy in không hỗ trợ lệnh này: báo cán bộ kỹ thuật.",
        "The printer does not support this: call the technician.",
    ),
}
_ERROR_CLASS = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:Error|Exception))\s*:")


def is_driver_error(text):
    """A driver's own words ("PaperOutError: …"), not a message written for people."""
    return bool(text) and _ERROR_CLASS.match(str(text)) is not None


def device_error(text):
    """A driver's error in the officer's language; any other device message as it is."""
    if not text:
        return ""
    match = _ERROR_CLASS.match(str(text))
    if match is None:
        return text
    words = ERROR_TEXTS.get(match.group(1))
    return t(*words) if words else t("Thiết bị báo lỗi.", "The device reports an error.")


DEVICE_KIND_NAMES = {
    "printer": ("Máy in", "Printer"),
    "kiosk": ("Ki-ốt", "Kiosk"),
    "display": ("Màn hình", "Display"),
    "counter": ("Trang quầy", "Counter page"),
    "button": ("Bộ nút gọi", "Call buttons"),
    "led": ("Bảng LED", "LED board"),
    "rating_pad": ("Bàn phím đánh giá", "Rating pad"),
    "mqtt": ("Máy chủ MQTT", "MQTT broker"),
}
STATUS_LABELS = {
    "queued": ("Chờ in", "Queued"),
    "printing": ("Đang in", "Printing"),
    "printed": ("Đã in", "Printed"),
    "failed": ("Lỗi", "Failed"),
    "expired": ("Hết hạn", "Expired"),
    "cancelled": ("Đã huỷ", "Cancelled"),
}


@bp.route("/admin/devices")
@login_required(*COUNTER_STAFF)
def page():
    return render_template(
        "devices/admin.html",
        overview=queries.devices_overview(),
        jobs=queries.recent_jobs(30),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        can_test=may(g.user["role"], TECHNICAL),
        health=queries.devices_health(include_internal=True),
        counter_devices=queries.counter_devices(),
        accounts=queries.device_accounts() if may(g.user["role"], TECHNICAL) else [],
        kind_names=DEVICE_KIND_NAMES,
    )


@bp.route("/admin/devices/register", methods=["POST"])
@login_required(*TECHNICAL)
def register():
    form = request.form
    keymap = {}
    keys = form.get("keys", "").strip()
    try:
        for pair in filter(None, (p.strip() for p in keys.split(","))):
            key, _, action = pair.partition("=")
            keymap.setdefault("keys", {})[key.strip()] = action.strip()
        counter = int(form.get("counter", ""))
    except ValueError:
        flash(t("Số quầy phải là số.", "The counter must be a number."), "error")
        return redirect(url_for("devices.page"))
    data = {
        "kind": form.get("kind"),
        "name": form.get("name", "").strip(),
        "counter": counter,
        "host": form.get("host") or "agent",
        "url": form.get("url", "").strip(),
        "framing": form.get("framing") or None,
        "keymap": keymap,
    }
    try:
        device = registry_ops.add_device(data, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t(f"Đã thêm thiết bị {device['name']}.", f"Device {device['name']} added."), "ok")
    return redirect(url_for("devices.page"))


@bp.route("/admin/devices/<int:device_id>/remove", methods=["POST"])
@login_required(*TECHNICAL)
def remove(device_id):
    try:
        registry_ops.remove_device(device_id, g.user)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t("Đã gỡ thiết bị.", "Device removed."), "ok")
    return redirect(url_for("devices.page"))


@bp.route("/admin/devices/bind", methods=["POST"])
@login_required(*TECHNICAL)
def bind():
    form = request.form
    target = form.get("target", "").strip()
    kiosk, counter = None, None
    if target.isdigit():
        counter = int(target)
    else:
        kiosk = target or None
    try:
        result = binding_ops.bind_account(int(form.get("user_id") or 0), kiosk, counter, g.user)
    except (QmsError, ValueError) as exc:
        flash(getattr(exc, "message", str(exc)), "error")
    else:
        flash(t(f"Đã gắn {result['username']}.", f"{result['username']} bound."), "ok")
    return redirect(url_for("devices.page"))


@bp.route("/admin/devices/reprint", methods=["POST"])
@login_required(*COUNTER_STAFF)
def reprint():
    code = request.form.get("code", "").strip()[:12]
    target = request.form.get("target") or None
    ticket_id = queries.ticket_id_by_code(code) if code else None
    if ticket_id is None:
        flash(t(f"Không có vé {code} hôm nay.", f"No ticket {code} today."), "error")
        return redirect(url_for("devices.page"))
    try:
        job = reprint_ops.reprint(ticket_id, g.user, target)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t(f"Đã gửi lệnh in lại vé {job['code']}.", f"Reprint of {job['code']} queued."), "ok")
    return redirect(url_for("devices.page"))


@bp.route("/admin/devices/test-print", methods=["POST"])
@login_required(*TECHNICAL)
def test_print():
    try:
        reprint_ops.print_sample(g.user, request.form.get("target") or None)
    except QmsError as exc:
        flash(exc.message, "error")
    else:
        flash(t("Đã gửi vé in thử.", "Test ticket queued."), "ok")
    return redirect(url_for("devices.page"))


def init_app(app):
    app.register_blueprint(bp)

"""The centre's own settings: a Setting row laid over app.config (config stays the default).

Every process refreshes its overlay at the start of a request, at most every few seconds,
so pages, tickets, announcements and reports read the centre's names from app.config as
before; a change made here is applied at once in this process.
"""

import logging
import time

from flask import current_app

from qms.extensions import get_db
from qms.models import Setting
from qms.state import get_state

log = logging.getLogger(__name__)
SETTINGS_KEY = "centre"
REFRESH_SECONDS = 5.0
# key → (label vi, label en, max length or allowed values)
FIELDS = {
    "CENTRE_NAME": ("Tên trung tâm", "Centre name", 120),
    "COMMUNE_NAME": ("Tên xã / phường", "Commune", 120),
    "CENTRE_ADDRESS": ("Địa chỉ", "Address", 200),
    "HOTLINE": ("Đường dây nóng", "Hotline", 40),
    "PROVINCE_CENTRE_NAME": ("Trung tâm PVHCC tỉnh", "Province centre", 160),
    "ANNOUNCE_TEMPLATE": ("Câu mời gọi số", "Announcement sentence", 200),
    "ANNOUNCE_NUMBERS": ("Cách đọc số", "Number reading", ("cardinal", "digits")),
    "KIOSK_WELCOME": ("Lời chào trên máy lấy số", "Kiosk welcome line", 160),
    "KIOSK_FOOTER": ("Dòng cuối màn hình máy lấy số", "Kiosk footer line", 200),
    "PRIORITY_POLICY": ("Chính sách ưu tiên", "Priority policy", ("strict", "ratio")),
    "PRIORITY_RATIO": ("Số vé ưu tiên trước một vé thường", "Priority tickets per normal", 20),
}


def defaults(app=None):
    return get_state(app).centre["defaults"]


def stored(s):
    row = s.get(Setting, SETTINGS_KEY)
    return dict(row.value) if row else {}


def apply(app, values):
    """Config defaults, then the stored values: into app.config, for every reader."""
    state = get_state(app).centre
    app.config.update({**state["defaults"], **{k: v for k, v in values.items() if k in FIELDS}})
    state["expires"] = time.monotonic() + REFRESH_SECONDS


def refresh(app=None):
    app = app or current_app._get_current_object()
    with get_db().read() as s:
        values = stored(s)
    apply(app, values)


def install(app):
    get_state(app).centre.update(defaults={key: app.config.get(key) for key in FIELDS}, expires=0.0)

    @app.before_request
    def overlay_centre_settings():
        if get_state(app).centre["expires"] <= time.monotonic():
            try:
                refresh(app)
            except Exception:  # a database not yet migrated: the config alone
                log.warning("centre settings not read; using the configuration", exc_info=True)
                get_state(app).centre["expires"] = time.monotonic() + REFRESH_SECONDS

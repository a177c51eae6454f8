"""The centre's set-up pages: services, counters, priority categories and policy, users,
the centre's settings (admin); calendar and reception pause (leadership), audit log
(leadership). Forms post here; every write goes through the features' operations.

common.py holds the blueprint; setup.py, users.py and centre.py add their routes to it.
"""

from qms.pages.admin import centre, setup, users  # noqa: F401  (they add their routes)
from qms.pages.admin.common import bp


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_filter(centre.setting_label, "setting_label")
    app.add_template_filter(centre.audit_value, "audit_value")

"""Incidents: the centre's contingency plan (seeds/000) as a working tool.

Catalogue of the plan's types, incident lifecycle with checklist and timeline, automatic
incidents from device/mode/start-up signals, public notices, the incident book and the
quarterly report.
"""


def init_app(app):
    from qms.incidents import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
        operations,
        views,
    )

    app.config.setdefault("INCIDENT_PAPER_AFTER_MINUTES", 30)
    app.config.setdefault("INCIDENT_DEVICE_TYPES", {})  # device prefix → type code overrides
    app.config.setdefault("INCIDENT_REPORT_PLACE", None)
    app.config.setdefault(
        "INCIDENT_ATTACHMENT_MAX_BYTES", 3 * 1024 * 1024
    )  # "Tân Kỳ" from COMMUNE_NAME when unset
    operations.connect_signals(app)
    views.init_app(app)
    cli.init_app(app)

"""Incidents: the centre's contingency plan (seeds/000) as a working tool.

Catalogue of the plan's types, incident lifecycle with checklist and timeline, automatic
incidents from device/mode/start-up signals, public notices, the incident book and the
quarterly report. The staff pages are qms.pages.incidents.
"""


def init_app(app):
    from flask import request

    from qms.incidents import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        api_drills,  # noqa: F401  (idem: drills and their reports)
        api_reports,  # noqa: F401  (idem: export, quarterly report, proposals)
        cli,
        files,
    )
    from qms.incidents.operations import automatic

    automatic.connect_signals(app)
    app.before_request(lambda: files.allow_large_upload(request, "/api/v1/incidents/"))
    cli.init_app(app)

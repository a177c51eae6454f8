"""Queue figures: the report of any period (JSON, XLSX, CSV) and today's live numbers."""


def init_app(app):
    from qms.reports import api  # noqa: F401  (registers the /api/v1 routes)

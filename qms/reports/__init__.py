"""Queue figures: the dashboard's numbers by period, service, counter and hour."""


def init_app(app):
    from qms.reports import api  # noqa: F401  (registers the /api/v1 routes)

"""Queue figures and the leadership dashboard."""


def init_app(app):
    from qms.reports import api, views  # noqa: F401  (api registers its routes)

    app.register_blueprint(views.bp)

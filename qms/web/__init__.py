"""The HTTP layer shared by every feature: the /api/v1 blueprint and its validation and
OpenAPI document, error answers, security headers, health, and the assets every page uses."""


def init_app(app):
    """After the features: their api modules have added their routes to the blueprint."""
    from qms.extensions import csrf
    from qms.web import assets, errors, health, security  # noqa: F401  (health adds routes)
    from qms.web.routes import api

    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    csrf.exempt(api)  # the API checks CSRF itself for cookie-authenticated writes
    app.register_blueprint(api)

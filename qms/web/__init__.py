"""The HTTP layer shared by every feature: the /api/v1 blueprint and its validation and
OpenAPI document, error answers, security headers, health, and the assets every page uses."""


def prepare(app):
    """Before any route exists: integers in every URL are bounded (no 500 on 2^63)."""
    from qms.web.routes import BoundedInt

    app.url_map.converters["int"] = BoundedInt


def init_app(app):
    """After the features: their api modules have added their routes to the blueprint."""
    from qms import roles
    from qms.extensions import csrf
    from qms.web import assets, errors, health, security  # noqa: F401  (health adds routes)
    from qms.web.routes import api

    app.add_template_global(roles, "qms_roles")  # templates check roles as routes do: may()
    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    csrf.exempt(api)  # the API checks CSRF itself for cookie-authenticated writes
    app.register_blueprint(api)


def guard_sockets(app):
    """Last, after realtime: the gate must be the outermost WSGI layer, ahead of Engine.IO."""
    from qms.state import get_state
    from qms.web.sockets import SocketGate

    gate = SocketGate(
        app.wsgi_app,
        per_address=int(app.config["SOCKETS_PER_ADDRESS"]),
        total=max(1, int(app.config["SERVE_THREADS"]) - int(app.config["HTTP_RESERVED_THREADS"])),
    )
    app.wsgi_app = gate
    get_state(app).socket_gate = gate
    hops = int(app.config["PROXY_HOPS"])
    if hops:  # behind nginx: limits count the citizen's address, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(gate, x_for=hops, x_proto=hops, x_host=hops)

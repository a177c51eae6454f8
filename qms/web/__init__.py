"""The HTTP layer shared by every feature: the /api/v1 blueprint and its validation and
OpenAPI document, error answers, security headers, health, and the assets every page uses."""


def prepare(app):
    """Before any route exists: integers in every URL are bounded (no 500 on 2^63), JSON
    answers are encoded by orjson."""
    from qms.web.jsonio import FastJSON
    from qms.web.routes import BoundedInt
    from qms.web.session import LeanSessionInterface

    app.json = FastJSON(app)  # orjson; Vietnamese as UTF-8, keys in their order
    app.url_map.converters["int"] = BoundedInt
    app.session_interface = LeanSessionInterface()
    _remember_sync(app)


def _remember_sync(app):
    """Flask asks, for every hook and view of every request, whether it is a coroutine
    function (inspect, each time): every answer here is remembered."""
    ask = app.ensure_sync
    known = {}

    def ensure_sync(func):
        try:
            return known[func]
        except KeyError:
            answer = ask(func)
            if len(known) < 4096:  # hooks and views are few; a bound method is a new key
                known[func] = answer
            return answer
        except TypeError:  # unhashable
            return ask(func)

    app.ensure_sync = ensure_sync


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
    from qms.web.security import SecurityHeaders
    from qms.web.sockets import SocketGate

    # HTTP goes straight to Flask (with the security headers); only /socket.io/ passes through
    # Engine.IO, whose layer copies the environ and builds a class on every request
    sockets = app.wsgi_app
    gate = SocketGate(
        sockets,
        http_app=SecurityHeaders(getattr(sockets, "wsgi_app", sockets)),
        per_address=int(app.config["SOCKETS_PER_ADDRESS"]),
        total=max(1, int(app.config["SERVE_THREADS"]) - int(app.config["HTTP_RESERVED_THREADS"])),
    )
    app.wsgi_app = gate
    get_state(app).socket_gate = gate
    hops = int(app.config["PROXY_HOPS"])
    if hops:  # behind nginx: limits count the citizen's address, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(gate, x_for=hops, x_proto=hops, x_host=hops)

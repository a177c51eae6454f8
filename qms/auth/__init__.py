"""Staff accounts: users with roles and titles, passwords (policy, one-time, lockout),
server-side browser sessions and bearer tokens."""


def init_app(app):
    from datetime import timedelta

    from qms.auth import api  # noqa: F401  (registers the /api/v1 routes)
    from qms.ratelimit import SlidingWindowLimiter
    from qms.state import get_state

    get_state(app).login_limiter = SlidingWindowLimiter(app.config["LOGIN_RATE_LIMIT"])
    app.permanent_session_lifetime = timedelta(hours=app.config["TOKEN_HOURS"])

"""The signed-cookie session, without per-request work for the requests that carry none.

Flask's own interface builds a signing serializer on every request, cookie or not. Kiosks,
displays, phones and /health never send a cookie: they get an empty session at once. The
serializer is built once per secret key.
"""

from flask.sessions import SecureCookieSessionInterface


class LeanSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializer = (None, None)  # (secret key, serializer)

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached_key, serializer = self._serializer
        if cached_key != key or serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializer = (key, serializer)
        return serializer

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

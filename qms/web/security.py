"""Headers every answer carries, the Content-Security-Policy first.

The pages load nothing from elsewhere, so the policy is strict: scripts only from this
server, plus the one inline data script a page may carry, marked with this request's nonce
(`{{ csp_nonce() }}` in the template). Inline styles stay allowed (layout only, no code).

The headers are added by a WSGI layer around Flask (SecurityHeaders), not by an
after_request hook: the values are built once, and a header a view set itself is kept.
"""

import secrets

from flask import request

POLICY = (
    "default-src 'self'; "
    "script-src 'self'{nonce}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "media-src 'self' blob:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)
NONCE_KEY = "qms.csp_nonce"  # where csp_nonce() leaves this request's nonce (the WSGI environ)
CSP = "Content-Security-Policy"
_FIXED = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "same-origin"),
)
_WITHOUT_NONCE = POLICY.format(nonce="")


def csp_nonce():
    """This request's nonce for an inline <script>, made on first use."""
    environ = request.environ
    nonce = environ.get(NONCE_KEY)
    if nonce is None:
        nonce = environ[NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


class SecurityHeaders:
    """WSGI layer: adds the policy and the fixed headers to every answer that lacks them."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            have = {name.lower() for name, _value in headers}
            if "content-security-policy" not in have:
                nonce = environ.get(NONCE_KEY)
                headers.append(
                    (CSP, POLICY.format(nonce=f" 'nonce-{nonce}'") if nonce else _WITHOUT_NONCE)
                )
            for name, value in _FIXED:
                if name.lower() not in have:
                    headers.append((name, value))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app):
    app.add_template_global(csp_nonce, "csp_nonce")

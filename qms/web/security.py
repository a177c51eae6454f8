"""Headers every answer carries, the Content-Security-Policy first.

The pages load nothing from elsewhere, so the policy is strict: scripts only from this
server, plus the one inline data script a page may carry, marked with this request's nonce
(`{{ csp_nonce() }}` in the template). Inline styles stay allowed (layout only, no code).
"""

import secrets

from flask import g

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


def csp_nonce():
    """This request's nonce for an inline <script>, made on first use."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def init_app(app):
    app.add_template_global(csp_nonce, "csp_nonce")

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce")
        response.headers.setdefault(
            "Content-Security-Policy", POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

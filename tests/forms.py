"""Staff login through the real /login form, for tests that drive pages with Flask's client."""

import re
from typing import NamedTuple

from flask import g, has_app_context


class Login(NamedTuple):
    response: object  # the answer to the form's POST (302 when it worked)
    csrf: str  # a CSRF token valid for the new session
    client: object  # the Flask client now logged in


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html):
    return CSRF.search(html).group(1)


def _forget_cached_csrf():
    # the app fixture keeps one app context (one g) across requests; Flask-WTF caches the
    # token on g, which a browser never shares between requests, so drop it around a login
    if has_app_context():
        g.pop("csrf_token", None)


def login_through_form(client, username, password, next_url="/admin"):
    """Log the client in; returns (response, a CSRF token valid for the new session)."""
    _forget_cached_csrf()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": next_url},
    )
    _forget_cached_csrf()
    fresh = csrf_from(client.get("/login").get_data(as_text=True))
    return response, fresh

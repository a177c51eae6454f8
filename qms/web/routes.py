"""The /api/v1 blueprint: one decorator registers a route, its roles, its schema and its docs.

The request schema given to api_route is both validated (web/validation.py) and published in
openapi.json (web/openapi.py), so the document cannot drift from what the routes accept.
"""

import functools
import re

from flask import Blueprint, g, jsonify

from qms.auth.queries import require_user
from qms.web.validation import parse_body

api = Blueprint("api", __name__, url_prefix="/api/v1")
OPERATIONS = []  # (path, method, spec) for openapi.json


def api_route(
    rule,
    methods=("GET",),
    *,
    summary,
    roles=None,
    body=None,
    query=None,
    responses=None,
    tag="queue",
    status=200,
):
    """Register a JSON route. roles=None means public; body is a JSON-schema subset."""

    def decorator(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            if roles is not None:
                g.user = require_user(roles)
            if body is not None:
                kwargs["data"] = parse_body(body)
            result = fn(**kwargs)
            if isinstance(result, tuple) or hasattr(result, "status_code"):
                return result
            return jsonify(result), status

        endpoint = fn.__name__
        api.add_url_rule(rule, endpoint, view, methods=list(methods))
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)
        for method in methods:
            OPERATIONS.append(
                (
                    "/api/v1" + path,
                    method.lower(),
                    {
                        "summary": summary,
                        "roles": roles,
                        "body": body,
                        "query": query or {},
                        "responses": responses or {},
                        "tag": tag,
                        "status": status,
                        "rule": rule,
                        "operationId": endpoint,
                    },
                )
            )
        return view

    return decorator

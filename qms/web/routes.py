"""The /api/v1 blueprint: one decorator registers a route, its roles, its schema and its docs.

The request schema given to api_route is both validated (web/validation.py) and published in
openapi.json (web/openapi.py), so the document cannot drift from what the routes accept.
"""

import functools
import re

from flask import Blueprint, g, jsonify
from werkzeug.routing import IntegerConverter

from qms.auth.queries import require_user
from qms.web.validation import INT_MAX, parse_body, validate_query

api = Blueprint("api", __name__, url_prefix="/api/v1")


class BoundedInt(IntegerConverter):
    """<int:…> in every URL of the app: 1 … 2^31-1, anything else matches no route (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)


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
    many=False,
):
    """Register a JSON route. roles=None means public; body is a JSON-schema subset;
    many=True when it answers a JSON array (the OpenAPI document says so)."""

    def decorator(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            if roles is not None:
                g.user = require_user(roles)
            if query:
                validate_query(query)
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
                        "many": many,
                        "rule": rule,
                        "operationId": endpoint,
                    },
                )
            )
        return view

    return decorator

"""The /api/v1 blueprint: one decorator registers a route, its auth, its schema and its docs.

The request schema given to api_route is both validated and published in openapi.json,
so the document cannot drift from what the routes accept.
"""

import functools
import re

from flask import Blueprint, current_app, g, jsonify, request

from qms.errors import Invalid, QmsError

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
                from qms.auth.queries import require_user

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


# --- request bodies ---------------------------------------------------------------------

_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}


def parse_body(schema):
    if not request.content_length and not request.data:
        data = {}
    else:
        data = request.get_json(silent=True, force=True)
        if data is None:
            raise QmsError(
                "Nội dung không phải JSON hợp lệ. Body is not valid JSON.", "invalid_json"
            )
    if not isinstance(data, dict):
        raise Invalid(
            "Nội dung phải là một đối tượng JSON. Body must be a JSON object.", "invalid_body"
        )
    return validate(data, schema)


def validate(data, schema):
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        if data.get(name) is None:
            raise Invalid(
                f"Thiếu trường '{name}'. Field '{name}' is required.", "missing_field", field=name
            )
    unknown = set(data) - set(props)
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(
            f"Trường không hợp lệ '{field}'. Unknown field '{field}'.", "unknown_field", field=field
        )
    clean = {}
    for name, spec in props.items():
        if name not in data or data[name] is None:
            clean[name] = spec.get("default")
            continue
        value = data[name]
        kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        ok = any(
            isinstance(value, _TYPES[k]) and not (k == "integer" and isinstance(value, bool))
            for k in kinds
            if k != "null"
        )
        if not ok:
            raise Invalid(
                f"Trường '{name}' phải có kiểu {'/'.join(kinds)}. Field '{name}' must be {'/'.join(kinds)}.",
                "invalid_type",
                field=name,
            )
        if isinstance(value, str):
            if len(value) > spec.get("maxLength", 500):
                raise Invalid(
                    f"Trường '{name}' quá dài. Field '{name}' is too long.", "too_long", field=name
                )
            if "enum" in spec and value not in spec["enum"]:
                raise Invalid(
                    f"Giá trị không hợp lệ cho '{name}'. '{name}' must be one of {spec['enum']}.",
                    "invalid_value",
                    field=name,
                )
        out_of_range = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not (spec.get("minimum", -(2**31)) <= value <= spec.get("maximum", 2**31 - 1))
        )
        if out_of_range:
            raise Invalid(
                f"Trường '{name}' ngoài phạm vi. Field '{name}' is out of range.",
                "out_of_range",
                field=name,
            )
        clean[name] = value
    return clean


def query_date(name):
    """A YYYY-MM-DD query argument, or None; a malformed one is a 422, never a 500."""
    from datetime import date

    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            f"'{name}' phải có dạng YYYY-MM-DD. '{name}' must be YYYY-MM-DD.",
            "invalid_date",
            field=name,
        ) from None


# --- the OpenAPI document ---------------------------------------------------------------


def openapi_document():
    paths = {}
    for path, method, spec in OPERATIONS:
        op = {
            "operationId": spec["operationId"],
            "summary": spec["summary"],
            "tags": [spec["tag"]],
            "responses": {
                str(spec["status"]): {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "4XX": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        for code, text in spec["responses"].items():
            op["responses"][str(code)] = {"description": text}
        params = [
            {
                "name": p,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if f"<int:{p}>" in spec["rule"] else "string"},
            }
            for p in re.findall(r"{([a-z_]+)}", path)
        ]
        params += [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in spec["query"].items()
        ]
        if params:
            op["parameters"] = params
        if spec["roles"] is not None:
            op["security"] = [{"bearer": []}, {"session": []}]
            op["description"] = "Roles: " + (", ".join(spec["roles"]) or "any staff")
        if spec["body"] is not None:
            op["requestBody"] = {
                "required": bool(spec["body"].get("required")),
                "content": {"application/json": {"schema": _public_schema(spec["body"])}},
            }
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "HCC Queue API", "version": current_app.config.get("VERSION", "0")},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            },
        },
    }


def _public_schema(body):
    props = {}
    for name, spec in body.get("properties", {}).items():
        spec = dict(spec)
        kinds = spec.pop("type")
        if isinstance(kinds, list):
            spec["type"] = [k for k in kinds if k != "null"][0]
            spec["nullable"] = "null" in kinds
        else:
            spec["type"] = kinds
        props[name] = spec
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if body.get("required"):
        schema["required"] = list(body["required"])
    return schema

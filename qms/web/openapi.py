"""The OpenAPI document, generated from the same specs api_route validates with."""

import re

from flask import current_app

from qms.web.routes import OPERATIONS
from qms.web.validation import INT_MAX, effective


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
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "object"}}
                            if spec["many"]
                            else {"type": "object"}
                        }
                    },
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
                "schema": {"type": "integer", "minimum": 0, "maximum": INT_MAX}
                if f"<int:{p}>" in spec["rule"]
                else {"type": "string", "maxLength": 200},
            }
            for p in re.findall(r"{([a-z_]+)}", path)
        ]
        params += [
            {"name": name, "in": "query", "required": False, "schema": _public_field(schema)}
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


def _public_field(spec):
    """One field as the validator enforces it (effective limits), in OpenAPI 3.0 terms."""
    spec = effective(spec)
    kinds = spec.pop("type")
    if isinstance(kinds, list):
        spec["type"] = [k for k in kinds if k != "null"][0]
        spec["nullable"] = "null" in kinds
    else:
        spec["type"] = kinds
    if "items" in spec:
        spec["items"] = _public_field(spec["items"])
    return spec


def _public_schema(body):
    props = {name: _public_field(spec) for name, spec in body.get("properties", {}).items()}
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if body.get("required"):
        schema["required"] = list(body["required"])
    return schema

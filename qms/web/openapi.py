"""The OpenAPI document, generated from the same specs api_route validates with."""

import re

from flask import current_app

from qms.web.routes import OPERATIONS


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

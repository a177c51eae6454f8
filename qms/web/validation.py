"""Request validation: a JSON-schema subset for bodies, and typed query arguments."""

from datetime import date

from flask import request

from qms.errors import Invalid, QmsError

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

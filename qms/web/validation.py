"""Request validation: the one validator every API route uses, and what the OpenAPI publishes.

A JSON-schema subset for bodies (type, required, enum, minLength, maxLength, minimum,
maximum, maxItems), typed query arguments, and limits no route can forget: a body must be
JSON, nested at most MAX_DEPTH deep, its strings real Unicode (no lone surrogates), integers
within 32 bits, dates within SANE_DATES. `effective()` gives a field's schema with those
defaults filled in, and openapi.py publishes exactly that.
"""

import json
from datetime import date

from flask import request

from qms.errors import Invalid, QmsError

_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_STRING = 500
MAX_ITEMS = 100
MAX_DEPTH = 8
SANE_DATES = (date(2000, 1, 1), date(2100, 12, 31))


class UnsupportedMediaType(QmsError):
    status = 415
    code = "unsupported_media_type"


def effective(spec):
    """A field's schema with the limits the validator enforces by default made explicit."""
    spec = dict(spec)
    kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    if "string" in kinds and "enum" not in spec and spec.get("format") != "date":
        spec.setdefault("maxLength", MAX_STRING)
    if "integer" in kinds:
        spec.setdefault("minimum", INT_MIN)
        spec.setdefault("maximum", INT_MAX)
    if "array" in kinds:
        spec.setdefault("maxItems", MAX_ITEMS)
    return spec


def _too_deep_or_broken(value):
    """Depth over MAX_DEPTH, or a string that is not valid Unicode: the first problem, or None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "too_deep"
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "invalid_text"
        elif isinstance(item, dict):
            for key, inner in item.items():
                stack.append((key, depth))
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return None


def parse_body(schema):
    raw = request.get_data(cache=True)
    if not raw:
        data = {}
    else:
        if not request.is_json:
            raise UnsupportedMediaType(
                "Nội dung phải gửi dạng application/json. Send the body as application/json."
            )
        try:
            data = json.loads(raw)
        except RecursionError:
            raise Invalid(
                "Nội dung lồng nhau quá sâu. Body is nested too deeply.", "too_deep"
            ) from None
        except ValueError:
            raise QmsError(
                "Nội dung không phải JSON hợp lệ. Body is not valid JSON.", "invalid_json"
            ) from None
    if not isinstance(data, dict):
        raise Invalid(
            "Nội dung phải là một đối tượng JSON. Body must be a JSON object.", "invalid_body"
        )
    problem = _too_deep_or_broken(data)
    if problem == "too_deep":
        raise Invalid("Nội dung lồng nhau quá sâu. Body is nested too deeply.", "too_deep")
    if problem == "invalid_text":
        raise Invalid(
            "Nội dung có ký tự không hợp lệ. Body holds invalid characters.", "invalid_text"
        )
    return validate(data, schema)


_EFFECTIVE = {}  # id(spec) → (spec, effective(spec)): the routes' schemas live as long as the app


def _effective_once(spec):
    hit = _EFFECTIVE.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    value = effective(spec)
    if len(_EFFECTIVE) < 1024:  # the routes' schemas are a few hundred; never grows past
        _EFFECTIVE[id(spec)] = (spec, value)
    return value


def _check_value(name, value, spec):
    spec = _effective_once(spec)
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
        if len(value) > spec.get("maxLength", MAX_STRING):
            raise Invalid(
                f"Trường '{name}' quá dài. Field '{name}' is too long.", "too_long", field=name
            )
        if len(value) < spec.get("minLength", 0):
            raise Invalid(
                f"Trường '{name}' quá ngắn. Field '{name}' is too short.", "too_short", field=name
            )
        if "enum" in spec and value not in spec["enum"]:
            raise Invalid(
                f"Giá trị không hợp lệ cho '{name}'. '{name}' must be one of {spec['enum']}.",
                "invalid_value",
                field=name,
            )
        if spec.get("format") == "date":
            _sane_date(name, value)
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and not spec["minimum"] <= value <= spec["maximum"]:
        raise Invalid(
            f"Trường '{name}' ngoài phạm vi. Field '{name}' is out of range.",
            "out_of_range",
            field=name,
        )
    if isinstance(value, list) and len(value) > spec["maxItems"]:
        raise Invalid(
            f"Trường '{name}' có quá nhiều phần tử. Field '{name}' has too many items.",
            "too_many_items",
            field=name,
        )
    if isinstance(value, list) and "items" in spec:
        for item in value:
            _check_value(name, item, spec["items"])


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
        _check_value(name, data[name], spec)
        clean[name] = data[name]
    return clean


def _sane_date(name, raw):
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            f"'{name}' phải có dạng YYYY-MM-DD. '{name}' must be YYYY-MM-DD.",
            "invalid_date",
            field=name,
        ) from None
    if not SANE_DATES[0] <= value <= SANE_DATES[1]:
        raise Invalid(
            f"'{name}' phải nằm trong khoảng {SANE_DATES[0]}–{SANE_DATES[1]}. "
            f"'{name}' is out of range.",
            "invalid_date",
            field=name,
        )
    return value


def validate_query(query):
    """The declared query arguments present in the request, each checked like a body field."""
    for name, spec in query.items():
        raw = request.args.get(name)
        if raw is None or raw == "":
            continue
        kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        if "integer" in kinds:
            try:
                value = int(raw, 10)
            except ValueError:
                raise Invalid(
                    f"'{name}' phải là số nguyên. '{name}' must be an integer.",
                    "invalid_type",
                    field=name,
                ) from None
            _check_value(name, value, spec)
        elif "boolean" in kinds:
            if raw not in ("0", "1", "true", "false"):
                raise Invalid(
                    f"'{name}' phải là true/false. '{name}' must be true or false.",
                    "invalid_type",
                    field=name,
                )
        else:
            try:
                raw.encode("utf-8")
            except UnicodeEncodeError:
                raise Invalid(
                    "Tham số có ký tự không hợp lệ. Invalid characters.", "invalid_text"
                ) from None
            _check_value(name, raw, spec)


def query_date(name):
    """A YYYY-MM-DD query argument within SANE_DATES, or None; bad input is a 422, never a 500."""
    raw = request.args.get(name)
    if not raw:
        return None
    return _sane_date(name, raw)

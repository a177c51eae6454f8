"""Every JSON answer of the app, encoded by orjson.

jsonify() is on every API answer: 6–9 % of an issued ticket's CPU under load with the
standard library's encoder. FastJSON keeps what Flask's provider writes (compact, keys in their order,
Vietnamese as UTF-8 rather than \\u escapes, dates as HTTP dates through Flask's own
fallback) and only changes who encodes. Reading request bodies stays with the standard
library: web/validation.py relies on its errors (depth, lone surrogates) to answer them.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_default = DefaultJSONProvider.default  # Flask's fallback: dates, decimals, __html__


class FastJSON(DefaultJSONProvider):
    """Flask's provider with orjson underneath; anything it cannot encode goes through
    Flask's own fallback (dates, decimals, __html__), so answers read exactly as before."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs):
        if kwargs.keys() - {"separators"} or self.sort_keys:  # indent, sort: the stdlib
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=_default, option=_OPTIONS).decode()

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False or self.sort_keys:
            return super().response(obj)
        body = orjson.dumps(obj, default=_default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        return self._app.response_class(body, mimetype=self.mimetype)

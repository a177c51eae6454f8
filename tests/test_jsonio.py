"""Every JSON answer is encoded by orjson (qms/web/jsonio.py) and reads exactly as Flask's own
provider wrote it: compact, keys in their order, Vietnamese as UTF-8, dates as HTTP dates."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider

from qms.web.jsonio import FastJSON

SAMPLE = {
    "code": "A001",
    "service": "Chứng thực bản sao từ bản chính",
    "message": "Xin mời công dân có số A001 đến quầy số 2",
    "zeta": 1,
    "alpha": [1, 2.5, None, True, {"nested": "Hộ tịch"}],
    7: "an integer key",
    "day": date(2026, 12, 8),
    "at": datetime(2026, 12, 8, 7, 30, tzinfo=UTC),
    "fee": Decimal("12.50"),
}


def test_answers_read_as_flask_wrote_them(app):
    assert isinstance(app.json, FastJSON)
    body = app.json.response(SAMPLE).get_data()
    stdlib = json.dumps(
        SAMPLE, ensure_ascii=False, separators=(",", ":"), default=DefaultJSONProvider.default
    )
    assert body == (stdlib + "\n").encode()
    assert "Chứng thực".encode() in body  # UTF-8, not \\u escapes
    assert app.json.dumps(SAMPLE) == stdlib


def test_jsonify_in_a_view_and_the_debug_indent_fall_back_to_the_stdlib(app):
    with app.test_request_context():
        from flask import jsonify

        assert jsonify(status="ok", mode="standalone").get_json() == {
            "status": "ok",
            "mode": "standalone",
        }
    assert app.json.dumps({"b": 1, "a": 2}, indent=2) == '{\n  "b": 1,\n  "a": 2\n}'

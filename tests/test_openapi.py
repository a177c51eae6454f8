"""openapi.json documents exactly the /api/v1 routes, with their bodies and security."""

import re


def _flask_operations(app):
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            ops.add((path, method.lower()))
    return ops


def test_document_matches_routes(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, methods in doc["paths"].items() for method in methods}
    assert documented == _flask_operations(app)


def test_core_contract_is_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/services",
        "/api/v1/counters",
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/board",
        "/api/v1/counters/{number}/call-next",
        "/api/v1/counters/{number}/recall",
        "/api/v1/counters/{number}/no-show",
        "/api/v1/counters/{number}/complete",
        "/api/v1/counters/{number}/transfer",
        "/api/v1/mode",
        "/api/v1/auth/token",
    ):
        assert path in paths, path
    issue = paths["/api/v1/tickets"]["post"]
    schema = issue["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["service"]
    assert "priority" in schema["properties"]
    assert "security" not in issue  # public
    assert paths["/api/v1/counters/{number}/call-next"]["post"]["security"]
    assert (
        paths["/api/v1/counters/{number}/call-next"]["post"]["parameters"][0]["schema"]["type"]
        == "integer"
    )

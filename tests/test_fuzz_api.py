"""schemathesis over our own openapi.json, short and seeded: no input makes a server error.

Every operation gets a few generated requests (derandomized, so a failure reproduces), once
as an anonymous client and once with an admin token that reaches past the role checks. The
long run is bench/bench_fuzz.py.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 4


def _server_errors(app, headers, examples):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, calls = [], 0
    for result in schema.get_all_operations():
        run = _runner(result.ok(), headers, examples, failures)
        calls += run()
    return failures, calls


def _runner(operation, headers, examples, failures):
    calls = 0

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal calls
        response = case.call(headers=headers)
        calls += 1
        if response.status_code >= 500:
            failures.append((operation.label, response.status_code, response.text[:200]))
        elif response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
            "application/json"
        ):
            assert set(response.json()["error"]) >= {"code", "message"}, operation.label

    def counted():
        run()
        return calls

    return counted


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_generated_request_makes_a_server_error(app, admin_user, who):
    headers = admin_user["headers"] if who == "admin" else {}
    failures, calls = _server_errors(app, headers, EXAMPLES)
    assert calls > 100  # the run reached the operations: a fuzzer that calls nothing passes all
    assert failures == []

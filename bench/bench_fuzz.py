"""The long schemathesis run over openapi.json (the short seeded one is in make test).

Usage: python bench/bench_fuzz.py [--examples 100]
Prints, per identity (anonymous, admin), the requests made, the answers by status class
and every server error with its operation. A fresh database in a temporary directory.
"""

import argparse
import collections
import tempfile
import time

import schemathesis
from hypothesis import HealthCheck, given, settings

from qms import create_app


def _runner(operation, headers, examples, statuses, errors):
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        statuses[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            errors.append((operation.label, response.status_code))

    return run


def fuzz(app, headers, examples):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    statuses, errors = collections.Counter(), []
    for result in schema.get_all_operations():
        _runner(result.ok(), headers, examples, statuses, errors)()
    return statuses, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        app = create_app(
            {
                "DATA_DIR": data,
                "AUTO_MIGRATE": True,
                "ADDRESS_RATE_LIMIT": "1000000/1",
                "LOGIN_RATE_LIMIT": "1000000/1",
                "ISSUE_CEILING_PER_MINUTE": 0,
            }
        )
        with app.app_context():
            from qms.auth.operations import create_user, issue_token
            from qms.demo import seed_demo, seed_priorities

            seed_priorities()
            seed_demo()
            admin = create_user("quantri", "admin", "Kiem-thu-7-loai-2026")
            token, _ = issue_token(admin)
        for who, headers in (("anonymous", {}), ("admin", {"Authorization": f"Bearer {token}"})):
            started = time.monotonic()
            statuses, errors = fuzz(app, headers, args.examples)
            total = sum(statuses.values())
            print(
                f"{who:<10} {total:>6} requests in {time.monotonic() - started:5.1f} s  "
                + "  ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
                + f"  server errors: {len(errors)}"
            )
            for label, status in errors[:50]:
                print(f"   {status} {label}")


if __name__ == "__main__":
    main()

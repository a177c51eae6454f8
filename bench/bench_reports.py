"""The queue report over a year of a busy centre: ~100,000 visits with their events and ratings.

Times the year report as JSON and as XLSX (through the real routes, as a leader), and today's
dashboard figures while tickets are being issued. SQLite always; PostgreSQL as well when
QMS_TEST_POSTGRES_URL is set (its schema is emptied first, as the tests do).

    .venv/bin/python bench/bench_reports.py [--per-day 370] [--repeat 5]

Targets: the year report under 2 s, today's figures under 50 ms.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text

from qms import create_app
from qms.reports.history import busy_year, write

YEAR = 2025
PASSWORD = "bench-leader-pass-42"


def build(url, data_dir):
    config = {"DATA_DIR": str(data_dir), "KIOSK_RATE_LIMIT": "0/1", "ADDRESS_RATE_LIMIT": "0/1"}
    if url:
        config["DATABASE_URL"] = url
    app = create_app(config)
    db = app.extensions["qms"].db
    if url:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    db.upgrade()
    return app


def seed(app, per_day):
    from qms.auth.operations import create_user
    from qms.demo import seed_demo, seed_priorities
    from qms.extensions import get_db

    with app.app_context():
        seed_priorities()
        seed_demo()
        create_user("lanhdao", "leader", PASSWORD)
        officers = [create_user(f"canbo{n}", "officer", PASSWORD) for n in range(1, 5)]
        visits = busy_year(YEAR, officers, per_day=per_day)
        started = time.perf_counter()
        with get_db().write() as s:
            tickets = write(s, visits)
        took = time.perf_counter() - started
        with get_db().read() as s:
            counts = {
                table: s.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("tickets", "ticket_events", "ratings")
            }
    print(
        f"  history: {len(visits):,} visits, {tickets:,} tickets, {counts['ticket_events']:,} events, "
        f"{counts['ratings']:,} ratings (written in {took:.1f} s)"
    )


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, times


def fmt(times, unit=1.0, suffix="s"):
    return (
        f"median {statistics.median(times) * unit:.3f} {suffix}, best {min(times) * unit:.3f} {suffix}, "
        f"worst {max(times) * unit:.3f} {suffix}"
    )


def login(client):
    r = client.post("/api/v1/auth/token", json={"username": "lanhdao", "password": PASSWORD})
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def year_report(app, repeat):
    client = app.test_client()
    with app.app_context():
        headers = login(client)
        query = f"period=year&date={YEAR}-06-01"

        def as_json():
            r = client.get(f"/api/v1/reports/queue?{query}", headers=headers)
            assert r.status_code == 200, r.get_json()
            return r.get_json()

        def as_xlsx():
            r = client.get(f"/api/v1/reports/queue.xlsx?{query}", headers=headers)
            assert r.status_code == 200
            return r.data

        report, json_times = timed(as_json, repeat)
        data, xlsx_times = timed(as_xlsx, repeat)
    t = report["totals"]
    print(
        f"  year {YEAR}: issued {t['issued']:,}, served {t['served']:,}, no-show {t['no_show']:,}, "
        f"transferred {t['transferred']:,}, wait p50/p90 {t['wait_p50_min']}/{t['wait_p90_min']} min, "
        f"satisfied {t['satisfied_pct']} % of {t['rated']:,} ratings"
    )
    print(f"  year report JSON (this year + previous year's totals): {fmt(json_times)}")
    print(f"  year report XLSX (every grouping, {len(data) // 1024} KiB): {fmt(xlsx_times)}")
    return json_times, xlsx_times


def today_while_issuing(app, repeat, busy_morning=300):
    """Today's figures with a morning's tickets already there and a kiosk issuing all along."""
    from qms.queue.operations import calling, issuing
    from qms.reports.queries import today_figures

    with app.app_context():
        for n in range(busy_morning):
            issuing.issue_ticket("ABCDEFGH"[n % 8])
            if n % 3 == 0:
                calling.call_next(1 + n % 4)
    stop = threading.Event()
    issued = [0]

    def kiosk():
        with app.app_context():
            while not stop.is_set():
                issuing.issue_ticket("ABCDEFGH"[issued[0] % 8])
                issued[0] += 1
                time.sleep(0.005)

    thread = threading.Thread(target=kiosk, daemon=True)
    thread.start()
    times = []
    try:
        with app.app_context():
            from qms.queue.queries import today

            for _ in range(repeat * 20):
                started = time.perf_counter()
                figures = today_figures(today())
                times.append(time.perf_counter() - started)
                time.sleep(0.01)
    finally:
        stop.set()
        thread.join(10)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(
        f"  today's figures ({figures['totals']['issued']} tickets today, {issued[0]} issued during "
        f"the run): {fmt(times, 1000, 'ms')}, p95 {p95 * 1000:.1f} ms"
    )
    return times


def run(label, url, per_day, repeat):
    print(f"{label}:")
    with tempfile.TemporaryDirectory() as tmp:
        app = build(url, Path(tmp))
        seed(app, per_day)
        year_json, year_xlsx = year_report(app, repeat)
        today_times = today_while_issuing(app, repeat)
        app.extensions["qms"].board.close()
        app.extensions["qms"].db.dispose()
    return {
        "json": statistics.median(year_json),
        "xlsx": statistics.median(year_xlsx),
        "today": statistics.median(today_times),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=370, help="visits on a weekday")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"bench_reports {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {date.today()}")
    results = {"SQLite": run("SQLite", None, args.per_day, args.repeat)}
    pg = os.environ.get("QMS_TEST_POSTGRES_URL")
    if pg:
        results["PostgreSQL"] = run("PostgreSQL", pg, args.per_day, args.repeat)
    else:
        print("PostgreSQL: skipped (QMS_TEST_POSTGRES_URL is not set)")
    print("targets: year report < 2 s, today's figures < 50 ms")
    for name, r in results.items():
        ok = r["json"] < 2 and r["xlsx"] < 2 and r["today"] < 0.05
        print(
            f"  {name}: JSON {r['json']:.2f} s, XLSX {r['xlsx']:.2f} s, today {r['today'] * 1000:.1f} ms"
            f" → {'met' if ok else 'MISSED'}"
        )


if __name__ == "__main__":
    main()

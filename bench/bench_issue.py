"""Durable tickets per second: over HTTP against `qms serve`, and raw without HTTP.

Prints both rates, their ratio (target ≥ 0.25) and HTTP latency percentiles (p99 target < 20 ms).
Usage: python bench/bench_issue.py [--clients 16] [--seconds 10]
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from qms.liveserver import LiveServer

SERVICES = ["A", "B", "C", "D", "E", "F", "G", "H", "T"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def http_rate(clients, seconds):
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data")
        server.init()
        server.start()
        latencies, errors = [], []
        lock = threading.Lock()
        stop = threading.Event()
        start_gate = threading.Barrier(clients + 1)

        def worker(i):
            session = requests.Session()
            mine = []
            body = {"service": SERVICES[i % len(SERVICES)], "kiosk": f"bench-{i}"}
            session.post(
                server.url + "/api/v1/tickets", json=body, timeout=5
            )  # warm the connection
            start_gate.wait()
            while not stop.is_set():
                t0 = time.perf_counter()
                r = session.post(server.url + "/api/v1/tickets", json=body, timeout=5)
                mine.append(time.perf_counter() - t0)
                if r.status_code != 201:
                    errors.append(r.status_code)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        start_gate.wait()
        t0 = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        server.stop()
        return len(latencies) / elapsed, latencies, errors


def raw_rate(seconds, threads=1):
    from qms import create_app
    from qms.demo import seed_demo, seed_priorities
    from qms.queue.operations.issuing import issue_ticket

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATA_DIR": tmp})
        app.extensions["qms"].db.upgrade()
        with app.app_context():
            seed_priorities()
            seed_demo()
        count = [0]
        lock = threading.Lock()
        stop = threading.Event()

        def worker(i):
            n = 0
            with app.test_request_context():
                while not stop.is_set():
                    issue_ticket(SERVICES[i % len(SERVICES)])
                    n += 1
            with lock:
                count[0] += n

        workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        time.sleep(seconds)
        stop.set()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - t0
        app.extensions["qms"].board.close()
        app.extensions["qms"].db.dispose()
        return count[0] / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    raw = raw_rate(args.seconds)
    raw16 = raw_rate(args.seconds, threads=args.clients)
    rate, latencies, errors = http_rate(args.clients, args.seconds)
    ms = [x * 1000 for x in latencies]
    print("Durable ticket issuing (SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE)")
    print(f"  raw, no HTTP, 1 thread:          {raw:8.0f} tickets/s")
    print(f"  raw, no HTTP, {args.clients} threads:        {raw16:8.0f} tickets/s")
    print(
        f"  HTTP, {args.clients} keep-alive clients:     {rate:8.0f} tickets/s  ({len(latencies)} tickets, {len(errors)} errors)"
    )
    print(
        f"  HTTP latency p50 {statistics.median(ms):.1f} ms, p90 {pct(ms, 90):.1f} ms, p99 {pct(ms, 99):.1f} ms, max {max(ms):.1f} ms"
    )
    print(f"  ratio HTTP / raw(1 thread): {rate / raw:.2f}  (target ≥ 0.25)")
    print(f"  p99 target < 20 ms: {'met' if pct(ms, 99) < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()

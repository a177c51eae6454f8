"""The product's own overhead, as ratios measured in one run on this machine.

Usage: python bench/bench_speed.py [--seconds 5] [--rounds 3] [--connections 16]

Both servers run side by side and are loaded in turn, round after round (medians): on a
shared machine a slow minute then hits both instead of skewing the ratio.

- `GET /health` and `GET /board` of `qms serve` against a five-line Flask app under the same
  gunicorn threaded worker (targets: ≥ 0.8 × and ≥ 0.5 × its rate);
- `POST /tickets` against the raw durable commit: the minimal ticket on the same disk
  (SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE, the sequence upsert … RETURNING, one row,
  COMMIT) (target ≥ 0.25 ×), its p99 against plain Flask's p99 (target ≤ 2 ×).
Load comes from wrk (Debian's package; `apt-get install wrk`), 2 threads, on the same cores.
"""

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import requests

from qms.liveserver import LiveServer, free_port

PLAIN_APP = textwrap.dedent(
    """
    from flask import Flask, jsonify
    app = Flask(__name__)
    @app.get("/api/v1/health")
    def health():
        return jsonify(status="ok", mode="standalone", version="0")
    """
)
POST_LUA = textwrap.dedent(
    """
    wrk.method = "POST"
    wrk.body = '{"service": "A"}'
    wrk.headers["Content-Type"] = "application/json"
    """
)


def wrk(url, seconds, connections, script=None):
    """(requests per second, p99 ms, non-2xx count) from one wrk run."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, float(p99.group(1)) * scale, int(bad.group(1)) if bad else 0


def wait_up(url, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def plain_flask(tmp, threads, worker_class="gthread"):
    (Path(tmp) / "plainapp.py").write_text(PLAIN_APP)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "-k",
            worker_class,
            "--threads",
            str(threads),
            "--worker-connections",
            str(max(1000, 2 * threads)),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "plainapp:app",
        ],
        cwd=tmp,
    )
    url = f"http://127.0.0.1:{port}"
    wait_up(url + "/api/v1/health")
    return proc, url


def raw_durable_commit(directory, seconds, index=0):
    """Minimal durable tickets per second, one thread, on the disk of directory."""
    path = Path(directory) / f"raw-{index}.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(
        "CREATE TABLE seq (service INTEGER, day TEXT, last INTEGER, PRIMARY KEY(service, day))"
    )
    con.execute(
        "CREATE TABLE ticket (id INTEGER PRIMARY KEY, service INTEGER, day TEXT, number INTEGER, code TEXT)"
    )
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        con.execute("BEGIN IMMEDIATE")
        number = con.execute(
            "INSERT INTO seq VALUES (1, '2026-11-25', 1) ON CONFLICT(service, day) "
            "DO UPDATE SET last = last + 1 RETURNING last"
        ).fetchone()[0]
        con.execute(
            "INSERT INTO ticket (service, day, number, code) VALUES (1, '2026-11-25', ?, ?)",
            (number, f"A{number:03d}"),
        )
        con.execute("COMMIT")
        count += 1
    con.close()
    return count / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (medians)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=512)
    parser.add_argument(
        "--worker-class", choices=("gthread", "gevent"), default="gthread", help="both servers"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    s, c = args.seconds, args.connections
    runs = {"plain": [], "health": [], "board": [], "raw": [], "tickets": []}
    with tempfile.TemporaryDirectory(prefix="qms-speed-") as tmp:
        plain, plain_url = plain_flask(tmp, args.threads, args.worker_class)
        server = LiveServer(
            Path(tmp) / "data",
            env={
                "QMS_SERVE_THREADS": str(args.threads),
                "QMS_SERVE_WORKER_CLASS": args.worker_class,
            },
        )
        server.init()
        server.start()
        script = Path(tmp) / "post.lua"
        script.write_text(POST_LUA)
        try:
            # both servers up, loaded in turn, and the raw commit beside the tickets in every
            # round: a slow minute of a shared machine hits both sides of a ratio
            for index in range(args.rounds):
                runs["plain"].append(wrk(plain_url + "/api/v1/health", s, c))
                runs["health"].append(wrk(server.url + "/api/v1/health", s, c))
                runs["board"].append(wrk(server.url + "/api/v1/board", s, c))
                runs["raw"].append(raw_durable_commit(tmp, s, index))
                runs["tickets"].append(wrk(server.url + "/api/v1/tickets", s, c, str(script)))
        finally:
            if plain.poll() is None:
                plain.terminate()
                plain.wait(10)
            server.stop()

    def median(name, index):
        return statistics.median(run[index] for run in runs[name])

    p_rate, p_p99 = median("plain", 0), median("plain", 1)
    h_rate, h_p99, h_bad = (
        median("health", 0),
        median("health", 1),
        sum(r[2] for r in runs["health"]),
    )
    b_rate, b_p99, b_bad = median("board", 0), median("board", 1), sum(r[2] for r in runs["board"])
    raw = statistics.median(runs["raw"])
    t_rate, t_p99 = median("tickets", 0), median("tickets", 1)
    t_bad = sum(r[2] for r in runs["tickets"])
    ratios = [h[0] / p[0] for h, p in zip(runs["health"], runs["plain"], strict=True)]
    issued = [t[0] / r for t, r in zip(runs["tickets"], runs["raw"], strict=True)]
    print(
        f"wrk -t2 -c{c}, {args.rounds} alternating rounds of {s} s (medians), on {os.cpu_count()} "
        f"cores, gunicorn {args.worker_class} {args.threads}"
    )
    print(f"  plain Flask  GET /health   {p_rate:8.0f} req/s  p99 {p_p99:6.1f} ms")
    print(f"  raw durable commit         {raw:8.0f} tickets/s (1 thread)")
    print("  /health ratio in each round: " + ", ".join(f"{r:.2f}" for r in ratios))
    print("  POST /tickets / raw commit in each round: " + ", ".join(f"{r:.2f}" for r in issued))
    rows = [
        ("GET /health", h_rate, h_p99, h_bad, h_rate / p_rate, 0.8, "× plain Flask"),
        ("GET /board", b_rate, b_p99, b_bad, b_rate / p_rate, 0.5, "× plain Flask"),
        ("POST /tickets", t_rate, t_p99, t_bad, t_rate / raw, 0.25, "× raw commit"),
    ]
    for name, rate, p99, bad, ratio, target, unit in rows:
        verdict = "met" if ratio >= target else "NOT met"
        print(
            f"  HCC Queue {name:<14} {rate:8.0f} req/s  p99 {p99:6.1f} ms  errors {bad:<4}"
            f" ratio {ratio:4.2f} {unit} (target ≥ {target}: {verdict})"
        )
    verdict = "met" if t_p99 <= 2 * p_p99 else "NOT met"
    print(f"  POST /tickets p99 / plain Flask p99: {t_p99 / p_p99:4.1f} (target ≤ 2: {verdict})")


if __name__ == "__main__":
    main()

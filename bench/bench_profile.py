"""Where a hot path spends its time: py-spy flame graphs of `qms serve` under wrk load.

Usage: python bench/bench_profile.py [--seconds 8] [--out profiles]
Needs py-spy (`pip install py-spy`) and wrk (`apt-get install wrk`).

For each of GET /api/v1/health, GET /api/v1/board, POST /api/v1/tickets and POST
/api/v1/counters/1/call-next it loads the server with wrk (2 threads, 16 connections; one for
call-next: one officer at a counter), samples
the gunicorn worker with py-spy (only the thread holding the GIL: where the CPU goes), writes
<out>/<name>.svg (a flame graph to open in a browser) and prints the functions of this project
that hold the most samples, with their share.
"""

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from qms.liveserver import LiveServer

OFFICER = ("profiler", "Quay-mot-2026-ho-so")
POST = (
    'wrk.method = "POST"\nwrk.body = {body!r}\nwrk.headers["Content-Type"] = "application/json"\n'
)
CALL = textwrap.dedent(
    """
    wrk.method = "POST"
    wrk.body = "{{}}"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "{auth}"
    """
)


def worker_pid(server):
    kids = subprocess.run(
        ["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True
    ).stdout.split()
    return int(kids[0]) if kids else server.proc.pid


def own_frames(raw_path, top):
    """(share, frame) of this project's functions, each sample counted for the innermost
    project frame it is in: the project's own code and what it calls in libraries."""
    counts, total = collections.Counter(), 0
    pattern = re.compile(r"\((.*/)?(qms|printer_drivers)/")
    for line in Path(raw_path).read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        own = [f for f in stack.split(";") if pattern.search(f) and "__main__" not in f]
        if own:
            counts[pattern.sub(r"(\2/", own[-1])] += int(n)
    return [(v / total, k) for k, v in counts.most_common(top)] if total else []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--out", default="profiles")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists() or not shutil.which("wrk"):
        sys.exit("needs py-spy (pip install py-spy) and wrk (apt-get install wrk)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qms-profile-") as tmp:
        server = LiveServer(Path(tmp) / "data")
        server.init()
        server.qms("user", "add", OFFICER[0], "--role", "officer", "--password", OFFICER[1])
        server.start()
        try:
            auth = server.token(*OFFICER)["Authorization"]
            scripts = Path(tmp)
            (scripts / "ticket.lua").write_text(POST.format(body='{"service": "A"}'))
            (scripts / "call.lua").write_text(CALL.format(auth=auth))
            paths = [  # (name, path, script, connections): one officer calls at a time
                ("health", "/api/v1/health", None, 16),
                ("board", "/api/v1/board", None, 16),
                ("tickets", "/api/v1/tickets", scripts / "ticket.lua", 16),
                ("call-next", "/api/v1/counters/1/call-next", scripts / "call.lua", 1),
            ]
            pid = worker_pid(server)
            for name, path, script, connections in paths:
                # call-next calls the thousands of tickets the tickets run left waiting
                threads = min(2, connections)
                load = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{2 * args.seconds + 3}s"]
                load += ["-s", str(script)] if script else []
                wrk = subprocess.Popen(
                    load + [server.url + path], stdout=subprocess.PIPE, text=True
                )
                time.sleep(1)
                raw = out / f"{name}.txt"
                base = [
                    spy,
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    str(args.seconds),
                    "-r",
                    "200",
                    "--gil",
                ]
                subprocess.run(
                    base + ["-f", "raw", "-o", str(raw)], capture_output=True, check=True
                )
                svg = base + ["-o", str(out / f"{name}.svg")]
                subprocess.run(svg, capture_output=True, check=True)
                rate = re.search(r"Requests/sec:\s+([\d.]+)", wrk.communicate(timeout=60)[0])
                print(f"{name}: {float(rate.group(1)) if rate else 0:.0f} req/s under load")
                for share, frame in own_frames(raw, args.top):
                    print(f"  {share * 100:5.1f} %  {frame}")
        finally:
            server.stop()
    print(f"flame graphs: {out}/*.svg; raw stacks: {out}/*.txt")


if __name__ == "__main__":
    main()

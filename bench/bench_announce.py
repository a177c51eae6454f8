"""Announcement lag when calls pile up: 8 calls within 2 s, spoken by a real display page.

Starts `qms serve` with 8 counters, opens /display in Debian's chromium (autoplay allowed, as
on the TV), makes the calls over HTTP and prints, for every call, when its announcement
started and ended after the call request, in which form and at which speed. The display
promises the newest call is spoken within about 15 s.

Usage: python bench/bench_announce.py [--calls 8] [--within 2.0]
"""

import argparse
import tempfile
import time
from pathlib import Path

import requests

from qms.liveserver import LiveServer

OFFICER = ("bench", "Quay-so-7-tram-2026")
CHROMIUM = "/usr/bin/chromium"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--within", type=float, default=2.0, help="seconds over which calls come")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data")
        server.init()
        server.start()
        try:
            admin = server.token()
            for n in range(1, args.calls + 1):
                r = requests.put(
                    f"{server.url}/api/v1/counters/{n}",
                    json={"name": f"Quầy {n}", "services": ["A"]},
                    headers=admin,
                    timeout=10,
                )
                r.raise_for_status()
            for _ in range(args.calls):
                requests.post(server.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
                )
                page = browser.new_page(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
                page.goto(server.url + "/display")
                page.wait_for_function("window.qmsDisplay.board !== null", timeout=20000)
                step = args.within / max(1, args.calls - 1)
                called = {}
                session = requests.Session()
                for n in range(1, args.calls + 1):
                    t0 = time.time() * 1000
                    r = session.post(
                        f"{server.url}/api/v1/counters/{n}/call-next", headers=admin, timeout=10
                    )
                    r.raise_for_status()
                    called[r.json()["ticket"]["code"]] = t0
                    time.sleep(step)
                page.wait_for_function(
                    f"window.qmsDisplay.spoken.length >= {args.calls}"
                    " && !window.qmsDisplay.playing && !window.qmsDisplay.queue.length",
                    timeout=180000,
                )
                spoken = page.evaluate("window.qmsDisplay.spoken")
                browser.close()
        finally:
            server.stop()
    print(f"{args.calls} calls within {args.within:g} s at {args.calls} counters")
    print(f"{'call':>6} {'form':>6} {'speed':>6} {'starts after (s)':>17} {'ends after (s)':>15}")
    newest = max(called.values())
    for rec in spoken:
        t0 = called[rec["code"]]
        print(
            f"{rec['code']:>6} {rec['form']:>6} {rec['rate']:>6} "
            f"{(rec['started'] - t0) / 1000:>17.1f} {(rec['ended'] - t0) / 1000:>15.1f}"
        )
    said = [r["code"] for r in spoken]
    last = [r for r in spoken if called[r["code"]] == newest][0]
    print(f"each call said once: {sorted(said) == sorted(called)}")
    print(f"newest call spoken {(last['started'] - newest) / 1000:.1f} s after it was made")
    print(
        f"all calls spoken {(spoken[-1]['ended'] - min(called.values())) / 1000:.1f} s after the first"
    )


if __name__ == "__main__":
    main()

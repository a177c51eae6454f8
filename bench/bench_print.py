"""Benchmark: render + encode a queue ticket for 80 mm and 58 mm printers.

Usage::

    python bench/bench_print.py [-n 200] [--warmup 5]

Prints p50 / p99 / max milliseconds per ticket (render, encode and both) and the size of
the ESC/POS job.  Target: render + encode <= 100 ms per ticket.  No printer is touched.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta

from printer_drivers import PROFILES, TicketData, encode_ticket, render_ticket
from printer_drivers.layout import clear_caches

TARGET_MS = 100.0


def make_ticket(i: int) -> TicketData:
    return TicketData(
        centre_name="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        centre_locality="XÃ TÂN KỲ",
        code=f"A{i % 1000:03d}",
        service_name="Nông nghiệp – Môi trường" if i % 2 else "Đất đai – Xây dựng – Đô thị",
        counters="Quầy 1, Quầy 4",
        priority_label="Người cao tuổi" if i % 3 == 0 else None,
        issued_at=datetime(2025, 3, 5, 8, 0, 0) + timedelta(seconds=37 * i),
        ahead=i % 40,
        track_url=f"https://hcc.tanky.gov.vn/t/A{i % 1000:03d}?k={i * 7919 % 10**6:06d}",
        hotline="0238 3123 456",
        estimated_wait_minutes=(i % 40) * 3,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(profile_name: str, n: int, warmup: int, cold: bool = False) -> dict[str, float]:
    profile = PROFILES[profile_name]
    for i in range(warmup):
        encode_ticket(render_ticket(make_ticket(i), profile.width_dots), profile)
    render_ms: list[float] = []
    encode_ms: list[float] = []
    total_ms: list[float] = []
    sizes: list[int] = []
    heights: list[int] = []
    for i in range(n):
        data = make_ticket(i)
        if cold:
            clear_caches()
        t0 = time.perf_counter()
        image = render_ticket(data, profile.width_dots)
        t1 = time.perf_counter()
        job = encode_ticket(image, profile)
        t2 = time.perf_counter()
        render_ms.append((t1 - t0) * 1000)
        encode_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
        sizes.append(len(job))
        heights.append(image.height)
    return {
        "render_p50": percentile(render_ms, 50),
        "encode_p50": percentile(encode_ms, 50),
        "p50": percentile(total_ms, 50),
        "p99": percentile(total_ms, 99),
        "max": max(total_ms),
        "bytes": statistics.mean(sizes),
        "height": statistics.mean(heights),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="tickets per profile (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed warm-up tickets")
    parser.add_argument(
        "--cold-only", action="store_true", help="only the run without layout caches"
    )
    args = parser.parse_args(argv)

    header = (
        f"{'profile':8} {'dots':>5} {'render p50':>10} {'encode p50':>10} "
        f"{'total p50':>9} {'p99':>7} {'max':>7} {'height':>6} {'bytes/ticket':>12}"
    )
    print(f"render+encode, n={args.n} per profile, target <= {TARGET_MS:.0f} ms")
    ok = True
    modes = [True] if args.cold_only else [False, True]
    for cold in modes:
        what = "cold: layout caches cleared before every ticket" if cold else "warm caches"
        print(f"\n{what}\n{header}")
        for name in ("80mm", "58mm"):
            r = run(name, args.n, args.warmup, cold=cold)
            ok &= r["p99"] <= TARGET_MS
            print(
                f"{name:8} {PROFILES[name].width_dots:>5} {r['render_p50']:>8.1f}ms "
                f"{r['encode_p50']:>8.2f}ms {r['p50']:>7.1f}ms {r['p99']:>5.1f}ms "
                f"{r['max']:>5.1f}ms {r['height']:>6.0f} {r['bytes']:>12,.0f}"
            )
    print("target met" if ok else "TARGET MISSED (p99 above target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

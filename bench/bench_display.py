"""Call → every connected display: latency from the call request to `ticket_called` receipt.

Starts `qms serve`, connects N python-socketio clients (asyncio, websocket transport) spread
over worker processes, makes calls over HTTP and measures, for every client and every call, the
time from the start of the call-next request to the client's receipt of `ticket_called`.
Then ramps the client count until p99 passes the target or connections fail.

Usage: python bench/bench_display.py [--calls 30] [--start 100] [--step 100] [--max 1000]
                                    [--threads 256] [--per-worker 50] [--target-ms 50]
Timestamps are time.monotonic(), one system-wide clock, so processes can be compared.
"""

import argparse
import contextlib
import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path

import requests

from qms.liveserver import LiveServer

OFFICER = ("bench", "Quay-so-7-tram-2026")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def client_worker(url, count, ready, done, results):
    """Hosts `count` display clients; reports (connected, {code: [receipt times]})."""
    import socketio

    received = {}
    clients = []
    failed = 0
    for _ in range(count):
        client = socketio.Client(reconnection=False)

        def on_called(payload, _received=received):
            _received.setdefault(payload["ticket"]["code"], []).append(time.monotonic())

        client.on("ticket_called", on_called)
        try:
            client.connect(url, transports=["websocket"], wait_timeout=10)
            clients.append(client)
        except Exception:  # a refused or timed-out connection is what the ramp looks for
            failed += 1
    ready.put((len(clients), failed))
    done.wait(600)
    results.put(received)
    for client in clients:
        with contextlib.suppress(Exception):  # the server may already be gone
            client.disconnect()


def async_worker(url, count, ready, done, results):
    """Like client_worker with python-socketio's asyncio client (aiohttp websocket), every
    client on one event loop: the sync client starts a thread per received message, which on
    two cores measures the harness more than the server."""
    import asyncio

    import socketio

    async def run():
        received, clients, failed = {}, [], 0

        def on_called(payload):
            received.setdefault(payload["ticket"]["code"], []).append(time.monotonic())

        async def connect():
            client = socketio.AsyncClient(reconnection=False)
            client.on("ticket_called", on_called)
            await client.connect(url, transports=["websocket"], wait_timeout=10)
            return client

        for outcome in await asyncio.gather(
            *(connect() for _ in range(count)), return_exceptions=True
        ):
            if isinstance(outcome, BaseException):
                failed += 1
            else:
                clients.append(outcome)
        ready.put((len(clients), failed))
        while not done.is_set():
            await asyncio.sleep(0.1)
        results.put(received)
        for client in clients:
            with contextlib.suppress(Exception):  # the server may already be gone
                await client.disconnect()

    asyncio.run(run())


def raw_worker(url, count, ready, done, results):
    """Like async_worker with minimal Socket.IO v5 clients speaking the protocol themselves
    over aiohttp's websocket (open, "40" connect, pong): the client side costs least, so the
    figures show the server more than the harness. (A select() loop over websocket-client
    sockets lost frames that library had already buffered: late or missing at 1,000.)"""
    import asyncio
    import json

    import aiohttp

    ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def run():
        received = {}
        handshakes = asyncio.Semaphore(25)  # a burst of thousands would overflow the backlog
        # no total: the sockets live the whole round; a handshake gets 30 s to connect
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=None)
        async with aiohttp.ClientSession(timeout=timeout) as http:

            async def handshake():
                ws = await http.ws_connect(ws_url)
                opened = await ws.receive(timeout=10)
                assert opened.data.startswith("0")  # Engine.IO open
                await ws.send_str("40")  # Socket.IO connect, default namespace
                return ws

            async def connect():
                async with handshakes:  # one that never completes counts as refused
                    return await asyncio.wait_for(handshake(), 30)

            sockets, failed = [], 0
            for outcome in await asyncio.gather(
                *(connect() for _ in range(count)), return_exceptions=True
            ):
                if isinstance(outcome, BaseException):
                    failed += 1
                else:
                    sockets.append(outcome)
            ready.put((len(sockets), failed))

            async def read(ws):
                async for message in ws:
                    now = time.monotonic()
                    if message.type != aiohttp.WSMsgType.TEXT:
                        continue
                    if message.data == "2":
                        await ws.send_str("3")  # Engine.IO pong
                    elif message.data.startswith('42["ticket_called"'):
                        event = json.loads(message.data[2:])
                        received.setdefault(event[1]["ticket"]["code"], []).append(now)

            readers = [asyncio.create_task(read(ws)) for ws in sockets]
            while not done.is_set():
                await asyncio.sleep(0.1)
            results.put(received)
            for task in readers:
                task.cancel()
            for ws in sockets:
                with contextlib.suppress(Exception):  # the server may already be gone
                    await ws.close()

    asyncio.run(run())


def run_round(server, headers, clients, calls, per_worker, worker=client_worker):
    ctx = mp.get_context("fork")
    ready, results, done = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = []
    remaining = clients
    while remaining > 0:
        n = min(per_worker, remaining)
        remaining -= n
        p = ctx.Process(target=worker, args=(server.url, n, ready, done, results))
        p.start()
        workers.append(p)
    connected = failed = 0
    for _ in workers:
        ok, bad = ready.get(timeout=300)
        connected, failed = connected + ok, failed + bad
    time.sleep(1.0)  # let the last connections settle into the display room

    session = requests.Session()
    starts, call_ms, http_error = {}, [], None
    try:
        for _ in range(calls):
            r = session.post(server.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
            r.raise_for_status()
        for _ in range(calls):
            t0 = time.monotonic()
            r = session.post(
                server.url + "/api/v1/counters/1/call-next", json={}, headers=headers, timeout=10
            )
            call_ms.append((time.monotonic() - t0) * 1000)
            r.raise_for_status()
            starts[r.json()["ticket"]["code"]] = t0
            time.sleep(0.25)  # calls come seconds apart in a centre; keep them from overlapping
    except requests.RequestException as exc:  # every server thread is held by a websocket
        http_error = type(exc).__name__
    time.sleep(2.0)
    done.set()
    latencies = []
    for _ in workers:
        received = results.get(timeout=120)
        for code, t0 in starts.items():
            times = received.get(code, [])
            latencies.extend((t - t0) * 1000 for t in times)
    missing = connected * len(starts) - len(latencies)
    for p in workers:
        p.join(30)
        if p.is_alive():
            p.terminate()
    if http_error is None:  # complete the called ticket so the next round starts clean
        session.post(
            server.url + "/api/v1/counters/1/complete", json={}, headers=headers, timeout=10
        )
    call_p50 = statistics.median(call_ms) if call_ms else float("nan")
    return connected, failed + (http_error is not None), latencies, missing, call_p50, http_error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--start", type=int, default=100)
    parser.add_argument("--step", type=int, default=100)
    parser.add_argument("--max", type=int, default=1000)
    parser.add_argument(
        "--threads", type=int, default=None, help="qms serve --threads (default 256)"
    )
    parser.add_argument("--workers", type=int, default=1, help="qms serve --workers")
    parser.add_argument("--worker-class", choices=("gthread", "gevent"), default="gthread")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/0", help="message queue with --workers > 1"
    )
    parser.add_argument("--per-worker", type=int, default=50)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument(
        "--client",
        choices=("async", "sio", "raw"),
        default="async",
        help="python-socketio's asyncio clients (default), its threaded ones (a thread per "
        "received message: they measure themselves), or minimal protocol clients",
    )
    args = parser.parse_args()

    worker = {"sio": client_worker, "async": async_worker, "raw": raw_worker}[args.client]
    env = {"QMS_SERVE_THREADS": str(args.threads)} if args.threads else {}
    env["QMS_SOCKETS_PER_ADDRESS"] = "100000"  # every bench client comes from 127.0.0.1
    env["QMS_SERVE_WORKERS"] = str(args.workers)
    env["QMS_SERVE_WORKER_CLASS"] = args.worker_class
    if args.workers > 1:
        env["QMS_MESSAGE_QUEUE"] = args.redis
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data", env=env)
        server.init()
        server.qms("user", "add", OFFICER[0], "--role", "officer", "--password", OFFICER[1])
        server.start()
        headers = server.token(*OFFICER)
        print(
            f"qms serve on {server.url} ({args.workers} × {args.worker_class}), {args.calls} calls "
            f"per round, target p99 ≤ {args.target_ms} ms, {args.client} clients"
        )
        print(
            f"{'clients':>8} {'connected':>9} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'missing':>7} {'HTTP call p50':>13}"
        )
        within_target = held = 0
        try:
            clients = args.start
            while clients <= args.max:
                connected, failed, lat, missing, call_p50, http_error = run_round(
                    server, headers, clients, args.calls, args.per_worker, worker
                )
                p99 = pct(lat, 99) if lat else float("inf")
                cells = (
                    f"{pct(lat, 50):>8.1f} {p99:>8.1f} {max(lat):>8.1f}"
                    if lat
                    else f"{'-':>8} {'-':>8} {'-':>8}"
                )
                print(
                    f"{clients:>8} {connected:>9} {failed:>6} {cells} {missing:>7} {call_p50:>13.1f}",
                    flush=True,
                )
                if failed or missing:
                    reason = (
                        f"HTTP calls starved ({http_error})"
                        if http_error
                        else "connections failed"
                        if failed
                        else "events missing"
                    )
                    print(f"failed at {clients} clients: {reason}")
                    break
                if p99 <= args.target_ms and within_target == held:  # no round over target yet
                    within_target = clients
                held = clients
                clients += args.step
            print(f"p99 ≤ {args.target_ms} ms held up to {within_target} clients")
            print(f"every event delivered, no connection refused, up to {held} clients")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

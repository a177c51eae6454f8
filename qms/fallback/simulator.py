"""A stand-in for QMS 1.2's health endpoint, for drills and tests (`qms primary-sim`).

GET / and /health answer 200 {"status": "ok"}. --fail-after S: the process exits after S
seconds (the primary dies: connections are refused). --flap S: the server is alternately up
and down (listening socket closed) for S seconds each, to drill hysteresis.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.split("?", 1)[0] not in ("/", "/health"):
            self._answer(404, {"status": "not_found"})
            return
        self._answer(200, {"status": "ok", "system": "QMS 1.2 simulator"})

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def _start(host, port):
    server = _Server((host, port), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(host="127.0.0.1", port=8081, fail_after=None, flap=None, echo=print):
    """Blocks until fail_after seconds have passed (or forever)."""
    started = time.monotonic()
    server = _start(host, port)
    echo(f"QMS 1.2 simulator on http://{host}:{port}/health")
    try:
        while fail_after is None or time.monotonic() - started < fail_after:
            if flap:
                time.sleep(flap)
                server.shutdown()
                server.server_close()
                echo("simulator down")
                time.sleep(flap)
                server = _start(host, port)
                echo("simulator up")
            else:
                time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
    echo("simulator stopped (fail-after reached)")

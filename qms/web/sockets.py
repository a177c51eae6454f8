"""Open sockets can never starve HTTP: a gate in front of /socket.io/.

Under gunicorn's threaded worker every open websocket holds a thread for its whole life.
The gate counts the requests in flight under /socket.io/ per client address and in all,
before Engine.IO sees them: past SOCKETS_PER_ADDRESS for one address the handshake answers
429, past SERVE_THREADS - HTTP_RESERVED_THREADS in all it answers 503, so at least
HTTP_RESERVED_THREADS threads are always free for the kiosk, the counters and /health.
"""

import json
import threading

SOCKET_PATH = "/socket.io/"


class SocketGate:
    def __init__(self, wsgi_app, per_address, total, http_app=None):
        self.wsgi_app = wsgi_app  # Engine.IO's layer: /socket.io/ (and anything else)
        self.http_app = http_app or wsgi_app  # every other path
        self.per_address = per_address
        self.total = total
        self._lock = threading.Lock()
        self._by_address = {}
        self._open = 0

    def open_count(self, address=None):
        with self._lock:
            return self._open if address is None else self._by_address.get(address, 0)

    def _enter(self, address):
        with self._lock:
            if self._by_address.get(address, 0) >= self.per_address:
                return 429
            if self._open >= self.total:
                return 503
            self._by_address[address] = self._by_address.get(address, 0) + 1
            self._open += 1
            return None

    def _leave(self, address):
        with self._lock:
            left = self._by_address.get(address, 1) - 1
            if left:
                self._by_address[address] = left
            else:
                self._by_address.pop(address, None)
            self._open -= 1

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(SOCKET_PATH):
            return self.http_app(environ, start_response)
        address = environ.get("REMOTE_ADDR") or "?"
        refused = self._enter(address)
        if refused:
            return _refuse(start_response, refused)
        try:
            result = self.wsgi_app(environ, start_response)
        except BaseException:
            self._leave(address)
            raise
        return _Closing(result, lambda: self._leave(address))


class _Closing:
    """The response iterable, calling done() once when the server closes it."""

    def __init__(self, result, done):
        self._result = result
        self._done = done
        self._closed = False

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            if hasattr(self._result, "close"):
                self._result.close()
        finally:
            if not self._closed:
                self._closed = True
                self._done()


def _refuse(start_response, status):
    if status == 429:
        code, line, message = (
            "too_many_sockets",
            "429 Too Many Requests",
            "Quá nhiều kết nối từ một địa chỉ. Too many connections from this address.",
        )
    else:
        code, line, message = (
            "server_busy",
            "503 Service Unavailable",
            "Máy chủ đang bận, xin thử lại sau. Server busy, retry shortly.",
        )
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    start_response(
        line,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Retry-After", "10"),
        ],
    )
    return [body]

"""Fixtures for printer_drivers tests: sample tickets, a fake network printer, a guard."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from printer_drivers import TicketData
from printer_drivers.encode import INIT

TRACK_URL = "https://hcc.tanky.gov.vn/t/A012?k=8f3a2c"
ONLINE = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}


def _make_ticket(**overrides: object) -> TicketData:
    """A realistic ticket; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "centre_name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "centre_locality": "XÃ TÂN KỲ",
        "code": "A012",
        "service_name": "Nông nghiệp – Môi trường",
        "counters": "Quầy 1, Quầy 4",
        "priority_label": "Người cao tuổi",
        "issued_at": datetime(2025, 3, 5, 8, 15, 42),
        "ahead": 3,
        "track_url": TRACK_URL,
        "hotline": "0238 3123 456",
        "estimated_wait_minutes": 15,
    }
    fields.update(overrides)
    return TicketData(**fields)  # type: ignore[arg-type]


@pytest.fixture
def make_ticket() -> Callable[..., TicketData]:
    """Factory: ``make_ticket(code="B7")`` -> a realistic :class:`TicketData`."""
    return _make_ticket


@pytest.fixture
def ticket() -> TicketData:
    return _make_ticket()


@pytest.fixture
def track_url() -> str:
    return TRACK_URL


@pytest.fixture(autouse=True)
def _no_real_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block real USB / serial devices and non-loopback network traffic."""

    def no_usb(*args: object, **kwargs: object) -> None:
        raise RuntimeError("real USB access is blocked in tests")

    with contextlib.suppress(ImportError):
        import usb.core

        monkeypatch.setattr(usb.core, "find", no_usb)
    with contextlib.suppress(ImportError):
        import serial

        real_for_url = serial.serial_for_url

        def loop_only(url: str, *args: object, **kwargs: object) -> object:
            if not url.startswith("loop://"):
                raise RuntimeError(f"real serial port {url!r} is blocked in tests")
            return real_for_url(url, *args, **kwargs)

        monkeypatch.setattr(serial, "serial_for_url", loop_only)

    real_create = socket.create_connection

    def loopback_only(address: tuple[str, int], *args: object, **kwargs: object) -> object:
        if address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"network access to {address[0]} is blocked in tests")
        return real_create(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@dataclass
class FakeNetworkPrinter:
    """Raw-TCP (port 9100 style) printer on 127.0.0.1 that records every connection.

    ``replies`` maps the ``n`` of ``DLE EOT n`` to the reply bytes (missing = silence);
    it can be a callable too.  Status queries are answered only before the job's
    ``ESC @`` (raster data may contain ``10 04`` by chance).  The server threads stop on
    :meth:`close` and, at the latest, ``lifetime`` seconds after the start.
    """

    replies: dict[int, bytes] | Callable[[int], bytes] = field(default_factory=lambda: ONLINE)
    connections: list[bytes] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    lifetime: float = 60.0

    def __post_init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(8)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._deadline = time.monotonic() + self.lifetime
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._handlers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def jobs(self) -> list[bytes]:
        """Bytes from ``ESC @`` on, for each connection that sent a job."""
        with self._lock:
            return [c[c.index(INIT) :] for c in self.connections if INIT in c]

    def wait_connections(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """Block until ``count`` connections have been closed by the client.

        :raises AssertionError: fewer than ``count`` after ``timeout`` seconds
        """
        with self._done:
            if not self._done.wait_for(lambda: len(self.connections) >= count, timeout):
                raise AssertionError(
                    f"{len(self.connections)} of {count} connections closed after {timeout} s"
                )
            return list(self.connections)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _reply(self, n: int) -> bytes:
        self.queries.append(n)
        if callable(self.replies):
            return self.replies(n)
        return self.replies.get(n, b"")

    def _serve(self) -> None:
        while self._running():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._handlers.append(t)
            t.start()

    def _handle(self, conn: socket.socket) -> None:
        data = bytearray()
        pos = 0
        job_started = False
        with conn:
            conn.settimeout(0.2)
            while self._running():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                while not job_started and pos < len(data):
                    if data[pos : pos + 2] == INIT:
                        job_started = True
                    elif data[pos : pos + 2] == b"\x10\x04":
                        if len(data) < pos + 3:
                            break  # wait for n
                        reply = self._reply(data[pos + 2])
                        if reply:
                            conn.sendall(reply)
                        pos += 3
                    else:
                        pos += 1
        with self._done:
            self.connections.append(bytes(data))
            self._done.notify_all()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for t in self._handlers:
            t.join(5)
        self._server.close()
        alive = [t for t in (self._thread, *self._handlers) if t.is_alive()]
        assert not alive, f"fake printer threads still running: {alive}"


@pytest.fixture
def fake_printer() -> Iterator[Callable[..., FakeNetworkPrinter]]:
    """Factory: ``fake_printer(replies)`` starts a :class:`FakeNetworkPrinter`."""
    started: list[FakeNetworkPrinter] = []

    def start(replies: dict[int, bytes] | Callable[[int], bytes] = ONLINE) -> FakeNetworkPrinter:
        printer = FakeNetworkPrinter(replies=replies)
        started.append(printer)
        return printer

    yield start
    for printer in started:
        printer.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

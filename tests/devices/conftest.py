"""A fake network printer on loopback (the hardware edge) and helpers to read ESC/POS back."""

import contextlib
import socket
import threading

import pytest
import zxingcpp
from PIL import Image

OK_REPLIES = {1: b"\x16", 2: b"\x12", 3: b"\x12", 4: b"\x12"}
PAPER_OUT_REPLIES = {1: b"\x1e", 2: b"\x32", 3: b"\x12", 4: b"\x72"}


class FakePrinter:
    """TCP printer: answers DLE EOT per mode ("ok", "paper_out", "silent", "garbage"), records each job."""

    def __init__(self, mode="ok", port=0):
        self.mode = mode
        self.jobs = []
        self.status_queries = 0
        self._lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}?timeout=2&connect_timeout=1"
        self._closed = False
        self._threads = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _reply(self, n):
        if self.mode == "garbage":
            return b"\xff"  # not a status byte: whatever answers here is not a printer
        if self.mode == "silent":
            return b""
        return (PAPER_OUT_REPLIES if self.mode == "paper_out" else OK_REPLIES).get(n, b"")

    def _serve(self, conn):
        buf, job, in_job = bytearray(), bytearray(), False
        conn.settimeout(5)
        try:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                buf += data
                while buf and not in_job:
                    if len(buf) < 3 and b"\x10\x04".startswith(bytes(buf[:2])):
                        break
                    if buf[:2] == b"\x10\x04":
                        n = buf[2]
                        del buf[:3]
                        with self._lock:
                            self.status_queries += 1
                        reply = self._reply(n)
                        if reply:
                            conn.sendall(reply)
                        continue
                    in_job = True
                if in_job:
                    job += buf
                    buf.clear()
        finally:
            conn.close()
            if job:
                with self._lock:
                    self.jobs.append(bytes(job))

    def settle(self):
        """Wait for connections already accepted to be recorded (not a timing assertion)."""
        for thread in list(self._threads):
            thread.join(10)

    def close(self):
        self._closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress (Linux)
        self.sock.close()


@pytest.fixture
def fake_printer():
    printers = []

    def start(mode="ok", port=0):
        printer = FakePrinter(mode, port)
        printers.append(printer)
        return printer

    yield start
    for printer in printers:
        printer.close()


def split_jobs(stream):
    """An ESC/POS byte stream of consecutive tickets → one list of raster bands per ticket.

    Walks the commands structurally (raster bytes may contain anything, even ESC @).
    """
    jobs, i = [], 0
    while i < len(stream):
        assert stream[i : i + 2] == b"\x1b@", f"expected ESC @ at {i}"
        i += 2
        bands = []
        while stream[i : i + 3] == b"\x1dv0":
            x = stream[i + 4] + 256 * stream[i + 5]
            y = stream[i + 6] + 256 * stream[i + 7]
            bands.append((x, y, stream[i + 8 : i + 8 + x * y]))
            i += 8 + x * y
        assert stream[i : i + 2] == b"\x1bd", "expected ESC d n after the raster"
        i += 3
        if stream[i : i + 2] == b"\x1dV":
            i += 3
        jobs.append(bands)
    return jobs


def job_image(bands):
    width = bands[0][0] * 8
    data = b"".join(d for _, _, d in bands)
    rows = sum(y for _, y, _ in bands)
    return Image.frombytes("1", (width, rows), bytes(b ^ 0xFF for b in data))


def qr_texts(image):
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]


def printed_urls(stream):
    """The QR content of every ticket in a byte stream, in print order."""
    urls = []
    for bands in split_jobs(stream):
        texts = qr_texts(job_image(bands))
        assert len(texts) == 1, texts
        urls.append(texts[0])
    return urls


@pytest.fixture
def device_signals(app):
    """Counts device_failed / device_recovered as the incident module would receive them."""
    from qms import signals

    seen = {"failed": [], "recovered": []}

    def failed(sender, **kw):
        seen["failed"].append(kw)

    def recovered(sender, **kw):
        seen["recovered"].append(kw)

    signals.device_failed.connect(failed, sender=app)
    signals.device_recovered.connect(recovered, sender=app)
    yield seen
    signals.device_failed.disconnect(failed, sender=app)
    signals.device_recovered.disconnect(recovered, sender=app)

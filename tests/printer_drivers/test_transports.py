"""Transport registry, URL parsing and the non-network transports."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from printer_drivers import (
    DummyTransport,
    PrinterConfigError,
    PrinterConnectionError,
    PrinterUnsupportedError,
    open_transport,
    print_ticket,
    query_status,
    transport_from_url,
)
from printer_drivers.transports import (
    TRANSPORTS,
    CupsTransport,
    FileTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    UsbTransport,
    register_transport,
)


@pytest.mark.parametrize(
    ("url", "cls", "attrs"),
    [
        ("usb:0416:5011", UsbTransport, {"vendor_id": 0x0416, "product_id": 0x5011}),
        ("usb:0x04B8:0x0202", UsbTransport, {"vendor_id": 0x04B8, "product_id": 0x0202}),
        ("usb:0416:5011?in_ep=0x82&out_ep=1", UsbTransport, {"in_ep": 0x82, "out_ep": 1}),
        (
            "tcp://192.168.1.50:9100",
            TcpTransport,
            {"host": "192.168.1.50", "port": 9100, "connect_timeout": 3.0, "timeout": 5.0},
        ),
        ("tcp://printer.local", TcpTransport, {"host": "printer.local", "port": 9100}),
        ("tcp://[::1]:9101", TcpTransport, {"host": "::1", "port": 9101}),
        ("tcp://10.0.0.9:9100?timeout=1.5", TcpTransport, {"timeout": 1.5, "connect_timeout": 1.5}),
        (
            "tcp://h:1?timeout=8&connect_timeout=0.5",
            TcpTransport,
            {"timeout": 8.0, "connect_timeout": 0.5},
        ),
        (
            "serial:/dev/ttyUSB0?baudrate=19200",
            SerialTransport,
            {"port": "/dev/ttyUSB0", "baudrate": 19200, "parity": "N", "rtscts": False},
        ),
        (
            "serial:COM3?baudrate=115200&parity=e&stopbits=2&rtscts=1",
            SerialTransport,
            {"port": "COM3", "parity": "E", "stopbits": 2, "rtscts": True},
        ),
        ("file:/dev/usb/lp0", FileTransport, {"path": Path("/dev/usb/lp0")}),
        ("file:///tmp/x.bin", FileTransport, {"path": Path("/tmp/x.bin")}),
        ("cups:Kiosk_Printer", CupsTransport, {"name": "Kiosk_Printer", "timeout": 30.0}),
        ("dummy", DummyTransport, {"fail_on": None}),
        ("DUMMY:?fail=write", DummyTransport, {"fail_on": "write"}),
    ],
)
def test_urls_parse(url: str, cls: type[Transport], attrs: dict[str, object]) -> None:
    transport = transport_from_url(url)
    assert type(transport) is cls
    assert not transport.is_open
    for key, value in attrs.items():
        assert getattr(transport, key) == value, key


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("lpt:1", "unknown printer URL scheme 'lpt'"),
        ("http://printer/", "unknown printer URL scheme"),
        ("", "empty printer URL"),
        ("/dev/usb/lp0", "has no scheme"),
        ("usb:0416", "usb:VID:PID"),
        ("usb:xyz:5011", "usb:VID:PID"),
        ("usb:0416:5011?bogus=1", "unknown option"),
        ("tcp://", "tcp://HOST"),
        ("tcp://host:99999", "out of range"),
        ("tcp://host:9100?timeout=abc", "not a number"),
        ("tcp://host:9100?timeout=0", "timeout"),
        ("tcp://host name:9100", "tcp://HOST"),
        ("serial:", "serial:PORT"),
        ("serial:/dev/ttyS0?baudrate=fast", "not an integer"),
        ("serial:/dev/ttyS0?parity=Q", "parity"),
        ("file:", "file:/path"),
        ("file://host/share", "file:///path"),
        ("cups:", "cups:NAME"),
        ("cups:-o evil", "cups:NAME"),
        ("cups:a;rm -rf", "cups:NAME"),
        ("dummy:?fail=explode", "fail must be"),
    ],
)
def test_bad_urls_raise_config_error(url: str, message: str) -> None:
    with pytest.raises(PrinterConfigError, match=message) as info:
        transport_from_url(url)
    assert isinstance(info.value, ValueError)  # config errors are also ValueErrors


def test_unknown_scheme_message_lists_supported_schemes() -> None:
    with pytest.raises(PrinterConfigError) as info:
        open_transport("bluetooth:00:11")
    for example in ("usb:", "tcp://", "serial:", "file:", "cups:", "dummy"):
        assert example in str(info.value)


def test_registry_has_all_schemes_and_accepts_new_ones() -> None:
    assert {"usb", "tcp", "serial", "file", "cups", "dummy"} <= set(TRANSPORTS)

    class Loop(DummyTransport):
        scheme = "loopback-test"

        @classmethod
        def from_url(cls, parsed):  # type: ignore[no-untyped-def]
            return cls(url=parsed.url)

    register_transport(Loop)
    try:
        assert isinstance(open_transport("loopback-test:"), Loop)
    finally:
        del TRANSPORTS["loopback-test"]


def test_file_transport_appends_raw_bytes(tmp_path: Path, ticket) -> None:
    target = tmp_path / "lp0"
    target.write_bytes(b"OLD")
    with open_transport(f"file:{target}") as t:
        t.write(b"\x1b@")
        t.write(b"\x00\xff\x10\x04")
    job = print_ticket(f"file://{target}", ticket, "58mm")
    assert target.read_bytes() == b"OLD\x1b@\x00\xff\x10\x04" + job


def test_file_transport_is_write_only(tmp_path: Path) -> None:
    t = transport_from_url(f"file:{tmp_path / 'x'}")
    assert not t.can_read
    with pytest.raises(PrinterUnsupportedError):
        t.read(1, 0.1)
    status = query_status(f"file:{tmp_path / 'x'}")
    assert status.state == "unsupported"
    assert not (tmp_path / "x").exists()  # "unsupported" is decided without opening


def test_file_transport_missing_directory_is_connection_error(tmp_path: Path) -> None:
    with pytest.raises(PrinterConnectionError):
        open_transport(f"file:{tmp_path / 'no' / 'such' / 'lp0'}")


@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ``lp`` executable on PATH that records argv and stdin (exit code via env)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "out = os.environ['FAKE_LP_DIR']\n"
        "open(os.path.join(out, 'argv'), 'w').write('\\n'.join(sys.argv[1:]))\n"
        "open(os.path.join(out, 'stdin'), 'ab').write(sys.stdin.buffer.read())\n"
        "code = int(os.environ.get('FAKE_LP_EXIT', '0'))\n"
        "if code: sys.stderr.write('lp: The printer or class does not exist.\\n')\n"
        "sys.exit(code)\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_LP_DIR", str(tmp_path))
    return tmp_path


def test_cups_submits_one_raw_job(fake_lp: Path, ticket) -> None:
    job = print_ticket("cups:Kiosk_1", ticket, "80mm")
    assert (fake_lp / "argv").read_text().split("\n") == ["-d", "Kiosk_1", "-o", "raw"]
    assert (fake_lp / "stdin").read_bytes() == job
    assert query_status("cups:Kiosk_1").state == "unsupported"


def test_cups_failure_is_connection_error(
    fake_lp: Path, ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_LP_EXIT", "1")
    with pytest.raises(PrinterConnectionError, match="does not exist"):
        print_ticket("cups:Nope", ticket)


def test_cups_without_lp_is_config_error(
    tmp_path: Path, ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterConfigError, match="lp"):
        print_ticket("cups:Kiosk", ticket)


def test_serial_loopback_round_trip() -> None:
    pytest.importorskip("serial")
    with open_transport("serial:loop://?baudrate=19200&timeout=1") as t:
        t.write(b"\x1b@hello")
        assert t.read(7, 1.0) == b"\x1b@hello"
        assert t.read(1, 0.05) == b""


def test_serial_echo_is_not_mistaken_for_status() -> None:
    pytest.importorskip("serial")
    # a loop/echoing line answers "10" to DLE EOT: wrong fixed bits -> unknown, not online
    status = query_status("serial:loop://", timeout=0.2)
    assert status.state == "unknown"
    assert status.raw == b"\x10"
    assert "0xx1xx10" in status.reason


def test_real_devices_are_blocked_by_the_test_guard() -> None:
    pytest.importorskip("serial")
    with pytest.raises(RuntimeError, match="blocked"):
        open_transport("serial:/dev/ttyUSB0")


# --------------------------------------------------------------------------- fake pyusb


class FakeUsb:
    """Stands in for both ``usb.core`` and ``usb.util``; one OUT and one IN endpoint.

    Each ``DLE EOT`` written to OUT makes the next reply available on IN.
    """

    class USBError(Exception):
        pass

    class USBTimeoutError(USBError):
        pass

    ENDPOINT_OUT = 0x00
    ENDPOINT_IN = 0x80

    def __init__(self, present: bool = True, replies: list[bytes] | None = None) -> None:
        self.present = present
        self.replies = list(replies or [])
        self.pending = bytearray()
        self.written = bytearray()
        self.found_with: dict[str, int] = {}
        self.disposed = 0
        out = SimpleNamespace(bEndpointAddress=0x01, wMaxPacketSize=64, write=self._write)
        inp = SimpleNamespace(bEndpointAddress=0x81, wMaxPacketSize=64, read=self._read)
        interface = SimpleNamespace(endpoints=[out, inp])
        self.device = SimpleNamespace(
            is_kernel_driver_active=lambda i: False,
            set_configuration=lambda: None,
            get_active_configuration=lambda: {(0, 0): interface},
        )

    def _write(self, data: bytes, timeout: int) -> int:
        self.written += data
        if data.startswith(b"\x10\x04") and self.replies:
            self.pending += self.replies.pop(0)
        return len(data)

    def _read(self, n: int, timeout: int) -> bytes:
        if not self.pending:
            raise self.USBTimeoutError("timeout")
        out = bytes(self.pending[:n])
        del self.pending[:n]
        return out

    # usb.core API
    def find(self, **kwargs: int) -> object:
        self.found_with = kwargs
        return self.device if self.present else None

    # usb.util API
    def endpoint_direction(self, address: int) -> int:
        return address & 0x80

    def find_descriptor(self, intf, custom_match):  # type: ignore[no-untyped-def]
        return next((ep for ep in intf.endpoints if custom_match(ep)), None)

    def dispose_resources(self, device: object) -> None:
        self.disposed += 1


def use_fake_usb(monkeypatch: pytest.MonkeyPatch, fake: FakeUsb) -> None:
    monkeypatch.setattr(UsbTransport, "_modules", staticmethod(lambda: (fake, fake)))


def test_usb_print_with_status(monkeypatch: pytest.MonkeyPatch, ticket) -> None:
    fake = FakeUsb(replies=[b"\x12", b"\x12", b"\x12", b"\x12"])
    use_fake_usb(monkeypatch, fake)
    job = print_ticket("usb:0416:5011", ticket, "58mm")
    assert fake.found_with == {"idVendor": 0x0416, "idProduct": 0x5011}
    queries = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
    assert bytes(fake.written) == queries + job
    assert fake.disposed == 1


def test_usb_paper_out_refuses(monkeypatch: pytest.MonkeyPatch, ticket) -> None:
    from printer_drivers import PaperOutError

    fake = FakeUsb(replies=[b"\x1a", b"\x32", b"\x12", b"\x7e"])
    use_fake_usb(monkeypatch, fake)
    with pytest.raises(PaperOutError):
        print_ticket("usb:0416:5011", ticket)
    assert b"\x1b@" not in fake.written
    assert fake.disposed == 1


def test_usb_unplugged_is_connection_error(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_usb(monkeypatch, FakeUsb(present=False))
    with pytest.raises(PrinterConnectionError, match="not found"):
        open_transport("usb:0416:5011")
    assert query_status("usb:0416:5011").state == "unreachable"


def test_usb_guard_blocks_real_devices() -> None:
    pytest.importorskip("usb.core")
    with pytest.raises(PrinterConnectionError, match="blocked"):
        open_transport("usb:0416:5011")


# --------------------------------------------------------------------------- dummy


def test_dummy_records_every_write_and_survives_close() -> None:
    d = DummyTransport()
    with d:
        d.write(b"\x1b@")
        d.write(b"abc")
    assert bytes(d.output) == b"\x1b@abc"
    assert d.writes == [b"\x1b@", b"abc"]
    assert (d.opened, d.closed) == (1, 1)
    assert not d.can_read


@pytest.mark.parametrize(
    ("step", "job_written", "opened", "closed"),
    [("open", False, 0, 0), ("write", False, 1, 1), ("close", True, 1, 1)],
)
def test_dummy_can_be_told_to_fail(
    step: str, job_written: bool, opened: int, closed: int, ticket
) -> None:
    d = DummyTransport(fail_on=step)
    with pytest.raises(PrinterConnectionError, match=f"simulated failure on {step}"):
        print_ticket(d, ticket)
    job = print_ticket(DummyTransport(), ticket)
    assert bytes(d.output) == (job if job_written else b"")
    assert (d.opened, d.closed) == (opened, closed)


def test_dummy_simulates_status_replies() -> None:
    d = DummyTransport(status_replies=lambda n: bytes((0x12,)))
    status = query_status(d)
    assert status.state == "ready"
    assert bytes(d.output) == b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"

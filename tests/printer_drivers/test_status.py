"""DLE EOT status parsing and a fake network printer on 127.0.0.1."""

from __future__ import annotations

import pytest

from printer_drivers import (
    CoverOpenError,
    DummyTransport,
    PaperOutError,
    Printer,
    PrinterConnectionError,
    PrinterError,
    PrinterHardwareError,
    PrinterNotReadyError,
    PrinterOfflineError,
    PrinterStatusError,
    PrinterTimeoutError,
    open_transport,
    print_ticket,
    query_status,
)
from printer_drivers.status import check_status_byte, parse_status, read_status, status_query

# Reply bytes for DLE EOT 1..4 (fixed bits 0xx1xx10 = 0x12).
ONLINE = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}
PAPER_OUT = {1: b"\x1a", 2: b"\x32", 3: b"\x12", 4: b"\x7e"}
PAPER_NEAR_END = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x1e"}
COVER_OPEN = {1: b"\x1a", 2: b"\x16", 3: b"\x12", 4: b"\x12"}
CUTTER_ERROR = {1: b"\x1a", 2: b"\x52", 3: b"\x1a", 4: b"\x12"}
OFFLINE = {1: b"\x1a", 2: b"\x12", 3: b"\x12", 4: b"\x12"}
SILENCE: dict[int, bytes] = {}
GARBAGE = {1: b"\xff", 2: b"\xff", 3: b"\xff", 4: b"\xff"}
QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"
SHORT = 0.3  # seconds; keeps silent-printer tests quick


def test_exception_tree() -> None:
    for exc in (PaperOutError, CoverOpenError, PrinterOfflineError, PrinterHardwareError):
        assert issubclass(exc, PrinterNotReadyError)
    for exc in (PrinterNotReadyError, PrinterStatusError, PrinterConnectionError):
        assert issubclass(exc, PrinterError)
    assert issubclass(PrinterTimeoutError, PrinterConnectionError)


def test_status_query_bytes() -> None:
    assert [status_query(n) for n in (1, 2, 3, 4)] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x03",
        b"\x10\x04\x04",
    ]
    with pytest.raises(ValueError):
        status_query(5)


@pytest.mark.parametrize("value", [0x12, 0x16, 0x1A, 0x1E, 0x32, 0x52, 0x72, 0x7E])
def test_fixed_bit_pattern_accepts(value: int) -> None:
    assert check_status_byte(1, value) == value


@pytest.mark.parametrize("value", [0x00, 0xFF, 0x10, 0x02, 0x13, 0x92, 0x41, 0x3F])
def test_fixed_bit_pattern_rejects(value: int) -> None:
    with pytest.raises(PrinterStatusError, match="0xx1xx10"):
        check_status_byte(1, value)


def _parse(replies: dict[int, bytes]):  # type: ignore[no-untyped-def]
    return parse_status({n: r[0] for n, r in replies.items()})


def test_parse_online() -> None:
    s = _parse(ONLINE)
    assert s.state == "ready" and s.ready and s.known
    assert (s.online, s.paper_out, s.paper_near_end, s.cover_open, s.error) == (
        True,
        False,
        False,
        False,
        False,
    )
    assert s.raw == b"\x12\x12\x12\x12"


def test_parse_paper_out() -> None:
    s = _parse(PAPER_OUT)
    assert s.state == "not_ready"
    assert s.online is False and s.paper_out is True and s.paper_near_end is True
    assert "paper out" in s.reason


def test_parse_paper_out_from_roll_sensor_alone() -> None:
    s = parse_status({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x72})
    assert s.paper_out is True and s.paper_near_end is False
    assert s.state == "not_ready"
    s = parse_status({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x32})  # one bit only: not "out"
    assert s.paper_out is False


def test_parse_paper_near_end_still_ready() -> None:
    s = _parse(PAPER_NEAR_END)
    assert s.state == "ready"
    assert s.paper_near_end is True and s.paper_out is False
    assert s.reason == "paper near end"


def test_parse_cover_open_and_cutter_error() -> None:
    cover = _parse(COVER_OPEN)
    assert cover.cover_open is True and cover.paper_out is False and cover.online is False
    cutter = _parse(CUTTER_ERROR)
    assert cutter.cutter_error is True and cutter.error is True
    assert "cutter error" in cutter.reason


def test_parse_partial_replies_leave_fields_unknown() -> None:
    s = parse_status({1: 0x12})
    assert s.state == "ready"
    assert s.paper_out is None and s.cover_open is None and s.error is None


def test_read_status_without_reply_is_unknown_not_offline() -> None:
    d = DummyTransport(status_replies={})
    with d:
        s = read_status(d, timeout=0.01)
    assert s.state == "unknown"
    assert s.online is None
    assert "no reply" in s.reason
    with d, pytest.raises(PrinterTimeoutError):
        read_status(d, timeout=0.01, strict=True)


def test_read_status_garbage_is_unknown_with_reason() -> None:
    d = DummyTransport(status_replies=GARBAGE)
    with d:
        s = read_status(d, timeout=0.01)
    assert s.state == "unknown"
    assert s.raw == b"\xff"
    assert "0xFF" in s.reason
    with d, pytest.raises(PrinterStatusError):
        read_status(d, timeout=0.01, strict=True)


# --------------------------------------------------------------------------- fake TCP printer


def test_network_print_when_online(fake_printer, ticket) -> None:
    printer = fake_printer(ONLINE)
    job = print_ticket(printer.url, ticket, "80mm", status_timeout=SHORT)
    (stream,) = printer.wait_connections(1)
    assert stream == QUERIES + job
    assert printer.jobs == [job]
    assert printer.queries == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("replies", "error"),
    [
        (PAPER_OUT, PaperOutError),
        (COVER_OPEN, CoverOpenError),
        (CUTTER_ERROR, PrinterHardwareError),
        (OFFLINE, PrinterOfflineError),
    ],
)
def test_network_printer_not_ready_refuses(fake_printer, ticket, replies, error) -> None:
    printer = fake_printer(replies)
    with pytest.raises(error) as info:
        print_ticket(printer.url, ticket, "58mm", status_timeout=SHORT)
    assert info.value.status.state == "not_ready"
    (stream,) = printer.wait_connections(1)
    assert stream == QUERIES  # nothing but the status queries was sent
    assert printer.jobs == []


def test_network_paper_near_end_still_prints(fake_printer, ticket) -> None:
    printer = fake_printer(PAPER_NEAR_END)
    job = print_ticket(printer.url, ticket, status_timeout=SHORT)
    printer.wait_connections(1)
    assert printer.jobs == [job]


def test_network_silence(fake_printer, ticket) -> None:
    printer = fake_printer(SILENCE)
    status = query_status(printer.url, timeout=SHORT)
    assert status.state == "unknown"
    assert "no reply" in status.reason

    # strict: refuse, write nothing
    with pytest.raises(PrinterTimeoutError):
        print_ticket(printer.url, ticket, status_timeout=SHORT, require_status=True)
    # default: a printer that does not answer status still gets the job
    job = print_ticket(printer.url, ticket, status_timeout=SHORT)
    streams = printer.wait_connections(3)
    assert streams[0] == b"\x10\x04\x01"
    assert streams[1] == b"\x10\x04\x01"
    assert streams[2] == b"\x10\x04\x01" + job
    assert printer.jobs == [job]


def test_network_garbage(fake_printer, ticket) -> None:
    printer = fake_printer(GARBAGE)
    status = query_status(printer.url, timeout=SHORT)
    assert status.state == "unknown"
    assert status.raw == b"\xff"
    with pytest.raises(PrinterStatusError):
        print_ticket(printer.url, ticket, status_timeout=SHORT, require_status=True)
    printer.wait_connections(2)
    assert printer.jobs == []


def test_network_status_check_can_be_skipped(fake_printer, ticket) -> None:
    printer = fake_printer(PAPER_OUT)
    job = print_ticket(printer.url, ticket, check_status=False)
    (stream,) = printer.wait_connections(1)
    assert stream == job


def test_connection_refused(closed_port: int, ticket) -> None:
    url = f"tcp://127.0.0.1:{closed_port}?timeout=1"
    with pytest.raises(PrinterConnectionError) as info:
        print_ticket(url, ticket)
    assert not isinstance(info.value, PrinterTimeoutError)
    status = query_status(url)
    assert status.state == "unreachable"
    assert status.online is None
    with pytest.raises(PrinterConnectionError):
        query_status(url, strict=True)


def test_printer_class_over_tcp(fake_printer, ticket) -> None:
    printer = fake_printer(ONLINE)
    p = Printer(printer.url, "58mm", status_timeout=SHORT)
    assert p.status().state == "ready"
    job = p.print_ticket(ticket)
    assert job == p.encode(ticket)
    assert p.render(ticket).width == 384
    p.print_ticket(ticket)
    printer.wait_connections(3)
    assert printer.jobs == [job, job]
    assert "58mm" in repr(p)


def test_open_transport_read_write(fake_printer) -> None:
    printer = fake_printer(ONLINE)
    with open_transport(printer.url) as t:
        t.write(b"\x10\x04\x04")
        assert t.read(1, SHORT) == b"\x12"
        assert t.read(1, 0.05) == b""
    assert printer.wait_connections(1) == [b"\x10\x04\x04"]

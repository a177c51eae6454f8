"""Transports: how bytes reach the printer, chosen by URL.

=========================================  ==============================================
URL                                        transport
=========================================  ==============================================
``usb:0416:5011`` (``usb:0x0416:0x5011``)  :class:`UsbTransport` (pyusb, bulk endpoints)
``tcp://192.168.1.50:9100?timeout=5``      :class:`TcpTransport` (raw "JetDirect" port)
``serial:/dev/ttyUSB0?baudrate=19200``     :class:`SerialTransport` (pyserial)
``file:/dev/usb/lp0``                      :class:`FileTransport` (bytes appended)
``cups:Kiosk_Printer``                     :class:`CupsTransport` (``lp -d NAME -o raw``)
``dummy``                                  :class:`DummyTransport` (in memory, for tests)
=========================================  ==============================================

Every transport has the same small I/O surface: :meth:`Transport.open`,
:meth:`Transport.write`, :meth:`Transport.read` and :meth:`Transport.close`; it is also a
context manager.  ``can_read`` tells whether status queries are possible.  Optional
dependencies (pyusb, pyserial) are imported only when such a transport is opened.

New schemes can be added with :func:`register_transport`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from .exceptions import (
    PrinterConfigError,
    PrinterConnectionError,
    PrinterTimeoutError,
    PrinterUnsupportedError,
)


@dataclass(frozen=True)
class ParsedUrl:
    """A transport URL split into ``scheme``, ``target`` and query ``options``."""

    url: str
    scheme: str
    target: str
    options: dict[str, str]


class Transport:
    """Abstract byte pipe to a printer.

    Subclasses implement :meth:`_open`, :meth:`_write`, :meth:`_close` and, when
    ``can_read`` is true, :meth:`_read`.  The public methods add state checks and turn
    low-level ``OSError`` into :class:`PrinterConnectionError`.
    """

    #: URL scheme handled by the class (registry key).
    scheme: str = ""
    #: Whether :meth:`read` can return printer replies (needed for status queries).
    can_read: bool = False

    def __init__(self, url: str = "") -> None:
        self.url = url or self.scheme
        self.is_open = False

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> Transport:
        """Create an (unopened) instance from a parsed URL; validate everything here."""
        raise NotImplementedError

    # -- public I/O ----------------------------------------------------------------
    def open(self) -> Transport:
        """Connect to the printer (idempotent) and return ``self``.

        :raises PrinterConnectionError: the printer cannot be reached
        """
        if not self.is_open:
            self._open()
            self.is_open = True
        return self

    def write(self, data: bytes) -> None:
        """Send ``data`` to the printer, opening the transport if needed.

        :raises PrinterConnectionError: the link failed (``PrinterTimeoutError`` on timeout)
        """
        if not self.is_open:
            self.open()
        self._write(bytes(data))

    def read(self, n: int = 1, timeout: float = 1.0) -> bytes:
        """Read up to ``n`` bytes, waiting at most ``timeout`` seconds.

        :returns: the bytes read; ``b""`` if nothing arrived in time
        :raises PrinterUnsupportedError: the transport is write-only (``can_read`` false)
        """
        if not self.can_read:
            raise PrinterUnsupportedError(f"{self.scheme}: transport cannot read replies")
        if not self.is_open:
            self.open()
        return self._read(n, timeout)

    def close(self) -> None:
        """Flush and release the connection (idempotent, never raises on a closed one)."""
        if self.is_open:
            self.is_open = False
            self._close()

    def __enter__(self) -> Transport:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r}{' open' if self.is_open else ''}>"

    # -- to implement --------------------------------------------------------------
    def _open(self) -> None:
        raise NotImplementedError

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _read(self, n: int, timeout: float) -> bytes:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


# --------------------------------------------------------------------------- helpers


def _float_option(parsed: ParsedUrl, key: str, default: float) -> float:
    raw = parsed.options.get(key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PrinterConfigError(f"{parsed.url}: {key}={raw!r} is not a number") from None
    if not 0 < value <= 600:
        raise PrinterConfigError(f"{parsed.url}: {key} must be in (0, 600] seconds")
    return value


def _int_option(parsed: ParsedUrl, key: str, default: int | None, base: int = 10) -> int | None:
    raw = parsed.options.get(key)
    if raw is None:
        return default
    try:
        return int(raw, 0 if base == 0 else base)
    except ValueError:
        raise PrinterConfigError(f"{parsed.url}: {key}={raw!r} is not an integer") from None


def _reject_unknown(parsed: ParsedUrl, allowed: set[str]) -> None:
    unknown = sorted(set(parsed.options) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise PrinterConfigError(
            f"{parsed.url}: unknown option(s) {', '.join(unknown)} (allowed: {known})"
        )


def _os_error(url: str, exc: OSError) -> PrinterConnectionError:
    if isinstance(exc, TimeoutError):
        return PrinterTimeoutError(f"{url}: timed out")
    reason = exc.strerror or str(exc) or type(exc).__name__
    return PrinterConnectionError(f"{url}: {reason}")


# --------------------------------------------------------------------------- tcp


class TcpTransport(Transport):
    """Raw TCP printing (port 9100, "JetDirect"/"AppSocket").

    URL: ``tcp://HOST[:PORT][?timeout=S&connect_timeout=S]``; port defaults to 9100,
    IPv6 hosts in brackets.  ``timeout`` (default 5 s) bounds each write and is also
    the connect timeout unless ``connect_timeout`` (default 3 s) is given.
    """

    scheme = "tcp"
    can_read = True

    def __init__(
        self,
        host: str,
        port: int = 9100,
        *,
        connect_timeout: float = 3.0,
        timeout: float = 5.0,
        url: str = "",
    ) -> None:
        super().__init__(url or f"tcp://{host}:{port}")
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self._sock: socket.socket | None = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> TcpTransport:
        _reject_unknown(parsed, {"timeout", "connect_timeout"})
        m = re.fullmatch(r"//(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?/?", parsed.target)
        if not m:
            raise PrinterConfigError(
                f"{parsed.url}: expected tcp://HOST[:PORT], e.g. tcp://192.168.1.50:9100"
            )
        host = m.group(1).strip("[]")
        port = int(m.group(2) or 9100)
        if not 0 < port < 65536:
            raise PrinterConfigError(f"{parsed.url}: port {port} out of range")
        timeout = _float_option(parsed, "timeout", 5.0)
        default_connect = timeout if "timeout" in parsed.options else 3.0
        connect = _float_option(parsed, "connect_timeout", default_connect)
        return cls(host, port, connect_timeout=connect, timeout=timeout, url=parsed.url)

    def _open(self) -> None:
        try:
            self._sock = socket.create_connection(
                (self.host, self.port), timeout=self.connect_timeout
            )
        except OSError as exc:
            raise _os_error(self.url, exc) from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _write(self, data: bytes) -> None:
        assert self._sock is not None
        try:
            self._sock.settimeout(self.timeout)
            self._sock.sendall(data)
        except OSError as exc:
            raise _os_error(self.url, exc) from exc

    def _read(self, n: int, timeout: float) -> bytes:
        assert self._sock is not None
        try:
            self._sock.settimeout(timeout)
            return self._sock.recv(n)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise _os_error(self.url, exc) from exc

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.settimeout(self.timeout)
                sock.shutdown(socket.SHUT_WR)  # tells the printer the job is complete
            except OSError:
                pass
            finally:
                sock.close()


# --------------------------------------------------------------------------- usb


class UsbTransport(Transport):
    """USB printer-class device driven with pyusb (libusb).

    URL: ``usb:VID:PID[?interface=0&out_ep=0x01&in_ep=0x81&timeout=5]`` with hexadecimal
    ids (``0x`` prefix optional).  Endpoints are discovered from the interface when not
    given.  Needs ``pip install pyusb`` and access rights to the device (udev rule).
    """

    scheme = "usb"
    can_read = True

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        interface: int = 0,
        out_ep: int | None = None,
        in_ep: int | None = None,
        timeout: float = 5.0,
        url: str = "",
    ) -> None:
        super().__init__(url or f"usb:{vendor_id:04x}:{product_id:04x}")
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.interface = interface
        self.out_ep = out_ep
        self.in_ep = in_ep
        self.timeout = timeout
        self._device = None
        self._out = None
        self._in = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> UsbTransport:
        _reject_unknown(parsed, {"interface", "out_ep", "in_ep", "timeout"})
        m = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", parsed.target)
        if not m:
            raise PrinterConfigError(
                f"{parsed.url}: expected usb:VID:PID in hexadecimal, e.g. usb:0416:5011"
            )
        return cls(
            int(m.group(1), 16),
            int(m.group(2), 16),
            interface=_int_option(parsed, "interface", 0) or 0,
            out_ep=_int_option(parsed, "out_ep", None, base=0),
            in_ep=_int_option(parsed, "in_ep", None, base=0),
            timeout=_float_option(parsed, "timeout", 5.0),
            url=parsed.url,
        )

    @staticmethod
    def _modules():  # type: ignore[no-untyped-def]
        try:
            import usb.core
            import usb.util
        except ImportError:
            raise PrinterConfigError("usb: transport needs pyusb: pip install pyusb") from None
        return usb.core, usb.util

    def _open(self) -> None:
        core, util = self._modules()
        try:
            dev = core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        except Exception as exc:  # NoBackendError and friends
            raise PrinterConnectionError(f"{self.url}: libusb unavailable: {exc}") from exc
        if dev is None:
            raise PrinterConnectionError(f"{self.url}: device not found (unplugged?)")
        try:
            try:
                if dev.is_kernel_driver_active(self.interface):
                    dev.detach_kernel_driver(self.interface)
            except (NotImplementedError, core.USBError):
                pass
            with contextlib.suppress(core.USBError):  # already configured (busy) is fine
                dev.set_configuration()
            intf = dev.get_active_configuration()[(self.interface, 0)]
            self._out = self._endpoint(util, intf, self.out_ep, util.ENDPOINT_OUT)
            self._in = self._endpoint(util, intf, self.in_ep, util.ENDPOINT_IN)
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc
        if self._out is None:
            raise PrinterConnectionError(f"{self.url}: no bulk OUT endpoint found")
        self._device = dev

    @staticmethod
    def _endpoint(util, intf, address, direction):  # type: ignore[no-untyped-def]
        def match(ep) -> bool:  # type: ignore[no-untyped-def]
            if address is not None:
                return ep.bEndpointAddress == address
            return util.endpoint_direction(ep.bEndpointAddress) == direction

        return util.find_descriptor(intf, custom_match=match)

    def _write(self, data: bytes) -> None:
        core, _ = self._modules()
        try:
            self._out.write(data, timeout=int(self.timeout * 1000))
        except core.USBTimeoutError as exc:
            raise PrinterTimeoutError(f"{self.url}: write timed out") from exc
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _read(self, n: int, timeout: float) -> bytes:
        core, _ = self._modules()
        if self._in is None:
            raise PrinterUnsupportedError(f"{self.url}: device has no IN endpoint")
        try:
            return bytes(self._in.read(max(n, self._in.wMaxPacketSize), int(timeout * 1000)))[:n]
        except core.USBTimeoutError:
            return b""
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _close(self) -> None:
        dev, self._device = self._device, None
        self._out = self._in = None
        if dev is not None:
            _, util = self._modules()
            with contextlib.suppress(Exception):  # best effort on a possibly unplugged device
                util.dispose_resources(dev)


# --------------------------------------------------------------------------- serial


class SerialTransport(Transport):
    """Serial (RS-232 / USB-serial) printer via pyserial.

    URL: ``serial:PORT[?baudrate=9600&bytesize=8&parity=N&stopbits=1&rtscts=0&dsrdtr=0
    &xonxoff=0&timeout=5]``.  ``PORT`` is a device (``/dev/ttyUSB0``, ``COM3``) or any
    pyserial URL (``loop://`` is handy in tests).  Needs ``pip install pyserial``.
    """

    scheme = "serial"
    can_read = True

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        rtscts: bool = False,
        dsrdtr: bool = False,
        xonxoff: bool = False,
        timeout: float = 5.0,
        url: str = "",
    ) -> None:
        super().__init__(url or f"serial:{port}")
        self.port = port
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity = parity
        self.stopbits = stopbits
        self.rtscts = rtscts
        self.dsrdtr = dsrdtr
        self.xonxoff = xonxoff
        self.timeout = timeout
        self._serial = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> SerialTransport:
        allowed = {"baudrate", "bytesize", "parity", "stopbits", "rtscts", "dsrdtr"}
        _reject_unknown(parsed, allowed | {"xonxoff", "timeout"})
        if not parsed.target or parsed.target.startswith("-"):
            raise PrinterConfigError(f"{parsed.url}: expected serial:PORT, e.g. serial:/dev/ttyS0")
        baudrate = _int_option(parsed, "baudrate", 9600)
        bytesize = _int_option(parsed, "bytesize", 8)
        parity = parsed.options.get("parity", "N").upper()
        stopbits_raw = parsed.options.get("stopbits", "1")
        if baudrate is None or baudrate <= 0:
            raise PrinterConfigError(f"{parsed.url}: baudrate must be positive")
        if bytesize not in (5, 6, 7, 8):
            raise PrinterConfigError(f"{parsed.url}: bytesize must be 5, 6, 7 or 8")
        if parity not in ("N", "E", "O", "M", "S"):
            raise PrinterConfigError(f"{parsed.url}: parity must be one of N, E, O, M, S")
        if stopbits_raw not in ("1", "1.5", "2"):
            raise PrinterConfigError(f"{parsed.url}: stopbits must be 1, 1.5 or 2")

        def flag(key: str) -> bool:
            raw = parsed.options.get(key, "0").lower()
            if raw not in ("0", "1", "true", "false", "yes", "no"):
                raise PrinterConfigError(f"{parsed.url}: {key} must be 0 or 1")
            return raw in ("1", "true", "yes")

        return cls(
            parsed.target,
            baudrate=baudrate,
            bytesize=bytesize,
            parity=parity,
            stopbits=float(stopbits_raw) if stopbits_raw == "1.5" else int(stopbits_raw),
            rtscts=flag("rtscts"),
            dsrdtr=flag("dsrdtr"),
            xonxoff=flag("xonxoff"),
            timeout=_float_option(parsed, "timeout", 5.0),
            url=parsed.url,
        )

    def _open(self) -> None:
        try:
            import serial
        except ImportError:
            raise PrinterConfigError(
                "serial: transport needs pyserial: pip install pyserial"
            ) from None
        try:
            self._serial = serial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                rtscts=self.rtscts,
                dsrdtr=self.dsrdtr,
                xonxoff=self.xonxoff,
                timeout=self.timeout,
                write_timeout=self.timeout,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _write(self, data: bytes) -> None:
        import serial

        try:
            self._serial.write(data)
            self._serial.flush()
        except serial.SerialTimeoutException as exc:
            raise PrinterTimeoutError(f"{self.url}: write timed out") from exc
        except (serial.SerialException, OSError) as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _read(self, n: int, timeout: float) -> bytes:
        import serial

        try:
            self._serial.timeout = timeout
            return bytes(self._serial.read(n))
        except (serial.SerialException, OSError) as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _close(self) -> None:
        ser, self._serial = self._serial, None
        if ser is not None:
            with contextlib.suppress(Exception):  # closing an unplugged adapter may fail
                ser.close()


# --------------------------------------------------------------------------- file


class FileTransport(Transport):
    """Append raw bytes to a file or character device (``file:/dev/usb/lp0``).

    URL: ``file:/absolute/path`` or ``file:///absolute/path``.  Write-only: status
    queries report "unsupported".  The file is opened in append mode, so a regular
    file collects consecutive jobs.
    """

    scheme = "file"

    def __init__(self, path: str | Path, *, url: str = "") -> None:
        super().__init__(url or f"file:{path}")
        self.path = Path(path)
        self._fh = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> FileTransport:
        _reject_unknown(parsed, set())
        target = parsed.target
        if target.startswith("//"):
            target = target[2:]
            if not target.startswith("/"):  # file://host/path is not supported
                raise PrinterConfigError(f"{parsed.url}: expected file:/path or file:///path")
        if not target or "\x00" in target:
            raise PrinterConfigError(f"{parsed.url}: expected file:/path, e.g. file:/dev/usb/lp0")
        return cls(target, url=parsed.url)

    def _open(self) -> None:
        try:
            self._fh = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed in _close
        except OSError as exc:
            raise _os_error(self.url, exc) from exc

    def _write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                written = self._fh.write(view)
                view = view[written or 0 :]
        except OSError as exc:
            raise _os_error(self.url, exc) from exc

    def _close(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            try:
                fh.close()
            except OSError as exc:
                raise _os_error(self.url, exc) from exc


# --------------------------------------------------------------------------- cups


_CUPS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}")


class CupsTransport(Transport):
    """Submit the job to a CUPS queue as raw data: ``lp -d NAME -o raw``.

    URL: ``cups:NAME[?timeout=30]``.  Bytes are buffered and submitted as *one* job on
    :meth:`close`.  Write-only (status "unsupported"); CUPS keeps its own queue state.
    """

    scheme = "cups"

    def __init__(
        self, name: str, *, timeout: float = 30.0, lp_command: str = "lp", url: str = ""
    ) -> None:
        super().__init__(url or f"cups:{name}")
        if not _CUPS_NAME.fullmatch(name):
            raise PrinterConfigError(f"invalid CUPS printer name {name!r}")
        self.name = name
        self.timeout = timeout
        self.lp_command = lp_command
        self._buffer = bytearray()

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> CupsTransport:
        _reject_unknown(parsed, {"timeout"})
        if not _CUPS_NAME.fullmatch(parsed.target):
            raise PrinterConfigError(
                f"{parsed.url}: expected cups:NAME (letters, digits, _ . @ -), e.g. cups:Kiosk"
            )
        return cls(parsed.target, timeout=_float_option(parsed, "timeout", 30.0), url=parsed.url)

    def _open(self) -> None:
        if shutil.which(self.lp_command) is None:
            raise PrinterConfigError(f"{self.url}: '{self.lp_command}' not found (install cups)")
        self._buffer.clear()

    def _write(self, data: bytes) -> None:
        self._buffer += data

    def _close(self) -> None:
        data, self._buffer = bytes(self._buffer), bytearray()
        if not data:
            return
        cmd = [self.lp_command, "-d", self.name, "-o", "raw"]
        try:
            proc = subprocess.run(  # noqa: S603 - fixed argv, validated name, no shell
                cmd, input=data, capture_output=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PrinterTimeoutError(f"{self.url}: lp did not finish in time") from exc
        except OSError as exc:
            raise _os_error(self.url, exc) from exc
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise PrinterConnectionError(f"{self.url}: lp failed: {err}")


# --------------------------------------------------------------------------- dummy


StatusReplies = Mapping[int, bytes] | Callable[[int], bytes]


class DummyTransport(Transport):
    """In-memory printer for tests and dry runs.

    Every byte written is appended to :attr:`output` (kept after :meth:`close`), and each
    :meth:`write` call is kept in :attr:`writes`.

    :param status_replies: simulate a bidirectional printer: a mapping (or function)
        from the ``n`` of a ``DLE EOT n`` query to the reply bytes; ``b""`` = silence.
        Without it the transport is write-only (``can_read`` false).
    :param fail_on: ``"open"``, ``"write"`` or ``"close"``: raise
        :class:`PrinterConnectionError` at that step, to simulate an unplugged printer.
    """

    scheme = "dummy"

    def __init__(
        self,
        *,
        status_replies: StatusReplies | None = None,
        fail_on: str | None = None,
        url: str = "dummy",
    ) -> None:
        super().__init__(url)
        if fail_on not in (None, "open", "write", "close"):
            raise PrinterConfigError("fail_on must be None, 'open', 'write' or 'close'")
        self.status_replies = status_replies
        self.can_read = status_replies is not None  # type: ignore[misc]
        self.fail_on = fail_on
        self.output = bytearray()
        self.writes: list[bytes] = []
        self.opened = 0
        self.closed = 0
        self._pending = bytearray()

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> DummyTransport:
        _reject_unknown(parsed, {"fail"})
        if parsed.target not in ("", "//"):
            raise PrinterConfigError(f"{parsed.url}: expected 'dummy' or 'dummy:?fail=write'")
        fail = parsed.options.get("fail")
        if fail is not None and fail not in ("open", "write", "close"):
            raise PrinterConfigError(f"{parsed.url}: fail must be open, write or close")
        return cls(fail_on=fail, url=parsed.url)

    def _open(self) -> None:
        if self.fail_on == "open":
            raise PrinterConnectionError(f"{self.url}: simulated failure on open")
        self.opened += 1

    def _write(self, data: bytes) -> None:
        if self.fail_on == "write":
            raise PrinterConnectionError(f"{self.url}: simulated failure on write")
        self.output += data
        self.writes.append(data)
        if self.status_replies is not None:
            for m in re.finditer(rb"\x10\x04([\x01-\x04])", data):
                n = m.group(1)[0]
                replies = self.status_replies
                reply = replies(n) if callable(replies) else replies.get(n, b"")
                self._pending += reply

    def _read(self, n: int, timeout: float) -> bytes:
        out = bytes(self._pending[:n])
        del self._pending[:n]
        return out

    def _close(self) -> None:
        self.closed += 1
        if self.fail_on == "close":
            raise PrinterConnectionError(f"{self.url}: simulated failure on close")


# --------------------------------------------------------------------------- registry


TRANSPORTS: dict[str, type[Transport]] = {}


def register_transport(cls: type[Transport]) -> type[Transport]:
    """Register a :class:`Transport` subclass under its ``scheme`` (usable as decorator)."""
    if not cls.scheme or not re.fullmatch(r"[a-z][a-z0-9+.-]*", cls.scheme):
        raise PrinterConfigError(f"invalid transport scheme {cls.scheme!r}")
    TRANSPORTS[cls.scheme] = cls
    return cls


for _cls in (UsbTransport, TcpTransport, SerialTransport, FileTransport, CupsTransport):
    register_transport(_cls)
register_transport(DummyTransport)


def _supported() -> str:
    examples = {
        "usb": "usb:0416:5011",
        "tcp": "tcp://192.168.1.50:9100",
        "serial": "serial:/dev/ttyUSB0?baudrate=19200",
        "file": "file:/dev/usb/lp0",
        "cups": "cups:PRINTER_NAME",
        "dummy": "dummy",
    }
    return ", ".join(examples.get(s, f"{s}:...") for s in TRANSPORTS)


def parse_url(url: str) -> ParsedUrl:
    """Split a transport URL into scheme, target and query options.

    :raises PrinterConfigError: empty URL, missing or unknown scheme, bad query string
    """
    if not isinstance(url, str) or not url.strip():
        raise PrinterConfigError(f"empty printer URL; supported: {_supported()}")
    url = url.strip()
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep and scheme != "dummy":
        raise PrinterConfigError(f"printer URL {url!r} has no scheme; supported: {_supported()}")
    if scheme not in TRANSPORTS:
        raise PrinterConfigError(
            f"unknown printer URL scheme {scheme!r} in {url!r}; supported: {_supported()}"
        )
    target, _, query = rest.partition("?")
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise PrinterConfigError(f"{url}: malformed query string {query!r}") from None
    return ParsedUrl(url=url, scheme=scheme, target=target, options=options)


def transport_from_url(url: str) -> Transport:
    """Create the transport for ``url`` without connecting (validates the URL only).

    :raises PrinterConfigError: malformed URL or unknown scheme (message lists the
        supported schemes)
    """
    parsed = parse_url(url)
    return TRANSPORTS[parsed.scheme].from_url(parsed)


def open_transport(url: str) -> Transport:
    """Create the transport for ``url`` and connect it.

    :param url: e.g. ``"tcp://192.168.1.50:9100"``, ``"usb:0416:5011"``, ``"dummy"``
    :raises PrinterConfigError: malformed URL or unknown scheme
    :raises PrinterConnectionError: the printer cannot be reached
    :returns: an open :class:`Transport` (use it as a context manager or call ``close``)
    """
    return transport_from_url(url).open()


__all__ = [
    "TRANSPORTS",
    "CupsTransport",
    "DummyTransport",
    "FileTransport",
    "ParsedUrl",
    "SerialTransport",
    "TcpTransport",
    "Transport",
    "UsbTransport",
    "open_transport",
    "parse_url",
    "register_transport",
    "transport_from_url",
]

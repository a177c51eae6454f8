"""Serial and RS-485 links (pyserial): ``serial:/dev/ttyUSB0?baudrate=9600`` and ``loop://``."""

from __future__ import annotations

import contextlib
import re

from ..exceptions import HardwareConfigError, HardwareConnectionError
from .base import Link, ParsedUrl, float_option, reject_unknown

BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


def _serial():
    try:
        import serial
    except ImportError:  # pragma: no cover - pyserial is a dependency
        raise HardwareConfigError("serial links need pyserial (pip install pyserial)") from None
    return serial


class SerialLink(Link):
    """A serial port: USB-serial adapter, RS-232, or an RS-485 bus adapter.

    URL: ``serial:/dev/ttyUSB0[?baudrate=9600&rs485=1&write_timeout=2]``. With ``rs485=1``
    pyserial drives the adapter's RTS as the RS-485 transmit enable (adapters that switch by
    themselves need nothing). ``loop://`` is pyserial's loopback: what is written is read back.
    """

    scheme = "serial"
    can_read = True

    def __init__(self, port: str, baudrate=9600, rs485=False, write_timeout=2.0, url=""):
        super().__init__(url or f"serial:{port}")
        self.port = port
        self.baudrate = baudrate
        self.rs485 = rs485
        self.write_timeout = write_timeout
        self._serial = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> SerialLink:
        reject_unknown(parsed, {"baudrate", "rs485", "write_timeout"})
        port = parsed.target
        if not re.fullmatch(r"/[A-Za-z0-9_./:-]{1,200}", port or ""):
            raise HardwareConfigError(
                f"{parsed.url}: expected serial:/dev/ttyUSB0 (an absolute device path)"
            )
        try:
            baudrate = int(parsed.options.get("baudrate", "9600"))
        except ValueError:
            raise HardwareConfigError(f"{parsed.url}: baudrate is not a number") from None
        if baudrate not in BAUDRATES:
            raise HardwareConfigError(
                f"{parsed.url}: baudrate {baudrate} (allowed: {', '.join(map(str, BAUDRATES))})"
            )
        rs485 = parsed.options.get("rs485", "0") in ("1", "true", "yes")
        write_timeout = float_option(parsed, "write_timeout", 2.0)
        return cls(port, baudrate, rs485, write_timeout, parsed.url)

    def _port_url(self) -> str:
        return self.port

    def _open(self) -> None:
        serial = _serial()
        try:
            port = serial.serial_for_url(
                self._port_url(),
                baudrate=self.baudrate,
                timeout=0.5,
                write_timeout=self.write_timeout,
                do_not_open=True,
            )
            if self.rs485:
                import serial.rs485

                port.rs485_mode = serial.rs485.RS485Settings()
            port.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise HardwareConnectionError(f"{self.url}: {exc}") from exc
        self._serial = port

    def _write(self, data: bytes) -> None:
        serial = _serial()
        try:
            self._serial.write(data)
            self._serial.flush()
        except (serial.SerialException, OSError) as exc:
            raise HardwareConnectionError(f"{self.url}: {exc}") from exc

    def _read(self, timeout: float) -> bytes:
        serial = _serial()
        try:
            self._serial.timeout = timeout
            first = self._serial.read(1)
            if not first:
                return b""
            waiting = self._serial.in_waiting
            return first + (self._serial.read(waiting) if waiting else b"")
        except (serial.SerialException, OSError, TypeError) as exc:
            # TypeError: pyserial's posix read on a closed/vanished fd
            raise HardwareConnectionError(f"{self.url}: {exc}") from exc

    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(Exception):  # closing a vanished port must not raise
                port.close()


class LoopLink(SerialLink):
    """pyserial's ``loop://``: bytes written are read back (tests, a bench without a cable)."""

    scheme = "loop"

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> LoopLink:
        reject_unknown(parsed, set())
        if parsed.target not in ("", "//"):
            raise HardwareConfigError(f"{parsed.url}: expected loop://")
        return cls("loop://", url="loop://")

    def _port_url(self) -> str:
        return "loop://"


__all__ = ["LoopLink", "SerialLink"]

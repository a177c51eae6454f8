"""Serial (RS-232 / USB-serial) printers through pyserial: ``serial:PORT``.

Named ``serial_port`` so it never shadows the ``serial`` package (pyserial) it imports.
"""

from __future__ import annotations

import contextlib

from ..exceptions import PrinterConfigError, PrinterConnectionError, PrinterTimeoutError
from .base import ParsedUrl, Transport, float_option, int_option, reject_unknown


class SerialTransport(Transport):
    """Serial (RS-232 / USB-serial) printer via pyserial.

    URL: ``serial:PORT[?baudrate=9600&bytesize=8&parity=N&stopbits=1&rtscts=0&dsrdtr=0
    &xonxoff=0&timeout=5]``.  ``PORT`` is a device (``/dev/ttyUSB0``, ``COM3``) or any
    pyserial URL (``loop://`` is handy in tests).  Needs ``pip install pyserial``.

    :param port: device path or pyserial URL
    :param baudrate: line speed
    :param bytesize: data bits (5..8)
    :param parity: ``"N"``, ``"E"``, ``"O"``, ``"M"`` or ``"S"``
    :param stopbits: 1, 1.5 or 2
    :param rtscts: hardware (RTS/CTS) flow control
    :param dsrdtr: hardware (DSR/DTR) flow control
    :param xonxoff: software flow control
    :param timeout: seconds allowed for each write
    :param url: the URL the transport was created from
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
        """Create from ``serial:PORT[?baudrate=...&parity=...&timeout=...]``."""
        allowed = {"baudrate", "bytesize", "parity", "stopbits", "rtscts", "dsrdtr"}
        reject_unknown(parsed, allowed | {"xonxoff", "timeout"})
        if not parsed.target or parsed.target.startswith("-"):
            raise PrinterConfigError(f"{parsed.url}: expected serial:PORT, e.g. serial:/dev/ttyS0")
        baudrate = int_option(parsed, "baudrate", 9600)
        bytesize = int_option(parsed, "bytesize", 8)
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
            timeout=float_option(parsed, "timeout", 5.0),
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


__all__ = ["SerialTransport"]

"""Raw TCP printing: ``tcp://HOST[:PORT]`` (port 9100, "JetDirect"/"AppSocket")."""

from __future__ import annotations

import re
import socket

from ..exceptions import PrinterConfigError
from .base import ParsedUrl, Transport, float_option, os_error, reject_unknown


class TcpTransport(Transport):
    """Raw TCP printing (port 9100, "JetDirect"/"AppSocket").

    URL: ``tcp://HOST[:PORT][?timeout=S&connect_timeout=S]``; port defaults to 9100,
    IPv6 hosts in brackets.  ``timeout`` (default 5 s) bounds each write and is also
    the connect timeout unless ``connect_timeout`` (default 3 s) is given.

    :param host: host name or IP address
    :param port: TCP port
    :param connect_timeout: seconds allowed to connect
    :param timeout: seconds allowed for each write
    :param url: the URL the transport was created from
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
        """Create from ``tcp://HOST[:PORT][?timeout=S&connect_timeout=S]``."""
        reject_unknown(parsed, {"timeout", "connect_timeout"})
        m = re.fullmatch(r"//(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?/?", parsed.target)
        if not m:
            raise PrinterConfigError(
                f"{parsed.url}: expected tcp://HOST[:PORT], e.g. tcp://192.168.1.50:9100"
            )
        host = m.group(1).strip("[]")
        port = int(m.group(2) or 9100)
        if not 0 < port < 65536:
            raise PrinterConfigError(f"{parsed.url}: port {port} out of range")
        timeout = float_option(parsed, "timeout", 5.0)
        default_connect = timeout if "timeout" in parsed.options else 3.0
        connect = float_option(parsed, "connect_timeout", default_connect)
        return cls(host, port, connect_timeout=connect, timeout=timeout, url=parsed.url)

    def _open(self) -> None:
        try:
            self._sock = socket.create_connection(
                (self.host, self.port), timeout=self.connect_timeout
            )
        except OSError as exc:
            raise os_error(self.url, exc) from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _write(self, data: bytes) -> None:
        assert self._sock is not None
        try:
            self._sock.settimeout(self.timeout)
            self._sock.sendall(data)
        except OSError as exc:
            raise os_error(self.url, exc) from exc

    def _read(self, n: int, timeout: float) -> bytes:
        assert self._sock is not None
        try:
            self._sock.settimeout(timeout)
            return self._sock.recv(n)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise os_error(self.url, exc) from exc

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


__all__ = ["TcpTransport"]

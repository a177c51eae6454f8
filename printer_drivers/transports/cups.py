"""CUPS queues fed raw data with ``lp -d NAME -o raw``: ``cups:NAME``."""

from __future__ import annotations

import re
import shutil
import subprocess

from ..exceptions import PrinterConfigError, PrinterConnectionError, PrinterTimeoutError
from .base import ParsedUrl, Transport, float_option, os_error, reject_unknown

_CUPS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}")


class CupsTransport(Transport):
    """Submit the job to a CUPS queue as raw data: ``lp -d NAME -o raw``.

    URL: ``cups:NAME[?timeout=30]``.  Bytes are buffered and submitted as *one* job on
    :meth:`close`.  Write-only (status "unsupported"); CUPS keeps its own queue state.

    :param name: CUPS queue name (letters, digits, ``_ . @ -``)
    :param timeout: seconds ``lp`` may take to accept the job
    :param lp_command: the ``lp`` executable
    :param url: the URL the transport was created from
    :raises PrinterConfigError: invalid queue name
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
        """Create from ``cups:NAME[?timeout=30]``."""
        reject_unknown(parsed, {"timeout"})
        if not _CUPS_NAME.fullmatch(parsed.target):
            raise PrinterConfigError(
                f"{parsed.url}: expected cups:NAME (letters, digits, _ . @ -), e.g. cups:Kiosk"
            )
        return cls(parsed.target, timeout=float_option(parsed, "timeout", 30.0), url=parsed.url)

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
            raise os_error(self.url, exc) from exc
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise PrinterConnectionError(f"{self.url}: lp failed: {err}")


__all__ = ["CupsTransport"]

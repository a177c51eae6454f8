"""Raw bytes appended to a file or character device: ``file:/dev/usb/lp0``."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import PrinterConfigError
from .base import ParsedUrl, Transport, os_error, reject_unknown


class FileTransport(Transport):
    """Append raw bytes to a file or character device (``file:/dev/usb/lp0``).

    URL: ``file:/absolute/path`` or ``file:///absolute/path``.  Write-only: status
    queries report "unsupported".  The file is opened in append mode, so a regular
    file collects consecutive jobs.

    :param path: file or device to append to
    :param url: the URL the transport was created from
    """

    scheme = "file"

    def __init__(self, path: str | Path, *, url: str = "") -> None:
        super().__init__(url or f"file:{path}")
        self.path = Path(path)
        self._fh = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> FileTransport:
        """Create from ``file:/path`` or ``file:///path`` (no options)."""
        reject_unknown(parsed, set())
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
            raise os_error(self.url, exc) from exc

    def _write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                written = self._fh.write(view)
                view = view[written or 0 :]
        except OSError as exc:
            raise os_error(self.url, exc) from exc

    def _close(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            try:
                fh.close()
            except OSError as exc:
                raise os_error(self.url, exc) from exc


__all__ = ["FileTransport"]

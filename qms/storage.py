"""The write path's health: what the last durable write did, and the data disk's free space.

Database.write() reports every commit here; /health reads it; a loop started by `qms serve`
watches the free space of DATA_DIR and raises device_failed("disk:data") long before writes
fail (the incidents feature turns it into an incident), device_recovered when space returns.
"""

import logging
import shutil
import threading

from qms import signals
from qms.timeutil import iso, utcnow

log = logging.getLogger(__name__)
DEVICE = "disk:data"


class StorageHealth:
    """Thread-safe: the writer threads report, /health and the watcher read."""

    def __init__(self):
        self._lock = threading.Lock()
        self.error = None  # the last write failure's text, None once a write succeeds again
        self.since = None  # when writes started failing
        self.low_space = None  # free bytes when below the threshold, else None

    def write_ok(self):
        if self.error is not None:
            with self._lock:
                if self.error is not None:
                    log.warning("storage writes succeed again after: %s", self.error)
                self.error = self.since = None

    def write_failed(self, exc):
        with self._lock:
            if self.error is None:
                self.since = utcnow()
                log.error("storage write failed: %s", exc)
            self.error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__

    def report(self):
        """(status, reason): "ok", or "degraded" with the reason in Vietnamese."""
        with self._lock:
            if self.error is not None:
                return "degraded", (
                    f"Không ghi được dữ liệu từ {iso(self.since)}: {self.error}. "
                    "Kiểm tra dung lượng ổ đĩa của máy chủ."
                )
            if self.low_space is not None:
                return "degraded", (
                    f"Ổ đĩa dữ liệu sắp đầy: còn {self.low_space // (1024 * 1024)} MB trống."
                )
        return "ok", ""


def free_bytes(path):
    return shutil.disk_usage(path).free


def check_disk(app, health, threshold_mb):
    """One look at the data disk; sends device_failed / device_recovered on a change."""
    free = free_bytes(app.config["DATA_DIR"])
    low = free < threshold_mb * 1024 * 1024
    was_low = health.low_space is not None
    health.low_space = free if low else None
    if low and not was_low:
        signals.device_failed.send(
            app,
            device=DEVICE,
            kind="disk_low",
            message=f"Ổ đĩa dữ liệu sắp đầy: còn {free // (1024 * 1024)} MB trống "
            f"(ngưỡng {threshold_mb} MB). Giải phóng dung lượng trước khi máy ngừng ghi số.",
            data={"free_bytes": free, "threshold_mb": threshold_mb},
        )
    elif was_low and not low:
        signals.device_recovered.send(
            app, device=DEVICE, kind="disk_low", message="Ổ đĩa dữ liệu đã đủ dung lượng."
        )
    return low


def watch_disk(app, stop):
    """The background loop: every DISK_CHECK_SECONDS."""
    from qms.state import get_state

    health = get_state(app).db.health
    while not stop.is_set():
        try:
            with app.app_context():
                check_disk(app, health, int(app.config["DISK_LOW_MB"]))
        except Exception:  # the watcher must outlive any one bad look
            log.exception("disk check failed")
        stop.wait(float(app.config["DISK_CHECK_SECONDS"]))

"""A small in-process sliding-window limiter for public endpoints (kiosk issuing, login)."""

import threading
import time
from collections import deque

from qms.config import parse_rate
from qms.errors import RateLimited


class SlidingWindowLimiter:
    def __init__(self, rate):
        self.limit, self.window = parse_rate(rate)
        self._hits = {}
        self._lock = threading.Lock()

    def hit(self, key, now=None):
        """Count one event for key; raise RateLimited when over the limit."""
        if self.limit <= 0:
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = max(1, int(hits[0] + self.window - now) + 1)
                raise RateLimited(
                    "Quá nhiều yêu cầu, xin vui lòng đợi giây lát. "
                    "Too many requests, please wait a moment.",
                    retry_after=retry,
                )
            hits.append(now)
            if len(self._hits) > 10000:  # forget idle keys so memory stays flat
                for k in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[k]

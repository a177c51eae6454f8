"""The sender's bookkeeping in one process: wake-up, back-off, counters (AppState.federation)."""

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Runtime:
    wake: threading.Event = field(default_factory=threading.Event)  # a record was just written
    queue_dirty: bool = False  # queue_changed heard since the last snapshot
    dropped: int = 0  # records that could not be written (storage failing): logged, counted
    failures: int = 0  # consecutive failed sends (the back-off grows with it)
    next_attempt: float = 0.0  # time.monotonic() before which no send is tried
    last_contact: float = -1e9  # monotonic time of the province's last good answer
    last_error: str | None = None
    last_error_dt: Any = None
    last_success_dt: Any = None
    snapshot_at: float = -1e9  # monotonic time of the last queue snapshot taken
    last_snapshot: dict | None = None  # … and what it said (only a change is written)
    figures_at: float = -1e9  # monotonic time of the last look at today's figures
    last_figures: dict | None = None
    finals_checked: Any = None  # the local day whose past days were last checked for finals
    purged_at: float = -1e9
    status_saved_at: float = -1e9
    post: Any = None  # tests: fn(url, body, headers, timeout) → (status, json) instead of HTTP

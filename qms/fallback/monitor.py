"""Health monitor of the primary QMS: one prober per deployment (lease), run by `qms serve`.

Each tick probes QMS_PRIMARY_URL (HTTP status check, or a TCP connect for tcp://host:port),
stores the result, and acts on a flip of the primary's state: down → takeover (or a request to
leadership), back up → draining. Draining ends here too when the local queue is empty.
"""

import logging
import os
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests

from qms.db import try_acquire_lease
from qms.extensions import get_db
from qms.fallback import operations, queries
from qms.mode import current_mode
from qms.state import get_state
from qms.timeutil import local_day, utcnow

log = logging.getLogger(__name__)
LEASE = "primary-monitor"


def expected_status(spec):
    """'2xx' (default), '200', '200,204', '2xx,301' → predicate on a status code."""
    parts = [p.strip().lower() for p in str(spec or "2xx").split(",") if p.strip()]

    def matches(code):
        for part in parts:
            if part.endswith("xx") and part[:-2].isdigit() and code // 100 == int(part[:-2]):
                return True
            if part.isdigit() and code == int(part):
                return True
        return False

    return matches


def probe(url, timeout=3.0, expect="2xx", kind="auto"):
    """(ok, error): one HTTP GET (status checked) or one TCP connect."""
    parts = urlsplit(url)
    if kind == "tcp" or parts.scheme == "tcp":
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname, port), timeout=timeout):
                return True, None
        except TimeoutError:
            return False, f"tcp {parts.hostname}:{port}: không phản hồi sau {timeout:g} giây"
        except OSError:
            return False, f"tcp {parts.hostname}:{port}: không kết nối được"
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment must not stand between us and the LAN
    try:
        response = session.get(url, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return False, f"không phản hồi sau {timeout:g} giây"
    except requests.ConnectionError:
        return False, "không kết nối được"
    except requests.RequestException as exc:
        return False, f"lỗi kết nối ({type(exc).__name__})"
    finally:
        session.close()
    if expected_status(expect)(response.status_code):
        return True, None
    return False, f"HTTP {response.status_code}"


def tick(app):
    """One probe and its consequences; called by the loop (and by tests, directly)."""
    cfg = queries.primary_config()
    if not cfg["url"]:
        return None
    ok, error = probe(
        cfg["url"], cfg["timeout"], cfg["expect_status"], app.config.get("PRIMARY_PROBE_KIND")
    )
    transition = operations.record_probe(ok, error)
    act(transition, error)
    _housekeeping(app)
    return transition


def act(transition, error=None):
    if transition == "down":
        operations.on_primary_down(error or "")
    elif transition == "up":
        operations.on_primary_up()


def _housekeeping(app):
    operations.finish_draining()
    state = get_state(app).fallback
    day = local_day(utcnow())
    if operations.series_offset() and state.get("series_day") != day:
        with get_db().write() as s:
            if current_mode(s)["mode"] == "fallback":
                operations.ensure_local_series(s, day)
                state["series_day"] = day


def run(app, stop):
    """The background loop: probes start every PRIMARY_PROBE_INTERVAL seconds."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with app.app_context():
        if not app.config.get("PRIMARY_URL"):
            log.info("no primary configured: monitor idle (standalone)")
            return
        interval = float(app.config["PRIMARY_PROBE_INTERVAL"])
        lease_seconds = max(10.0, 3 * (interval + float(app.config["PRIMARY_PROBE_TIMEOUT"])))
    while not stop.is_set():
        started = time.monotonic()
        with app.app_context():
            try:
                run_once(app, holder, lease_seconds)
            except Exception:  # the loop must outlive any single failure (database busy, …)
                log.exception("primary monitor tick failed")
        stop.wait(max(0.05, interval - (time.monotonic() - started)))


def run_once(app, holder, lease_seconds):
    """Probe only while holding the lease: several processes never double-probe."""
    db = get_db()
    _reclaim_dead_lease(db)
    if not try_acquire_lease(db, LEASE, holder, lease_seconds):
        return False
    tick(app)
    return True


def _reclaim_dead_lease(db):
    """A holder on this host whose process is gone (crash, SIGKILL) need not be waited for."""
    from qms.models import Lease

    with db.read() as s:
        lease = s.get(Lease, LEASE)
        holder = lease.holder if lease else None
    if not holder:
        return
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        with db.write() as s:
            lease = s.get(Lease, LEASE)
            if lease is not None and lease.holder == holder:
                lease.expires_dt = utcnow() - timedelta(seconds=1)
                log.info("primary monitor lease of dead process %s reclaimed", pid)
    except PermissionError:  # alive, another user's process
        return

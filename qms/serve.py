"""`qms serve`: gunicorn, one process with the threaded worker, and the background loops in it.

Features register loops with AppState.add_loop(name, fn); fn(app, stop_event) runs in its own
thread, started here only (never by create_app), and uses a lease (qms.db.try_acquire_lease)
when several processes serve a site.
"""

import gc
import logging
import os
import threading
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication

from qms import signals
from qms.state import get_state

log = logging.getLogger(__name__)


def _marker(app):
    return Path(app.config["DATA_DIR"]) / "running.pid"


def start(app):
    """Start every registered loop; report whether the previous run ended uncleanly."""
    marker = _marker(app)
    unclean = marker.exists()
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()))
    except OSError as exc:  # a full disk must not stop the server: it serves and says why
        log.error("cannot write %s (%s): serving anyway; /api/v1/health says why", marker, exc)
    stop = threading.Event()
    get_state(app).stop_event = stop
    with app.app_context():
        signals.app_started.send(app, unclean=unclean)
    threads = []
    for name, fn in get_state(app).loops.items():
        thread = threading.Thread(
            target=_run, args=(app, name, fn, stop), name=f"qms-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    get_state(app).loop_threads = threads
    return threads


def _run(app, name, fn, stop):
    log.info("background %s started", name)
    try:
        fn(app, stop)
    except Exception:
        log.exception("background %s crashed", name)


def stop(app, wait_seconds=5.0):
    """Stop the loops and give them a moment to finish (they release their leases then)."""
    event = get_state(app).stop_event
    if event is not None:
        event.set()
    deadline = time.monotonic() + wait_seconds
    for thread in get_state(app).loop_threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    marker = _marker(app)
    if marker.exists() and marker.read_text().strip() == str(os.getpid()):
        marker.unlink()


class _Server(BaseApplication):
    def __init__(self, options, factory, config_overrides=None):
        self.options = options
        self.factory = factory
        self.config_overrides = config_overrides
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        app = self.factory({**(self.config_overrides or {}), "START_BACKGROUND": True})
        start(app)
        self._app = app
        # the app's long-lived objects (routes, templates, statements, schemas) leave the
        # collector's sight: a collection then walks only what requests create
        gc.collect()
        gc.freeze()
        return app


def lan_addresses():
    """This machine's IPv4 addresses other than loopback (for kiosks, TVs, counters)."""
    import socket

    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def run(host, port, threads, factory, config_overrides=None, workers=1, worker_class="gthread"):
    """Serve the app that factory(config) builds, in a gunicorn worker, with its loops."""

    def worker_exit(server, worker):
        app = getattr(server.app, "_app", None)
        if app is not None:
            stop(app)

    def when_ready(server):
        base = f"http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port}"
        lan = [f"http://{ip}:{port}" for ip in lan_addresses()] if host in ("0.0.0.0", "::") else []
        print(
            f"\n  HCC Queue is serving on {base}\n"
            + "".join(f"  From other machines of the centre: {url}\n" for url in lan)
            + f"    Kiosk:    {base}/kiosk?kiosk=k1\n"
            f"    Counter:  {base}/counter\n"
            f"    Display:  {base}/display\n"
            f"    Admin:    {base}/admin\n",
            flush=True,
        )

    options = {
        "bind": f"{host}:{port}",
        # one process by default; several share rooms through Redis and loops through leases
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        # gevent: greenlets per process; gthread: open connections (idle keep-alive ones too)
        "worker_connections": threads if worker_class == "gevent" else max(1000, 2 * threads),
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,
        "worker_exit": worker_exit,
        "when_ready": when_ready,
    }
    _Server(options, factory, config_overrides).run()

"""Work done once per deployment, beside the web threads: started by `qms serve` only.

Features register a loop with register(app, name, fn); fn(app, stop_event) runs in its own
thread and should use a lease (qms.db.try_acquire_lease) when several processes serve a site.
"""

import logging
import os
import threading
from pathlib import Path

from qms import signals

log = logging.getLogger(__name__)


def register(app, name, fn):
    app.extensions.setdefault("qms_background", {})[name] = fn


def _marker(app):
    return Path(app.config["DATA_DIR"]) / "running.pid"


def start(app):
    """Start every registered loop; report whether the previous run ended uncleanly."""
    marker = _marker(app)
    unclean = marker.exists()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    stop = threading.Event()
    app.extensions["qms_background_stop"] = stop
    with app.app_context():
        signals.app_started.send(app, unclean=unclean)
    threads = []
    for name, fn in app.extensions.get("qms_background", {}).items():
        thread = threading.Thread(
            target=_run, args=(app, name, fn, stop), name=f"qms-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def _run(app, name, fn, stop):
    log.info("background %s started", name)
    try:
        fn(app, stop)
    except Exception:
        log.exception("background %s crashed", name)


def stop(app):
    event = app.extensions.get("qms_background_stop")
    if event is not None:
        event.set()
    marker = _marker(app)
    if marker.exists() and marker.read_text().strip() == str(os.getpid()):
        marker.unlink()

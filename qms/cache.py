"""State that changes rarely, computed once per change and served from memory.

Every signal of qms/signals.py that says "something changed" bumps the version; a value is
recomputed on the first read after a bump, or after its ttl (the clock moves what some values
show: open now, the last twelve hours of calls). One reader computes while the others wait
for it. With several processes (QMS_MESSAGE_QUEUE), qms/realtime.py relays the bumps so
every process drops its copy within milliseconds; the ttl bounds it in any case.
"""

import logging
import os
import threading
import time
import uuid

from qms import signals

log = logging.getLogger(__name__)

# signals that change nothing any cached value shows
QUIET = {"ticket-issuing", "print-changed", "device-failed", "device-recovered", "app-started"}


class ReadCache:
    def __init__(self):
        self.version = 0
        self._entries = {}  # key → (version, expires, value)
        self._lock = threading.Lock()
        self._computing = {}  # key → lock held by the one reader computing it

    def invalidate(self, *_args, **_kwargs):
        with self._lock:
            self.version += 1

    def get(self, key, compute, ttl):
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] == self.version and entry[1] > now:
            return entry[2]
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)  # another reader may have just computed it
            now = time.monotonic()
            if entry is not None and entry[0] == self.version and entry[1] > now:
                return entry[2]
            version = self.version  # a bump during compute makes this value stale at once
            value = compute()
            self._entries[key] = (version, now + ttl, value)
            return value


def connect(app, cache):
    """Every change signal of the app drops the cached values."""
    for name, signal in signals.all_signals().items():
        if name not in QUIET:
            signal.connect(cache.invalidate, sender=app, weak=False)


class Relay:
    """Several processes, one site: every local bump is published on Redis, every other
    process's bump is applied here (the listening loop runs under `qms serve`)."""

    def __init__(self, cache, url, channel):
        import redis

        self.cache = cache
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.channel = f"{channel}:cache-invalidate"
        self.me = f"{os.getpid()}:{uuid.uuid4().hex[:8]}".encode()
        self._errors = 0

    def publish(self, *_args, **_kwargs):
        try:
            self.client.publish(self.channel, self.me)
        except Exception:  # a missing relay never breaks a write; the ttl still bounds staleness
            self._errors += 1
            if self._errors in (1, 100, 10000):
                log.warning("cache relay: publish failed (%d times)", self._errors, exc_info=True)

    def listen(self, app, stop):
        while not stop.is_set():
            try:
                pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                while not stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("data") != self.me:
                        self.cache.invalidate()
            except Exception:
                log.warning("cache relay: listening failed, retrying", exc_info=True)
                self.cache.invalidate()  # whatever was missed meanwhile
                stop.wait(1.0)


def relay(app, cache):
    """With QMS_MESSAGE_QUEUE: connect the publishing side now and register the listener."""
    from qms.state import get_state

    url = app.config.get("MESSAGE_QUEUE")
    if not url:
        return None
    bridge = Relay(cache, url, app.config["MESSAGE_QUEUE_CHANNEL"])
    for name, signal in signals.all_signals().items():
        if name not in QUIET:
            signal.connect(bridge.publish, sender=app, weak=False)
    get_state(app).add_loop("cache-relay", bridge.listen)
    return bridge

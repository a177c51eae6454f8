"""State that changes rarely, computed once per change and served from memory.

Two kinds of value, each with its version:
- "queue" values (the board) change with the queue: every signal that says "something
  changed" bumps them, a ticket issued or called included;
- "setup" values (the mode, the ticket ceiling, the OpenAPI document) change with the set-up
  only: the signals of queue traffic (TRAFFIC) leave them, every other change bumps them.
So a morning of tickets never makes the issuing path re-read its settings. A value is
recomputed on the first read after a bump of its kind, or after its ttl (the clock moves
what some values show: open now, the last twelve hours of calls). One reader computes while
the others wait for it. With several processes (QMS_MESSAGE_QUEUE), the Relay below carries
every bump, with its kind, so every process drops its copy within milliseconds; the ttl
bounds it in any case.
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
# queue traffic: moves the board, never the set-up (a change of set-up sends setup_changed)
TRAFFIC = {
    "tickets-issued",
    "ticket-called",
    "ticket-changed",
    "queue-changed",
    "counter-changed",
    "counter-hold-changed",
    "ticket-rated",
    "help-requested",
    "help-acknowledged",
}
KINDS = ("queue", "setup")


def kinds_of(signal_name):
    """The kinds of cached value a signal drops: none, the queue's, or all."""
    if signal_name in QUIET:
        return ()
    return ("queue",) if signal_name in TRAFFIC else KINDS


class ReadCache:
    def __init__(self):
        self.versions = dict.fromkeys(KINDS, 0)
        self._entries = {}  # key → (kind, version, expires, value)
        self._lock = threading.Lock()
        self._computing = {}  # key → lock held by the one reader computing it

    def invalidate(self, *_args, **_kwargs):
        """Every value is stale (a change of set-up, or whatever may have been missed)."""
        self.bump(KINDS)

    def invalidate_queue(self, *_args, **_kwargs):
        """The queue moved: the board is stale, the settings are not."""
        self.bump(("queue",))

    def bump(self, kinds):
        with self._lock:
            for kind in kinds:
                self.versions[kind] += 1

    def get(self, key, compute, ttl, kind="queue"):
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[1] == self.versions[entry[0]] and entry[2] > now:
            return entry[3]
        with self._lock:
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)  # another reader may have just computed it
            now = time.monotonic()
            if entry is not None and entry[1] == self.versions[entry[0]] and entry[2] > now:
                return entry[3]
            version = self.versions[kind]  # a bump during compute makes this value stale
            value = compute()
            self._entries[key] = (kind, version, now + ttl, value)
            return value


def connect(app, cache):
    """Every change signal of the app drops the cached values of its kinds."""
    for name, signal in signals.all_signals().items():
        kinds = kinds_of(name)
        if kinds:
            receiver = cache.invalidate if kinds == KINDS else cache.invalidate_queue
            signal.connect(receiver, sender=app, weak=False)


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

    def publisher(self, kinds):
        message = self.me + b"|" + ",".join(kinds).encode()

        def publish(*_args, **_kwargs):
            self.publish(message)

        return publish

    def publish(self, message):
        try:
            self.client.publish(self.channel, message)
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
                    if message:
                        sender, _bar, kinds = message.get("data", b"").partition(b"|")
                        if sender != self.me:
                            known = [k for k in kinds.decode().split(",") if k in KINDS]
                            self.cache.bump(known or KINDS)
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
        kinds = kinds_of(name)
        if kinds:
            signal.connect(bridge.publisher(kinds), sender=app, weak=False)
    get_state(app).add_loop("cache-relay", bridge.listen)
    return bridge

"""The sender loop: snapshots, day-end figures and the outbox, posted to the province in order.

One process sends (lease "federation-sender"); a killed holder's lease expires and another
process takes over. The oldest unsent records go first, in batches; the province answers the
seqs it holds (new or already held) and only those are marked sent, so a lost answer means a
resend the province recognises. While the province cannot be reached the loop backs off up to
FEDERATION_RETRY_MAX_SECONDS and keeps every record: days offline lose nothing.
"""

import logging
import os
import random
import socket
import time
import uuid

import requests

from qms.db import try_acquire_lease
from qms.federation import operations, queries
from qms.state import get_state
from qms.timeutil import local_day, utcnow

log = logging.getLogger(__name__)

LEASE = "federation-sender"
LEASE_SECONDS = 15
MAX_BYTES = 48 * 1024  # a batch stays under the province's default body limit
SEND_BUDGET_SECONDS = 5  # batches back to back at most this long, then the loop looks around


def http_post(url, body, headers, timeout):
    response = requests.post(url, json=body, headers=headers, timeout=timeout)
    try:
        answer = response.json()
    except ValueError:
        answer = None
    return response.status_code, answer


def post_batch(app, runtime, batch):
    """(True, stored seqs, None) or (False, None, why)."""
    config = app.config
    url = str(config["PROVINCE_URL"]).rstrip("/") + "/api/v1/province/ingest"
    headers = {"Authorization": f"Bearer {config['PROVINCE_TOKEN']}"}
    post = runtime.post or http_post
    try:
        status, answer = post(url, {"records": batch}, headers, float(config["FEDERATION_TIMEOUT"]))
    except Exception as exc:  # network down, DNS, timeout, refused: all mean "later"
        return False, None, f"Không kết nối được máy chủ tỉnh: {type(exc).__name__}"
    if status == 401:
        return False, None, "Máy chủ tỉnh từ chối mã xác thực của trung tâm (401)."
    if status != 200 or not isinstance(answer, dict) or not isinstance(answer.get("stored"), list):
        return False, None, f"Máy chủ tỉnh trả lời lỗi {status}."
    sent = {item["seq"] for item in batch}
    stored = {seq for seq in answer["stored"] if isinstance(seq, int) and seq in sent}
    if stored != sent:
        return False, stored, "Máy chủ tỉnh chưa lưu đủ các bản ghi đã gửi."
    return True, stored, None


def backoff_seconds(failures, ceiling):
    """2, 4, 8 … seconds, never above ceiling, with a little jitter below it."""
    return min(float(ceiling), 2.0 ** min(failures, 20)) * random.uniform(0.8, 1.0)


def _record_outcome(app, runtime, ok, error=None):
    db = get_state(app).db
    now = time.monotonic()
    changed = ok != (runtime.last_error is None) or error != runtime.last_error
    if ok:
        runtime.failures = 0
        runtime.next_attempt = 0.0
        runtime.last_contact = now
        runtime.last_error = None
        runtime.last_success_dt = utcnow()
    else:
        runtime.failures += 1
        delay = backoff_seconds(runtime.failures, app.config["FEDERATION_RETRY_MAX_SECONDS"])
        runtime.next_attempt = now + delay
        runtime.last_error = error
        runtime.last_error_dt = utcnow()
        log.warning("federation: %s (next try in %.0f s)", error, delay)
    if changed or now - runtime.status_saved_at >= 60:
        runtime.status_saved_at = now
        try:
            operations.save_status(db, ok, error)
        except Exception:
            log.exception("federation: status not saved")


def send_pending(app, runtime):
    """Post the outbox in order until it is empty, the budget is spent or the province fails.
    With nothing pending, an empty post every FEDERATION_HEARTBEAT_SECONDS says "alive"."""
    config = app.config
    db = get_state(app).db
    if time.monotonic() < runtime.next_attempt:
        return 0
    limit = max(1, min(100, int(config["FEDERATION_BATCH"])))
    deadline = time.monotonic() + SEND_BUDGET_SECONDS
    sent = 0
    while True:
        batch = queries.pending(limit, MAX_BYTES)
        heartbeat_due = time.monotonic() - runtime.last_contact >= float(
            config["FEDERATION_HEARTBEAT_SECONDS"]
        )
        if not batch and not heartbeat_due:
            return sent
        ok, stored, error = post_batch(app, runtime, batch)
        if stored:
            operations.mark_sent(db, stored)
            sent += len(stored)
        _record_outcome(app, runtime, ok, error)
        if not ok or not batch or time.monotonic() >= deadline:
            return sent


def tick(app, runtime):
    """One round of the holder: day-end figures, the queue snapshot, today's figures, a purge
    now and then, then the outbox."""
    config = app.config
    db = get_state(app).db
    now = time.monotonic()
    today = local_day(utcnow())
    if runtime.finals_checked != today:
        operations.queue_finals(db, runtime, today)
        runtime.finals_checked = today
    every = float(config["FEDERATION_SNAPSHOT_SECONDS"])
    since = now - runtime.snapshot_at
    if (runtime.queue_dirty and since >= every) or since >= 6 * every:
        runtime.queue_dirty = False
        runtime.snapshot_at = now
        snapshot = queries.queue_snapshot()
        changed = snapshot != runtime.last_snapshot
        if changed and operations.enqueue(db, runtime, "queue", snapshot) is not None:
            runtime.last_snapshot = snapshot
    if now - runtime.figures_at >= float(config["FEDERATION_FIGURES_SECONDS"]):
        runtime.figures_at = now
        figures = queries.day_figures(today, is_final=False)
        changed = figures != runtime.last_figures
        if changed and operations.enqueue(db, runtime, "figures", figures) is not None:
            runtime.last_figures = figures
    if now - runtime.purged_at >= 3600:
        runtime.purged_at = now
        operations.purge_sent(db, config["FEDERATION_KEEP_DAYS"])
    return send_pending(app, runtime)


def run(app, stop):
    """The background loop (AppState.add_loop), started by `qms serve`."""
    runtime = get_state(app).federation
    if not queries.is_configured(app.config):
        log.info("no province configured (QMS_PROVINCE_URL, QMS_PROVINCE_TOKEN): not sending")
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    db = get_state(app).db
    held, renew_at = False, 0.0
    while not stop.is_set():
        with app.app_context():
            try:
                if time.monotonic() >= renew_at:
                    held = try_acquire_lease(db, LEASE, holder, LEASE_SECONDS)
                    renew_at = time.monotonic() + (LEASE_SECONDS / 3 if held else 2)
                if held:
                    tick(app, runtime)
            except Exception:  # the loop outlives any single failure (database busy, …)
                log.exception("federation: sender round failed")
        runtime.wake.wait(timeout=1.0)
        runtime.wake.clear()

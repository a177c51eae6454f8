"""Several `qms serve` processes, one site: PostgreSQL + Redis, real processes, real SIGKILL.

A call made through one process reaches a display connected to the other; numbers stay
gapless when both issue at once; a SIGKILLed lease holder's background loop resumes in the
survivor within seconds; a change made through one process is seen on the other's cached
board without waiting for the cache to expire. Needs PostgreSQL (QMS_TEST_POSTGRES_URL) and
Redis (QMS_TEST_REDIS_URL); .ci/run starts both. Skips, saying why, only when they are absent.
"""

import os
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import socketio

from qms.liveserver import LiveServer
from tests import waiting

pytestmark = pytest.mark.slow

PG = os.environ.get("QMS_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
REDIS = os.environ.get("QMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _own_database():
    """A database of this test's own on the PostgreSQL server (the storage tests use `test`)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"qms_scale_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(PG)
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG}: {exc}")
    return urlunsplit(parts._replace(path=f"/{name}")), admin, name


def _drop_database(admin, name):
    import psycopg

    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS}: {exc}")


def _wait(predicate, seconds, what):
    return waiting.wait_for(predicate, what, seconds, 0.1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One site for the module (the lease test, which kills a process, runs last)."""
    tmp_path = tmp_path_factory.mktemp("site")
    _redis_or_skip()
    url, admin, name = _own_database()
    env = {
        "QMS_MESSAGE_QUEUE": REDIS,
        "QMS_MESSAGE_QUEUE_CHANNEL": f"qms-test-{uuid.uuid4().hex[:8]}",
        "QMS_READ_CACHE_SECONDS": "120",  # only the relay can make the other process fresh
    }
    a = LiveServer(tmp_path / "a", env=env, database_url=url)
    b = LiveServer(tmp_path / "b", env=env, database_url=url)
    a.init()
    # one site, one secret: sessions and tokens work on both processes
    (tmp_path / "b").mkdir(parents=True, exist_ok=True)
    (tmp_path / "b" / "secret_key").write_text((tmp_path / "a" / "secret_key").read_text())
    a.start()
    b.start()
    try:
        yield a, b, url
    finally:
        for server in (a, b):
            server.stop()
        _drop_database(admin, name)


def test_a_call_on_one_process_reaches_a_display_on_the_other(site):
    a, b, _ = site
    headers = a.token()
    display = socketio.Client(reconnection=False)
    calls = []
    display.on("ticket_called", lambda data: calls.append(data))
    display.connect(b.url, transports=["websocket"], wait_timeout=10)
    try:
        ticket = requests.post(f"{a.url}/api/v1/tickets", json={"service": "A"}, timeout=10)
        assert ticket.status_code == 201
        called = requests.post(
            f"{a.url}/api/v1/counters/1/call-next", json={}, headers=headers, timeout=10
        )
        assert called.status_code == 200
        got = _wait(lambda: calls, 10, "ticket_called on the other process")
        assert got[0]["ticket"]["code"] == ticket.json()["code"]
        assert got[0]["counter"]["number"] == 1
        assert got[0]["announcement"]["text"].startswith("Mời công dân")
    finally:
        display.disconnect()


def test_numbers_stay_gapless_when_both_processes_issue(site):
    a, b, _ = site
    codes, errors = [], []

    def issue(server, count):
        with requests.Session() as session:
            for _ in range(count):
                r = session.post(f"{server.url}/api/v1/tickets", json={"service": "B"}, timeout=20)
                (codes if r.status_code == 201 else errors).append(r.json())

    threads = [threading.Thread(target=issue, args=(s, 25)) for s in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    numbers = sorted(c["number"] for c in codes)
    assert numbers == list(range(1, 101))


def test_a_change_on_one_process_drops_the_cached_board_of_the_other(site):
    a, b, _ = site
    before = requests.get(f"{b.url}/api/v1/board", timeout=10).json()["waiting"]["C"]
    assert requests.post(f"{a.url}/api/v1/tickets", json={"service": "C"}, timeout=10).ok
    _wait(
        lambda: (
            requests.get(f"{b.url}/api/v1/board", timeout=10).json()["waiting"]["C"] == before + 1
        ),
        5,
        "the other process's board shows the new ticket (cache kept 120 s without the relay)",
    )


def test_a_setup_change_on_one_process_applies_at_once_on_the_other(site):
    """The ticket ceiling is cached for seconds (a setup value, kept through queue traffic):
    leadership's change on one process reaches the other through the relay."""
    a, b, _ = site
    headers = a.token()
    limit = f"{a.url}/api/v1/issuing-limit"
    try:
        # B has the unlimited ceiling in memory: its own tickets keep it there
        for _ in range(3):
            assert requests.post(f"{b.url}/api/v1/tickets", json={"service": "D"}, timeout=10).ok
        changed = requests.put(limit, json={"per_minute": 1}, headers=headers, timeout=10)
        assert changed.status_code == 200, changed.text

        # B counted 3 tickets this minute: with the new ceiling of 1 it refuses at once
        # (well inside the 5 s its cached ceiling would otherwise live)
        def refusal():
            r = requests.post(f"{b.url}/api/v1/tickets", json={"service": "D"}, timeout=10)
            return r.json()["error"] if r.status_code == 429 else None

        assert _wait(refusal, 2, "the other process applies the new ceiling")["code"] == (
            "centre_busy"
        )
    finally:
        restored = requests.put(limit, json={"per_minute": 10000}, headers=headers, timeout=10)
        assert restored.status_code == 200, restored.text


def test_a_killed_lease_holders_loop_resumes_in_the_survivor(site):
    a, b, url = site
    import psycopg

    def holder():
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT holder FROM leases WHERE name = 'housekeeping'").fetchone()
        return row[0] if row else None

    def server_of(lease_holder):
        """host:pid:app → the LiveServer whose `qms serve` is that worker's parent."""
        pid = int(lease_holder.split(":")[1])
        with open(f"/proc/{pid}/stat") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        return {a.proc.pid: a, b.proc.pid: b}[parent]

    first = _wait(holder, 30, "someone holds the housekeeping lease")
    victim = server_of(first)
    survivor = b if victim is a else a
    victim.kill()
    moved = _wait(lambda: (h := holder()) != first and h, 40, "the lease moves on")
    assert server_of(moved) is survivor

"""A full disk never loses an acknowledged ticket and never hands its number to someone else.

The data directory is a real 4 MiB tmpfs where the machine allows mounting (root with
CAP_SYS_ADMIN, as on the CI machines); elsewhere the same path is driven by an injected
OSError(ENOSPC) at the storage layer. The first test says in its name which one ran.
"""

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import event, select

from qms.queue.models import Ticket

MOUNT_SIZE = "4m"


def _mount_tmpfs(path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={MOUNT_SIZE}", "tmpfs", str(path)],
        capture_output=True,
        timeout=20,
    )
    return result.returncode == 0


@pytest.fixture
def data_dir(tmp_path):
    """Overrides conftest's: the app's data directory on a small disk of its own."""
    d = tmp_path / "data"
    d.mkdir()
    mounted = _mount_tmpfs(d)
    yield d
    if mounted:
        subprocess.run(["umount", "-l", str(d)], capture_output=True, timeout=20)


def _is_tmpfs(path):
    with open("/proc/mounts", encoding="utf-8") as mounts:
        return any(line.split()[1] == str(path) for line in mounts)


def _fill(path, leave_bytes):
    """A filler file that leaves about leave_bytes free on the disk of path."""
    filler = Path(path) / "filler.bin"
    free = shutil.disk_usage(path).free
    with open(filler, "wb") as fh:
        remaining = max(0, free - leave_bytes)
        chunk = b"\0" * 65536
        while remaining > 0:
            try:
                fh.write(chunk[: min(len(chunk), remaining)])
                fh.flush()
            except OSError:
                break
            remaining -= 65536
    return filler


def _stored_codes(app):
    with app.extensions["qms"].db.read() as s:
        return {
            row.id: row.code
            for row in s.execute(select(Ticket.id, Ticket.code).where(Ticket.origin == "local"))
        }


def _inject_enospc(app):
    """Without a mountable disk: every commit fails as a full disk makes it fail."""
    engine = app.extensions["qms"].db.engine
    state = {"on": True}

    def on_commit(conn):
        if state["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")

    event.listen(engine, "commit", on_commit)
    return state


def test_disk_full_acknowledges_only_what_is_stored(app, client, data_dir):
    real_disk = _is_tmpfs(data_dir)
    print("disk-full path driven by", "a real tmpfs" if real_disk else "an injected ENOSPC")
    acknowledged, refusals = [], []
    if real_disk:
        filler = _fill(data_dir, leave_bytes=96 * 1024)
    else:
        injected = _inject_enospc(app)
    for _ in range(4000):
        response = client.post("/api/v1/tickets", json={"service": "F"})
        if response.status_code == 201:
            acknowledged.append(response.get_json())
            continue
        refusals.append((response.status_code, response.get_json()["error"]["code"]))
        if len(refusals) >= 3:
            break
    assert refusals == [(503, "storage_unavailable")] * 3
    health = client.get("/api/v1/health").get_json()
    assert health["status"] == "degraded"
    assert "Không ghi được dữ liệu" in health["reason"]

    # space comes back: the writer recovers by itself, numbering continues without reuse
    if real_disk:
        filler.unlink()
    else:
        injected["on"] = False
    after = client.post("/api/v1/tickets", json={"service": "F"})
    assert after.status_code == 201, after.get_json()
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    numbers = [t["number"] for t in acknowledged] + [after.get_json()["number"]]
    assert numbers == list(range(1, len(numbers) + 1))

    # every acknowledged ticket is on disk, as acknowledged, after the database is reopened
    app.extensions["qms"].db.dispose()
    stored = _stored_codes(app)
    assert {t["id"]: t["code"] for t in acknowledged} == {
        i: stored[i] for i in (t["id"] for t in acknowledged)
    }
    assert sorted(stored.values()) == sorted(
        [t["code"] for t in acknowledged] + [after.get_json()["code"]]
    )


def test_a_failing_write_never_kills_the_writer(app, client):
    state = _inject_enospc(app)
    for _ in range(3):
        response = client.post("/api/v1/tickets", json={"service": "A"})
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            503,
            "storage_unavailable",
        )
    state["on"] = False
    assert client.post("/api/v1/tickets", json={"service": "A"}).get_json()["code"] == "A001"
    assert app.extensions["qms"].issue_batcher._thread.is_alive()


def test_low_disk_space_opens_a_2_4_incident_and_resolves_it(app, client, leader, monkeypatch):
    from qms import storage

    health = app.extensions["qms"].db.health
    monkeypatch.setattr(storage, "free_bytes", lambda path: 50 * 1024 * 1024)
    assert storage.check_disk(app, health, threshold_mb=200) is True
    assert storage.check_disk(app, health, threshold_mb=200) is True  # one incident per fault
    incidents = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    disk = [i for i in incidents if i["type"]["code"] == "2.4"]
    assert len(disk) == 1
    assert "Ổ đĩa dữ liệu sắp đầy" in disk[0]["description"]
    assert client.get("/api/v1/health").get_json()["status"] == "degraded"

    monkeypatch.setattr(storage, "free_bytes", lambda path: 5 * 1024 * 1024 * 1024)
    assert storage.check_disk(app, health, threshold_mb=200) is False
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    still_open = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    assert [i for i in still_open if i["type"]["code"] == "2.4"] == []


def test_the_server_starts_on_a_full_disk(app, data_dir, monkeypatch):
    from qms import serve

    def refuse(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", refuse)
    app.extensions["qms"].loops.clear()  # the marker is the point here, not the loops
    assert serve.start(app) == []
    serve.stop(app)

"""Federation with two real `qms serve`: a province (QMS_ROLE=province, its own SQLite) and a
centre. The province is SIGKILLed in the middle of a sync and restarted: every record arrives
exactly once and in order; the centre issues all the while; a wrong token stores nothing."""

import sqlite3

import pytest
import requests

from qms.liveserver import LiveServer
from tests import waiting

pytestmark = pytest.mark.slow


def wait_for(predicate, what, timeout=60):
    return waiting.wait_for(predicate, what, timeout, 0.02)


def outbox_seqs(centre):
    with sqlite3.connect(centre.data_dir / "qms.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT seq FROM federation_outbox ORDER BY seq")]


@pytest.fixture
def pair(tmp_path):
    province = LiveServer(tmp_path / "province", env={"QMS_ROLE": "province"})
    province.init(demo=False)
    token = province.qms("centre", "add", "TK", "--name", "Xã Tân Kỳ").stdout.split()[-1]
    province.start()
    centre = LiveServer(
        tmp_path / "centre",
        env={
            "QMS_PROVINCE_URL": province.url,
            "QMS_PROVINCE_TOKEN": token,
            "QMS_FEDERATION_BATCH": "1",  # one record per POST: a sync takes many requests
            "QMS_FEDERATION_RETRY_MAX_SECONDS": "1",
            "QMS_FEDERATION_SNAPSHOT_SECONDS": "1",
            "QMS_FEDERATION_TIMEOUT": "3",
        },
    )
    centre.init(demo=True)
    centre.start()
    yield province, centre, token
    centre.stop()
    province.stop()


def test_province_killed_mid_sync_gets_every_record_once_in_order(pair):
    province, centre, token = pair
    staff = centre.token()
    leader = province.token()

    def records():
        r = requests.get(
            province.url + "/api/v1/province/records?centre=TK", headers=leader, timeout=5
        )
        return [item["seq"] for item in r.json()] if r.ok else None

    def issue():
        r = requests.post(centre.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    # the first sync works: the centre's start-up snapshot and figures arrive
    wait_for(lambda: records(), "the centre's first records")

    # the province is away while the centre reports incidents and issues tickets
    province.kill()
    created = []
    for n in range(30):
        r = requests.post(
            centre.url + "/api/v1/incidents",
            json={"type": "2.1", "description": f"Máy in quầy {n % 4 + 1} hết giấy ({n})"},
            headers=staff,
            timeout=10,
        )
        assert r.status_code == 201, r.text
        created.append(r.json()["id"])
        issue()
    resolved = created[:10]
    for incident_id in resolved:
        r = requests.post(
            f"{centre.url}/api/v1/incidents/{incident_id}/resolve",
            json={"resolution": "Đã thay giấy"},
            headers=staff,
            timeout=10,
        )
        assert r.status_code == 200, r.text
    pending = len(outbox_seqs(centre))
    assert pending > 40

    # back, and killed again while the backlog is still arriving
    province.start()
    seen = wait_for(
        lambda: (lambda got: got if got and len(got) < pending - 5 and got[-1] > 5 else None)(
            records()
        ),
        "the sync to be under way",
    )
    province.kill()
    assert len(seen) < pending

    # still killed: the centre keeps issuing
    waiting_now = [issue() for _ in range(5)][-1]
    assert waiting_now["code"]

    province.start()
    status = wait_for(
        lambda: (lambda s: s if s["pending"] == 0 and s["last_error"] is None else None)(
            requests.get(centre.url + "/api/v1/federation/status", headers=staff, timeout=5).json()
        ),
        "the centre's outbox to empty",
    )
    assert status["dropped"] == 0
    every = outbox_seqs(centre)
    arrived = records()
    assert arrived == every  # each once, in the order they were written
    assert len(set(arrived)) == len(arrived)

    incidents = requests.get(
        province.url + "/api/v1/province/incidents?centre=TK", headers=leader, timeout=5
    ).json()
    assert [i["centre_id"] for i in incidents] == sorted(created)
    assert {i["centre_id"]: i["status"] for i in incidents} == {
        n: "resolved" if n in resolved else "reported" for n in created
    }
    assert {i["type"] for i in incidents} == {"2.1"}

    waiting = requests.get(centre.url + "/api/v1/services", headers=staff, timeout=5).json()
    expected_waiting = sum(s.get("waiting", 0) for s in waiting)

    def centre_row():
        rows = requests.get(
            province.url + "/api/v1/province/centres", headers=leader, timeout=5
        ).json()
        return rows[0] if rows[0]["waiting"] == expected_waiting else None

    row = wait_for(centre_row, "the last queue snapshot")
    assert (row["code"], row["name"], row["mode"], row["open_incidents"]) == (
        "TK",
        "Xã Tân Kỳ",
        "standalone",
        20,
    )
    assert row["waiting"] == 35
    assert row["last_seen"] is not None

    # a wrong token is refused and stores nothing
    before = records()
    bad = requests.post(
        province.url + "/api/v1/province/ingest",
        json={
            "records": [{"seq": 10**6, "kind": "mode", "at": None, "data": {"mode": "fallback"}}]
        },
        headers={"Authorization": "Bearer hccp_not-a-centre"},
        timeout=5,
    )
    assert bad.status_code == 401
    assert records() == before
    assert (
        requests.get(province.url + "/api/v1/province/centres", headers=leader, timeout=5).json()[
            0
        ]["mode"]
        == "standalone"
    )

"""End to end with real processes: `qms serve` watching a `qms primary-sim` subprocess."""

import csv
import io
import sqlite3
import subprocess
import sys
import time

import pytest
import requests
from openpyxl import load_workbook

from qms.liveserver import ROOT, LiveServer, free_port
from tests import waiting

pytestmark = pytest.mark.slow
PATIENCE = 60  # seconds: generous upper bounds for polling, never a timed assertion


class Simulator:
    def __init__(self, port, *args):
        self.port, self.args, self.proc = port, args, None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qms", "primary-sim", "--port", str(self.port), *self.args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(f"http://127.0.0.1:{self.port}/health"), "simulator up")
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _answers(url):
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def wait_for(predicate, what):
    return waiting.wait_for(predicate, what, PATIENCE, 0.1)


def mode_of(server):
    try:
        return requests.get(server.url + "/api/v1/health", timeout=2).json()["mode"]
    except requests.RequestException:
        return None


def switches(server):
    with sqlite3.connect(server.data_dir / "qms.sqlite3") as conn:
        rows = conn.execute(
            "SELECT data FROM log_entries WHERE kind = 'mode.switch' ORDER BY id"
        ).fetchall()
    import json

    return [(json.loads(r[0])["old"], json.loads(r[0])["new"]) for r in rows]


@pytest.fixture
def drill(tmp_path):
    started = []

    def factory(sim_args=(), **env):
        port = free_port()
        sim = Simulator(port, *sim_args)
        server = LiveServer(
            tmp_path / "data",
            env={
                "QMS_PRIMARY_URL": f"http://127.0.0.1:{port}/health",
                "QMS_PRIMARY_PROBE_INTERVAL": "0.3",
                "QMS_PRIMARY_PROBE_TIMEOUT": "0.5",
                "QMS_PRIMARY_FAIL_THRESHOLD": "3",
                "QMS_PRIMARY_RECOVER_THRESHOLD": "4",
                "QMS_PRIMARY_RECOVER_SECONDS": "1.5",
                **env,
            },
        )
        server.init()
        started.extend([sim, server])
        return sim, server

    yield factory
    for proc in started:
        proc.kill()


def test_outage_takeover_adoption_drain_and_export(drill):
    sim, server = drill()
    sim.start()
    server.start()
    admin = server.token()
    assert mode_of(server) == "standby"
    wait_for(
        lambda: requests.get(
            server.url + "/api/v1/fallback/status", headers=admin, timeout=2
        ).json()["primary"]["primary_up"],
        "first healthy probes",
    )
    assert (
        requests.post(server.url + "/api/v1/tickets", json={"service": "A"}, timeout=5).status_code
        == 409
    )

    sim.kill()
    wait_for(lambda: mode_of(server) == "fallback", "takeover")
    status = requests.get(server.url + "/api/v1/fallback/status", headers=admin, timeout=5).json()
    assert status["mode"]["automatic"] is True and status["outage"]["is_open"]
    board = requests.get(server.url + "/api/v1/board", timeout=5).json()
    assert any(n["source"] == "mode" for n in board["notices"])

    adopted = requests.post(
        server.url + "/api/v1/fallback/adopt",
        json={"service": "A", "from": 21, "to": 23},
        headers=admin,
        timeout=5,
    ).json()
    assert adopted["adopted"] == 3
    local = [
        requests.post(server.url + "/api/v1/tickets", json={"service": s}, timeout=5).json()
        for s in "AAC"
    ]
    assert [t["code"] for t in local] == ["A024", "A025", "C001"]
    called = requests.post(
        server.url + "/api/v1/counters/1/call-next", json={}, headers=admin, timeout=5
    ).json()
    assert called["ticket"]["code"] == "A021"

    sim.start()
    wait_for(lambda: mode_of(server) == "draining", "hand-back starts")
    refused = requests.post(server.url + "/api/v1/tickets", json={"service": "A"}, timeout=5)
    assert refused.status_code == 409 and refused.json()["error"]["mode"] == "draining"
    codes = []
    while True:
        ticket = requests.post(
            server.url + "/api/v1/counters/1/call-next", json={}, headers=admin, timeout=5
        ).json()["ticket"]
        if ticket is None:
            break
        codes.append(ticket["code"])
    assert codes == ["A022", "A023", "A024", "A025"]
    assert mode_of(server) == "draining"  # C001 still waits for counter 2
    assert (
        requests.post(
            server.url + "/api/v1/counters/2/call-next", json={}, headers=admin, timeout=5
        ).json()["ticket"]["code"]
        == "C001"
    )
    requests.post(server.url + "/api/v1/counters/2/complete", json={}, headers=admin, timeout=5)
    wait_for(lambda: mode_of(server) == "standby", "standby once the local queue is empty")
    assert switches(server) == [
        ("standby", "fallback"),
        ("fallback", "draining"),
        ("draining", "standby"),
    ]

    outage = requests.get(server.url + "/api/v1/fallback/outages", headers=admin, timeout=5).json()[
        0
    ]
    assert outage["ended_at"] and not outage["is_open"]
    text = requests.get(
        server.url + f"/api/v1/fallback/outages/{outage['id']}/export.csv", headers=admin, timeout=5
    )
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))[1:]
    assert sorted(r[1] for r in rows) == ["A021", "A022", "A023", "A024", "A025", "C001"]
    xlsx = requests.get(
        server.url + f"/api/v1/fallback/outages/{outage['id']}/export.xlsx",
        headers=admin,
        timeout=5,
    )
    sheet = load_workbook(io.BytesIO(xlsx.content))["Số thứ tự"]
    assert sorted(r[1] for r in list(sheet.iter_rows(values_only=True))[1:]) == sorted(
        r[1] for r in rows
    )


def test_flapping_primary_does_not_flap_the_mode(drill):
    sim, server = drill(
        sim_args=("--flap", "1"),
        QMS_PRIMARY_FAIL_THRESHOLD="2",
        QMS_PRIMARY_RECOVER_THRESHOLD="2",  # reached in every up phase: only the span holds
        QMS_PRIMARY_RECOVER_SECONDS="3",
    )
    sim.start()
    server.start()
    admin = server.token()
    wait_for(lambda: mode_of(server) == "fallback", "takeover during a down phase")
    # watch several up phases go by after the takeover: none may bring a hand-back
    seen_up = 0
    last = None
    deadline = time.monotonic() + PATIENCE
    while seen_up < 4 and time.monotonic() < deadline:
        primary = requests.get(
            server.url + "/api/v1/fallback/status", headers=admin, timeout=5
        ).json()["primary"]
        phase = primary["consecutive_ok"] > 0
        if phase and last is False:
            seen_up += 1
        last = phase
        time.sleep(0.1)
    assert seen_up >= 4
    assert mode_of(server) == "fallback"
    assert switches(server) == [("standby", "fallback")]


def test_sigkill_during_fallback_resumes_in_fallback_with_the_same_queue(drill):
    sim, server = drill()
    server.start()  # the primary never answers: takeover
    wait_for(lambda: mode_of(server) == "fallback", "takeover")
    admin = server.token()
    requests.post(
        server.url + "/api/v1/fallback/adopt",
        json={"service": "B", "from": 5, "to": 6},
        headers=admin,
        timeout=5,
    )
    issued = [
        requests.post(server.url + "/api/v1/tickets", json={"service": "B"}, timeout=5).json()
        for _ in range(2)
    ]
    before = requests.get(server.url + "/api/v1/counters/1/queue", headers=admin, timeout=5).json()[
        "waiting"
    ]
    server.kill()
    server.start()
    assert mode_of(server) == "fallback"
    admin = server.token()
    after = requests.get(server.url + "/api/v1/counters/1/queue", headers=admin, timeout=5).json()[
        "waiting"
    ]
    assert (
        [t["code"] for t in after]
        == [t["code"] for t in before]
        == ["B005", "B006", "B007", "B008"]
    )
    assert [t["code"] for t in issued] == ["B007", "B008"]
    again = requests.post(server.url + "/api/v1/tickets", json={"service": "B"}, timeout=5).json()
    assert again["code"] == "B009"
    assert switches(server) == [("standby", "fallback")]

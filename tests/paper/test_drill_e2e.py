"""`qms drill` end to end: a real `qms serve`, the QMS 1.2 simulator run and stopped by the
drill itself, and the report checked on the server and in the quarterly incident report."""

import re

import pytest
import requests

from qms.liveserver import LiveServer, free_port

pytestmark = pytest.mark.slow
LEADER = ("truongtt", "lanh-dao-diễn-tập-42")


@pytest.fixture
def server(tmp_path):
    port = free_port()
    live = LiveServer(
        tmp_path / "live",
        env={
            "QMS_PRIMARY_URL": f"http://127.0.0.1:{port}/health",
            "QMS_PRIMARY_PROBE_INTERVAL": "0.3",
            "QMS_PRIMARY_PROBE_TIMEOUT": "0.5",
            "QMS_PRIMARY_FAIL_THRESHOLD": "3",
            "QMS_PRIMARY_RECOVER_THRESHOLD": "4",
            "QMS_PRIMARY_RECOVER_SECONDS": "1.5",
            # QMS 1.2 is not there before the drill starts it: leadership decides a takeover,
            # so nothing switches (and no real incident opens) before the drill
            "QMS_TAKEOVER": "ask",
        },
    )
    live.init()
    live.qms("user", "add", LEADER[0], "--role", "leader", "--password", LEADER[1])
    live.start()
    yield live
    live.stop()


def run_drill(server, *options):
    """`qms drill` against the live server as leadership: its printed report, once it passed."""
    result = server.qms(
        "drill",
        "--server",
        server.url,
        "--user",
        LEADER[0],
        "--password",
        LEADER[1],
        "--timeout",
        "60",
        *options,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_drill_runs_the_script_and_stores_its_report(server):
    out = run_drill(server, "--simulate-primary")
    assert "BÁO CÁO DIỄN TẬP XỬ LÝ SỰ CỐ" in out
    lines = [line for line in out.splitlines() if re.match(r"^\s*\d+\. \[", line)]
    names = [
        re.sub(r"^\s*\d+\. \[[^\]]+\] ", "", line).split(" (")[0].split(":")[0] for line in lines
    ]
    assert names == [
        "Kết nối máy chủ",
        "Bắt đầu diễn tập",
        "QMS 1.2 đang hoạt động",
        "QMS 1.2 gặp sự cố, chuyển sang dự phòng",
        "Sự cố 2.8 được ghi nhận",
        "Bấm số dự phòng hoạt động",
        "Tiếp nhận hồ sơ giấy",
        "Tạm dừng và tiếp nhận trở lại",
        "QMS 1.2 phục hồi",
        "Bàn giao lại QMS 1.2",
    ]
    assert "[KHÔNG ĐẠT]" not in out
    assert "Kết quả: ĐẠT." in out

    headers = server.token(*LEADER)
    api = server.url + "/api/v1"
    drill_id = int(re.search(r"Cuộc diễn tập số (\d+)", out).group(1))
    drill = requests.get(f"{api}/drills/{drill_id}", headers=headers, timeout=5).json()
    assert (drill["status"], drill["outcome"]) == ("finished", "passed")
    assert [s["name"] for s in drill["steps"]] == names
    [incident_id] = drill["created"]["incidents"]
    [dossier_code] = drill["created"]["dossiers"]

    incident = requests.get(f"{api}/incidents/{incident_id}", headers=headers, timeout=5).json()
    assert incident["type"]["code"] == "2.8"
    assert incident["is_drill"] is True
    assert incident["status"] == "resolved"
    assert incident["description"].startswith("Diễn tập: Hệ thống QMS 1.2 gặp sự cố")
    kinds = [e["kind"] for e in incident["timeline"]]
    assert "paper_received" in kinds and "paper_returned" in kinds
    # the centre-wide pause (POST /reception) went into the incident's timeline, then the resume
    assert kinds.index("reception_paused") < kinds.index("reception_resumed")
    assert "[ĐẠT] Tạm dừng và tiếp nhận trở lại" in out

    dossiers = requests.get(f"{api}/paper-dossiers?drill=only", headers=headers, timeout=5).json()
    assert [(d["code"], d["status"], d["is_drill"]) for d in dossiers] == [
        (dossier_code, "returned", True)
    ]
    summary = requests.get(f"{api}/paper-dossiers/summary", headers=headers, timeout=5).json()
    assert summary["outstanding"] == 0  # a drill leaves no work behind

    year, month = int(drill["started_at"][:4]), int(drill["started_at"][5:7])
    report = requests.get(
        f"{api}/incidents/report?year={year}&quarter={(month - 1) // 3 + 1}",
        headers=headers,
        timeout=5,
    ).json()
    assert report["incidents"]["total"] == 0  # the drill is not a real incident
    assert report["drills"]["total"] == 1
    assert [(r["id"], r["outcome"]) for r in report["drill_reports"]] == [(drill_id, "passed")]


def test_drill_with_the_real_primary_switched_by_leadership(server):
    """Without --simulate-primary the centre's own QMS 1.2 stays up: leadership switches to the
    fallback and back through the API, as the plan's drill does on a working day."""
    import subprocess
    import sys
    from urllib.parse import urlsplit

    port = urlsplit(server.env["QMS_PRIMARY_URL"]).port
    primary = subprocess.Popen(  # the centre's QMS 1.2, up before and after the drill
        [sys.executable, "-m", "qms", "primary-sim", "--port", str(port)],
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        out = run_drill(server)
        assert "lãnh đạo chuyển sang chế độ dự phòng" in out
        assert "lãnh đạo chuyển sang chế độ trả lại" in out
        assert "[KHÔNG ĐẠT]" not in out and "Kết quả: ĐẠT." in out
        assert primary.poll() is None  # the drill never touched the real QMS 1.2
        headers = server.token(*LEADER)
        api = server.url + "/api/v1"
        drill_id = int(re.search(r"Cuộc diễn tập số (\d+)", out).group(1))
        drill = requests.get(f"{api}/drills/{drill_id}", headers=headers, timeout=5).json()
        assert (drill["status"], drill["outcome"]) == ("finished", "passed")
        [incident_id] = drill["created"]["incidents"]
        incident = requests.get(f"{api}/incidents/{incident_id}", headers=headers, timeout=5)
        assert (incident.json()["is_drill"], incident.json()["status"]) == (True, "resolved")
        status = requests.get(f"{api}/fallback/status", headers=headers, timeout=5).json()
        assert status["mode"]["mode"] == "standby"  # handed back to the working QMS 1.2
    finally:
        primary.terminate()
        primary.wait(10)

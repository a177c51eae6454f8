"""The staff page /admin/fallback: who sees what, the CSRF-protected switch and adopt forms."""

import pytest
from flask import g

from tests.forms import csrf_from as _csrf


def _fresh_csrf():
    g.pop("csrf_token", None)  # see tests/forms.py


def _login(auth, user):
    assert auth(user, next_url="/admin/fallback").response.status_code == 302


def test_page_needs_login(client):
    response = client.get("/admin/fallback")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_leader_switches_with_a_reason_through_the_form(client, leader, auth):
    _login(auth, leader)
    html = client.get("/admin/fallback").get_data(as_text=True)
    assert "Chế độ dự phòng QMS 1.2" in html and 'value="fallback"' in html
    token = _csrf(html)
    response = client.post(
        "/admin/fallback/mode", data={"mode": "fallback", "reason": "", "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/mode").get_json()["mode"] == "standby"  # a reason is required
    assert "Hãy ghi lý do" in client.get("/admin/fallback").get_data(as_text=True)
    response = client.post(
        "/admin/fallback/mode",
        data={"mode": "fallback", "reason": "QMS 1.2 mất điện", "csrf_token": token},
    )
    assert response.status_code == 302
    state = client.get("/api/v1/mode").get_json()
    assert state["mode"] == "fallback" and state["reason"] == "QMS 1.2 mất điện"
    assert state["by"] == leader["username"]
    g.pop("lang", None)  # same shared-g artefact as the CSRF token
    html = client.get("/admin/fallback?lang=en").get_data(as_text=True)
    assert "Fallback (standing in for QMS 1.2)" in html and "export.xlsx" in html


def test_form_without_csrf_token_is_refused(client, leader, auth):
    _login(auth, leader)
    response = client.post("/admin/fallback/mode", data={"mode": "fallback", "reason": "x"})
    assert response.status_code == 400
    assert client.get("/api/v1/mode").get_json()["mode"] == "standby"


def test_officer_sees_the_page_adopts_but_cannot_switch(client, officer, switch, auth):
    switch("fallback")
    _login(auth, officer)
    html = client.get("/admin/fallback").get_data(as_text=True)
    assert 'name="mode"' not in html and "Chỉ lãnh đạo" in html
    token = _csrf(html)
    response = client.post(
        "/admin/fallback/mode", data={"mode": "standby", "reason": "x", "csrf_token": token}
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/fallback/adopt", data={"service": "A", "from": "3", "to": "4", "csrf_token": token}
    )
    assert response.status_code == 302
    html = client.get("/admin/fallback").get_data(as_text=True)
    assert "Đã tiếp nhận 2" in html and "3–4" in html
    client.post(
        "/admin/fallback/adopt", data={"service": "A", "from": "4", "to": "9", "csrf_token": token}
    )
    assert "trùng" in client.get("/admin/fallback").get_data(as_text=True)
    client.post(
        "/admin/fallback/adopt", data={"service": "A", "from": "x", "to": "9", "csrf_token": token}
    )
    assert "số nguyên" in client.get("/admin/fallback").get_data(as_text=True)


def test_primary_sim_command_answers_then_stops(runner, sim_port):
    import threading

    import requests

    seen = {}

    def probe():
        import time

        for _ in range(100):
            try:
                seen["body"] = requests.get(f"http://127.0.0.1:{sim_port}/health", timeout=1).json()
                return
            except requests.RequestException:
                time.sleep(0.05)

    thread = threading.Thread(target=probe)
    thread.start()
    result = runner.invoke(args=["primary-sim", "--port", str(sim_port), "--fail-after", "1.5"])
    thread.join()
    assert result.exit_code == 0, result.output
    assert "QMS 1.2 simulator" in result.output and "stopped" in result.output
    assert seen["body"]["status"] == "ok"


def test_lease_keeps_a_second_monitor_from_probing(app, simulator):
    from qms.db import try_acquire_lease
    from qms.fallback import monitor
    from qms.fallback.queries import status

    simulator.up()
    assert try_acquire_lease(app.extensions["qms"].db, monitor.LEASE, "otherhost:1:abc", 60)
    assert monitor.run_once(app, "thishost:2:def", 10) is False
    assert status()["primary"]["last_ok"] is None
    assert monitor.run_once(app, "otherhost:1:abc", 10) is True
    assert status()["primary"]["last_ok"]


@pytest.mark.parametrize("dead", [True, False])
def test_lease_of_a_dead_local_process_is_reclaimed(app, simulator, dead):
    import os
    import socket
    import subprocess
    import sys

    from qms.db import try_acquire_lease
    from qms.fallback import monitor

    simulator.up()
    proc = subprocess.Popen(
        [sys.executable, "-c", "pass" if dead else "import time; time.sleep(30)"]
    )
    if dead:
        proc.wait()
    try:
        holder = f"{socket.gethostname()}:{proc.pid}:x"
        assert try_acquire_lease(app.extensions["qms"].db, monitor.LEASE, holder, 60)
        assert monitor.run_once(app, f"{socket.gethostname()}:{os.getpid()}:y", 10) is dead
    finally:
        proc.kill()
        proc.wait()

"""`qms drill --server URL`: the plan's periodic exercise ("có nội dung kiểm tra, diễn tập định
kỳ"), run against a live server over its API like any staff client.

The script: QMS 1.2 is healthy → QMS 1.2 fails (with --simulate-primary the drill runs `qms
primary-sim` on the port of the server's QMS_PRIMARY_URL and stops it; otherwise leadership's
switch) → fallback takes over and the 2.8 incident opens → a paper dossier is received, entered
and returned → reception is paused and resumed (when the server has POST /reception) → QMS 1.2
recovers → hand-back to QMS 1.2 (standby) and the incident is resolved. The server marks what
the drill provokes as a drill (POST /drills … /finish), the dossier says is_drill, the pause's
reason starts with "Diễn tập". The report is printed and stored on the server; the quarterly
incident report lists it apart from real incidents.

This module talks HTTP only: it imports no feature, so it runs from any machine with `qms`.
"""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import click
import requests

DRILL_REASON = "Diễn tập: giả lập hệ thống QMS 1.2 gián đoạn"


class DrillError(Exception):
    """A step failed: the drill records it, restores what it can and stops."""


@dataclass
class Step:
    name: str
    ok: bool | None = None  # None: skipped
    detail: str = ""
    seconds: float | None = None


@dataclass
class Drill:
    server: str
    username: str | None = None
    password: str | None = None
    token: str | None = None
    simulate_primary: bool = False
    timeout: float = 120.0
    echo: object = print
    steps: list = field(default_factory=list)
    created: dict = field(default_factory=lambda: {"incidents": [], "dossiers": []})
    drill_id: int | None = None
    incident_id: int | None = None
    simulator: subprocess.Popen | None = None
    sim_port: int | None = None

    # --- HTTP -----------------------------------------------------------------------------

    def call(self, method, path, json=None, expect=(200, 201)):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = requests.request(
            method, self.server + "/api/v1" + path, json=json, headers=headers, timeout=15
        )
        if expect and response.status_code not in expect:
            try:
                error = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                error = response.text[:200]
            raise DrillError(f"{method} {path}: {response.status_code} {error}")
        return response

    def get(self, path):
        return self.call("GET", path).json()

    def wait_for(self, what, check, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.5)
        raise DrillError(f"quá {timeout or self.timeout:g} giây chờ {what}")

    def mode(self):
        return self.get("/mode")["mode"]

    # --- steps ----------------------------------------------------------------------------

    def step(self, name, fn):
        started = time.monotonic()
        self.echo(f"… {name}")
        try:
            result = fn()
        except DrillError as exc:
            self.steps.append(Step(name, False, str(exc), round(time.monotonic() - started, 1)))
            self.echo(f"  ✗ {exc}")
            raise
        ok, detail = (None, result[1]) if isinstance(result, tuple) else (True, result or "")
        self.steps.append(Step(name, ok, detail, round(time.monotonic() - started, 1)))
        self.echo(f"  {'✓' if ok else '–'} {detail}")
        return result

    def connect(self):
        health = self.call("GET", "/health").json()
        if not self.token:
            if not self.username or not self.password:
                raise DrillError("cần --user và --password (hoặc QMS_DRILL_TOKEN)")
            answer = self.call(
                "POST", "/auth/token", {"username": self.username, "password": self.password}
            ).json()
            self.token = answer["token"]
        return f"máy chủ {self.server} trả lời, chế độ {health.get('mode')}"

    def start(self):
        drill = self.call("POST", "/drills", {"title": "Diễn tập xử lý sự cố QMS 1.2"}).json()
        self.drill_id = drill["id"]
        return f"cuộc diễn tập số {self.drill_id}"

    def primary_healthy(self):
        status = self.get("/fallback/status")
        url = status["primary"]["config"]["url"]
        if not url:
            raise DrillError("máy chủ chạy chế độ độc lập (chưa cấu hình QMS_PRIMARY_URL)")
        if self.simulate_primary:
            parts = urlsplit(url)
            if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                raise DrillError(f"--simulate-primary cần QMS_PRIMARY_URL trên máy này, có {url}")
            self.sim_port = parts.port or 80
            self.start_simulator()
        self.wait_for(
            "QMS 1.2 hoạt động (chế độ chờ)",
            lambda: (
                self.get("/fallback/status")["primary"]["primary_up"] is True
                and self.mode() == "standby"
            ),
        )
        return f"QMS 1.2 hoạt động ({url}), hệ thống ở chế độ chờ"

    def start_simulator(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.sim_port)) == 0:
                raise DrillError(
                    f"cổng {self.sim_port} đã có chương trình khác: không giả lập được"
                )
        self.simulator = subprocess.Popen(
            [sys.executable, "-m", "qms", "primary-sim", "--port", str(self.sim_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def stop_simulator(self):
        if self.simulator is not None and self.simulator.poll() is None:
            self.simulator.terminate()
            self.simulator.wait(10)
        self.simulator = None

    def primary_fails(self):
        if self.simulate_primary:
            self.stop_simulator()
            how = "đã dừng trình giả lập QMS 1.2"
        else:
            self.call("POST", "/mode", {"mode": "fallback", "reason": DRILL_REASON})
            how = "lãnh đạo chuyển sang chế độ dự phòng"

        def switched():
            if self.mode() == "fallback":
                return True
            if self.get("/fallback/status").get("takeover_request"):  # TAKEOVER=ask
                self.call("POST", "/mode", {"mode": "fallback", "reason": DRILL_REASON})
            return False

        self.wait_for("chuyển sang chế độ dự phòng", switched)
        return f"{how}; hệ thống chuyển sang chế độ dự phòng"

    def incident_opened(self):
        def found():
            for incident in self.get("/incidents?status=open&type=2.8"):
                if incident["source_key"] == "mode:primary":
                    return incident
            return None

        incident = self.wait_for("sự cố 2.8 được ghi nhận", found)
        if not incident["is_drill"]:
            raise DrillError(f"sự cố #{incident['id']} không được đánh dấu diễn tập")
        self.incident_id = incident["id"]
        self.created["incidents"].append(incident["id"])
        return f"sự cố #{incident['id']} ({incident['type']['code']}) ghi nhận, đánh dấu diễn tập"

    def fallback_serves(self):
        board = self.get("/board")
        if board["mode"] != "fallback":
            raise DrillError(f"màn hình vẫn ở chế độ {board['mode']}")
        return "màn hình và máy bấm số đang chạy chế độ dự phòng"

    def paper_dossier(self):
        dossier = self.call(
            "POST",
            "/paper-dossiers",
            {
                "citizen_name": "Công dân diễn tập",
                "procedure": "Diễn tập: đăng ký khai sinh",
                "documents": ["Tờ khai (mẫu diễn tập)"],
                "incident": self.incident_id,
                "is_drill": True,
            },
        ).json()
        if not dossier["is_drill"]:
            raise DrillError(f"hồ sơ {dossier['code']} không được đánh dấu diễn tập")
        self.created["dossiers"].append(dossier["code"])
        self.call(
            "POST",
            f"/paper-dossiers/{dossier['id']}/entered",
            {"official_code": f"DT-{dossier['code']}"},
        )
        self.call("POST", f"/paper-dossiers/{dossier['id']}/returned")
        return f"hồ sơ giấy {dossier['code']}: tiếp nhận, nhập hệ thống, trả kết quả"

    def pause_and_resume(self):
        if self.call("GET", "/reception", expect=None).status_code == 404:
            return (
                None,
                "máy chủ chưa có chức năng tạm dừng tiếp nhận (/reception): bỏ qua bước này",
            )
        self.call("POST", "/reception", {"paused": True, "reason": "Diễn tập: mất điện"})
        refused = self.call("POST", "/tickets", {"service": self.a_service()}, expect=None)
        self.call("POST", "/reception", {"paused": False, "reason": ""})
        if refused.status_code != 409 or refused.json()["error"]["code"] != "paused":
            raise DrillError(f"khi tạm dừng, cấp số trả {refused.status_code} thay vì 409 paused")
        return "tạm dừng tiếp nhận (cấp số bị từ chối 409), rồi tiếp nhận trở lại"

    def a_service(self):
        services = [s for s in self.get("/services") if s.get("active", True)]
        if not services:
            raise DrillError("máy chủ chưa có lĩnh vực nào")
        return services[0]["code"]

    def primary_recovers(self):
        if self.simulate_primary:
            self.start_simulator()
            how = "trình giả lập QMS 1.2 chạy lại"
        else:
            self.call("POST", "/mode", {"mode": "draining", "reason": "Diễn tập: QMS 1.2 phục hồi"})
            how = "lãnh đạo chuyển sang chế độ trả lại"
        self.wait_for("QMS 1.2 phục hồi", lambda: self.mode() in ("draining", "standby"))
        return f"{how}; hệ thống ngừng cấp số dự phòng"

    def hand_back(self):
        self.wait_for("trả lại QMS 1.2 (chế độ chờ)", lambda: self.mode() == "standby")
        incident = self.wait_for(
            "sự cố được khắc phục",
            lambda: (lambda i: i if not i["is_open"] else None)(
                self.get(f"/incidents/{self.incident_id}")
            ),
        )
        return f"đã trả lại QMS 1.2; sự cố #{incident['id']} {incident['status']}"

    def finish(self):
        answer = self.call(
            "POST",
            f"/drills/{self.drill_id}/finish",
            {
                "steps": [s.__dict__ for s in self.steps],
                "created": self.created,
                "summary": "Diễn tập theo kịch bản `qms drill`.",
            },
        ).json()
        return answer

    def run(self):
        script = [
            ("Kết nối máy chủ", self.connect),
            ("Bắt đầu diễn tập", self.start),
            ("QMS 1.2 đang hoạt động", self.primary_healthy),
            ("QMS 1.2 gặp sự cố, chuyển sang dự phòng", self.primary_fails),
            ("Sự cố 2.8 được ghi nhận", self.incident_opened),
            ("Bấm số dự phòng hoạt động", self.fallback_serves),
            ("Tiếp nhận hồ sơ giấy", self.paper_dossier),
            ("Tạm dừng và tiếp nhận trở lại", self.pause_and_resume),
            ("QMS 1.2 phục hồi", self.primary_recovers),
            ("Bàn giao lại QMS 1.2", self.hand_back),
        ]
        failed = None
        try:
            for name, fn in script:
                self.step(name, fn)
        except DrillError as exc:
            failed = exc
        except requests.RequestException as exc:
            failed = exc
            self.steps.append(Step("Lỗi kết nối", False, str(exc)[:300]))
        finally:
            self.stop_simulator()
        report = None
        if self.drill_id is not None:
            try:
                report = self.finish()
            except (DrillError, requests.RequestException) as exc:
                self.echo(f"Không lưu được báo cáo diễn tập: {exc}")
        return report, failed


def format_report(drill, report):
    lines = ["", "BÁO CÁO DIỄN TẬP XỬ LÝ SỰ CỐ", f"Máy chủ: {drill.server}"]
    if report:
        lines.append(f"Cuộc diễn tập số {report['id']}, bắt đầu {report['started_at']}")
    for n, step in enumerate(drill.steps, start=1):
        mark = {True: "ĐẠT", False: "KHÔNG ĐẠT", None: "BỎ QUA"}[step.ok]
        seconds = f" ({step.seconds:g} giây)" if step.seconds is not None else ""
        lines.append(f"{n:>2}. [{mark}] {step.name}{seconds}: {step.detail}")
    if report:
        verdict = "ĐẠT" if report["outcome"] == "passed" else "CHƯA ĐẠT"
        lines.append(f"Kết quả: {verdict}. Đã lưu trên máy chủ (báo cáo quý liệt kê riêng).")
    return "\n".join(lines)


@click.command("drill")
@click.option(
    "--server", required=True, help="Base URL of the live server, e.g. http://10.0.0.2:8080"
)
@click.option("--user", "username", default=None, help="A leader's (or admin's) username.")
@click.option("--password", default=None, help="Prompted (hidden) when absent.")
@click.option(
    "--simulate-primary",
    is_flag=True,
    help="Run `qms primary-sim` on the port of the server's QMS_PRIMARY_URL and stop it.",
)
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait per step.")
@click.option("--report", "report_path", default=None, help="Also write the report to this file.")
def drill_command(server, username, password, simulate_primary, timeout, report_path):
    """Run the scripted incident drill against a live server and store its report."""
    token = os.environ.get("QMS_DRILL_TOKEN")
    if not token and username and password is None:
        password = click.prompt("Password", hide_input=True)
    drill = Drill(
        server=server.rstrip("/"),
        username=username,
        password=password,
        token=token,
        simulate_primary=simulate_primary,
        timeout=timeout,
        echo=click.echo,
    )
    report, failed = drill.run()
    text = format_report(drill, report)
    click.echo(text)
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if failed is not None:
        raise click.ClickException(f"Diễn tập dừng ở bước lỗi: {failed}")

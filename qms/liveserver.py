"""A real `qms serve` subprocess: for end-to-end, browser and crash tests, the bench and drills."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """init --demo once, then start/stop/kill `qms serve` on a free port with env overrides."""

    def __init__(self, data_dir, env=None, port=None, database_url=None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "QMS_DATA_DIR": str(self.data_dir),
            "QMS_KIOSK_RATE_LIMIT": "100000/1",
            "QMS_ADDRESS_RATE_LIMIT": "100000/1",
            "QMS_ISSUE_CEILING_PER_MINUTE": "0",
            "QMS_LOGIN_RATE_LIMIT": "100000/1",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        if database_url:
            self.env["QMS_DATABASE_URL"] = database_url
        self.proc = None
        self.log_path = self.data_dir / "serve.log"
        self.admin_password = None

    def qms(self, *args, check=True, input=None):
        return subprocess.run(
            [sys.executable, "-m", "qms", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            input=input,
            timeout=120,
        )

    def init(self, demo=True):
        out = self.qms("init", *(["--demo"] if demo else [])).stdout
        for line in out.splitlines():
            if "password:" in line:
                self.admin_password = line.split("password:", 1)[1].strip()
        if self.admin_password:
            # the printed one is one-time: the operator sets a lasting one, as a centre would
            self.admin_password = f"Qt-{secrets.token_hex(6)}-2026"
            self.qms("user", "passwd", "admin", "--password", self.admin_password)
        return out

    def start(self, timeout=30):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "qms",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"qms serve exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"qms serve did not answer: {self.log_path.read_text()[-3000:]}")

    def kill(self):
        """SIGKILL the whole process group: no clean shutdown, like a power cut."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def token(self, username="admin", password=None):
        r = requests.post(
            self.url + "/api/v1/auth/token",
            json={"username": username, "password": password or self.admin_password},
            timeout=5,
        )
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['token']}"}

"""The kiosk print agent (`qms agent`): long-polls its kiosk's jobs, prints them, acknowledges.

Exactly once across crashes and server restarts: the server hands each job with a claim
token and offers an unacknowledged claim again after a while; the agent keeps an fsync'd
journal of the jobs it started and printed, so a job offered again is acknowledged without
being printed twice, and acknowledgements are retried until the server is back. A job the
agent was printing when it died is reported failed without a retry (at most once: staff can
reprint it, a citizen never gets two copies of one number).
"""

import logging
import os
import threading
import time
from pathlib import Path

import requests

from printer_drivers import (
    PrinterError,
    encode_ticket,
    get_profile,
    query_status,
    transport_from_url,
)

from .payload import classify_error, render_payload, send_checked, status_report

log = logging.getLogger(__name__)
VERSION = "1"


class Journal:
    """Append-only lines "<event> <key> <token>"; event: start | printed | failed | acked."""

    KEEP = 2000  # keys kept when the file is compacted

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.state = {}  # key → (event, token)
        self._lock = threading.Lock()
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split()
                if len(parts) == 3:  # a torn last line (crash mid-write) is ignored
                    self.state[parts[1]] = (parts[0], parts[2])
        self._lines = len(self.state)

    def get(self, key):
        return self.state.get(key, (None, None))[0]

    def record(self, event, key, token):
        with self._lock:
            self.state.pop(key, None)
            self.state[key] = (event, token)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(f"{event} {key} {token}\n")
                fh.flush()
                os.fsync(fh.fileno())
            self._lines += 1
            if self._lines > 4 * self.KEEP:
                self._compact()

    def _compact(self):
        keep = list(self.state.items())[-self.KEEP :]
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(f"{event} {key} {token}\n" for key, (event, token) in keep)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self.state = dict(keep)
        self._lines = len(keep)

    def unfinished(self):
        """(key, token, outcome) to report: printed but not acked, or started and never finished."""
        out = []
        for key, (event, token) in self.state.items():
            if event == "printed":
                out.append((key, token, "printed"))
            elif event == "start":
                out.append((key, token, "interrupted"))
        return out


class AgentError(Exception):
    pass


class ServerSession:
    """HTTP to the server with a device token, logging in again once when the token is refused.

    The agent sets http (a requests.Session), server, username, password and token.
    """

    http_timeout = 10  # seconds per request unless a call says otherwise

    def _login(self):
        if not (self.username and self.password):
            raise AgentError("token rejected and no --username/--password to log in again")
        r = self.http.post(
            f"{self.server}/api/v1/auth/token",
            json={"username": self.username, "password": self.password},
            timeout=self.http_timeout,
        )
        if r.status_code != 201:
            raise AgentError(f"login failed: HTTP {r.status_code} {r.text[:200]}")
        self.token = r.json()["token"]

    def _call(self, method, path, timeout=None, **kwargs):
        if not self.token:
            self._login()
        for attempt in (1, 2):
            r = self.http.request(
                method,
                f"{self.server}/api/v1{path}",
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=timeout or self.http_timeout,
                **kwargs,
            )
            if r.status_code == 401 and attempt == 1 and self.username:
                self._login()
                continue
            return r
        return r


class Agent(ServerSession):
    """One kiosk's agent. run(stop) loops; run_once() is one cycle (tests call it directly)."""

    def __init__(
        self,
        server,
        kiosk,
        printer,
        *,
        token=None,
        username=None,
        password=None,
        profile="80mm",
        journal=None,
        wait=20,
        heartbeat=15.0,
        status_timeout=1.0,
        session=None,
    ):
        self.server = server.rstrip("/")
        self.kiosk = kiosk
        self.printer = printer  # URL or printer_drivers Transport
        self.token = token
        self.username = username
        self.password = password
        self.profile = profile
        self.wait = wait
        self.heartbeat = heartbeat
        self.status_timeout = status_timeout
        default = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local/state"))
        self.journal = Journal(journal or default / "qms-agent" / f"{kiosk}.journal")
        self.http = session or requests.Session()
        self.http.trust_env = False  # a proxy from the environment must not sit on the LAN path
        self.instance = None
        self.last_hello = 0.0
        self.printer_report = {"printer_state": "unknown"}
        self.printed = 0

    def hello(self):
        body = {
            "version": VERSION,
            "printer_url": self.printer if isinstance(self.printer, str) else repr(self.printer),
            "profile": str(self.profile),
            **self.printer_report,
        }
        r = self._call("POST", f"/agents/{self.kiosk}/hello", json=body)
        if r.status_code != 200:
            raise AgentError(f"hello refused: HTTP {r.status_code} {r.text[:200]}")
        self.instance = r.json()["instance"]
        self.last_hello = time.monotonic()
        return r.json()

    def ack(self, job_id, token, status, error=None, kind=None, retry=True):
        """True once the server has the outcome (or says it never will need it)."""
        body = {"claim_token": token, "status": status, "error": error, "kind": kind}
        if not retry:
            body["retry"] = False
        r = self._call("POST", f"/agents/{self.kiosk}/jobs/{job_id}/ack", json=body)
        if r.status_code in (200, 404, 409):  # 404/409: gone or handed out again, nothing to do
            return True
        raise AgentError(f"ack refused: HTTP {r.status_code} {r.text[:200]}")

    # --- printing -------------------------------------------------------------------------

    def _key(self, job_id):
        return f"{self.instance}/{job_id}"

    def _transport(self):
        return self.printer

    def check_printer(self):
        status = query_status(self._transport(), self.status_timeout)
        state, kind, message = status_report(status)
        self.printer_report = {
            "printer_state": state or "unknown",
            "printer_kind": kind,
            "printer_message": (message or "")[:300],
        }
        return self.printer_report

    def flush_acks(self):
        """Report what the journal knows and the server may not (after a crash or an outage)."""
        for key, token, outcome in self.journal.unfinished():
            instance, _, job_id = key.partition("/")
            if instance != self.instance:
                continue
            if outcome == "printed":
                self.ack(int(job_id), token, "printed")
            else:
                self.ack(
                    int(job_id),
                    token,
                    "failed",
                    error="agent stopped while printing: not printed again (reprint if needed)",
                    retry=False,
                )
            self.journal.record("acked", key, token)

    def handle(self, job):
        key, token = self._key(job["id"]), job["claim_token"]
        done = self.journal.get(key)
        if done in ("printed", "acked"):
            log.info("job %s was printed before: acknowledging only", job["id"])
            self.ack(job["id"], token, "printed")
            self.journal.record("acked", key, token)
            return "duplicate"
        if done == "start":
            self.ack(
                job["id"],
                token,
                "failed",
                error="agent stopped while printing: not printed again (reprint if needed)",
                retry=False,
            )
            self.journal.record("acked", key, token)
            return "interrupted"
        self.journal.record("start", key, token)
        try:
            profile = get_profile(self.profile)
            raw = encode_ticket(render_payload(job["payload"], profile.width_dots), profile)
            transport = self._transport()
            if isinstance(transport, str):
                transport = transport_from_url(transport)
            status = send_checked(transport, raw, status_timeout=self.status_timeout)
        except PrinterError as exc:
            kind, retry = classify_error(exc)
            message = f"{type(exc).__name__}: {exc}"[:300]
            self.journal.record("failed", key, token)
            self.printer_report = {
                "printer_state": "failed",
                "printer_kind": kind,
                "printer_message": message,
            }
            log.warning("job %s failed: %s", job["id"], message)
            self.ack(job["id"], token, "failed", error=message, kind=kind, retry=retry)
            return "failed"
        self.journal.record("printed", key, token)
        self.printed += 1
        silent = status is not None and status.state == "unknown"
        self.printer_report = {"printer_state": "unknown" if silent else "ok"}
        self.ack(job["id"], token, "printed")
        self.journal.record("acked", key, token)
        return "printed"

    def run_once(self, wait=None):
        """hello when due, pending acks, one long poll, print what came: returns what happened."""
        if self.instance is None or time.monotonic() - self.last_hello >= self.heartbeat:
            try:
                self.check_printer()
            except PrinterError as exc:
                self.printer_report = {
                    "printer_state": "failed",
                    "printer_kind": classify_error(exc)[0],
                    "printer_message": str(exc)[:300],
                }
            self.hello()
        self.flush_acks()
        wait = self.wait if wait is None else wait
        r = self._call(
            "GET", f"/agents/{self.kiosk}/jobs/next", params={"wait": wait}, timeout=wait + 15
        )
        if r.status_code == 204:
            return "idle"
        if r.status_code != 200:
            raise AgentError(f"jobs/next refused: HTTP {r.status_code} {r.text[:200]}")
        return self.handle(r.json()["job"])

    def run(self, stop=None):
        """Until stop is set: never gives up on a server that is away (restart, network)."""
        stop = stop or threading.Event()
        delay = 0.5
        while not stop.is_set():
            try:
                self.run_once()
                delay = 0.5
            except (requests.RequestException, AgentError, ValueError) as exc:
                log.warning("server not reachable or refused (%s); retrying in %.1f s", exc, delay)
                stop.wait(delay)
                delay = min(5.0, delay * 2)

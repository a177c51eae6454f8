"""A real `qms serve` and the kiosk print agent: exactly once across server kills and agent restarts."""

import threading
import time

import pytest
import requests

from print_agent.agent import Agent
from qms.liveserver import LiveServer
from tests import waiting
from tests.devices.conftest import printed_urls

pytestmark = pytest.mark.slow
PASSWORD = "agent-pass-123"


def wait_until(predicate, timeout=60, what="condition"):
    return waiting.wait_for(predicate, what, timeout, 0.1)


class Running:
    def __init__(self, agent):
        self.agent = agent
        self.stop = threading.Event()
        self.thread = threading.Thread(target=agent.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def halt(self):
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


def test_agent_exactly_once_across_restarts(tmp_path):
    server = LiveServer(tmp_path / "srv", env={"QMS_AGENT_CLAIM_TIMEOUT": "2"})
    server.init()
    server.qms("user", "add", "agent1", "--role", "device", "--password", PASSWORD)
    server.qms("devices", "bind", "agent1", "--kiosk", "k1")
    paper = tmp_path / "paper.bin"
    journal = tmp_path / "k1.journal"

    def make_agent():
        return Agent(
            server.url,
            "k1",
            f"file:{paper}",
            username="agent1",
            password=PASSWORD,
            journal=journal,
            wait=2,
            heartbeat=2,
        )

    issued = []

    def issue():
        r = requests.post(
            server.url + "/api/v1/tickets", json={"service": "A", "kiosk": "k1"}, timeout=10
        )
        assert r.status_code == 201, r.text
        ticket = r.json()
        assert ticket["print"]["target"] == "agent:k1"
        issued.append(ticket)
        return ticket

    def urls():
        return printed_urls(paper.read_bytes()) if paper.exists() else []

    def complete_urls():
        try:
            return urls()
        except (AssertionError, IndexError):  # a ticket is being written right now
            return []

    def all_printed():
        for ticket in issued:
            r = requests.get(f"{server.url}/api/v1/tickets/{ticket['id']}/print", timeout=10)
            if r.json()["status"] != "printed":
                return False
        return True

    server.start()
    try:
        first = make_agent()
        first.hello()
        running = Running(first)
        issue()
        issue()
        wait_until(lambda: len(complete_urls()) == 2, what="two tickets on paper")

        issue()
        server.kill()  # power cut mid-way: the agent may hold a claim or an unsent ack
        server.start()
        issue()
        wait_until(all_printed, what="every job acknowledged after the restart")
        running.halt()

        # the agent dies after printing, before the server hears of it
        crashing = make_agent()
        crashing.hello()
        issue()

        def crash(*args, **kwargs):
            raise KeyboardInterrupt("simulated crash before the ack")

        crashing.ack = crash
        deadline = time.monotonic() + 60
        with pytest.raises(KeyboardInterrupt):  # "DID NOT RAISE" when no job came in time
            while time.monotonic() < deadline:
                crashing.run_once(wait=2)
        restarted = Running(make_agent())  # reads the journal: acks, never reprints
        issue()
        wait_until(all_printed, what="jobs acknowledged after the agent restart")
        restarted.halt()
    finally:
        server.stop()

    printed = urls()
    assert sorted(printed) == sorted(t["track_url"] for t in issued)
    assert len(set(printed)) == len(printed) == 6


def test_serve_prints_in_the_background_and_survives_a_dead_printer(tmp_path, fake_printer):
    from qms.liveserver import free_port

    port = free_port()  # the printer is unplugged when the server starts
    url = f"tcp://127.0.0.1:{port}?timeout=2&connect_timeout=1"
    server = LiveServer(
        tmp_path / "srv", env={"QMS_PRINTER": url, "QMS_PRINTER_STATUS_TIMEOUT": "0.3"}
    )
    server.init()
    server.start()
    try:
        r = requests.post(server.url + "/api/v1/tickets", json={"service": "A"}, timeout=10)
        assert r.status_code == 201 and r.json()["print"]["target"] == "local"
        ticket = r.json()
        status_url = f"{server.url}/api/v1/tickets/{ticket['id']}/print"
        wait_until(
            lambda: requests.get(status_url, timeout=5).json()["attempts"] >= 1, what="a try"
        )
        printer = fake_printer("ok", port=port)  # plugged in
        wait_until(
            lambda: requests.get(status_url, timeout=5).json()["status"] == "printed",
            what="the ticket printed by the background worker",
        )
        printer.settle()
        assert printed_urls(b"".join(printer.jobs)) == [ticket["track_url"]]
    finally:
        server.stop()


def test_serve_refuses_an_unknown_printer_scheme(tmp_path):
    server = LiveServer(tmp_path / "srv", env={"QMS_PRINTER": "lpt:1"})
    server.init()
    result = server.qms("serve", "--port", str(server.port), check=False)
    assert result.returncode == 1
    assert "unknown printer URL scheme 'lpt'" in result.stderr

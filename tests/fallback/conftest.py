"""Fixtures of the fallback tests: an app with a primary configured, a mode switcher, a simulator."""

import pytest

from qms.liveserver import free_port


@pytest.fixture
def sim_port():
    return free_port()


@pytest.fixture
def app_config(sim_port):
    return {
        "PRIMARY_URL": f"http://127.0.0.1:{sim_port}/health",
        "PRIMARY_PROBE_TIMEOUT": 1.0,
        "PRIMARY_FAIL_THRESHOLD": 3,
        "PRIMARY_RECOVER_THRESHOLD": 2,
        "PRIMARY_RECOVER_SECONDS": 0,
    }


@pytest.fixture
def switch(client, leader):
    def factory(mode, reason="test"):
        response = client.post(
            "/api/v1/mode", json={"mode": mode, "reason": reason}, headers=leader["headers"]
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return factory


@pytest.fixture
def adopt(client, officer):
    def factory(service, number_from, number_to, expect=200):
        response = client.post(
            "/api/v1/fallback/adopt",
            json={"service": service, "from": number_from, "to": number_to},
            headers=officer["headers"],
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return factory


@pytest.fixture
def simulator(sim_port):
    """An in-process QMS 1.2 health endpoint: .up() / .down() on a fixed loopback port."""
    from qms.fallback import simulator as sim

    class Handle:
        server = None

        def up(self):
            if self.server is None:
                self.server = sim._start("127.0.0.1", sim_port)

        def down(self):
            if self.server is not None:
                self.server.shutdown()
                self.server.server_close()
                self.server = None

    handle = Handle()
    yield handle
    handle.down()

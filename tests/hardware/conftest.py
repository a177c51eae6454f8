"""Real parts for the hardware library: pseudo-terminal pairs and the MQTT broker."""

import contextlib
import os
import socket
import tty
from urllib.parse import urlsplit

import pytest

MQTT_URL = os.environ.get("QMS_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


def broker_reachable(url=MQTT_URL):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 1883), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def mqtt_url():
    if not broker_reachable():
        pytest.skip(f"no MQTT broker at {MQTT_URL} (set QMS_TEST_MQTT_URL or start mosquitto)")
    return MQTT_URL


@pytest.fixture
def pty_pair():
    """(device side fd, serial port path): what the device writes, the port reads."""
    opened = []

    def make():
        controller, port = os.openpty()
        tty.setraw(port)
        tty.setraw(controller)
        path = os.ttyname(port)
        opened.extend([controller, port])
        return controller, path

    yield make
    for fd in opened:
        with contextlib.suppress(OSError):
            os.close(fd)

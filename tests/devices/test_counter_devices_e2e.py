"""End to end with real processes: `qms serve` with the MQTT bus, `qms
counter-agent` on serial pseudo-terminal pairs, two Socket.IO displays."""

import os
import socket
import sqlite3
from urllib.parse import urlsplit

import pytest

from bench.bench_devices import DeviceRig, wait_for

pytestmark = pytest.mark.slow
MQTT_URL = os.environ.get("QMS_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


def broker_reachable():
    parts = urlsplit(MQTT_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 1883), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def rig(tmp_path, request):
    if not broker_reachable():
        pytest.skip(f"no MQTT broker at {MQTT_URL} (set QMS_TEST_MQTT_URL or start mosquitto)")
    rig = DeviceRig(tmp_path, MQTT_URL).start()
    yield rig
    rig.stop()


def open_incidents(rig, device):
    incidents = rig.api("GET", "/incidents?status=open").json()
    return [i for i in incidents if i.get("scope") == device]


def test_presses_call_boards_follow_and_a_rating_counts_once(rig):
    a1, c1 = rig.issue("A"), rig.issue("C")
    # a press on the serial box calls the next ticket; every display hears it; the LED shows it
    rig.box.write(b"1:next:e2e-1\n")
    assert len(rig.wait_called(a1["code"], 1)) == 2
    led_lines = []
    wait_for(
        lambda: led_lines.extend(rig.led.lines()) or b"1:show:A001" in led_lines, 20, "serial LED"
    )
    # the box repeats the same press: it acts once (the next distinct press proves the order)
    rig.box.write(b"1:next:e2e-1\n1:recall:e2e-2\n")
    rig.wait_called(a1["code"], 1, recall=True)
    assert len(rig.called(a1["code"], 1)) == 2  # one call per display, not two
    # a press over MQTT calls counter 2; the retained display topic carries the code
    rig.press_mqtt(2, {"action": "next", "id": "m-1"})
    assert len(rig.wait_called(c1["code"], 2)) == 2
    wait_for(lambda: "C001" in rig.topic(2), 20, "the LED topic of counter 2")
    rig.press_mqtt(2, {"action": "next", "id": "m-1"})  # redelivered: acts no more
    # the citizen is done and presses "Rất hài lòng" twice: one rating
    rig.box.write(b"1:complete:e2e-3\n")
    wait_for(lambda: rig.api("GET", "/counters").json()[0]["current"] is None, 20, "completion")
    rig.pad.write(b"1:3:pad-1\n1:3:pad-1\n")
    database = rig.server.data_dir / "qms.sqlite3"

    def ratings():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT ticket_id, score, source FROM ratings").fetchall()

    assert wait_for(ratings, 20, "the rating") == [(a1["id"], 3, "pad")]
    a2 = rig.issue("A")
    rig.box.write(b"1:next:e2e-4\n")  # a later line: the second pad line was handled before it
    rig.wait_called(a2["code"], 1)
    assert ratings() == [(a1["id"], 3, "pad")]
    assert [c[1] for c in rig.calls if c[2] == 2 and not c[3]] == ["C001", "C001"]


def test_bad_input_marks_the_device_faulty_once_and_recovers(rig):
    rig.box.write(b"\xff\xfe junk\n1:dance:x\n")
    wait_for(lambda: rig.device_state("button:box1") == "fault", 30, "box1 faulty")
    wait_for(lambda: len(open_incidents(rig, "button:box1")) == 1, 20, "one incident")
    # a press for an unknown counter over MQTT: logged, its device faulty, nothing called
    rig.press_mqtt(42, {"action": "next", "id": "u-1"})
    wait_for(lambda: rig.device_state("button:mqtt-42") == "fault", 20, "unknown counter")
    # the box works again: the fault clears and its incident is resolved
    a1 = rig.issue("A")
    rig.box.write(b"1:next:ok-1\n")
    rig.wait_called(a1["code"], 1)
    wait_for(lambda: rig.device_state("button:box1") == "online", 30, "box1 back")
    wait_for(lambda: open_incidents(rig, "button:box1") == [], 20, "incident resolved")
    # a paused counter: the press does nothing and the LED blinks the error
    assert rig.api("POST", "/counters/1/state", json={"state": "paused"}).status_code == 200
    rig.issue("A")
    rig.box.write(b"1:next:paused-1\n")
    lines = []
    wait_for(lambda: lines.extend(rig.led.lines()) or b"1:error:paused" in lines, 20, "LED error")
    assert rig.api("GET", "/counters").json()[0]["current"]["code"] == a1["code"]

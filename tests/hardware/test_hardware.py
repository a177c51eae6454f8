"""The hardware library on real parts: pty serial pairs, pyserial loop://, the MQTT broker,
evdev (through /dev/uinput where the kernel has it, else a recorded event stream)."""

import os
import threading
import time

import pytest

from hardware import (
    DummyLink,
    HardwareConfigError,
    InputDevice,
    KeyMap,
    LedBoard,
    ProtocolError,
    link_from_url,
    parse_line,
)
from hardware.protocol import LineSplitter, ReceiverDecoder, led_error, led_show, parse_led_line
from hardware.transports.evdev_link import EvdevReplayLink, record
from tests import waiting


def wait_for(predicate, timeout=10, what="condition"):
    return waiting.wait_for(predicate, what, timeout, 0.02)


def test_line_protocol():
    assert parse_line(b"3:next:box3-0001").as_dict() == {
        "counter": 3,
        "action": "next",
        "id": "box3-0001",
    }
    press = parse_line(b"12:R\r")
    assert (press.counter, press.action) == (12, "recall") and press.press_id.startswith("h-")
    assert parse_line(b"5:2:pad-7").as_dict() == {
        "counter": 5,
        "action": "rate",
        "id": "pad-7",
        "score": 2,
    }
    custom = KeyMap.from_json({"keys": {"F9": "complete"}})
    assert parse_line(b"1:f9:x", custom).action == "complete"
    for bad in (
        b"3:dance:1",
        b"0:next",
        b"1000:next",
        b"x:next",
        b"3",
        b"3:next:bad id",
        b"\xff\xfe",
    ):
        with pytest.raises(ProtocolError):
            parse_line(bad)
    with pytest.raises(HardwareConfigError, match="unknown action"):
        KeyMap.from_json({"keys": {"F1": "explode"}})


def test_splitter_keeps_half_lines_and_drops_overlong_ones():
    splitter = LineSplitter(max_line=10)
    assert list(splitter.feed(b"1:ne")) == []
    assert splitter.pending == b"1:ne"
    assert list(splitter.feed(b"xt\n2:r\n")) == [b"1:next", b"2:r"]
    out = list(splitter.feed(b"0123456789ABCDEF\n3:c\n"))
    assert isinstance(out[0], ProtocolError) and out[1:] == [b"3:c"]


def test_wireless_receiver_codes_and_held_keys():
    now = [100.0]
    decoder = ReceiverDecoder(KeyMap.from_json({"receiver": {"A1B2C": 4}}), 0.6, lambda: now[0])
    first = decoder.decode(b"A1B2C1")
    assert (first.counter, first.action, first.source) == (4, "next", "receiver")
    now[0] += 0.2
    assert decoder.decode(b"a1b2c1") is None  # the key is still held: same press
    now[0] += 1.0
    assert decoder.decode(b"A1B2C8").action == "complete"
    with pytest.raises(ProtocolError, match="unknown transmitter"):
        decoder.decode(b"FFFFF1")
    with pytest.raises(ProtocolError, match="unknown key code"):
        decoder.decode(b"A1B2C3")


def test_led_lines():
    assert led_show(3, "a012") == b"3:show:A012\n"
    assert led_show(3, "") == b"3:show:\n"
    assert led_error(3, "paused") == b"3:error:paused\n"
    assert parse_led_line(b"3:show:A012\n") == (3, "show", "A012")
    with pytest.raises(ProtocolError):
        led_show(3, "Ắ1")


def test_registry_refuses_unknown_schemes_clearly():
    assert type(link_from_url("serial:/dev/ttyUSB0?baudrate=9600")).__name__ == "SerialLink"
    assert type(link_from_url("loop://")).__name__ == "LoopLink"
    assert type(link_from_url("evdev:/dev/input/event3")).__name__ == "EvdevLink"
    assert (
        type(link_from_url("mqtt://127.0.0.1:1883/hcc/counter/1/display?retain=1")).__name__
        == "MqttLink"
    )
    with pytest.raises(
        HardwareConfigError, match=r"unknown device URL scheme 'bluetooth'.*serial:"
    ):
        link_from_url("bluetooth:AA:BB")
    with pytest.raises(HardwareConfigError, match="baudrate"):
        link_from_url("serial:/dev/ttyUSB0?baudrate=123")
    with pytest.raises(HardwareConfigError, match="unknown option"):
        link_from_url("serial:/dev/ttyUSB0?parity=E")
    with pytest.raises(HardwareConfigError):
        link_from_url("")


def test_dummy_records_exact_bytes_and_led_board_catches_up():
    link = DummyLink()
    board = LedBoard(link)
    assert board.show(3, "A012") and board.error(3, "refused")
    assert bytes(link.output) == b"3:show:A012\n3:error:refused\n"
    faults, oks = [], []
    board = LedBoard(link, on_fault=lambda k, m: faults.append(k), on_ok=lambda: oks.append(1))
    board.show(3, "A001")
    board.show(4, "B002")
    link.unplug()
    assert board.show(3, "A002") is False and faults == ["offline"]
    assert board.show(3, "A003") is False and faults == ["offline"]  # reported once
    link.unplugged = False
    link.writes.clear()
    assert board.show(4, "B003")
    # back: what it missed (counter 3's latest code), then the new line
    assert link.writes == [b"3:show:A003\n", b"4:show:B003\n"] and oks == [1]


def test_loop_url_reads_back_what_it_wrote():
    link = link_from_url("loop://").open()
    link.write(b"2:next:loop-1\n")
    assert wait_for(lambda: link.read(0.2), what="loopback bytes") == b"2:next:loop-1\n"
    link.close()


def test_serial_pty_pair_presses_garbage_and_unplug(pty_pair):
    device, port = pty_pair()
    presses, faults, oks = [], [], []
    box = InputDevice(
        f"serial:{port}",
        KeyMap(),
        name="box",
        on_press=presses.append,
        on_fault=lambda kind, message: faults.append(kind),
        on_ok=lambda: oks.append(1),
        reopen_seconds=0.1,
    )
    box.link.open()  # opening a port flushes what was sent before: open, then press
    stop = threading.Event()
    thread = threading.Thread(target=box.run, args=(stop,), daemon=True)
    thread.start()
    try:
        os.write(device, b"1:next:p-1\n1:ne")  # a press, then half a line
        wait_for(lambda: len(presses) == 1, what="first press")
        os.write(device, b"xt:p-2\n")
        wait_for(lambda: len(presses) == 2, what="the half line completed")
        os.write(device, b"\x00\xff garbage\n1:dance:p-3\n")
        wait_for(lambda: faults == ["garbage"], what="garbage reported once")
        os.write(device, b"1:recall:p-4\n")
        wait_for(lambda: len(presses) == 3 and oks == [1], what="recovery")
        assert [(p.action, p.press_id) for p in presses] == [
            ("next", "p-1"),
            ("next", "p-2"),
            ("recall", "p-4"),
        ]
        os.close(device)  # the cable is pulled: the port hangs up
        wait_for(lambda: faults[-1:] == ["offline"], what="unplug noticed")
        assert faults.count("offline") == 1
    finally:
        stop.set()
        thread.join(5)


def test_a_half_line_that_never_ends_is_garbage(pty_pair):
    device, port = pty_pair()
    faults = []
    clock = [0.0]
    box = InputDevice(
        f"serial:{port}",
        name="box",
        on_fault=lambda k, m: faults.append((k, m)),
        clock=lambda: clock[0],
    )
    box.link.open()
    os.write(device, b"4:nex")
    assert box.poll(1.0) == []
    clock[0] += 5
    assert box.poll(0.1) == []
    assert faults and faults[0][0] == "garbage" and "half line" in faults[0][1]
    box.link.close()


def _uinput_keypad():
    try:
        import evdev

        return evdev.UInput(
            {evdev.ecodes.EV_KEY: [evdev.ecodes.KEY_F1, evdev.ecodes.KEY_F2]},
            name="qms-test-keypad",
        )
    except Exception:  # no /dev/uinput in this kernel or container
        return None


def test_hid_keypad_through_evdev(tmp_path):
    keymap = KeyMap.from_json({"keys": {"KEY_F1": "next", "KEY_F2": "recall"}}, counter=2)
    presses = []
    ui = _uinput_keypad()
    if ui is not None:  # a real kernel device, read as a USB keypad would be
        with ui:
            time.sleep(0.2)
            box = InputDevice(f"evdev:{ui.device.path}", keymap, "hid", on_press=presses.append)
            box.link.open()
            import evdev

            for code in (evdev.ecodes.KEY_F1, evdev.ecodes.KEY_F2):
                ui.write(evdev.ecodes.EV_KEY, code, 1)
                ui.write(evdev.ecodes.EV_KEY, code, 0)
                ui.syn()
            wait_for(lambda: box.poll(0.2) is not None and len(presses) == 2, what="uinput keys")
            box.link.close()
        ran = "uinput"
    else:  # the same reader over a recorded stream of kernel input_event records
        recording = tmp_path / "keypad.events"
        recording.write_bytes(record(["KEY_F1", "KEY_A", "KEY_F2"]) + b"\x01\x02")  # torn tail
        box = InputDevice(f"evdev-replay:{recording}", keymap, "hid", on_press=presses.append)
        for _ in range(6):
            box.poll(0.01)
        ran = "replay"
    print(f"evdev path that ran: {ran}")
    assert [(p.counter, p.action, p.source) for p in presses] == [
        (2, "next", "hid"),
        (2, "recall", "hid"),
    ]
    assert isinstance(box.link, EvdevReplayLink) == (ran == "replay")


def test_mqtt_bus_round_trip(mqtt_url):
    from hardware.mqtt import MqttBus, parse_button_payload, parse_rating_payload

    prefix = f"test{os.getpid()}{int(time.time() * 1000) % 100000}"
    got = []
    bus = MqttBus(mqtt_url, prefix, on_message=lambda c, leaf, p: got.append((c, leaf, p)))
    device = link_from_url(f"{mqtt_url}/{prefix}/counter/3/display")
    assert bus.start(wait=5)
    try:
        device.open()
        bus.publish_display(3, "A012")
        assert wait_for(lambda: device.read(0.2), what="retained display") == b"A012\n"
        press = link_from_url(f"{mqtt_url}/{prefix}/counter/3/button").open()
        press.write(b'{"action": "next", "id": "mq-1"}')
        wait_for(lambda: got, what="button message")
        assert got[0][:2] == (3, "button")
        assert parse_button_payload(got[0][2]) == ("next", "mq-1")
        press.close()
    finally:
        device.close()
        bus.client.publish(f"{prefix}/counter/3/display", b"", retain=True)  # clear the retained
        bus.stop()
    assert parse_button_payload(b"recall")[0] == "recall"
    assert parse_rating_payload(b'{"score": 3, "id": "r1"}') == (3, "r1")
    for bad in (b'{"action": "dance"}', b"\xff", b"[1]", b'{"score": 7}'):
        with pytest.raises(ProtocolError):
            (parse_rating_payload if b"score" in bad else parse_button_payload)(bad)

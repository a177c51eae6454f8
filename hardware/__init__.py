"""hardware -- counter devices: call-button boxes, LED counter boards, rating pads.

A plain library (no web framework, no application imports), in the shape of
:mod:`printer_drivers`::

    line protocol (protocol.py) --InputDevice/LedBoard (devices.py)--> Link (transports/)
    MQTT topic contract (mqtt.py: MqttBus)

* links by URL: ``serial:/dev/ttyUSB0``, ``loop://``, ``evdev:/dev/input/…``,
  ``evdev-replay:/file``, ``mqtt://host/topic``, ``dummy``; an unknown scheme is refused;
* one exception tree (:mod:`.exceptions`); the application turns faults into device states.

Quick start::

    from hardware import InputDevice, KeyMap
    box = InputDevice("serial:/dev/ttyUSB0", KeyMap(), on_press=print)
    box.run(stop_event)
"""

from .devices import FRAMINGS, FaultTracker, InputDevice, LedBoard
from .exceptions import HardwareConfigError, HardwareConnectionError, HardwareError, ProtocolError
from .protocol import (
    ACTIONS,
    LED_ERRORS,
    SCORES,
    KeyMap,
    LineSplitter,
    Press,
    ReceiverDecoder,
    led_error,
    led_show,
    new_press_id,
    parse_led_line,
    parse_line,
)
from .transports import DummyLink, Link, link_from_url, parse_url, register_link

__all__ = [
    "ACTIONS",
    "FRAMINGS",
    "LED_ERRORS",
    "SCORES",
    "DummyLink",
    "FaultTracker",
    "HardwareConfigError",
    "HardwareConnectionError",
    "HardwareError",
    "InputDevice",
    "KeyMap",
    "LedBoard",
    "LineSplitter",
    "Link",
    "Press",
    "ProtocolError",
    "ReceiverDecoder",
    "led_error",
    "led_show",
    "link_from_url",
    "new_press_id",
    "parse_led_line",
    "parse_line",
    "parse_url",
    "register_link",
]

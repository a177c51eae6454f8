"""Links: how bytes reach a counter device, chosen by URL.

==============================================  ===========================================
URL                                             link
==============================================  ===========================================
``serial:/dev/ttyUSB0?baudrate=9600&rs485=1``   :class:`SerialLink` (pyserial; RS-232/485)
``loop://``                                     :class:`LoopLink` (pyserial loopback)
``evdev:/dev/input/by-id/…-event-kbd``          :class:`EvdevLink` (USB HID keypad)
``evdev-replay:/path/recording``                :class:`EvdevReplayLink` (recorded events)
``mqtt://host:1883/hcc/counter/3/display``      :class:`MqttLink` (one MQTT topic)
``dummy``                                       :class:`DummyLink` (in memory, for tests)
==============================================  ===========================================

An unknown scheme is refused with the list of supported ones (:func:`link_from_url`), so a
typo in the admin or on the command line fails at start-up, not at the first press.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from ..exceptions import HardwareConfigError
from .base import Link, ParsedUrl
from .dummy import DummyLink
from .evdev_link import EvdevLink, EvdevReplayLink
from .mqtt_link import MqttLink
from .serial_link import LoopLink, SerialLink

#: URL scheme -> link class
LINKS: dict[str, type[Link]] = {}
EXAMPLES = {
    "serial": "serial:/dev/ttyUSB0?baudrate=9600",
    "loop": "loop://",
    "evdev": "evdev:/dev/input/by-id/usb-KEYPAD-event-kbd",
    "evdev-replay": "evdev-replay:/path/recording",
    "mqtt": "mqtt://127.0.0.1:1883/hcc/counter/3/display",
    "dummy": "dummy",
}


def register_link(cls: type[Link]) -> type[Link]:
    """Register a :class:`Link` subclass under its ``scheme`` (usable as a decorator)."""
    if not cls.scheme or not re.fullmatch(r"[a-z][a-z0-9+.-]*", cls.scheme):
        raise HardwareConfigError(f"invalid link scheme {cls.scheme!r}")
    LINKS[cls.scheme] = cls
    return cls


for _cls in (SerialLink, LoopLink, EvdevLink, EvdevReplayLink, MqttLink, DummyLink):
    register_link(_cls)


def supported() -> str:
    return ", ".join(EXAMPLES.get(s, f"{s}:…") for s in LINKS)


def parse_url(url: str) -> ParsedUrl:
    """:raises HardwareConfigError: empty URL, unknown scheme, bad query string"""
    if not isinstance(url, str) or not url.strip():
        raise HardwareConfigError(f"empty device URL; supported: {supported()}")
    url = url.strip()
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep and scheme != "dummy":
        raise HardwareConfigError(f"device URL {url!r} has no scheme; supported: {supported()}")
    if scheme not in LINKS:
        raise HardwareConfigError(
            f"unknown device URL scheme {scheme!r} in {url!r}; supported: {supported()}"
        )
    target, _, query = rest.partition("?")
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise HardwareConfigError(f"{url}: malformed query string {query!r}") from None
    return ParsedUrl(url=url, scheme=scheme, target=target, options=options)


def link_from_url(url: str) -> Link:
    """The link for ``url``, not yet opened (validates the URL only).

    :raises HardwareConfigError: malformed URL or unknown scheme (the message lists the
        supported ones)
    """
    parsed = parse_url(url)
    return LINKS[parsed.scheme].from_url(parsed)


__all__ = [
    "LINKS",
    "DummyLink",
    "EvdevLink",
    "EvdevReplayLink",
    "Link",
    "LoopLink",
    "MqttLink",
    "ParsedUrl",
    "SerialLink",
    "link_from_url",
    "parse_url",
    "register_link",
]

"""USB printer-class devices through pyusb (libusb): ``usb:VID:PID``."""

from __future__ import annotations

import contextlib
import re

from ..exceptions import (
    PrinterConfigError,
    PrinterConnectionError,
    PrinterTimeoutError,
    PrinterUnsupportedError,
)
from .base import ParsedUrl, Transport, float_option, int_option, reject_unknown


class UsbTransport(Transport):
    """USB printer-class device driven with pyusb (libusb).

    URL: ``usb:VID:PID[?interface=0&out_ep=0x01&in_ep=0x81&timeout=5]`` with hexadecimal
    ids (``0x`` prefix optional).  Endpoints are discovered from the interface when not
    given.  Needs ``pip install pyusb`` and access rights to the device (udev rule).

    :param vendor_id: USB vendor id
    :param product_id: USB product id
    :param interface: interface number to claim
    :param out_ep: bulk OUT endpoint address (default: discovered)
    :param in_ep: bulk IN endpoint address (default: discovered; none = no status)
    :param timeout: seconds allowed for each write
    :param url: the URL the transport was created from
    """

    scheme = "usb"
    can_read = True

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        interface: int = 0,
        out_ep: int | None = None,
        in_ep: int | None = None,
        timeout: float = 5.0,
        url: str = "",
    ) -> None:
        super().__init__(url or f"usb:{vendor_id:04x}:{product_id:04x}")
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.interface = interface
        self.out_ep = out_ep
        self.in_ep = in_ep
        self.timeout = timeout
        self._device = None
        self._out = None
        self._in = None

    @classmethod
    def from_url(cls, parsed: ParsedUrl) -> UsbTransport:
        """Create from ``usb:VID:PID[?interface=0&out_ep=0x01&in_ep=0x81&timeout=5]``."""
        reject_unknown(parsed, {"interface", "out_ep", "in_ep", "timeout"})
        m = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", parsed.target)
        if not m:
            raise PrinterConfigError(
                f"{parsed.url}: expected usb:VID:PID in hexadecimal, e.g. usb:0416:5011"
            )
        return cls(
            int(m.group(1), 16),
            int(m.group(2), 16),
            interface=int_option(parsed, "interface", 0) or 0,
            out_ep=int_option(parsed, "out_ep", None, base=0),
            in_ep=int_option(parsed, "in_ep", None, base=0),
            timeout=float_option(parsed, "timeout", 5.0),
            url=parsed.url,
        )

    @staticmethod
    def _modules():  # type: ignore[no-untyped-def]
        try:
            import usb.core
            import usb.util
        except ImportError:
            raise PrinterConfigError("usb: transport needs pyusb: pip install pyusb") from None
        return usb.core, usb.util

    def _open(self) -> None:
        core, util = self._modules()
        try:
            dev = core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        except Exception as exc:  # NoBackendError and friends
            raise PrinterConnectionError(f"{self.url}: libusb unavailable: {exc}") from exc
        if dev is None:
            raise PrinterConnectionError(f"{self.url}: device not found (unplugged?)")
        try:
            try:
                if dev.is_kernel_driver_active(self.interface):
                    dev.detach_kernel_driver(self.interface)
            except (NotImplementedError, core.USBError):
                pass
            with contextlib.suppress(core.USBError):  # already configured (busy) is fine
                dev.set_configuration()
            intf = dev.get_active_configuration()[(self.interface, 0)]
            self._out = self._endpoint(util, intf, self.out_ep, util.ENDPOINT_OUT)
            self._in = self._endpoint(util, intf, self.in_ep, util.ENDPOINT_IN)
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc
        if self._out is None:
            raise PrinterConnectionError(f"{self.url}: no bulk OUT endpoint found")
        self._device = dev

    @staticmethod
    def _endpoint(util, intf, address, direction):  # type: ignore[no-untyped-def]
        def match(ep) -> bool:  # type: ignore[no-untyped-def]
            if address is not None:
                return ep.bEndpointAddress == address
            return util.endpoint_direction(ep.bEndpointAddress) == direction

        return util.find_descriptor(intf, custom_match=match)

    def _write(self, data: bytes) -> None:
        core, _ = self._modules()
        try:
            self._out.write(data, timeout=int(self.timeout * 1000))
        except core.USBTimeoutError as exc:
            raise PrinterTimeoutError(f"{self.url}: write timed out") from exc
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _read(self, n: int, timeout: float) -> bytes:
        core, _ = self._modules()
        if self._in is None:
            raise PrinterUnsupportedError(f"{self.url}: device has no IN endpoint")
        try:
            return bytes(self._in.read(max(n, self._in.wMaxPacketSize), int(timeout * 1000)))[:n]
        except core.USBTimeoutError:
            return b""
        except core.USBError as exc:
            raise PrinterConnectionError(f"{self.url}: {exc}") from exc

    def _close(self) -> None:
        dev, self._device = self._device, None
        self._out = self._in = None
        if dev is not None:
            _, util = self._modules()
            with contextlib.suppress(Exception):  # best effort on a possibly unplugged device
                util.dispose_resources(dev)


__all__ = ["UsbTransport"]

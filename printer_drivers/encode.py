"""ESC/POS encoding: printer profiles and the byte stream of one ticket.

The stream built by :func:`encode_ticket` is deliberately minimal and byte-exact::

    ESC @                              1B 40            initialise (clears modes and buffer)
    GS v 0 m xL xH yL yH d1..dk        1D 76 30 00 ...  raster bit image, one per band
    ...                                                 (more bands)
    ESC d n                            1B 64 n          print and feed n lines
    GS V m                             1D 56 00|01      full (00) / partial (01) cut,
                                                        only when the profile has a cutter

Raster data is row-major, 1 bit per dot, most significant bit = leftmost dot,
``1`` = black (burn). ``x`` is the number of *bytes* per row (``width_dots / 8``, rounded
up) and ``y`` the number of rows of the band.

Banding
-------
Images taller than :attr:`PrinterProfile.band_rows` are sent as several consecutive
``GS v 0`` commands.  The default of 255 rows keeps ``yH == 0`` and each band at most
255 * 72 = 18 360 bytes (80 mm), which fits the receive buffer of cheap clone printers
that otherwise drop data or print garbage on a single 100 kB image; genuine printers print
consecutive bands without a visible seam.  Set ``band_rows`` higher (python-escpos uses
960) for printers known to have large buffers; ``0`` disables banding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image

from .exceptions import PrinterConfigError

ESC = b"\x1b"
GS = b"\x1d"
DLE = b"\x10"

INIT = ESC + b"@"
RASTER_HEADER = GS + b"v0"
FULL_CUT = GS + b"V\x00"
PARTIAL_CUT = GS + b"V\x01"

#: Maximum value of the 16-bit ``x``/``y`` fields of ``GS v 0``.
_MAX_16 = 0xFFFF
_INVERT = bytes(255 - i for i in range(256))


@dataclass(frozen=True)
class PrinterProfile:
    """Physical characteristics of a receipt printer.

    :param name: preset name, informative only
    :param width_dots: printable width in dots (576 for 80 mm, 384 for 58 mm at 203 dpi)
    :param has_cutter: send a ``GS V`` cut after the feed
    :param cut: ``"partial"`` (leaves a hinge, ticket does not fall) or ``"full"``
    :param feed_lines_before_cut: lines fed (``ESC d n``) after the image, so the end of
        the ticket passes the cutter / tear bar (0..255)
    :param band_rows: maximum rows per ``GS v 0`` command; ``0`` = never split
    :param dpi: resolution, informative (used by nobody but humans)
    """

    name: str = "custom"
    width_dots: int = 576
    has_cutter: bool = True
    cut: str = "partial"
    feed_lines_before_cut: int = 4
    band_rows: int = 255
    dpi: int = 203

    def __post_init__(self) -> None:
        if not isinstance(self.width_dots, int) or not 8 <= self.width_dots <= 8 * 255:
            raise PrinterConfigError(
                f"width_dots must be an int in 8..2040, got {self.width_dots!r}"
            )
        if self.cut not in ("partial", "full"):
            raise PrinterConfigError(f"cut must be 'partial' or 'full', got {self.cut!r}")
        if not 0 <= self.feed_lines_before_cut <= 255:
            raise PrinterConfigError("feed_lines_before_cut must be in 0..255")
        if self.band_rows < 0 or self.band_rows > _MAX_16:
            raise PrinterConfigError("band_rows must be in 0..65535")

    @property
    def bytes_per_row(self) -> int:
        """Raster bytes per row (``xL + 256 * xH``)."""
        return (self.width_dots + 7) // 8

    def with_(self, **changes: object) -> PrinterProfile:
        """Return a copy with some fields changed, e.g. ``PROFILES["80mm"].with_(cut="full")``."""
        return replace(self, **changes)  # type: ignore[arg-type]


#: Named presets.  Both default profiles assume an auto-cutter (kiosk printers);
#: the ``-nocut`` variants feed a little more paper for a tear bar instead.
PROFILES: dict[str, PrinterProfile] = {
    "80mm": PrinterProfile(name="80mm", width_dots=576),
    "58mm": PrinterProfile(name="58mm", width_dots=384),
    "80mm-nocut": PrinterProfile(
        name="80mm-nocut", width_dots=576, has_cutter=False, feed_lines_before_cut=5
    ),
    "58mm-nocut": PrinterProfile(
        name="58mm-nocut", width_dots=384, has_cutter=False, feed_lines_before_cut=5
    ),
}


def get_profile(profile: str | PrinterProfile) -> PrinterProfile:
    """Resolve a preset name (``"80mm"``, ``"58mm"``...) or pass a profile through.

    :raises PrinterConfigError: unknown preset name
    """
    if isinstance(profile, PrinterProfile):
        return profile
    try:
        return PROFILES[profile]
    except (KeyError, TypeError):
        names = ", ".join(sorted(PROFILES))
        raise PrinterConfigError(f"unknown printer profile {profile!r}; known: {names}") from None


def to_raster(image: Image.Image) -> tuple[int, int, bytes]:
    """Convert an image to ESC/POS raster rows.

    Non-1-bit images are thresholded at 50 % (no dithering).  The width is padded with
    white to a multiple of 8 dots.

    :returns: ``(bytes_per_row, rows, data)`` with ``1`` bits = black
    """
    if image.mode != "1":
        image = image.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")
    if image.width % 8:
        padded = Image.new("1", ((image.width + 7) // 8 * 8, image.height), 1)
        padded.paste(image, (0, 0))
        image = padded
    # PIL packs mode "1" MSB-first with 1 = white; ESC/POS wants 1 = black.
    return image.width // 8, image.height, image.tobytes().translate(_INVERT)


def raster_command(bytes_per_row: int, rows: int, data: bytes) -> bytes:
    """Build one ``GS v 0`` command (normal density, ``m = 0``)."""
    if not (0 < bytes_per_row <= _MAX_16 and 0 < rows <= _MAX_16):
        raise PrinterConfigError(f"raster of {bytes_per_row}x{rows} bytes cannot be encoded")
    if len(data) != bytes_per_row * rows:
        raise ValueError("raster data length does not match its header")
    header = RASTER_HEADER + bytes(
        (0, bytes_per_row & 0xFF, bytes_per_row >> 8, rows & 0xFF, rows >> 8)
    )
    return header + data


def encode_image(image: Image.Image, band_rows: int = 255) -> bytes:
    """Encode an image as one or more ``GS v 0`` commands of at most ``band_rows`` rows.

    The raster goes through python-escpos (``bitImageRaster``); :func:`encode_image_direct`
    builds the same bytes by hand and the tests hold the two to each other.
    """
    from escpos.printer import Dummy

    if image.height == 0:
        return b""
    mono = (
        image
        if image.mode == "1"
        else image.convert("L").point(lambda v: 255 if v >= 128 else 0, "1")
    )
    step = band_rows if band_rows > 0 else mono.height
    printer = Dummy()
    # the profile's paper width: without it python-escpos warns on every image
    printer.profile.profile_data.setdefault("media", {}).setdefault("width", {})["pixels"] = (
        mono.width
    )
    printer.image(mono, impl="bitImageRaster", fragment_height=min(step, _MAX_16), center=False)
    return printer.output


def encode_image_direct(image: Image.Image, band_rows: int = 255) -> bytes:
    """The ``GS v 0`` bands built without python-escpos (reference for tests)."""
    width_bytes, rows, data = to_raster(image)
    if rows == 0:
        return b""
    step = band_rows if band_rows > 0 else rows
    step = min(step, _MAX_16)
    out = bytearray()
    row_len = width_bytes
    for start in range(0, rows, step):
        n = min(step, rows - start)
        out += raster_command(width_bytes, n, data[start * row_len : (start + n) * row_len])
    return bytes(out)


def finish_commands(profile: str | PrinterProfile) -> bytes:
    """Feed + optional cut bytes that terminate a ticket for ``profile``."""
    prof = get_profile(profile)
    out = ESC + b"d" + bytes((prof.feed_lines_before_cut,))
    if prof.has_cutter:
        out += PARTIAL_CUT if prof.cut == "partial" else FULL_CUT
    return out


def encode_ticket(image: Image.Image, profile: str | PrinterProfile = "80mm") -> bytes:
    """Build the complete ESC/POS job for a rendered ticket.

    ``ESC @`` + raster bands (``GS v 0``) + ``ESC d n`` + ``GS V m`` (if the profile has a
    cutter).  The result is deterministic: the same image and profile give the same bytes.

    :param image: the ticket, normally from :func:`~printer_drivers.layout.render_ticket`;
        mode ``"1"`` preferred, other modes are thresholded.  An image narrower than the
        profile is centred on the paper
    :param profile: preset name or :class:`PrinterProfile`
    :raises PrinterConfigError: image wider than the profile's printable width
    :returns: the bytes to send to the printer
    """
    prof = get_profile(profile)
    if image.width > prof.width_dots:
        raise PrinterConfigError(
            f"image is {image.width} dots wide but profile {prof.name!r} prints "
            f"{prof.width_dots} dots; render with width_dots={prof.width_dots}"
        )
    if image.width < prof.width_dots:
        canvas = Image.new(image.mode, (prof.width_dots, image.height), "white")
        canvas.paste(image, ((prof.width_dots - image.width) // 2, 0))
        image = canvas
    return INIT + encode_image(image, prof.band_rows) + finish_commands(prof)


__all__ = [
    "FULL_CUT",
    "INIT",
    "PARTIAL_CUT",
    "PROFILES",
    "PrinterProfile",
    "encode_image",
    "encode_image_direct",
    "encode_ticket",
    "finish_commands",
    "get_profile",
    "raster_command",
    "to_raster",
]

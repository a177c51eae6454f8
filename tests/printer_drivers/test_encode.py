"""Byte-exact ESC/POS stream tests, with an independent raster decoder."""

from __future__ import annotations

import pytest
from PIL import Image

from printer_drivers import (
    PROFILES,
    DummyTransport,
    PrinterConfigError,
    PrinterProfile,
    encode_ticket,
    print_ticket,
    render_ticket,
)

zxingcpp = pytest.importorskip("zxingcpp")

ESC_AT = b"\x1b\x40"
GS_V0 = b"\x1d\x76\x30"


def decode_stream(stream: bytes) -> tuple[Image.Image, bytes, list[tuple[int, int]]]:
    """Parse ``ESC @ (GS v 0 ...)+ tail`` -> (image, tail bytes, [(x bytes, rows)...]).

    Written independently of the encoder: 1 bits are black, MSB is the leftmost dot.
    """
    assert stream[:2] == ESC_AT
    pos = 2
    rows: list[bytes] = []
    bands: list[tuple[int, int]] = []
    width_bytes = None
    while stream[pos : pos + 3] == GS_V0:
        m, xl, xh, yl, yh = stream[pos + 3 : pos + 8]
        assert m == 0
        x, y = xl + 256 * xh, yl + 256 * yh
        if width_bytes is not None:
            assert x == width_bytes, "bands of different widths"
        width_bytes = x
        bands.append((x, y))
        pos += 8
        for _ in range(y):
            rows.append(stream[pos : pos + x])
            pos += x
    assert bands, "no GS v 0 raster command"
    assert width_bytes is not None
    img = Image.new("1", (width_bytes * 8, len(rows)), 1)
    px = img.load()
    for yy, row in enumerate(rows):
        assert len(row) == width_bytes, "truncated raster data"
        for xb, byte in enumerate(row):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    px[xb * 8 + bit, yy] = 0
    return img, stream[pos:], bands


def black_ratio(img: Image.Image) -> float:
    hist = img.convert("L").histogram()
    return hist[0] / (img.width * img.height)


def test_tiny_image_is_encoded_byte_exact() -> None:
    img = Image.new("1", (16, 3), 1)
    img.putpixel((0, 0), 0)  # row 0: 1000 0000 0000 0000
    img.putpixel((15, 1), 0)  # row 1: 0000 0000 0000 0001
    for x in range(8, 16):  # row 2: 0000 0000 1111 1111
        img.putpixel((x, 2), 0)
    profile = PrinterProfile(width_dots=16, feed_lines_before_cut=4, cut="partial")
    expected = (
        b"\x1b\x40"
        + b"\x1d\x76\x30\x00\x02\x00\x03\x00"
        + b"\x80\x00"
        + b"\x00\x01"
        + b"\x00\xff"
        + b"\x1b\x64\x04"
        + b"\x1d\x56\x01"
    )
    assert encode_ticket(img, profile) == expected


@pytest.mark.parametrize(
    ("cut", "has_cutter", "tail"),
    [
        ("partial", True, b"\x1b\x64\x05\x1d\x56\x01"),
        ("full", True, b"\x1b\x64\x05\x1d\x56\x00"),
        ("full", False, b"\x1b\x64\x05"),
    ],
)
def test_tail_follows_profile(cut: str, has_cutter: bool, tail: bytes) -> None:
    profile = PrinterProfile(width_dots=8, has_cutter=has_cutter, cut=cut, feed_lines_before_cut=5)
    stream = encode_ticket(Image.new("1", (8, 1), 1), profile)
    assert stream == b"\x1b\x40\x1d\x76\x30\x00\x01\x00\x01\x00\x00" + tail


def test_grey_image_is_thresholded_and_narrow_image_centred() -> None:
    img = Image.new("L", (8, 1), 255)
    img.putpixel((0, 0), 10)
    img.putpixel((1, 0), 200)
    stream = encode_ticket(img, PrinterProfile(width_dots=24))
    # 8-dot image centred in 24 dots: byte 0 and 2 blank, byte 1 = 1000 0000
    assert stream == (
        b"\x1b\x40"
        + b"\x1d\x76\x30\x00\x03\x00\x01\x00"
        + b"\x00\x80\x00"
        + b"\x1b\x64\x04\x1d\x56\x01"
    )


def test_image_wider_than_profile_is_rejected() -> None:
    with pytest.raises(PrinterConfigError, match="576"):
        encode_ticket(Image.new("1", (600, 10), 1), "80mm")


def test_tall_images_are_split_into_bands() -> None:
    img = Image.new("1", (576, 600), 1)
    img.putpixel((575, 599), 0)
    stream = encode_ticket(img, "80mm")
    decoded, tail, bands = decode_stream(stream)
    assert bands == [(72, 255), (72, 255), (72, 90)]
    assert decoded.getpixel((575, 599)) == 0
    assert decoded.getpixel((574, 599)) == 1  # white
    assert stream.count(GS_V0) == 3
    assert tail == b"\x1b\x64\x04\x1d\x56\x01"
    single = encode_ticket(img, PROFILES["80mm"].with_(band_rows=0))
    assert decode_stream(single)[2] == [(72, 600)]


@pytest.mark.parametrize(("name", "width", "row_bytes"), [("80mm", 576, 72), ("58mm", 384, 48)])
def test_ticket_stream_on_dummy_transport(
    ticket, track_url: str, name: str, width: int, row_bytes: int
) -> None:
    dummy = DummyTransport()
    job = print_ticket(dummy, ticket, name)
    image = render_ticket(ticket, width)

    assert bytes(dummy.output) == job  # write-only dummy: no status query, exact job
    assert dummy.closed == 1
    assert job.startswith(b"\x1b\x40\x1d\x76\x30\x00")
    first = job[2:10]
    assert first[4] + 256 * first[5] == row_bytes
    assert job.endswith(b"\x1b\x64\x04\x1d\x56\x01")

    decoded, tail, bands = decode_stream(job)
    assert tail == b"\x1b\x64\x04\x1d\x56\x01"
    assert all(x == row_bytes for x, _ in bands)
    assert all(0 < y <= 255 for _, y in bands)
    assert sum(y for _, y in bands) == image.height
    assert decoded.size == image.size
    assert decoded.tobytes() == image.tobytes()
    assert 0.04 < black_ratio(decoded) < 0.40

    # the QR code must decode from the bytes the printer would receive
    big = decoded.convert("L").resize((decoded.width * 2, decoded.height * 2), Image.NEAREST)
    padded = Image.new("L", (big.width + 80, big.height + 80), 255)
    padded.paste(big, (40, 40))
    texts = [r.text for r in zxingcpp.read_barcodes(padded)]
    assert texts == [track_url]


def test_encoding_is_deterministic(ticket) -> None:
    a = encode_ticket(render_ticket(ticket, 384), "58mm")
    b = encode_ticket(render_ticket(ticket, 384), "58mm")
    assert a == b


def test_blank_image_has_no_ink_bits() -> None:
    stream = encode_ticket(Image.new("1", (384, 10), 1), "58mm")
    decoded, _, _ = decode_stream(stream)
    assert black_ratio(decoded) == 0
    assert stream[10 : 10 + 480] == bytes(480)


@pytest.mark.parametrize("width", [384, 576, 100, 13, 8])
@pytest.mark.parametrize("band_rows", [255, 64, 0])
def test_python_escpos_raster_matches_the_reference_encoder(width, band_rows):
    """The raster goes through python-escpos; a hand-built encoder holds it to the spec."""
    import random

    from PIL import Image

    from printer_drivers.encode import encode_image, encode_image_direct

    rng = random.Random(width * 1000 + band_rows)
    image = Image.new("1", (width, 300), 1)
    pixels = image.load()
    for _ in range(width * 40):
        pixels[rng.randrange(width), rng.randrange(300)] = 0
    assert encode_image(image, band_rows) == encode_image_direct(image, band_rows)

"""Ticket layout: :class:`TicketData` -> 1-bit :class:`PIL.Image.Image`.

The ticket is drawn as a raster image (not with the printer's built-in fonts) because
thermal printers' code pages cannot print Vietnamese tone marks reliably.  Text is drawn
anti-aliased in mode ``"L"`` with Be Vietnam Pro and converted to mode ``"1"`` with a fixed
threshold (no dithering), which gives crisp, slightly bold strokes on thermal paper.

Content, top to bottom::

    TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG     centre name, bold, centred, wrapped
    XÃ TÂN KỲ                             locality
    ───────────────────────────
    SỐ THỨ TỰ
    A012                                  code, very large, fills most of the width
    Nông nghiệp – Môi trường              service, bold, wrapped (never cut)
    Quầy phục vụ: Quầy 1, Quầy 4
    ██ ƯU TIÊN: Người cao tuổi ██         only when a priority is set (inverted box)
    Thời gian: 05/03/2025 08:15:42
    Số người đang chờ trước quý vị: 3
    (estimated wait, note)
    ┌QR┐  + scan hint                      track_url, crisp modules, 4-module quiet zone
    - - - - - - - - - - - - - - -
    Trân trọng cảm ơn quý vị!
    Đường dây nóng: 0238 3xxx xxx

Everything is scaled from the paper width: 576 dots (80 mm) is the reference; text sizes
scale with the square root of the width so 58 mm tickets stay readable (they wrap more),
while the code and the QR code scale linearly.  Fonts and line wrapping live in
:mod:`printer_drivers.text`.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .exceptions import PrinterConfigError
from .text import FontSet, clean_text, load_font, resolve_fonts, text_width, wrap_text

#: Grey level (0..255) below which an anti-aliased pixel becomes black.  Slightly above
#: the midpoint so thin strokes survive on thermal paper; fixed so output is reproducible.
DEFAULT_THRESHOLD = 150

#: Reference width (80 mm paper at 203 dpi) for which the sizes below are designed.
REFERENCE_WIDTH = 576

# FreeType faces are shared through the caches below; serialise their use.
_RENDER_LOCK = threading.RLock()


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TicketLabels:
    """Fixed wording printed on the ticket (Vietnamese by default).

    Override to translate or to adapt to a centre's house style.  Labels printed as
    ``"label: value"`` move the value to its own line when both do not fit on one.
    """

    heading: str = "SỐ THỨ TỰ"
    counters: str = "Quầy phục vụ"
    priority: str = "ƯU TIÊN"
    issued_at: str = "Thời gian"
    ahead: str = "Số người đang chờ trước quý vị"
    estimated_wait: str = "Thời gian chờ dự kiến"
    scan_hint: str = "Quét mã QR để theo dõi lượt gọi số"
    hotline: str = "Đường dây nóng"
    datetime_format: str = "%d/%m/%Y %H:%M:%S"
    minutes: str = "phút"
    hours: str = "giờ"
    about: str = "khoảng"
    under_one_minute: str = "dưới 1 phút"


@dataclass(frozen=True)
class TicketData:
    """Everything printed on one queue ticket.

    :param centre_name: e.g. ``"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"``
    :param code: ticket number, e.g. ``"A012"``
    :param service_name: e.g. ``"Nông nghiệp – Môi trường"`` (wrapped, never cut)
    :param issued_at: issue time, already in local time (printed as is)
    :param ahead: number of people waiting before this ticket (>= 0)
    :param track_url: URL encoded in the QR code
    :param centre_locality: second header line, e.g. ``"XÃ TÂN KỲ"``
    :param counters: e.g. ``"Quầy 1, Quầy 4"``; omitted when empty
    :param priority_label: e.g. ``"Người cao tuổi"``; ``None`` = no priority box
    :param thank_you: closing line
    :param hotline: phone number; omitted when empty
    :param estimated_wait_minutes: optional estimate, omitted when ``None``
    :param note: optional extra line (e.g. "Vui lòng mang theo CCCD")
    """

    centre_name: str
    code: str
    service_name: str
    issued_at: datetime
    ahead: int
    track_url: str
    centre_locality: str = ""
    counters: str = ""
    priority_label: str | None = None
    thank_you: str = "Trân trọng cảm ơn quý vị!"
    hotline: str = ""
    estimated_wait_minutes: int | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.code or not self.code.strip():
            raise PrinterConfigError("TicketData.code must not be empty")
        if not isinstance(self.ahead, int) or isinstance(self.ahead, bool) or self.ahead < 0:
            raise PrinterConfigError(f"TicketData.ahead must be an int >= 0, got {self.ahead!r}")
        if not self.track_url:
            raise PrinterConfigError("TicketData.track_url must not be empty")
        if not isinstance(self.issued_at, datetime):
            raise PrinterConfigError("TicketData.issued_at must be a datetime")
        if self.estimated_wait_minutes is not None and self.estimated_wait_minutes < 0:
            raise PrinterConfigError("TicketData.estimated_wait_minutes must be >= 0")


# --------------------------------------------------------------------------- blocks


@dataclass
class _Block:
    image: Image.Image  # mode "L", width == content width
    gap_before: int


@dataclass
class _Layout:
    width: int
    margin: int
    scale: float  # text scale
    fonts: FontSet
    blocks: list[_Block] = field(default_factory=list)

    @property
    def content_w(self) -> int:
        return self.width - 2 * self.margin

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def font(self, weight: str, size: float) -> ImageFont.FreeTypeFont:
        return load_font(getattr(self.fonts, weight), self.px(size))

    def add(self, image: Image.Image, gap: float) -> None:
        self.blocks.append(_Block(image, self.px(gap) if gap else 0))

    def text(
        self,
        text: str,
        weight: str,
        size: float,
        gap: float = 0,
        *,
        line_spacing: float = 1.12,
        inverted: bool = False,
        pad: int = 0,
    ) -> None:
        font = self.font(weight, size)
        max_w = self.content_w - 2 * pad
        lines = wrap_text(clean_text(text), font, max_w)
        if lines:
            block = _text_block(tuple(lines), font, self.content_w, line_spacing, inverted, pad)
            self.add(block, gap)

    def pair(
        self, label: str, value: str, weight: str, size: float, gap: float = 0, shrink: bool = False
    ) -> None:
        """``"label: value"`` on one line (with ``shrink``, the type may get up to 10 %
        smaller to achieve that), or label and value on separate lines."""
        label, value = clean_text(label), clean_text(value)
        text = f"{label}: {value}" if label else value
        font = self.font(weight, size)
        for factor in (1.0, 0.95, 0.9) if shrink else ():
            candidate = self.font(weight, size * factor)
            if text_width(candidate, text) <= self.content_w:
                font = candidate
                break
        if text_width(font, text) <= self.content_w or not label:
            lines = wrap_text(text, font, self.content_w)
        else:
            lines = wrap_text(f"{label}:", font, self.content_w)
            lines += wrap_text(value, font, self.content_w)
        self.add(_text_block(tuple(lines), font, self.content_w, 1.12, False, 0), gap)


@lru_cache(maxsize=256)
def _text_block(
    lines: tuple[str, ...],
    font: ImageFont.FreeTypeFont,
    width: int,
    line_spacing: float,
    inverted: bool,
    pad: int,
) -> Image.Image:
    ascent, descent = font.getmetrics()
    pitch = round((ascent + descent) * line_spacing)
    baselines = [ascent + i * pitch for i in range(len(lines))]
    boxes = [font.getbbox(line, anchor="ls") for line in lines]
    # Metrics give a steady rhythm; grow only if ink (stacked marks like "Ẫ") pokes out.
    pairs = list(zip(baselines, boxes, strict=True))
    top = min(0, *(b + box[1] for b, box in pairs))
    bottom = max(baselines[-1] + descent, *(b + box[3] for b, box in pairs))
    height = bottom - top + 2 * pad
    fg, bg = (255, 0) if inverted else (0, 255)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    if inverted:
        radius = max(4, pad // 2)
        draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=bg)
    for line, baseline in zip(lines, baselines, strict=True):
        x = (width - text_width(font, line)) / 2
        draw.text((x, baseline - top + pad), line, font=font, fill=fg, anchor="ls")
    return img


@lru_cache(maxsize=64)
def _code_block(code: str, path: Path, max_w: int, max_h: int) -> Image.Image:
    """The ticket number as large as fits ``max_w`` x ``max_h`` (tight ink box)."""

    def ink(size: int) -> tuple[int, int, int, int]:
        return load_font(path, size).getbbox(code, anchor="ls")

    # Ink size is proportional to the font size: estimate from one measurement, then
    # step down until it really fits (usually zero or one step).
    ref = 100
    left, top, right, bottom = ink(ref)
    size = max(8, int(ref * min(max_w / max(1, right - left), max_h / max(1, bottom - top))))
    while size > 8:
        left, top, right, bottom = ink(size)
        if right - left <= max_w and bottom - top <= max_h:
            break
        size -= 1
    font = load_font(path, size)
    left, top, right, bottom = ink(size)
    img = Image.new("L", (max_w, bottom - top), 255)
    x = (max_w - (right - left)) / 2 - left
    ImageDraw.Draw(img).text((x, -top), code, font=font, fill=0, anchor="ls")
    return img


def _qr_image(url: str, max_side: int, min_module: int = 2) -> Image.Image:
    """QR code with a 4-module quiet zone, integer module size, pure black/white."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = max_side // n
    if module < min_module:
        raise PrinterConfigError(
            f"track_url is too long for a scannable QR code on this paper ({n} modules)"
        )
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)


def _rule(width: int, thickness: int, dash: int = 0) -> Image.Image:
    img = Image.new("L", (width, thickness), 255)
    draw = ImageDraw.Draw(img)
    if dash:
        for x in range(0, width, 2 * dash):
            draw.rectangle((x, 0, min(width, x + dash) - 1, thickness - 1), fill=0)
    else:
        draw.rectangle((0, 0, width - 1, thickness - 1), fill=0)
    return img


def _format_wait(minutes: int, labels: TicketLabels) -> str:
    if minutes < 1:
        return labels.under_one_minute
    if minutes < 60:
        return f"{labels.about} {minutes} {labels.minutes}"
    hours, rest = divmod(minutes, 60)
    tail = f" {rest} {labels.minutes}" if rest else ""
    return f"{labels.about} {hours} {labels.hours}{tail}"


# --------------------------------------------------------------------------- public


def ticket_margin(width_dots: int) -> int:
    """Left/right (and top) blank margin, in dots, used for a given paper width."""
    return max(12, round(width_dots / 24))


def render_ticket(
    data: TicketData,
    width_dots: int = 576,
    *,
    font_path: str | Path | FontSet | None = None,
    labels: TicketLabels | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> Image.Image:
    """Render a queue ticket as a 1-bit image ready for ESC/POS raster printing.

    :param data: the ticket content
    :param width_dots: printable width in dots: 576 (80 mm), 384 (58 mm) or any value
        from 200 up
    :param font_path: a ``.ttf`` file used for every weight, a directory of
        ``BeVietnamPro-*.ttf`` files or a :class:`FontSet`; default: the
        ``fontpkg-be-vietnam-pro`` package
    :param labels: fixed wording, default Vietnamese :class:`TicketLabels`
    :param threshold: grey level below which pixels become black (1..254)
    :raises PrinterConfigError: bad width, missing font, URL too long for a QR code
    :returns: image of mode ``"1"``, exactly ``width_dots`` wide, as tall as needed;
        nothing is drawn in the left/right :func:`ticket_margin`
    """
    if not isinstance(width_dots, int) or width_dots < 200:
        raise PrinterConfigError(f"width_dots must be an int >= 200, got {width_dots!r}")
    if not 0 < threshold < 255:
        raise PrinterConfigError("threshold must be in 1..254")
    labels = labels or TicketLabels()
    with _RENDER_LOCK:
        return _render(data, width_dots, resolve_fonts(font_path), labels, threshold)


def clear_caches() -> None:
    """Drop memoised text measurements and rendered blocks (fonts stay loaded)."""
    for cached in (text_width, _text_block, _code_block):
        cached.cache_clear()


def _render(
    data: TicketData, width_dots: int, fonts: FontSet, labels: TicketLabels, threshold: int
) -> Image.Image:
    lay = _Layout(
        width=width_dots,
        margin=ticket_margin(width_dots),
        scale=math.sqrt(width_dots / REFERENCE_WIDTH),
        fonts=fonts,
    )
    cw = lay.content_w

    # Header
    lay.text(data.centre_name, "bold", 25, line_spacing=1.08)
    if data.centre_locality:
        lay.text(data.centre_locality, "black", 30, gap=4)
    lay.add(_rule(cw, lay.px(3)), gap=16)

    # Number
    lay.text(labels.heading, "semibold", 30, gap=14)
    code_w = round(cw * 0.86)
    code_h = round(width_dots * 0.33)
    lay.add(_code_block(clean_text(data.code), lay.fonts.black, code_w, code_h), gap=14)

    # Service and counters
    lay.text(data.service_name, "bold", 36, gap=20, line_spacing=1.05)
    if data.counters:
        lay.pair(labels.counters, data.counters, "medium", 27, gap=8)
    if data.priority_label:
        pad = lay.px(12)
        text = f"{labels.priority}: {data.priority_label}"
        lay.text(text, "bold", 28, gap=16, inverted=True, pad=pad)

    # Waiting information
    lay.add(_rule(cw, lay.px(2), dash=lay.px(8)), gap=18)
    when = data.issued_at.strftime(labels.datetime_format)
    lay.pair(labels.issued_at, when, "regular", 24, gap=14)
    lay.pair(labels.ahead, str(data.ahead), "bold", 27, gap=6, shrink=True)
    if data.estimated_wait_minutes is not None:
        duration = _format_wait(data.estimated_wait_minutes, labels)
        lay.pair(labels.estimated_wait, duration, "regular", 24, gap=6)
    if data.note:
        lay.text(data.note, "medium", 23, gap=8)

    # QR code
    # ~30 mm at 203 dpi whatever the paper, so phones focus easily; integer modules.
    qr_side = min(cw, max(round(width_dots * 0.45), 232))
    qr = _qr_image(data.track_url, qr_side)
    block = Image.new("L", (cw, qr.height), 255)
    block.paste(qr, ((cw - qr.width) // 2, 0))
    lay.add(block, gap=10)
    lay.text(labels.scan_hint, "regular", 21, gap=0)

    # Footer
    lay.add(_rule(cw, lay.px(2), dash=lay.px(8)), gap=14)
    if data.thank_you:
        lay.text(data.thank_you, "semibold", 24, gap=12)
    if data.hotline:
        lay.pair(labels.hotline, data.hotline, "bold", 24, gap=6)

    top = lay.margin // 2
    bottom = lay.margin
    height = top + bottom + sum(b.gap_before + b.image.height for b in lay.blocks)
    canvas = Image.new("L", (width_dots, height), 255)
    y = top
    for block in lay.blocks:
        y += block.gap_before
        canvas.paste(block.image, (lay.margin, y))
        y += block.image.height
    lut = [0 if v < threshold else 255 for v in range(256)]
    return canvas.point(lut, mode="1")


__all__ = [
    "DEFAULT_THRESHOLD",
    "FontSet",
    "TicketData",
    "TicketLabels",
    "render_ticket",
    "clear_caches",
    "ticket_margin",
    "wrap_text",
]

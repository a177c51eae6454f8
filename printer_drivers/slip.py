"""Appointment slip (giấy hẹn) layout: :class:`SlipData` -> 1-bit :class:`PIL.Image.Image`.

Printed on the ticket printer when the centre receives a dossier on paper while the official
system is down.  Drawn as an image for the same reason as the ticket (tone marks), with the
same fonts, margins and threshold, so it encodes with :func:`printer_drivers.encode_ticket`::

    TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG
    XÃ TÂN KỲ
    ───────────────────────────
    GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
    HSG-261123-001                        the dossier code, as large as fits
    Ông/Bà: Nguyễn Văn An
    Thủ tục: Đăng ký khai sinh
    Giấy tờ đã nhận: - Tờ khai … (one per line)
    Ngày tiếp nhận: 23/11/2026 09:15
    ██ NGÀY HẸN TRẢ: 27/11/2026 ██
    Cán bộ tiếp nhận: Trần Thị Bình
    (note: received on paper while the system was down)
    ┌QR┐ + "Quét mã QR để xem tình trạng hồ sơ"
    - - - - - - - - - - - - - - -
    Trân trọng cảm ơn quý vị!
    Đường dây nóng: …
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import date, datetime

import qrcode
from PIL import Image, ImageDraw

from .exceptions import PrinterConfigError
from .layout import DEFAULT_THRESHOLD, REFERENCE_WIDTH, ticket_margin
from .text import FontSet, clean_text, load_font, resolve_fonts, text_width, wrap_text

# FreeType faces are shared through the font cache: one slip drawn at a time
_SLIP_LOCK = threading.RLock()


@dataclass(frozen=True)
class SlipData:
    """Everything printed on one appointment slip.

    :param code: the dossier code, e.g. ``"HSG-261123-001"``
    :param status_url: URL encoded in the QR code (the dossier's public status page)
    :param received_at: when the dossier was received, local time (printed as is)
    :param appointment: the day the result is promised, or ``None``
    :param documents: the papers received, one entry per line
    """

    centre_name: str
    code: str
    procedure: str
    received_at: datetime
    status_url: str
    centre_locality: str = ""
    citizen_name: str = ""
    documents: tuple[str, ...] = field(default_factory=tuple)
    appointment: date | None = None
    officer: str = ""
    note: str = ""
    hotline: str = ""
    title: str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    thank_you: str = "Trân trọng cảm ơn quý vị!"

    def __post_init__(self) -> None:
        if not self.code or not self.code.strip():
            raise PrinterConfigError("SlipData.code must not be empty")
        if not self.status_url:
            raise PrinterConfigError("SlipData.status_url must not be empty")
        if not isinstance(self.received_at, datetime):
            raise PrinterConfigError("SlipData.received_at must be a datetime")


class _Column:
    """Blocks stacked top to bottom, each as wide as the content."""

    def __init__(self, width: int, fonts: FontSet) -> None:
        self.width = width
        self.margin = ticket_margin(width)
        self.content_w = width - 2 * self.margin
        self.scale = math.sqrt(width / REFERENCE_WIDTH)
        self.fonts = fonts
        self.blocks: list[tuple[int, Image.Image]] = []

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def add(self, image: Image.Image, gap: float) -> None:
        self.blocks.append((self.px(gap) if gap else 0, image))

    def text(self, text, weight, size, gap=0.0, align="center", inverted=False) -> None:
        font = load_font(getattr(self.fonts, weight), self.px(size))
        pad = self.px(10) if inverted else 0
        lines: list[str] = []
        for paragraph in str(text).splitlines() or [""]:
            lines += wrap_text(clean_text(paragraph), font, self.content_w - 2 * pad)
        if not lines:
            return
        ascent, descent = font.getmetrics()
        pitch = round((ascent + descent) * 1.15)
        height = pitch * len(lines) + descent // 2 + 2 * pad
        img = Image.new("L", (self.content_w, height), 255)
        draw = ImageDraw.Draw(img)
        fg = 0
        if inverted:
            draw.rounded_rectangle((0, 0, self.content_w - 1, height - 1), radius=pad, fill=0)
            fg = 255
        for i, line in enumerate(lines):
            width = text_width(font, line)
            x = (self.content_w - width) / 2 if align == "center" else pad
            draw.text((x, pad + ascent + i * pitch), line, font=font, fill=fg, anchor="ls")
        self.add(img, gap)

    def fitted(self, text, weight, size, gap) -> None:
        """One line, shrunk until it fits the width (the dossier code)."""
        size = self.px(size)
        path = getattr(self.fonts, weight)
        while size > 12 and text_width(load_font(path, size), text) > self.content_w:
            size -= 1
        font = load_font(path, size)
        left, top, right, bottom = font.getbbox(text, anchor="ls")
        img = Image.new("L", (self.content_w, bottom - top + 2), 255)
        x = (self.content_w - (right - left)) / 2 - left
        ImageDraw.Draw(img).text((x, -top + 1), text, font=font, fill=0, anchor="ls")
        self.add(img, gap)

    def rule(self, thickness: float, gap: float, dash: float = 0) -> None:
        t = self.px(thickness)
        img = Image.new("L", (self.content_w, t), 255)
        draw = ImageDraw.Draw(img)
        step = self.px(dash) if dash else 0
        if step:
            for x in range(0, self.content_w, 2 * step):
                draw.rectangle((x, 0, min(self.content_w, x + step) - 1, t - 1), fill=0)
        else:
            draw.rectangle((0, 0, self.content_w - 1, t - 1), fill=0)
        self.add(img, gap)

    def qr(self, url: str, gap: float) -> None:
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1
        )
        code.add_data(url)
        code.make(fit=True)
        matrix = code.get_matrix()
        n = len(matrix)
        side = min(self.content_w, max(round(self.width * 0.45), 232))
        module = side // n
        if module < 2:
            raise PrinterConfigError(f"status_url is too long for a scannable QR code ({n})")
        small = Image.new("L", (n, n), 255)
        small.putdata([0 if cell else 255 for row in matrix for cell in row])
        big = small.resize((n * module, n * module), Image.Resampling.NEAREST)
        block = Image.new("L", (self.content_w, big.height), 255)
        block.paste(big, ((self.content_w - big.width) // 2, 0))
        self.add(block, gap)

    def image(self, threshold: int) -> Image.Image:
        top, bottom = self.margin // 2, self.margin
        height = top + bottom + sum(gap + img.height for gap, img in self.blocks)
        canvas = Image.new("L", (self.width, height), 255)
        y = top
        for gap, img in self.blocks:
            y += gap
            canvas.paste(img, (self.margin, y))
            y += img.height
        lut = [0 if v < threshold else 255 for v in range(256)]
        return canvas.point(lut, mode="1")


def render_slip(
    data: SlipData,
    width_dots: int = 576,
    *,
    font_path=None,
    threshold: int = DEFAULT_THRESHOLD,
) -> Image.Image:
    """Render an appointment slip as a 1-bit image ready for ESC/POS raster printing.

    :param data: the slip content
    :param width_dots: printable width in dots: 576 (80 mm), 384 (58 mm), >= 200
    :param font_path: as for :func:`printer_drivers.render_ticket`
    :raises PrinterConfigError: bad width, missing font, URL too long for a QR code
    :returns: image of mode ``"1"``, exactly ``width_dots`` wide
    """
    if not isinstance(width_dots, int) or width_dots < 200:
        raise PrinterConfigError(f"width_dots must be an int >= 200, got {width_dots!r}")
    if not 0 < threshold < 255:
        raise PrinterConfigError("threshold must be in 1..254")
    with _SLIP_LOCK:
        return _render(data, width_dots, resolve_fonts(font_path), threshold)


def _render(data: SlipData, width_dots: int, fonts: FontSet, threshold: int) -> Image.Image:
    col = _Column(width_dots, fonts)
    col.text(data.centre_name, "bold", 25)
    if data.centre_locality:
        col.text(data.centre_locality, "black", 30, gap=4)
    col.rule(3, gap=14)
    col.text(data.title, "bold", 28, gap=14)
    col.fitted(clean_text(data.code), "black", 64, gap=12)
    col.rule(2, gap=14, dash=8)
    if data.citizen_name:
        col.text(f"Ông/Bà: {data.citizen_name}", "semibold", 27, gap=12, align="left")
    col.text(f"Thủ tục: {data.procedure}", "medium", 25, gap=8, align="left")
    if data.documents:
        listed = "\n".join(f"- {line}" for line in data.documents)
        col.text(f"Giấy tờ đã nhận:\n{listed}", "regular", 23, gap=8, align="left")
    when = data.received_at.strftime("%d/%m/%Y %H:%M")
    col.text(f"Ngày tiếp nhận: {when}", "regular", 24, gap=8, align="left")
    if data.appointment:
        promised = data.appointment.strftime("%d/%m/%Y")
        col.text(f"NGÀY HẸN TRẢ KẾT QUẢ\n{promised}", "bold", 30, gap=14, inverted=True)
    if data.officer:
        col.text(f"Cán bộ tiếp nhận: {data.officer}", "regular", 23, gap=12, align="left")
    if data.note:
        col.text(data.note, "medium", 22, gap=10)
    col.qr(data.status_url, gap=14)
    col.text("Quét mã QR để xem tình trạng hồ sơ", "regular", 21)
    col.rule(2, gap=12, dash=8)
    if data.thank_you:
        col.text(data.thank_you, "semibold", 24, gap=10)
    if data.hotline:
        col.text(f"Đường dây nóng: {data.hotline}", "bold", 24, gap=6)
    return col.image(threshold)


__all__ = ["SlipData", "render_slip"]

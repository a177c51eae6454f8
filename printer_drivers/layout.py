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
    Số người đang chờ trước bạn: 3
    (estimated wait, note)
    ┌QR┐  + scan hint                      track_url, crisp modules, 4-module quiet zone
    - - - - - - - - - - - - - - -
    Cảm ơn Quý khách đã sử dụng dịch vụ
    Đường dây nóng: 0238 3xxx xxx

Everything is scaled from the paper width: 576 dots (80 mm) is the reference; text sizes
scale with the square root of the width so 58 mm tickets stay readable (they wrap more),
while the code and the QR code scale linearly.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .exceptions import PrinterConfigError

#: Grey level (0..255) below which an anti-aliased pixel becomes black.  Slightly above
#: the midpoint so thin strokes survive on thermal paper; fixed so output is reproducible.
DEFAULT_THRESHOLD = 150

#: Reference width (80 mm paper at 203 dpi) for which the sizes below are designed.
REFERENCE_WIDTH = 576

_WEIGHTS = ("regular", "medium", "semibold", "bold", "black")
_FILE_NAMES = {
    "regular": "BeVietnamPro-Regular.ttf",
    "medium": "BeVietnamPro-Medium.ttf",
    "semibold": "BeVietnamPro-SemiBold.ttf",
    "bold": "BeVietnamPro-Bold.ttf",
    "black": "BeVietnamPro-ExtraBold.ttf",
}
# FreeType faces are shared through the caches below; serialise their use.
_RENDER_LOCK = threading.RLock()
# Punctuation that must stay on the same line as the previous word.
_GLUE_LEFT = frozenset("–—-:;,.!?)»”")


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
    ahead: str = "Số người đang chờ trước bạn"
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
    thank_you: str = "Cảm ơn Quý khách đã sử dụng dịch vụ"
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


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontSet:
    """Paths of the TrueType files used for each weight."""

    regular: Path
    medium: Path
    semibold: Path
    bold: Path
    black: Path

    @classmethod
    def default(cls) -> FontSet:
        """Be Vietnam Pro from the ``fontpkg-be-vietnam-pro`` package.

        :raises PrinterConfigError: the package is not installed
        """
        try:
            import fontpkg_be_vietnam_pro
        except ImportError:  # pragma: no cover - depends on the environment
            raise PrinterConfigError(
                "font package missing: pip install fontpkg-be-vietnam-pro "
                "(or pass font_path= to render_ticket)"
            ) from None
        return cls.from_path(Path(fontpkg_be_vietnam_pro.ROOT) / "files")

    @classmethod
    def from_path(cls, path: str | Path) -> FontSet:
        """Fonts from a single ``.ttf``/``.otf`` file (used for every weight) or from a
        directory containing the ``BeVietnamPro-<Weight>.ttf`` files.

        :raises PrinterConfigError: the file or the directory's fonts do not exist
        """
        p = Path(path)
        if p.is_file():
            return cls(*(p,) * len(_WEIGHTS))
        if p.is_dir():
            found = {w: p / name for w, name in _FILE_NAMES.items() if (p / name).is_file()}
            if not found:
                raise PrinterConfigError(f"no BeVietnamPro-*.ttf font found in {p}")
            fallback = found.get("bold") or next(iter(found.values()))
            return cls(**{w: found.get(w, fallback) for w in _WEIGHTS})
        raise PrinterConfigError(f"font path does not exist: {p}")


@lru_cache(maxsize=256)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    except OSError as exc:
        raise PrinterConfigError(f"cannot load font {path}: {exc}") from exc


@lru_cache(maxsize=8)
def _default_fonts() -> FontSet:
    return FontSet.default()


def _resolve_fonts(font_path: str | Path | FontSet | None) -> FontSet:
    if font_path is None:
        return _default_fonts()
    if isinstance(font_path, FontSet):
        return font_path
    return FontSet.from_path(font_path)


# --------------------------------------------------------------------------- text helpers


def _nfc(text: str) -> str:
    # Data typed on some systems arrives decomposed (NFD); the basic layout engine only
    # positions tone marks correctly for precomposed characters.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _tokens(paragraph: str) -> list[str]:
    """Split on spaces, gluing lone punctuation (``–``, ``:``) and short numbers
    (``Quầy 5``, ``15 phút``) to the previous word."""
    out: list[str] = []
    for word in paragraph.split():
        glue = all(ch in _GLUE_LEFT for ch in word) or (word[0].isdigit() and len(word) <= 6)
        if out and glue:
            out[-1] = f"{out[-1]}\u00a0{word}"
        else:
            out.append(word)
    return out


@lru_cache(maxsize=16384)
def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Advance width of ``text`` (memoised: FreeType measuring is the hot spot)."""
    return font.getlength(text)


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, max_w: int) -> list[str]:
    """Break a word wider than ``max_w`` between characters (never inside a cluster)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and not unicodedata.combining(ch) and _width(font, current + ch) > max_w:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _greedy(widths: list[float], space: float, max_w: float) -> list[int]:
    """Greedy line breaking on word widths; returns the index where each line starts."""
    starts = [0]
    line = widths[0]
    for i in range(1, len(widths)):
        candidate = line + space + widths[i]
        if candidate <= max_w:
            line = candidate
        else:
            starts.append(i)
            line = widths[i]
    return starts


def _join(words: list[str], starts: list[int]) -> list[str]:
    ends = [*starts[1:], len(words)]
    return [" ".join(words[a:b]) for a, b in zip(starts, ends, strict=True)]


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_w: int) -> list[str]:
    """Wrap ``text`` into lines no wider than ``max_w`` pixels.

    Lines are *balanced*: the narrowest width that still gives the minimal number of
    lines is used, so a centred title does not end with a lonely word.  Words wider
    than ``max_w`` are broken between characters; nothing is ever cut off.
    """
    text = unicodedata.normalize("NFC", text)
    words: list[str] = []
    for token in _tokens(text):
        if _width(font, token) <= max_w:
            words.append(token)
            continue
        # too wide even alone: undo the gluing, then break words between characters
        for word in token.split("\u00a0"):
            if _width(font, word) > max_w:
                words.extend(_split_long_word(word, font, max_w))
            else:
                words.append(word)
    if not words:
        return []
    # With the basic layout engine a line's width is exactly the sum of its words and
    # spaces (no kerning across spaces), so line breaking works on numbers only.
    widths = [_width(font, w) for w in words]
    space = _width(font, " ")
    starts = _greedy(widths, space, max_w)
    if len(starts) > 1:
        lo, hi = int(max(widths)), max_w
        while lo < hi:  # smallest width giving the same line count
            mid = (lo + hi) // 2
            if len(_greedy(widths, space, mid)) <= len(starts):
                hi = mid
            else:
                lo = mid + 1
        starts = _greedy(widths, space, hi)
    lines = [line.replace("\u00a0", " ") for line in _join(words, starts)]
    if any(_width(font, line) > max_w for line in lines):  # pragma: no cover - safety net
        lines = [w.replace("\u00a0", " ") for w in words]
    return lines


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
        return _font(getattr(self.fonts, weight), self.px(size))

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
        lines = wrap_text(_nfc(text), font, max_w)
        if lines:
            block = _text_block(tuple(lines), font, self.content_w, line_spacing, inverted, pad)
            self.add(block, gap)

    def pair(
        self, label: str, value: str, weight: str, size: float, gap: float = 0, shrink: bool = False
    ) -> None:
        """``"label: value"`` on one line (with ``shrink``, the type may get up to 10 %
        smaller to achieve that), or label and value on separate lines."""
        label, value = _nfc(label), _nfc(value)
        text = f"{label}: {value}" if label else value
        font = self.font(weight, size)
        for factor in (1.0, 0.95, 0.9) if shrink else ():
            candidate = self.font(weight, size * factor)
            if _width(candidate, text) <= self.content_w:
                font = candidate
                break
        if _width(font, text) <= self.content_w or not label:
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
        x = (width - _width(font, line)) / 2
        draw.text((x, baseline - top + pad), line, font=font, fill=fg, anchor="ls")
    return img


@lru_cache(maxsize=64)
def _code_block(code: str, path: Path, max_w: int, max_h: int) -> Image.Image:
    """The ticket number as large as fits ``max_w`` x ``max_h`` (tight ink box)."""

    def ink(size: int) -> tuple[int, int, int, int]:
        return _font(path, size).getbbox(code, anchor="ls")

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
    font = _font(path, size)
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
        return _render(data, width_dots, _resolve_fonts(font_path), labels, threshold)


def clear_caches() -> None:
    """Drop memoised text measurements and rendered blocks (fonts stay loaded)."""
    for cached in (_width, _text_block, _code_block):
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
    lay.add(_code_block(_nfc(data.code), lay.fonts.black, code_w, code_h), gap=14)

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

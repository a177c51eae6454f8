"""Ticket rendering: size, margins, wrapping, Vietnamese glyphs, QR code."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFont

from printer_drivers import FontSet, PrinterConfigError, TicketData, TicketLabels, render_ticket
from printer_drivers.layout import ticket_margin, wrap_text

zxingcpp = pytest.importorskip("zxingcpp")

UPPER = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = UPPER.lower()
LONG_NAMES = [
    "Nông nghiệp – Môi trường",
    "Xây dựng – Đô thị",
    "Bảo trợ xã hội",
    # synthetic 150-character name
    (
        "Thẩm định, phê duyệt hồ sơ đề nghị hỗ trợ kinh phí chuyển đổi cơ cấu cây trồng, "
        "vật nuôi và ứng dụng khoa học kỹ thuật trong sản xuất nông nghiệp bền vững"
    )[:150],
    "Chứngthựcbảnsaotừbảnchínhgiấytờvănbảndocơquantổchứccóthẩmquyềncấphoặcchứngnhận",
]
WIDTHS = [576, 384]


def ink_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of black pixels (``None`` if the image is blank)."""
    return img.convert("L").point(lambda v: 255 - v).getbbox()


def bold_font(size: int = 48) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FontSet.default().bold), size)


def test_long_name_fixture_is_really_long() -> None:
    assert len(LONG_NAMES[3]) == 150


@pytest.mark.parametrize("width", [576, 384, 512, 832])
def test_image_is_1bit_exact_width_and_margins_are_blank(make_ticket, width: int) -> None:
    img = render_ticket(make_ticket(), width)
    assert img.mode == "1"
    assert img.width == width
    assert img.height > width  # a ticket is portrait
    m = ticket_margin(width)
    assert ink_box(img.crop((0, 0, m, img.height))) is None
    assert ink_box(img.crop((width - m, 0, width, img.height))) is None
    box = ink_box(img)
    assert box is not None
    assert box[0] < m + width // 10  # the big code / rules reach close to the margins
    assert sum(img.convert("L").histogram()[1:255]) == 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_service_names_wrap_inside_margins(make_ticket, width: int, name: str) -> None:
    short = render_ticket(make_ticket(service_name="Tư pháp"), width)
    img = render_ticket(make_ticket(service_name=name), width)
    assert img.width == width
    m = ticket_margin(width)
    assert ink_box(img.crop((0, 0, m, img.height))) is None
    assert ink_box(img.crop((width - m, 0, width, img.height))) is None
    if name in LONG_NAMES[3:] or (width == 384 and name == LONG_NAMES[0]):
        assert img.height > short.height  # wrapped onto more lines
    else:
        assert img.height == short.height  # fits on one line, like the short name


def test_150_char_name_wraps_on_many_lines_and_loses_nothing() -> None:
    font = bold_font(36)
    name = LONG_NAMES[3]
    lines = wrap_text(name, font, 528)
    assert len(lines) >= 4
    assert " ".join(lines).split() == name.split()
    assert all(font.getlength(line) <= 528 for line in lines)


def test_unbreakable_word_is_split_not_cut() -> None:
    font = bold_font(36)
    word = LONG_NAMES[4]
    lines = wrap_text(word, font, 300)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(font.getlength(line) <= 300 for line in lines)


def test_dash_and_numbers_stay_with_previous_word() -> None:
    font = bold_font(36)
    for width in range(220, 560, 7):  # realistic content widths for this size
        for line in wrap_text("Nông nghiệp – Môi trường Quầy 5, Quầy 12", font, width):
            assert not line.startswith("–")
            assert not line[0].isdigit()


def test_balanced_wrap_avoids_orphan() -> None:
    font = bold_font(25)
    lines = wrap_text("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", font, 528)
    # one line would be a fraction of a dot too wide; greedy wrapping would leave "CÔNG" alone
    assert lines == ["TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG"]
    shortest, longest = sorted(font.getlength(line) for line in lines)
    assert shortest > longest * 0.6


vietnamese_words = st.lists(
    st.text(alphabet=UPPER + LOWER + "abcdeghiklmnopqrstuvxy", min_size=1, max_size=30),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(words=vietnamese_words, max_w=st.integers(min_value=60, max_value=600))
def test_wrap_never_exceeds_width_and_keeps_text(words: list[str], max_w: int) -> None:
    font = bold_font(30)
    text = " ".join(words)
    lines = wrap_text(text, font, max_w)
    assert all(font.getlength(line) <= max_w for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


@pytest.mark.parametrize("ch", list(UPPER + LOWER))
def test_every_vietnamese_letter_has_a_real_glyph(ch: str) -> None:
    font = bold_font()
    notdef = font.getmask("\uffff")
    mask = font.getmask(ch)
    assert mask.getbbox() is not None, f"{ch!r} renders blank"
    assert (mask.size, bytes(mask)) != (notdef.size, bytes(notdef)), f"{ch!r} is .notdef"
    base = {"Đ": "D", "đ": "d"}.get(ch) or unicodedata.normalize("NFD", ch)[0]
    plain = font.getmask(base)
    assert (mask.size, bytes(mask)) != (plain.size, bytes(plain)), f"{ch!r} lost its marks"


def test_font_covers_vietnamese_cmap() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    for path in {*vars(FontSet.default()).values()}:
        cmap = ttlib.TTFont(str(path)).getBestCmap()
        missing = [c for c in UPPER + LOWER if ord(c) not in cmap]
        assert not missing, f"{Path(path).name} lacks {missing}"


def test_tone_marks_reach_the_ticket(make_ticket) -> None:
    marked = render_ticket(make_ticket(service_name=UPPER[:20]), 576)
    plain = render_ticket(
        make_ticket(service_name="".join(unicodedata.normalize("NFD", c)[0] for c in UPPER[:20])),
        576,
    )
    assert marked.tobytes() != plain.tobytes()


def test_decomposed_input_renders_like_precomposed(make_ticket) -> None:
    text = "Nông nghiệp – Môi trường, Người cao tuổi"
    nfc = render_ticket(make_ticket(service_name=unicodedata.normalize("NFC", text)), 384)
    nfd = render_ticket(make_ticket(service_name=unicodedata.normalize("NFD", text)), 384)
    assert nfc.tobytes() == nfd.tobytes()


@pytest.mark.parametrize("width", WIDTHS)
def test_qr_code_decodes_from_rendered_ticket(make_ticket, track_url: str, width: int) -> None:
    img = render_ticket(make_ticket(), width).convert("L")
    results = zxingcpp.read_barcodes(img)
    assert [r.text for r in results] == [track_url]
    result = results[0]
    # modules are square blocks of whole dots: at least 4 dots for a cheap phone camera
    positions = [result.position.top_left, result.position.top_right]
    side = abs(positions[1].x - positions[0].x)
    assert side >= 120


def test_priority_box_is_drawn_only_when_set(make_ticket) -> None:
    with_box = render_ticket(make_ticket(priority_label="Người cao tuổi"), 576)
    without = render_ticket(make_ticket(priority_label=None), 576)
    assert with_box.height > without.height

    def longest_black_run(img: Image.Image) -> int:
        best = 0
        for y in range(img.height):
            row = img.crop((0, y, img.width, y + 1)).convert("L").tobytes()
            best = max(best, len(max(row.split(b"\xff"), key=len)))
        return best

    m = ticket_margin(576)
    # the inverted box spans the content width; plain text never does
    assert longest_black_run(with_box) >= 576 - 2 * m - 2
    rule_run = longest_black_run(without)  # the solid header rule also spans it
    assert rule_run >= 576 - 2 * m - 2
    assert with_box.convert("L").histogram()[0] > without.convert("L").histogram()[0] + 5000


def test_optional_lines_change_output(make_ticket) -> None:
    base = make_ticket(note=None, estimated_wait_minutes=None, hotline="", counters="")
    full = make_ticket(note="Vui lòng mang theo CCCD", estimated_wait_minutes=75)
    assert render_ticket(full, 576).height > render_ticket(base, 576).height


def test_labels_can_be_translated(make_ticket) -> None:
    vi = render_ticket(make_ticket(), 576)
    en = render_ticket(make_ticket(), 576, labels=TicketLabels(heading="YOUR NUMBER"))
    assert vi.tobytes() != en.tobytes()


def test_font_path_override(make_ticket, tmp_path: Path) -> None:
    regular = FontSet.default().regular
    img = render_ticket(make_ticket(), 384, font_path=regular)
    assert img.width == 384
    with pytest.raises(PrinterConfigError, match="font"):
        render_ticket(make_ticket(), 384, font_path=tmp_path / "missing.ttf")
    with pytest.raises(PrinterConfigError, match="BeVietnamPro"):
        render_ticket(make_ticket(), 384, font_path=tmp_path)


@pytest.mark.parametrize(
    "changes",
    [{"code": " "}, {"ahead": -1}, {"track_url": ""}, {"issued_at": "2025-01-01"}],
)
def test_invalid_ticket_data_is_rejected(changes: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "centre_name": "TRUNG TÂM",
        "code": "A1",
        "service_name": "Tư pháp",
        "issued_at": datetime(2025, 1, 1),
        "ahead": 0,
        "track_url": "https://x.vn/t/1",
    }
    fields.update(changes)
    with pytest.raises(PrinterConfigError):
        TicketData(**fields)  # type: ignore[arg-type]


def test_too_narrow_width_is_rejected(ticket) -> None:
    with pytest.raises(PrinterConfigError):
        render_ticket(ticket, 100)


def test_url_too_long_for_qr_is_rejected(make_ticket) -> None:
    with pytest.raises(PrinterConfigError, match="QR"):
        render_ticket(make_ticket(track_url="https://x.vn/" + "a" * 1500), 384)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speech.announce import SEGMENTS_DIR
from speech.keys import segment_key
from speech.numbers import (
    DIGITS,
    NUMBER_WORDS,
    digit_words,
    read_digits,
    read_number,
    words,
)

TABLE = {
    0: "không",
    1: "một",
    4: "bốn",
    5: "năm",
    9: "chín",
    10: "mười",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    19: "mười chín",
    20: "hai mươi",
    21: "hai mươi mốt",
    24: "hai mươi bốn",
    25: "hai mươi lăm",
    30: "ba mươi",
    31: "ba mươi mốt",
    44: "bốn mươi bốn",
    45: "bốn mươi lăm",
    50: "năm mươi",
    55: "năm mươi lăm",
    99: "chín mươi chín",
    100: "một trăm",
    101: "một trăm lẻ một",
    104: "một trăm lẻ bốn",
    105: "một trăm lẻ năm",
    110: "một trăm mười",
    111: "một trăm mười một",
    115: "một trăm mười lăm",
    121: "một trăm hai mươi mốt",
    200: "hai trăm",
    205: "hai trăm lẻ năm",
    250: "hai trăm năm mươi",
    999: "chín trăm chín mươi chín",
    1000: "một nghìn",
    1001: "một nghìn không trăm lẻ một",
    1005: "một nghìn không trăm lẻ năm",
    1010: "một nghìn không trăm mười",
    1011: "một nghìn không trăm mười một",
    1015: "một nghìn không trăm mười lăm",
    1025: "một nghìn không trăm hai mươi lăm",
    1100: "một nghìn một trăm",
    1105: "một nghìn một trăm lẻ năm",
    2001: "hai nghìn không trăm lẻ một",
    2021: "hai nghìn không trăm hai mươi mốt",
    2024: "hai nghìn không trăm hai mươi bốn",
    5555: "năm nghìn năm trăm năm mươi lăm",
    7000: "bảy nghìn",
    9009: "chín nghìn không trăm lẻ chín",
    9090: "chín nghìn không trăm chín mươi",
    9900: "chín nghìn chín trăm",
    9999: "chín nghìn chín trăm chín mươi chín",
}

TU_TABLE = {
    4: "bốn",
    14: "mười bốn",
    24: "hai mươi tư",
    44: "bốn mươi tư",
    104: "một trăm lẻ bốn",
    114: "một trăm mười bốn",
    1024: "một nghìn không trăm hai mươi tư",
    4444: "bốn nghìn bốn trăm bốn mươi tư",
    25: "hai mươi lăm",
}


@pytest.mark.parametrize("n, expected", sorted(TABLE.items()))
def test_table(n, expected):
    assert read_number(n) == expected
    assert words(n) == expected.split()


@pytest.mark.parametrize("n, expected", sorted(TU_TABLE.items()))
def test_four_as_tu(n, expected):
    assert read_number(n, four_as_tu=True) == expected


@pytest.mark.parametrize("bad", [-1, 10000, 12345, 1.0, "12", None, True, False])
def test_invalid_numbers(bad):
    with pytest.raises(ValueError):
        read_number(bad)
    with pytest.raises(ValueError):
        words(bad)


@pytest.mark.parametrize(
    "s, expected",
    [
        ("0", "không"),
        ("012", "không một hai"),
        ("105", "một không năm"),
        ("9999", "chín " * 3 + "chín"),
    ],
)
def test_read_digits(s, expected):
    assert read_digits(s) == expected
    assert digit_words(s) == expected.split()


@pytest.mark.parametrize("bad", ["", "1a", "-1", " 1", "١٢", 12, None])
def test_read_digits_invalid(bad):
    with pytest.raises(ValueError):
        read_digits(bad)


def _parse(ws):
    """Independent reader: Vietnamese words back to the number."""
    value = {w: i for i, w in enumerate(DIGITS)}
    total, pending = 0, None
    for w in ws:
        if w in value:
            assert pending is None
            pending = value[w]
        elif w in ("nghìn", "trăm", "mươi"):
            total += pending * {"nghìn": 1000, "trăm": 100, "mươi": 10}[w]
            pending = None
        elif w == "mười":
            total += 10
        elif w in ("mốt", "lăm", "tư"):
            total += {"mốt": 1, "lăm": 5, "tư": 4}[w]
        else:
            assert w == "lẻ"
    return total + (pending or 0)


FORBIDDEN_BIGRAMS = {
    ("mươi", "một"),
    ("mươi", "năm"),
    ("mươi", "không"),
    ("mười", "năm"),
    ("mười", "mốt"),
    ("mười", "tư"),
    ("mười", "không"),
    ("lẻ", "mốt"),
    ("lẻ", "lăm"),
    ("lẻ", "tư"),
    ("lẻ", "không"),
    ("một", "mươi"),
    ("không", "mươi"),
    ("không", "nghìn"),
}


def _check_reading(n, four_as_tu):
    ws = words(n, four_as_tu=four_as_tu)
    assert set(ws) <= set(NUMBER_WORDS)
    assert _parse(ws) == n
    assert not FORBIDDEN_BIGRAMS & set(zip(ws, ws[1:], strict=False)), ws
    for i, w in enumerate(ws):
        if w in ("mốt", "tư"):
            assert i > 0 and ws[i - 1] == "mươi"
        if w == "lăm":
            assert i > 0 and ws[i - 1] in ("mười", "mươi")
    if n >= 1000 and n % 1000:
        assert "trăm" in ws  # "không trăm" is spoken
    return ws


def test_all_numbers_exhaustive():
    seen = {}
    for four_as_tu in (False, True):
        used = set()
        for n in range(10000):
            ws = _check_reading(n, four_as_tu)
            used |= set(ws)
            text = " ".join(ws)
            assert seen.setdefault((four_as_tu, text), n) == n  # readings are unique
        expected = set(NUMBER_WORDS) - ({"tư"} if not four_as_tu else set())
        assert used == expected


@given(st.integers(0, 9999), st.booleans())
def test_reading_properties(n, four_as_tu):
    _check_reading(n, four_as_tu)
    assert read_number(n, four_as_tu=four_as_tu) == " ".join(words(n, four_as_tu=four_as_tu))
    if n % 10 != 4 or n % 100 < 20:
        assert read_number(n, four_as_tu=True) == read_number(n)


@given(st.integers(0, 9999), st.booleans())
def test_every_word_has_a_segment_file(n, four_as_tu):
    for w in words(n, four_as_tu=four_as_tu):
        assert (SEGMENTS_DIR / f"{segment_key(w)}.wav").is_file(), w


@given(st.text(alphabet="0123456789", min_size=1, max_size=8))
def test_read_digits_property(s):
    ws = digit_words(s)
    assert len(ws) == len(s)
    assert "".join(str(DIGITS.index(w)) for w in ws) == s

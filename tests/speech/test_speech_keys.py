import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speech.announce import DEFAULT_LETTERS, required_segments, template_phrases
from speech.keys import RESERVED_KEYS, segment_key
from speech.numbers import NUMBER_WORDS

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")


@pytest.mark.parametrize(
    "text, key",
    [
        ("một", "mo6t5"),
        ("mốt", "mo6t1"),
        ("mười", "mu7o7i2"),
        ("mươi", "mu7o7i"),
        ("năm", "na8m"),
        ("lăm", "la8m"),
        ("nghìn", "nghin2"),
        ("đê", "d9e6"),
        ("e-lờ", "e-lo72"),
        ("vê kép", "ve6_kep1"),
        ("Mời công dân có số thứ tự", "mo7i2_co6ng_da6n_co1_so61_thu71_tu75"),
        ("  ĐẾN   quầy số ", "d9e6n1_qua6y2_so61"),
        ("quầy 2", "qua6y2_02"),
        ("a2", "a02"),
        ("à2", "a202"),
    ],
)
def test_known_keys(text, key):
    assert segment_key(text) == key


def test_decomposed_input_gives_same_key():
    assert segment_key(unicodedata.normalize("NFD", "Mời quầy")) == segment_key("Mời quầy")


def test_lossy_text_gets_hash_suffix():
    k1, k2 = segment_key("xin mời, quầy"), segment_key("xin mời. quầy")
    assert k1 != k2
    assert k1.startswith("xin_mo7i2_qua6y2.") and len(k1.split(".")[1]) == 8
    assert segment_key("xin mời quầy") == "xin_mo7i2_qua6y2"


def test_long_text_is_bounded():
    key = segment_key("mời " * 100)
    assert len(key) <= 96 and "." in key


@pytest.mark.parametrize("bad", ["", "   ", "!!", "-", None, 3])
def test_nothing_to_speak(bad):
    with pytest.raises(ValueError):
        segment_key(bad)


def test_reserved_keys_are_refused():
    for key in RESERVED_KEYS:
        with pytest.raises(ValueError):
            segment_key(key)


def test_vocabulary_has_no_collisions():
    texts = set(NUMBER_WORDS) | set(DEFAULT_LETTERS.values()) | set(template_phrases())
    keys = {segment_key(t) for t in texts}
    assert len(keys) == len(texts)
    assert not keys & RESERVED_KEYS
    assert all(set(k) <= KEY_CHARS for k in keys)
    assert set(required_segments()) == keys | RESERVED_KEYS


def test_every_single_vietnamese_letter_has_its_own_key():
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones]
    letters += list("bcdđghklmnpqrstvx")
    assert len({segment_key(ch) for ch in letters}) == len(letters) == 12 * 6 + 17


# --- injectivity: decode(key) recovers the text (up to case and tone-mark placement) ---

TONES = "\u0301\u0300\u0309\u0303\u0323"
MODIFIED = {"a6": "â", "e6": "ê", "o6": "ô", "o7": "ơ", "u7": "ư", "a8": "ă", "d9": "đ"}


def canon(text):
    """Lower-case syllables as (toneless letters, tone mark), separators kept."""
    out, syllable, tone = [], "", ""
    text = unicodedata.normalize("NFD", " ".join(text.split()).lower())
    for ch in text + "\0":
        if ch.isalpha() or (syllable and unicodedata.combining(ch)):
            if ch in TONES:
                tone += ch
            else:
                syllable += ch
            continue
        if syllable:
            out.append((unicodedata.normalize("NFC", syllable), tone))
        syllable, tone = "", ""
        out.append(ch)
    return out[:-1]


def decode(key):
    out, syllable, i = [], "", 0
    while i < len(key):
        c = key[i]
        if c.isalpha():
            if key[i + 1 : i + 2] in ("6", "7", "8", "9") and c + key[i + 1] in MODIFIED:
                syllable += MODIFIED[c + key[i + 1]]
                i += 2
            else:
                syllable += c
                i += 1
            continue
        if syllable:
            tone = ""
            if c in "12345":
                tone, i = TONES["12345".index(c)], i + 1
            out.append((syllable, tone))
            syllable = ""
            continue
        if c == "0":
            out.append(key[i + 1])
            i += 2
        else:
            out.append({"_": " ", "-": "-"}[c])
            i += 1
    if syllable:
        out.append((syllable, ""))
    return out


LETTERS = "abcdefghijklmnopqrstuvwxyzăâêôơưđ"
syllables = st.builds(
    lambda chars, tone, pos: unicodedata.normalize(
        "NFC",
        "".join(c + (tone if i == pos % len(chars) else "") for i, c in enumerate(chars)),
    ),
    st.lists(st.sampled_from(LETTERS + LETTERS.upper()), min_size=1, max_size=6),
    st.sampled_from(["", *TONES]),
    st.integers(0, 5),
)
tokens = st.one_of(syllables, st.text(alphabet="0123456789", min_size=1, max_size=3))
texts = st.lists(st.tuples(tokens, st.sampled_from([" ", "-", "  "])), min_size=1, max_size=5).map(
    lambda parts: "".join(tok + sep for tok, sep in parts)
)


@given(texts)
def test_key_is_injective(text):
    key = segment_key(text)
    assert set(key) <= KEY_CHARS and "." not in key
    # strip separators the key normalises away (edge whitespace)
    assert decode(key) == canon(text.strip())

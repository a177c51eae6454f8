import pytest

from speech import (
    CHIME,
    DEFAULT_TEMPLATE,
    PAUSE,
    build_announcement,
    missing_segments,
    parse_code,
    required_segments,
    segment_key,
    segment_urls,
    spoken_code,
    template_phrases,
)

INTRO = segment_key("Mời công dân có số thứ tự")
TO_COUNTER = segment_key("đến quầy số")


def k(*texts):
    return [segment_key(t) for t in texts]


def test_a012_counter_3():
    a = build_announcement("A012", 3)
    assert a.code == "A012"
    assert a.counter == 3
    assert a.text == "Mời công dân có số thứ tự a mười hai đến quầy số ba"
    assert a.display_text == "Mời công dân có số thứ tự A012 đến quầy số 3"
    assert a.spoken_code == "a mười hai"
    sentence = [INTRO, *k("a", "mười", "hai"), TO_COUNTER, *k("ba")]
    assert a.segments == [CHIME, *sentence, PAUSE, *sentence]
    assert sentence == [
        "mo7i2_co6ng_da6n_co1_so61_thu71_tu75",
        "a",
        "mu7o7i2",
        "hai",
        "d9e6n1_qua6y2_so61",
        "ba",
    ]


def test_b105_counter_12():
    a = build_announcement("B105", 12)
    assert a.text == "Mời công dân có số thứ tự bê một trăm lẻ năm đến quầy số mười hai"
    sentence = [INTRO, *k("bê", "một", "trăm", "lẻ", "năm"), TO_COUNTER, *k("mười", "hai")]
    assert a.segments == [CHIME, *sentence, PAUSE, *sentence]


def test_digit_mode_keeps_leading_zeros_counter_stays_cardinal():
    a = build_announcement("A012", 21, number_mode="digits")
    assert a.spoken_code == "a không một hai"
    assert a.text.endswith("a không một hai đến quầy số hai mươi mốt")
    assert a.segments[1:8] == [INTRO, *k("a", "không", "một", "hai"), TO_COUNTER, "hai"]


def test_cardinal_drops_leading_zeros():
    assert spoken_code("A0005") == "a năm"
    assert spoken_code("A000") == "a không"
    assert spoken_code("A1025") == "a một nghìn không trăm hai mươi lăm"


@pytest.mark.parametrize(
    "code, spoken",
    [
        ("AB012", "a bê mười hai"),
        ("ab-012", "a bê mười hai"),
        ("LM 7", "e-lờ em-mờ bảy"),
        ("Đ21", "đê hai mươi mốt"),
        ("WXY9", "vê kép ích-xì i dài chín"),
        ("012", "mười hai"),
    ],
)
def test_prefixes(code, spoken):
    assert spoken_code(code) == spoken


def test_two_letter_segments():
    a = build_announcement("AB012", 3, repeat=1)
    assert a.segments == [CHIME, INTRO, *k("a", "bê", "mười", "hai"), TO_COUNTER, "ba"]
    assert a.display_text == "Mời công dân có số thứ tự AB012 đến quầy số 3"


@pytest.mark.parametrize("repeat", [1, 2, 3])
def test_repeat_structure(repeat):
    a = build_announcement("C7", 4, repeat=repeat)
    sentence = [INTRO, *k("xê", "bảy"), TO_COUNTER, *k("bốn")]
    expected = [CHIME] + sentence
    for _ in range(repeat - 1):
        expected += [PAUSE] + sentence
    assert a.segments == expected
    assert a.segments.count(CHIME) == 1 and a.segments[0] == CHIME
    assert a.segments.count(PAUSE) == repeat - 1


@pytest.mark.parametrize("repeat", [0, -1, 1.5, True, "2"])
def test_invalid_repeat(repeat):
    with pytest.raises(ValueError):
        build_announcement("A1", 1, repeat=repeat)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "   ",
        "A",
        "A12345",
        "1A",
        "A-",
        "A1-2",
        "ABCD1",
        "J12",
        "Ä12",
        "A١٢",
        "A_12",
        "A--1",
        "-012",
        "A 1 2",
        12,
        None,
    ],
)
def test_invalid_codes(code):
    with pytest.raises(ValueError):
        build_announcement(code, 1)


@pytest.mark.parametrize("counter", [-1, 10000, "3", 3.0, None, True])
def test_invalid_counter(counter):
    with pytest.raises(ValueError):
        build_announcement("A1", counter)


def test_invalid_number_mode():
    with pytest.raises(ValueError):
        build_announcement("A1", 1, number_mode="roman")


def test_four_as_tu_option():
    a = build_announcement("A24", 44, four_as_tu=True)
    assert a.text.endswith("a hai mươi tư đến quầy số bốn mươi tư")
    assert build_announcement("A24", 44).spoken_code == "a hai mươi bốn"


def test_letter_overrides():
    a = build_announcement("D1", 1, letters={"d": "dê", "J": "gi"})
    assert a.spoken_code == "dê một"
    assert a.segments[2] == segment_key("dê")
    assert parse_code("J5", {"J": "gi"}) == ("J", "5")
    with pytest.raises(ValueError):
        build_announcement("A1", 1, letters={"AB": "x"})
    with pytest.raises(ValueError):
        build_announcement("A1", 1, letters={"A": "!!"})


def test_custom_template():
    template = "Xin mời số {code}, vui lòng đến quầy {counter}."
    assert template_phrases(template) == ["Xin mời số", "vui lòng đến quầy"]
    a = build_announcement("A5", 2, template=template, repeat=1)
    assert a.text == "Xin mời số a năm, vui lòng đến quầy hai."
    assert a.display_text == "Xin mời số A5, vui lòng đến quầy 2."
    assert a.segments == [CHIME, *k("Xin mời số", "a", "năm", "vui lòng đến quầy", "hai")]
    required = required_segments(template)
    for phrase in ("Xin mời số", "vui lòng đến quầy"):
        spec = required[segment_key(phrase)]
        assert (spec.text, spec.kind) == (phrase, "phrase")
    assert INTRO not in required


def test_template_counter_first():
    a = build_announcement("A5", 2, template="Quầy {counter} mời số {code}", repeat=1)
    assert a.segments == [CHIME, *k("Quầy", "hai", "mời số", "a", "năm")]


@pytest.mark.parametrize(
    "template",
    [
        "Mời {code}",
        "Quầy {counter}",
        "{code} {counter} {name}",
        "{code!r} {counter}",
        "{code:>5} {counter}",
        "{code {counter}",
        5,
    ],
)
def test_invalid_templates(template):
    with pytest.raises(ValueError):
        build_announcement("A1", 1, template=template)


def test_default_template_phrases():
    assert template_phrases() == ["Mời công dân có số thứ tự", "đến quầy số"]
    assert template_phrases(DEFAULT_TEMPLATE) == template_phrases()


def test_segment_urls():
    assert segment_urls(["chime", "a"]) == ["/static/speech/chime.wav", "/static/speech/a.wav"]
    assert segment_urls(["a"], base="/s") == ["/s/a.wav"]
    assert segment_urls(["a"], base="https://x/y/") == ["https://x/y/a.wav"]
    a = build_announcement("A1", 1)
    assert a.urls() == segment_urls(a.segments)
    d = a.to_dict()
    assert d["segments"] == a.segments and d["urls"][0] == "/static/speech/chime.wav"


def test_missing_segments(tmp_path):
    (tmp_path / "chime.wav").write_bytes(b"")
    segs = ["chime", "a", "b", "a", "chime"]
    assert missing_segments(segs, tmp_path) == ["a", "b"]
    assert missing_segments(segs, tmp_path / "nope") == ["chime", "a", "b"]


def test_bundled_segments_cover_defaults():
    assert missing_segments(required_segments()) == []
    assert missing_segments(build_announcement("WXY9999", 9999).segments) == []

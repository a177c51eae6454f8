"""Build the spoken Vietnamese call announcement and its audio segment playlist."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .keys import CHIME, PAUSE, normalize_text, segment_key
from .numbers import NUMBER_WORDS, digit_words, words

__all__ = [
    "DEFAULT_LETTERS",
    "DEFAULT_TEMPLATE",
    "NUMBER_MODES",
    "SEGMENTS_DIR",
    "Announcement",
    "SegmentSpec",
    "build_announcement",
    "letter_forms",
    "missing_segments",
    "parse_code",
    "required_segments",
    "segment_urls",
    "spoken_code",
    "template_phrases",
]

SEGMENTS_DIR = Path(__file__).resolve().parent / "segments"

DEFAULT_TEMPLATE = "Mời công dân có số thứ tự {code} đến quầy số {counter}"

NUMBER_MODES = ("cardinal", "digits")

#: Spoken form of each prefix letter. "J" is not in the Vietnamese alphabet; add it with
#: ``letters={"J": ...}`` if needed.
DEFAULT_LETTERS: Mapping[str, str] = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "đê",
    "Đ": "đê",
    "E": "e",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "K": "ca",
    "L": "e-lờ",
    "M": "em-mờ",
    "N": "en-nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e-rờ",
    "S": "ét-xì",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích-xì",
    "Y": "i dài",
    "Z": "dét",
}

_FIELDS = ("code", "counter")
# Characters stripped from both ends of a literal template part before it is spoken.
_EDGE = string.whitespace + string.punctuation + "…–—“”‘’«»"
_MAX_DIGITS = 4
_MAX_LETTERS = 3


@dataclass(frozen=True)
class SegmentSpec:
    """One audio segment: its ``key`` (file stem), the ``text`` it speaks and its ``kind``
    ("chime", "pause", "number", "letter" or "phrase")."""

    key: str
    text: str
    kind: str


@dataclass(frozen=True)
class Announcement:
    """A call announcement.

    ``text`` is the sentence as spoken once, with the code and counter in words (good for
    browser TTS and screen readers); ``display_text`` has them as written ("A012", "3");
    ``segments`` is the ordered playlist of segment keys (chime, sentence, pause, sentence…).
    """

    code: str
    counter: int
    text: str
    display_text: str
    spoken_code: str
    segments: list[str] = field(default_factory=list)

    def urls(self, base: str = "/static/speech/") -> list[str]:
        return segment_urls(self.segments, base)

    def to_dict(self, base: str = "/static/speech/") -> dict:
        return {
            "code": self.code,
            "counter": self.counter,
            "text": self.text,
            "display_text": self.display_text,
            "spoken_code": self.spoken_code,
            "segments": list(self.segments),
            "urls": self.urls(base),
        }


def letter_forms(letters: Mapping[str, str] | None = None) -> dict[str, str]:
    """Default letter spoken forms updated with ``letters`` (keys are upper-cased)."""
    forms = dict(DEFAULT_LETTERS)
    for letter, spoken in (letters or {}).items():
        letter = normalize_text(str(letter)).upper()
        spoken = normalize_text(str(spoken))
        if len(letter) != 1 or not letter.isalpha():
            raise ValueError(f"letter override key must be a single letter: {letter!r}")
        segment_key(spoken)  # validates that it can be spoken
        forms[letter] = spoken
    return forms


_CODE_RE = re.compile(r"(?:([^\W\d_]+)[-\s]?)?([0-9]+)")


def parse_code(code: str, letters: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Split a ticket code into (prefix letters, digits): "ab-012" -> ("AB", "012").

    Accepts 0-3 known prefix letters, an optional "-" or space, then 1-4 ASCII digits.
    """
    if not isinstance(code, str):
        raise ValueError(f"ticket code must be a string, got {type(code).__name__}")
    m = _CODE_RE.fullmatch(normalize_text(code).upper())
    if not m:
        raise ValueError(f"invalid ticket code: {code!r}")
    prefix, digits = m.group(1) or "", m.group(2)
    forms = letter_forms(letters)
    if len(prefix) > _MAX_LETTERS or len(digits) > _MAX_DIGITS:
        raise ValueError(f"invalid ticket code: {code!r}")
    unknown = [ch for ch in prefix if ch not in forms]
    if unknown:
        raise ValueError(f"no spoken form for letter(s) {''.join(unknown)!r} in {code!r}")
    return prefix, digits


def _code_parts(
    code: str, number_mode: str, letters: Mapping[str, str] | None, four_as_tu: bool = False
) -> list[tuple[str, str]]:
    """(kind, text) parts that speak ``code``."""
    if number_mode not in NUMBER_MODES:
        raise ValueError(f"number_mode must be one of {NUMBER_MODES}, got {number_mode!r}")
    forms = letter_forms(letters)
    prefix, digits = parse_code(code, letters)
    parts = [("letter", forms[ch]) for ch in prefix]
    if number_mode == "digits":
        nums = digit_words(digits)
    else:
        nums = words(int(digits), four_as_tu=four_as_tu)
    return parts + [("number", w) for w in nums]


def spoken_code(
    code: str,
    *,
    number_mode: str = "cardinal",
    letters: Mapping[str, str] | None = None,
    four_as_tu: bool = False,
) -> str:
    """ "A012" -> "a mười hai" (cardinal) or "a không một hai" (digits)."""
    parts = _code_parts(code, number_mode, letters, four_as_tu)
    return " ".join(text for _, text in parts)


def _parse_template(template: str) -> list[tuple[str, str]]:
    """Split a template into ("phrase", text) and ("field", name) items."""
    if not isinstance(template, str):
        raise ValueError("template must be a string")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"invalid template {template!r}: {exc}") from None
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    for literal, name, spec, conversion in parsed:
        phrase = normalize_text(literal).strip(_EDGE)
        if phrase:
            items.append(("phrase", phrase))
        if name is None:
            continue
        if name not in _FIELDS or spec or conversion:
            raise ValueError(
                f"template fields must be plain {{code}} and {{counter}}, got {{{name}}}"
            )
        items.append(("field", name))
        seen.add(name)
    missing = [f"{{{name}}}" for name in _FIELDS if name not in seen]
    if missing:
        raise ValueError(f"template lacks {', '.join(missing)}: {template!r}")
    return items


def template_phrases(template: str = DEFAULT_TEMPLATE) -> list[str]:
    """The literal phrases of ``template`` that get their own audio segment, in order."""
    return [text for kind, text in _parse_template(template) if kind == "phrase"]


def build_announcement(
    code: str,
    counter: int,
    *,
    template: str = DEFAULT_TEMPLATE,
    number_mode: str = "cardinal",
    letters: Mapping[str, str] | None = None,
    repeat: int = 2,
    four_as_tu: bool = False,
) -> Announcement:
    """Build the announcement for ticket ``code`` called to counter ``counter``.

    The ticket number is read as a cardinal ("A012" -> "a mười hai") or digit by digit
    (``number_mode="digits"``: "a không một hai"); the counter is always a cardinal.
    ``segments`` is ["chime", *sentence, "pause", *sentence, ...] with the sentence
    ``repeat`` times.
    """
    if type(repeat) is not int or repeat < 1:
        raise ValueError(f"repeat must be an int >= 1, got {repeat!r}")
    items = _parse_template(template)
    code_parts = _code_parts(code, number_mode, letters, four_as_tu)
    counter_parts = [("number", w) for w in words(counter, four_as_tu=four_as_tu)]
    code_display = normalize_text(code).upper()
    code_spoken = " ".join(text for _, text in code_parts)
    counter_spoken = " ".join(text for _, text in counter_parts)

    sentence: list[str] = []
    for kind, value in items:
        if kind == "phrase":
            sentence.append(segment_key(value))
        else:
            parts = code_parts if value == "code" else counter_parts
            sentence.extend(segment_key(text) for _, text in parts)
    segments = [CHIME]
    for i in range(repeat):
        if i:
            segments.append(PAUSE)
        segments.extend(sentence)

    return Announcement(
        code=code_display,
        counter=counter,
        text=normalize_text(template.format(code=code_spoken, counter=counter_spoken)),
        display_text=normalize_text(template.format(code=code_display, counter=counter)),
        spoken_code=code_spoken,
        segments=segments,
    )


def required_segments(
    template: str = DEFAULT_TEMPLATE, letters: Mapping[str, str] | None = None
) -> dict[str, SegmentSpec]:
    """Every segment any announcement with ``template`` and ``letters`` can need, by key."""
    specs = [SegmentSpec(CHIME, "", "chime"), SegmentSpec(PAUSE, "", "pause")]
    specs += [SegmentSpec(segment_key(w), w, "number") for w in NUMBER_WORDS]
    specs += [SegmentSpec(segment_key(t), t, "letter") for t in letter_forms(letters).values()]
    specs += [SegmentSpec(segment_key(t), t, "phrase") for t in template_phrases(template)]
    out: dict[str, SegmentSpec] = {}
    for spec in specs:
        other = out.setdefault(spec.key, spec)
        if other.text.lower() != spec.text.lower():  # pragma: no cover - keys are injective
            raise ValueError(f"segment key collision: {other.text!r} / {spec.text!r}")
    return out


def segment_urls(segments: Iterable[str], base: str = "/static/speech/") -> list[str]:
    """["chime", "a"] -> ["/static/speech/chime.wav", "/static/speech/a.wav"]."""
    prefix = base if base.endswith("/") else base + "/"
    return [f"{prefix}{key}.wav" for key in segments]


def missing_segments(segments: Iterable[str], directory: str | Path = SEGMENTS_DIR) -> list[str]:
    """Keys (unique, in order) that have no ``<key>.wav`` file in ``directory``."""
    directory = Path(directory)
    missing: list[str] = []
    for key in dict.fromkeys(segments):
        if not (directory / f"{key}.wav").is_file():
            missing.append(key)
    return missing

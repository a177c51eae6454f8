"""Spoken Vietnamese call announcements (pure Python, no web framework imports).

>>> build_announcement("A012", 3).text
'Mời công dân có số thứ tự a mười hai đến quầy số ba'
"""

from .announce import (
    DEFAULT_LETTERS,
    DEFAULT_TEMPLATE,
    NUMBER_MODES,
    SEGMENTS_DIR,
    Announcement,
    SegmentSpec,
    build_announcement,
    letter_forms,
    missing_segments,
    parse_code,
    required_segments,
    segment_urls,
    spoken_code,
    template_phrases,
)
from .keys import CHIME, PAUSE, segment_key
from .numbers import NUMBER_WORDS, digit_words, read_digits, read_number, words

__all__ = [
    "CHIME",
    "DEFAULT_LETTERS",
    "DEFAULT_TEMPLATE",
    "NUMBER_MODES",
    "NUMBER_WORDS",
    "PAUSE",
    "SEGMENTS_DIR",
    "Announcement",
    "SegmentSpec",
    "build_announcement",
    "digit_words",
    "letter_forms",
    "missing_segments",
    "parse_code",
    "read_digits",
    "read_number",
    "required_segments",
    "segment_key",
    "segment_urls",
    "spoken_code",
    "template_phrases",
    "words",
]

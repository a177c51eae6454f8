"""The spoken call as the server serves it: the centre's sentence, its voice, its segments."""

from pathlib import Path

from flask import current_app

from speech import SEGMENTS_DIR, missing_segments, required_segments
from speech.announce import build_announcement, segment_urls
from speech.keys import PAUSE


def speech_dir():
    """Where the server takes segments from: the centre's own set first, else the bundled one."""
    cfg = current_app.config
    own = Path(cfg.get("SPEECH_DIR") or Path(cfg["DATA_DIR"]) / "speech")
    return own if own.is_dir() and any(own.glob("*.wav")) else Path(SEGMENTS_DIR)


def missing_speech_segments():
    cfg = current_app.config
    return missing_segments(required_segments(cfg["ANNOUNCE_TEMPLATE"]), speech_dir())


def all_segment_urls():
    """Every segment an announcement can use: the display loads them all before any call."""
    cfg = current_app.config
    return segment_urls(sorted(required_segments(cfg["ANNOUNCE_TEMPLATE"])), base="/speech/")


def brief_template(template):
    """The sentence from its first field on: "{code} đến quầy số {counter}". When calls pile
    up the display says the opening words once and each call in this brief form."""
    return template[template.index("{") :]


def announcement_for(code, counter_number):
    """{"text", "audio", "brief"}: the sentence and the URLs of its segments, in order
    (chime, sentence × ANNOUNCE_REPEAT); brief = {"text", "audio"} of the sentence once from
    its first field, without the chime, and "opening": the URLs of the words before it."""
    cfg = current_app.config
    options = {"number_mode": cfg["ANNOUNCE_NUMBERS"]}
    ann = build_announcement(
        code,
        counter_number,
        template=cfg["ANNOUNCE_TEMPLATE"],
        repeat=int(cfg["ANNOUNCE_REPEAT"]),
        **options,
    )
    brief = build_announcement(
        code, counter_number, template=brief_template(cfg["ANNOUNCE_TEMPLATE"]), repeat=1, **options
    )
    sentence = ann.segments[1 : ann.segments.index(PAUSE)] if PAUSE in ann.segments else []
    sentence = sentence or ann.segments[1:]
    opening = sentence[: len(sentence) - (len(brief.segments) - 1)]  # brief has the chime
    return {
        "text": ann.text,
        "audio": segment_urls(ann.segments, base="/speech/"),
        "brief": {
            "text": brief.text,
            "audio": segment_urls(brief.segments[1:], base="/speech/"),
            "opening": segment_urls(opening, base="/speech/"),
        },
    }

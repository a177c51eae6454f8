"""The spoken call as the server serves it: the centre's sentence, its voice, its segments."""

from pathlib import Path

from flask import current_app

from speech import SEGMENTS_DIR, missing_segments, required_segments
from speech.announce import build_announcement, segment_urls


def speech_dir():
    """Where the server takes segments from: the centre's own set first, else the bundled one."""
    cfg = current_app.config
    own = Path(cfg.get("SPEECH_DIR") or Path(cfg["DATA_DIR"]) / "speech")
    return own if own.is_dir() and any(own.glob("*.wav")) else Path(SEGMENTS_DIR)


def missing_speech_segments():
    cfg = current_app.config
    return missing_segments(required_segments(cfg["ANNOUNCE_TEMPLATE"]), speech_dir())


def announcement_for(code, counter_number):
    """{"text", "audio"}: the sentence and the URLs of its segments, in order."""
    cfg = current_app.config
    ann = build_announcement(
        code,
        counter_number,
        template=cfg["ANNOUNCE_TEMPLATE"],
        number_mode=cfg["ANNOUNCE_NUMBERS"],
        repeat=int(cfg["ANNOUNCE_REPEAT"]),
    )
    return {"text": ann.text, "audio": segment_urls(ann.segments, base="/speech/")}

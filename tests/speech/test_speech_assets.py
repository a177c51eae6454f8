"""The WAV files bundled in speech/segments (generated with espeak-ng)."""

import json
import wave

import pytest

from speech.announce import SEGMENTS_DIR, required_segments

REQUIRED = required_segments()
MANIFEST = json.loads((SEGMENTS_DIR / "manifest.json").read_text(encoding="utf-8"))


def test_files_match_required_set_and_manifest():
    files = {p.stem for p in SEGMENTS_DIR.glob("*.wav")}
    assert files == set(REQUIRED) == set(MANIFEST["segments"])
    assert len(files) == 47
    for key, spec in REQUIRED.items():
        entry = MANIFEST["segments"][key]
        assert (entry["text"], entry["kind"]) == (spec.text, spec.kind)


def test_total_size_is_modest():
    assert sum(p.stat().st_size for p in SEGMENTS_DIR.iterdir()) < 3 * 1024 * 1024


@pytest.mark.parametrize("key", sorted(REQUIRED))
def test_segment_format_and_duration(key):
    with wave.open(str(SEGMENTS_DIR / f"{key}.wav"), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        seconds = w.getnframes() / w.getframerate()
        frames = w.readframes(w.getnframes())
    kind = REQUIRED[key].kind
    low, high = {
        "number": (0.2, 1.5),
        "letter": (0.2, 1.5),
        "phrase": (0.5, 4.0),
        "chime": (1.0, 2.0),
        "pause": (0.55, 0.65),
    }[kind]
    assert low <= seconds <= high
    assert seconds == pytest.approx(MANIFEST["segments"][key]["duration"], abs=0.002)
    silent = frames.count(0) == len(frames)
    assert silent == (kind == "pause")


def test_package_imports_no_web_framework():
    import ast

    package = SEGMENTS_DIR.parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] in ("flask", "qms") for n in names), (source, names)

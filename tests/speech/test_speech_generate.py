import json
import shlex
import shutil
import sys
import wave

import pytest

from speech.announce import required_segments, segment_key
from speech.generate import GenerationError, build_command, generate_segments, main

FAKE_TTS = r"""
import json, math, sys, wave
args = sys.argv[1:]
out = args[args.index("--out") + 1]
text = args[args.index("--text") + 1]
with open(args[args.index("--log") + 1], "a", encoding="utf-8") as log:
    log.write(json.dumps(args, ensure_ascii=False) + "\n")
if text == "hỏng":
    sys.exit("engine exploded")
rate = 22050
lead = trail = int(0.3 * rate)                   # silence to be trimmed
voiced = int((0.15 + 0.04 * len(text)) * rate)  # "speech": longer text, longer sound
frames = bytearray(2 * lead)
for i in range(voiced):
    v = int(12000 * math.sin(2 * math.pi * 220 * i / rate))
    frames += v.to_bytes(2, "little", signed=True)
frames += bytes(2 * trail)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(bytes(frames))
"""


@pytest.fixture
def fake_engine(tmp_path):
    script = tmp_path / "fake_tts.py"
    script.write_text(FAKE_TTS, encoding="utf-8")
    log = tmp_path / "engine.log"
    cmd = (
        f"{shlex.quote(sys.executable)} -S {shlex.quote(str(script))} "
        f"--out {{out}} --text {{text}} --voice {{voice}} --speed {{speed}} "
        f"--log {shlex.quote(str(log))}"
    )

    def calls():
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    return cmd, calls


def info(path):
    with wave.open(str(path), "rb") as w:
        return (
            w.getnchannels(),
            w.getsampwidth(),
            w.getframerate(),
            w.getnframes() / w.getframerate(),
        )


def test_build_command_keeps_text_as_one_argument():
    argv = build_command(
        "tts -v {voice} -s {speed} --out={out} {text}",
        out="/tmp/a b.wav",
        text='Mời "công" dân; rm -rf /',
        voice="vi",
        speed=150,
    )
    assert argv == [
        "tts",
        "-v",
        "vi",
        "-s",
        "150",
        "--out=/tmp/a b.wav",
        'Mời "công" dân; rm -rf /',
    ]


@pytest.mark.parametrize("cmd", ["tts {text}", "tts --out {out}", ""])
def test_build_command_needs_placeholders(cmd):
    with pytest.raises(ValueError):
        build_command(cmd, out="o", text="t", voice="vi", speed=1)


def test_generate_with_fake_engine_without_sox(tmp_path, fake_engine):
    cmd, calls = fake_engine
    out = tmp_path / "segments"
    manifest = generate_segments(out, engine="fake", engine_cmd=cmd, use_sox=False, speed=123)

    required = required_segments()
    assert set(manifest["segments"]) == set(required)
    assert {p.stem for p in out.glob("*.wav")} == set(required)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert manifest["engine"] == "fake" and manifest["command"] == cmd and manifest["created"]
    for key, spec in required.items():
        entry = manifest["segments"][key]
        assert (entry["text"], entry["kind"]) == (spec.text, spec.kind)

    spoken = {c[c.index("--text") + 1] for c in calls()}
    assert spoken == {s.text for s in required.values() if s.kind not in ("chime", "pause")}
    assert all(
        c[c.index("--voice") + 1] == "vi" and c[c.index("--speed") + 1] == "123" for c in calls()
    )

    # engine output is kept at its own rate without sox, silence trimmed (0.3 s each side)
    ch, width, rate, seconds = info(out / f"{segment_key('một')}.wav")
    assert (ch, width, rate) == (1, 2, 22050)
    assert seconds == pytest.approx(0.15 + 0.04 * 3 + 0.06, abs=0.01)
    assert info(out / "pause.wav")[3] == pytest.approx(0.6)
    assert info(out / "chime.wav")[2] == 16000
    assert 1.0 <= info(out / "chime.wav")[3] <= 2.0


def test_no_trim_keeps_silence(tmp_path, fake_engine):
    cmd, _ = fake_engine
    generate_segments(tmp_path, engine_cmd=cmd, use_sox=False, trim=False)
    assert info(tmp_path / "hai.wav")[3] == pytest.approx(0.6 + 0.15 + 0.12, abs=0.01)


@pytest.mark.skipif(not shutil.which("sox"), reason="sox not installed")
def test_generate_with_sox_resamples(tmp_path, fake_engine):
    cmd, _ = fake_engine
    manifest = generate_segments(tmp_path, engine_cmd=cmd, rate=16000)
    for key in manifest["segments"]:
        assert info(tmp_path / f"{key}.wav")[:3] == (1, 2, 16000)
        assert manifest["segments"][key]["rate"] == 16000


def test_custom_template_and_letters(tmp_path, fake_engine):
    cmd, _ = fake_engine
    template = "Xin mời số {code}, đến bàn {counter}."
    manifest = generate_segments(
        tmp_path, engine_cmd=cmd, use_sox=False, template=template, letters={"J": "gi"}
    )
    for text in ("Xin mời số", "đến bàn", "gi"):
        assert (tmp_path / f"{segment_key(text)}.wav").is_file()
    assert manifest["segments"][segment_key("đến bàn")]["kind"] == "phrase"
    assert manifest["template"] == template


def test_only_missing(tmp_path, fake_engine):
    cmd, calls = fake_engine
    generate_segments(tmp_path, engine_cmd=cmd, use_sox=False)
    first = len(calls())
    (tmp_path / "hai.wav").unlink()
    manifest = generate_segments(tmp_path, engine_cmd=cmd, use_sox=False, only_missing=True)
    assert len(calls()) == first + 1
    assert calls()[-1][calls()[-1].index("--text") + 1] == "hai"
    assert set(manifest["segments"]) == set(required_segments())


def test_engine_failure(tmp_path, fake_engine):
    cmd, _ = fake_engine
    with pytest.raises(GenerationError, match="engine exploded"):
        generate_segments(tmp_path, engine_cmd=cmd, use_sox=False, letters={"H": "hỏng"})


def test_engine_writing_nothing(tmp_path):
    with pytest.raises(GenerationError, match="no WAV"):
        generate_segments(tmp_path, engine_cmd="true {out} {text}", use_sox=False)
    with pytest.raises(GenerationError):
        generate_segments(tmp_path, engine_cmd="no-such-tts-binary {out} {text}", use_sox=False)


def test_unknown_engine(tmp_path):
    with pytest.raises(ValueError):
        generate_segments(tmp_path, engine="nope")


def test_cli(tmp_path, fake_engine, capsys):
    cmd, _ = fake_engine
    status = main(
        [
            "--out",
            str(tmp_path),
            "--engine-cmd",
            cmd,
            "--no-sox",
            "--letter",
            "J=gi",
            "--speed",
            "130",
        ]
    )
    assert status == 0
    assert "segments" in capsys.readouterr().out
    assert (tmp_path / f"{segment_key('gi')}.wav").is_file()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["speed"] == 130


def test_cli_error(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--engine-cmd", "tts {text}"]) == 1
    assert "error" in capsys.readouterr().err


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")
def test_real_espeak(tmp_path):
    manifest = generate_segments(tmp_path, letters={"A": "a"})
    for key, entry in manifest["segments"].items():
        seconds = info(tmp_path / f"{key}.wav")[3]
        assert seconds == pytest.approx(entry["duration"], abs=0.002)
        if entry["kind"] in ("number", "letter"):
            assert 0.2 <= seconds <= 1.5, (key, seconds)

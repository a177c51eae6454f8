"""Generate the offline audio segments (WAV) for announcements with any TTS command.

Usage: ``python -m speech.generate --out DIR [--engine-cmd "mytts --out {out} {text}"]``
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .announce import DEFAULT_TEMPLATE, SEGMENTS_DIR, SegmentSpec, required_segments
from .audio import (
    DEFAULT_RATE,
    chime_samples,
    read_wav,
    silence_samples,
    trim_silence,
    write_wav,
)

__all__ = [
    "ENGINE_COMMANDS",
    "MANIFEST",
    "PAUSE_SECONDS",
    "GenerationError",
    "build_command",
    "generate_segments",
    "main",
]

#: Command templates of known engines. Placeholders: {out} (WAV path to write), {text},
#: {voice}, {speed}. The template is split shell-style *before* substitution, so the text
#: is always one argument and never interpreted by a shell.
ENGINE_COMMANDS: Mapping[str, str] = {
    "espeak-ng": "espeak-ng -v {voice} -s {speed} -w {out} {text}",
    "espeak": "espeak -v {voice} -s {speed} -w {out} {text}",
}
MANIFEST = "manifest.json"
PAUSE_SECONDS = 0.6
_PLACEHOLDERS = ("{out}", "{text}", "{voice}", "{speed}")


class GenerationError(RuntimeError):
    """The TTS engine or sox failed, or produced no usable WAV."""


def build_command(engine_cmd: str, *, out: str, text: str, voice: str, speed: int) -> list[str]:
    """Split ``engine_cmd`` into argv and fill in the placeholders."""
    argv = shlex.split(engine_cmd)
    if not any("{out}" in a for a in argv) or not any("{text}" in a for a in argv):
        raise ValueError(f"engine command needs {{out}} and {{text}} placeholders: {engine_cmd!r}")
    values = dict(zip(_PLACEHOLDERS, (out, text, voice, str(speed)), strict=True))
    filled = []
    for arg in argv:
        for placeholder, value in values.items():
            arg = arg.replace(placeholder, value)
        filled.append(arg)
    return filled


def _describe(path: Path) -> dict:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        return {"duration": round(w.getnframes() / rate, 3), "rate": rate}


def _run(argv: list[str], timeout: float) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GenerationError(f"cannot run {argv[0]!r}: {exc}") from exc
    if proc.returncode != 0:
        raise GenerationError(
            f"{shlex.join(argv)} exited with {proc.returncode}: {proc.stderr.strip()[:500]}"
        )


def _speak(
    spec: SegmentSpec,
    dest: Path,
    *,
    engine_cmd: str,
    voice: str,
    speed: int,
    rate: int,
    trim: bool,
    sox: str | None,
    tmp: Path,
    timeout: float,
) -> None:
    raw = tmp / "raw.wav"
    raw.unlink(missing_ok=True)
    cmd = build_command(engine_cmd, out=str(raw), text=spec.text, voice=voice, speed=speed)
    _run(cmd, timeout)
    if not raw.is_file() or raw.stat().st_size == 0:
        raise GenerationError(f"{shlex.join(cmd)} wrote no WAV file")
    src = raw
    if sox:
        src = tmp / "converted.wav"
        _run([sox, "-D", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(src)], timeout)
    try:
        samples, actual_rate = read_wav(src)
    except (EOFError, ValueError, OSError, wave.Error) as exc:
        raise GenerationError(f"{spec.text!r}: unusable WAV from the engine: {exc}") from exc
    if trim:
        samples = trim_silence(samples, actual_rate)
    if not samples:
        raise GenerationError(f"{spec.text!r}: the engine produced no audio")
    write_wav(dest, samples, actual_rate)


def generate_segments(
    out_dir: str | Path = SEGMENTS_DIR,
    *,
    engine: str = "espeak-ng",
    voice: str = "vi",
    speed: int = 140,
    engine_cmd: str | None = None,
    template: str = DEFAULT_TEMPLATE,
    letters: Mapping[str, str] | None = None,
    rate: int = DEFAULT_RATE,
    trim: bool = True,
    use_sox: bool | None = None,
    only_missing: bool = False,
    timeout: float = 60.0,
) -> dict:
    """Write ``<key>.wav`` for every segment ``template``/``letters`` need, plus ``manifest.json``.

    ``engine_cmd`` overrides the command of ``engine`` (see :data:`ENGINE_COMMANDS`).
    sox (used when installed, or when ``use_sox`` is true) converts the engine output to
    mono 16-bit ``rate`` Hz; without it the engine's own rate is kept (it must write mono
    16-bit PCM). Leading/trailing silence is trimmed when ``trim``. The chime and the pause
    are synthesised, not spoken. With ``only_missing`` existing files are kept.
    Returns the manifest.
    """
    if engine_cmd is None:
        if engine not in ENGINE_COMMANDS:
            raise ValueError(f"unknown engine {engine!r}; pass engine_cmd")
        engine_cmd = ENGINE_COMMANDS[engine]
    build_command(engine_cmd, out="x", text="x", voice=voice, speed=speed)  # validate early
    sox = shutil.which("sox") if use_sox is not False else None
    if use_sox and not sox:
        raise GenerationError("sox requested but not found on PATH")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    old: dict = {}
    if only_missing and manifest_path.is_file():
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8")).get("segments", {})
        except (ValueError, AttributeError):
            old = {}

    # entries of an earlier run (e.g. another template's phrases) whose files still exist
    kept = {k: v for k, v in old.items() if isinstance(v, dict) and (out / f"{k}.wav").is_file()}
    entries: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="qms-speech-") as tmpdir:
        tmp = Path(tmpdir)
        for key, spec in required_segments(template, letters).items():
            dest = out / f"{key}.wav"
            if only_missing and dest.is_file():
                entry = old.get(key) or {"text": spec.text, "kind": spec.kind}
                entries[key] = {**entry, **_describe(dest)}
                continue
            part = tmp / "part.wav"
            if spec.kind == "chime":
                write_wav(part, chime_samples(rate), rate)
            elif spec.kind == "pause":
                write_wav(part, silence_samples(PAUSE_SECONDS, rate), rate)
            else:
                _speak(
                    spec,
                    part,
                    engine_cmd=engine_cmd,
                    voice=voice,
                    speed=speed,
                    rate=rate,
                    trim=trim,
                    sox=sox,
                    tmp=tmp,
                    timeout=timeout,
                )
            shutil.move(str(part), dest)
            entries[key] = {"text": spec.text, "kind": spec.kind, **_describe(dest)}

    manifest = {
        "engine": engine,
        "command": engine_cmd,
        "voice": voice,
        "speed": speed,
        "trimmed": trim,
        "template": template,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "segments": dict(sorted({**kept, **entries}.items())),
    }
    tmp_manifest = manifest_path.with_suffix(".json.tmp")
    tmp_manifest.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    os.replace(tmp_manifest, manifest_path)
    return manifest


def _letter(value: str) -> tuple[str, str]:
    letter, sep, spoken = value.partition("=")
    if not sep or not letter or not spoken:
        raise argparse.ArgumentTypeError(f"expected LETTER=spoken form, got {value!r}")
    return letter, spoken


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m speech.generate",
        description="Generate the WAV segments of the spoken call announcements.",
    )
    parser.add_argument("--out", type=Path, default=SEGMENTS_DIR, help="output directory")
    parser.add_argument("--engine", default="espeak-ng", choices=sorted(ENGINE_COMMANDS))
    parser.add_argument(
        "--engine-cmd",
        help="TTS command template with {out} and {text} (also {voice}, {speed})",
    )
    parser.add_argument("--voice", default="vi")
    parser.add_argument("--speed", type=int, default=140)
    parser.add_argument("--template", default=DEFAULT_TEMPLATE)
    parser.add_argument(
        "--letter",
        type=_letter,
        action="append",
        default=[],
        metavar="L=FORM",
        help="override a letter's spoken form (repeatable), e.g. --letter 'D=dê'",
    )
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, help="sample rate (with sox)")
    parser.add_argument("--no-trim", action="store_true", help="keep the engine's silences")
    parser.add_argument("--no-sox", action="store_true", help="do not use sox even if present")
    parser.add_argument("--only-missing", action="store_true", help="keep existing files")
    args = parser.parse_args(argv)

    try:
        manifest = generate_segments(
            args.out,
            engine=args.engine,
            voice=args.voice,
            speed=args.speed,
            engine_cmd=args.engine_cmd,
            template=args.template,
            letters=dict(args.letter),
            rate=args.rate,
            trim=not args.no_trim,
            use_sox=False if args.no_sox else None,
            only_missing=args.only_missing,
        )
    except (ValueError, GenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    segments = manifest["segments"]
    for key, entry in segments.items():
        if entry["kind"] in ("number", "letter") and not 0.2 <= entry["duration"] <= 1.5:
            print(f"warning: {key}.wav lasts {entry['duration']} s", file=sys.stderr)
    size = sum((args.out / f"{key}.wav").stat().st_size for key in segments)
    print(f"{len(segments)} segments, {size / 1024:.0f} KiB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

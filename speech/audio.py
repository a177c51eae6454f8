"""Small pure-Python WAV helpers: the synthesised chime, silence, trimming, durations."""

from __future__ import annotations

import math
import sys
import wave
from array import array
from pathlib import Path

__all__ = [
    "DEFAULT_RATE",
    "chime_samples",
    "read_wav",
    "silence_samples",
    "trim_silence",
    "wav_duration",
    "write_wav",
]

DEFAULT_RATE = 16000


def write_wav(path: str | Path, samples: array, rate: int = DEFAULT_RATE) -> None:
    """Write mono 16-bit PCM ``samples`` (``array('h')``) to ``path``."""
    data = array("h", samples)
    if sys.byteorder == "big":  # WAV is little-endian
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def read_wav(path: str | Path) -> tuple[array, int]:
    """Read a mono 16-bit PCM WAV file; returns (samples, rate)."""
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit PCM")
        rate = w.getframerate()
        data = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return data, rate


def wav_duration(path: str | Path) -> float:
    """Duration of a WAV file in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def silence_samples(seconds: float, rate: int = DEFAULT_RATE) -> array:
    return array("h", bytes(2 * round(seconds * rate)))


def chime_samples(rate: int = DEFAULT_RATE, *, volume: float = 0.5) -> array:
    """A two-tone "ding-dong" (E5 then C5, bell-like partials, exponential decay)."""

    def tone(freq: float, start: float, length: float, total: int, buf: list[float]) -> None:
        partials = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12), (4.2, 0.05))  # (ratio, gain)
        first = round(start * rate)
        count = round(length * rate)
        attack = 0.008 * rate
        for i in range(count):
            if first + i >= total:
                break
            t = i / rate
            env = min(1.0, i / attack) * math.exp(-3.2 * t)
            value = 0.0
            for ratio, gain in partials:
                # higher partials die away faster, as on a real bell
                value += (
                    gain * math.exp(-2.0 * ratio * t) * math.sin(2 * math.pi * freq * ratio * t)
                )
            buf[first + i] += env * value

    total = round(1.5 * rate)
    buf = [0.0] * total
    tone(659.25, 0.0, 1.5, total, buf)  # E5 "ding"
    tone(523.25, 0.45, 1.05, total, buf)  # C5 "dong"
    fade = round(0.05 * rate)
    for i in range(fade):  # make sure the tail ends at exactly zero
        buf[total - 1 - i] *= i / fade
    peak = max(abs(v) for v in buf) or 1.0
    scale = volume * 32767 / peak
    return array("h", (round(v * scale) for v in buf))


def trim_silence(
    samples: array, rate: int, *, threshold: float = 0.002, pad: float = 0.03
) -> array:
    """Drop leading/trailing samples quieter than ``threshold`` x full scale, keeping ``pad``
    seconds of margin on each side. All-quiet input is returned unchanged."""
    limit = threshold * 32767
    n = len(samples)
    first = next((i for i in range(n) if abs(samples[i]) > limit), None)
    if first is None:
        return array("h", samples)
    last = next(i for i in range(n - 1, -1, -1) if abs(samples[i]) > limit)
    margin = round(pad * rate)
    return array("h", samples[max(0, first - margin) : min(n, last + 1 + margin)])

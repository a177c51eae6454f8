"""Collision-free ASCII keys (file names) for spoken segments.

A key is derived from the text to be spoken with a VNI-style transliteration, which is
injective on Vietnamese text, so "một" and "mốt" (both "mot" once diacritics are stripped)
never share an audio file:

* text is NFC-normalised, lower-cased, and runs of whitespace become one ``_``;
* a vowel modifier is written as a digit right after its letter: circumflex ``6``
  (â ê ô), horn ``7`` (ơ ư), breve ``8`` (ă); ``đ`` is ``d9``;
* the tone of a syllable is written as a digit at the end of the syllable: sắc ``1``,
  huyền ``2``, hỏi ``3``, ngã ``4``, nặng ``5`` (ngang has none);
* a literal ASCII digit ``d`` is written ``0d``; ``-`` is kept;
* anything else (punctuation, foreign letters) is dropped and the key gets a suffix
  ``.`` + 8 hex digits of the SHA-1 of the normalised text, so it stays unique.

Examples: "một" -> "mo6t5", "mốt" -> "mo6t1", "mười" -> "mu7o7i2", "mươi" -> "mu7o7i",
"đến quầy số" -> "d9e6n1_qua6y2_so61". Upper/lower case map to the same key on purpose.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["CHIME", "MAX_KEY_LENGTH", "PAUSE", "RESERVED_KEYS", "normalize_text", "segment_key"]

CHIME = "chime"
PAUSE = "pause"
RESERVED_KEYS = frozenset({CHIME, PAUSE})
MAX_KEY_LENGTH = 96

_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_MODIFIERS = {"\u0302": "6", "\u031b": "7", "\u0306": "8"}
_MODIFIABLE = {"6": "aeo", "7": "ou", "8": "a"}
_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC-normalise, strip and collapse whitespace (case is kept)."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _clusters(text: str) -> list[tuple[str, list[str]]]:
    """Split ``text`` (decomposed) into (base character, combining marks) pairs."""
    clusters: list[tuple[str, list[str]]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1][1].append(ch)
        else:
            clusters.append((ch, []))
    return clusters


def segment_key(text: str) -> str:
    """Return the ASCII key (``[a-z0-9_.-]+``) of the audio segment that speaks ``text``."""
    if not isinstance(text, str):
        raise ValueError(f"expected text, got {type(text).__name__}")
    norm = normalize_text(text).lower()
    out: list[str] = []
    tone = ""
    lossy = False
    spoken = False

    def end_syllable() -> None:
        nonlocal tone
        out.append(tone)
        tone = ""

    for base, marks in _clusters(norm):
        if base == "đ" or "a" <= base <= "z":
            spoken = True
            out.append("d9" if base == "đ" else base)
            for mark in marks:
                if mark in _TONES:
                    if tone:
                        raise ValueError(f"two tone marks in one syllable: {text!r}")
                    tone = _TONES[mark]
                elif mark in _MODIFIERS and base in _MODIFIABLE[_MODIFIERS[mark]]:
                    out.append(_MODIFIERS[mark])
                else:
                    lossy = True
            continue
        end_syllable()
        if marks:
            lossy = True
        if "0" <= base <= "9":
            spoken = True
            out.append("0" + base)
        elif base == " ":
            out.append("_")
        elif base == "-":
            out.append("-")
        else:
            lossy = True
    end_syllable()

    if not spoken:
        raise ValueError(f"nothing to speak in {text!r}")
    key = "".join(out)
    if lossy or len(key) > MAX_KEY_LENGTH:
        key = f"{key[: MAX_KEY_LENGTH - 9]}.{_digest(norm)}"
    if key in RESERVED_KEYS:
        raise ValueError(f"text {text!r} maps to the reserved key {key!r}")
    return key

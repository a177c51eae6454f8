"""Fonts and text wrapping for the ticket layout.

:class:`FontSet` names the TrueType files for each weight (Be Vietnam Pro by default, it
covers every Vietnamese letter with its tone marks); :func:`load_font` loads and caches
them.  :func:`wrap_text` breaks text into balanced lines of a maximum pixel width:
lone punctuation and short numbers stay with the previous word, over-long words are
broken between characters, nothing is ever cut off.

Fonts use Pillow's basic layout engine, so a line's width is exactly the sum of its
words and spaces; measurements are memoised (:func:`text_width`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from .exceptions import PrinterConfigError

_WEIGHTS = ("regular", "medium", "semibold", "bold", "black")
_FILE_NAMES = {
    "regular": "BeVietnamPro-Regular.ttf",
    "medium": "BeVietnamPro-Medium.ttf",
    "semibold": "BeVietnamPro-SemiBold.ttf",
    "bold": "BeVietnamPro-Bold.ttf",
    "black": "BeVietnamPro-ExtraBold.ttf",
}
# Punctuation that must stay on the same line as the previous word.
_GLUE_LEFT = frozenset("–—-:;,.!?)»”")


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontSet:
    """Paths of the TrueType files used for each weight."""

    regular: Path
    medium: Path
    semibold: Path
    bold: Path
    black: Path

    @classmethod
    def default(cls) -> FontSet:
        """Be Vietnam Pro from the ``fontpkg-be-vietnam-pro`` package.

        :raises PrinterConfigError: the package is not installed
        """
        try:
            import fontpkg_be_vietnam_pro
        except ImportError:  # pragma: no cover - depends on the environment
            raise PrinterConfigError(
                "font package missing: pip install fontpkg-be-vietnam-pro "
                "(or pass font_path= to render_ticket)"
            ) from None
        return cls.from_path(Path(fontpkg_be_vietnam_pro.ROOT) / "files")

    @classmethod
    def from_path(cls, path: str | Path) -> FontSet:
        """Fonts from a single ``.ttf``/``.otf`` file (used for every weight) or from a
        directory containing the ``BeVietnamPro-<Weight>.ttf`` files.

        :raises PrinterConfigError: the file or the directory's fonts do not exist
        """
        p = Path(path)
        if p.is_file():
            return cls(*(p,) * len(_WEIGHTS))
        if p.is_dir():
            found = {w: p / name for w, name in _FILE_NAMES.items() if (p / name).is_file()}
            if not found:
                raise PrinterConfigError(f"no BeVietnamPro-*.ttf font found in {p}")
            fallback = found.get("bold") or next(iter(found.values()))
            return cls(**{w: found.get(w, fallback) for w in _WEIGHTS})
        raise PrinterConfigError(f"font path does not exist: {p}")


@lru_cache(maxsize=256)
def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in ``size`` pixels, basic layout engine (cached).

    :raises PrinterConfigError: the file cannot be loaded as a font
    """
    try:
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    except OSError as exc:
        raise PrinterConfigError(f"cannot load font {path}: {exc}") from exc


@lru_cache(maxsize=8)
def _default_fonts() -> FontSet:
    return FontSet.default()


def resolve_fonts(font_path: str | Path | FontSet | None) -> FontSet:
    """A :class:`FontSet` from a ``font_path`` argument (see :func:`render_ticket`).

    ``None`` gives the default Be Vietnam Pro set; a path goes through
    :meth:`FontSet.from_path`.

    :raises PrinterConfigError: missing font package, file or directory
    """
    if font_path is None:
        return _default_fonts()
    if isinstance(font_path, FontSet):
        return font_path
    return FontSet.from_path(font_path)


# --------------------------------------------------------------------------- text helpers


def clean_text(text: str) -> str:
    """``text`` with runs of whitespace collapsed to one space, in NFC form."""
    # Data typed on some systems arrives decomposed (NFD); the basic layout engine only
    # positions tone marks correctly for precomposed characters.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _tokens(paragraph: str) -> list[str]:
    """Split on spaces, gluing lone punctuation (``–``, ``:``) and short numbers
    (``Quầy 5``, ``15 phút``) to the previous word."""
    out: list[str] = []
    for word in paragraph.split():
        glue = all(ch in _GLUE_LEFT for ch in word) or (word[0].isdigit() and len(word) <= 6)
        if out and glue:
            out[-1] = f"{out[-1]}\u00a0{word}"
        else:
            out.append(word)
    return out


@lru_cache(maxsize=16384)
def text_width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Advance width of ``text`` (memoised: FreeType measuring is the hot spot)."""
    return font.getlength(text)


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, max_w: int) -> list[str]:
    """Break a word wider than ``max_w`` between characters (never inside a cluster)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and not unicodedata.combining(ch) and text_width(font, current + ch) > max_w:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _greedy(widths: list[float], space: float, max_w: float) -> list[int]:
    """Greedy line breaking on word widths; returns the index where each line starts."""
    starts = [0]
    line = widths[0]
    for i in range(1, len(widths)):
        candidate = line + space + widths[i]
        if candidate <= max_w:
            line = candidate
        else:
            starts.append(i)
            line = widths[i]
    return starts


def _join(words: list[str], starts: list[int]) -> list[str]:
    ends = [*starts[1:], len(words)]
    return [" ".join(words[a:b]) for a, b in zip(starts, ends, strict=True)]


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_w: int) -> list[str]:
    """Wrap ``text`` into lines no wider than ``max_w`` pixels.

    Lines are *balanced*: the narrowest width that still gives the minimal number of
    lines is used, so a centred title does not end with a lonely word.  Words wider
    than ``max_w`` are broken between characters; nothing is ever cut off.
    """
    text = unicodedata.normalize("NFC", text)
    words: list[str] = []
    for token in _tokens(text):
        if text_width(font, token) <= max_w:
            words.append(token)
            continue
        # too wide even alone: undo the gluing, then break words between characters
        for word in token.split("\u00a0"):
            if text_width(font, word) > max_w:
                words.extend(_split_long_word(word, font, max_w))
            else:
                words.append(word)
    if not words:
        return []
    # With the basic layout engine a line's width is exactly the sum of its words and
    # spaces (no kerning across spaces), so line breaking works on numbers only.
    widths = [text_width(font, w) for w in words]
    space = text_width(font, " ")
    starts = _greedy(widths, space, max_w)
    if len(starts) > 1:
        lo, hi = int(max(widths)), max_w
        while lo < hi:  # smallest width giving the same line count
            mid = (lo + hi) // 2
            if len(_greedy(widths, space, mid)) <= len(starts):
                hi = mid
            else:
                lo = mid + 1
        starts = _greedy(widths, space, hi)
    lines = [line.replace("\u00a0", " ") for line in _join(words, starts)]
    if any(text_width(font, line) > max_w for line in lines):  # pragma: no cover - safety net
        lines = [w.replace("\u00a0", " ") for w in words]
    return lines


__all__ = [
    "FontSet",
    "clean_text",
    "load_font",
    "resolve_fonts",
    "text_width",
    "wrap_text",
]

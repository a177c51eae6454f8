"""Vietnamese cardinal numbers (0-9999) and digit-by-digit readings.

Rules (D = không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín):

1. 0 -> "không".
2. Thousands t -> "D[t] nghìn".
3. If anything remains and there were thousands or hundreds h > 0 -> "D[h] trăm"
   (this yields "không trăm", e.g. 1025 "một nghìn không trăm hai mươi lăm").
4. Tens 0 with units u > 0 after hundreds/thousands -> "lẻ D[u]".
5. Tens 1 -> "mười", then "lăm" for 5, else D[u] (u > 0).
6. Tens c >= 2 -> "D[c] mươi", then "mốt" for 1, "lăm" for 5, optionally "tư" for 4,
   else D[u] (u > 0).
"""

from __future__ import annotations

__all__ = [
    "DIGITS",
    "MAX_NUMBER",
    "NUMBER_WORDS",
    "digit_words",
    "read_digits",
    "read_number",
    "words",
]

MAX_NUMBER = 9999

DIGITS: tuple[str, ...] = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

#: Every word any reading of 0..9999 can produce (with or without ``four_as_tu``).
NUMBER_WORDS: tuple[str, ...] = DIGITS + ("mười", "mươi", "mốt", "lăm", "tư", "lẻ", "trăm", "nghìn")


def _check(n: object) -> int:
    # bool is an int subclass, but "quầy số True" is always a bug.
    if type(n) is not int:
        raise ValueError(f"expected an int in 0..{MAX_NUMBER}, got {type(n).__name__}: {n!r}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number out of range 0..{MAX_NUMBER}: {n}")
    return n


def words(n: int, *, four_as_tu: bool = False) -> list[str]:
    """Return the Vietnamese cardinal reading of ``n`` (0..9999) as a list of words."""
    n = _check(n)
    if n == 0:
        return [DIGITS[0]]
    thousands, rest = divmod(n, 1000)
    hundreds, below = divmod(rest, 100)
    tens, units = divmod(below, 10)

    out: list[str] = []
    if thousands:
        out += [DIGITS[thousands], "nghìn"]
    if rest == 0:
        return out
    if thousands or hundreds:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if out:
                out.append("lẻ")
            out.append(DIGITS[units])
    elif tens == 1:
        out.append("mười")
        if units == 5:
            out.append("lăm")
        elif units:
            out.append(DIGITS[units])
    else:
        out += [DIGITS[tens], "mươi"]
        if units == 1:
            out.append("mốt")
        elif units == 5:
            out.append("lăm")
        elif units == 4 and four_as_tu:
            out.append("tư")
        elif units:
            out.append(DIGITS[units])
    return out


def read_number(n: int, *, four_as_tu: bool = False) -> str:
    """Return the Vietnamese cardinal reading of ``n`` (0..9999), e.g. 105 -> "một trăm lẻ năm"."""
    return " ".join(words(n, four_as_tu=four_as_tu))


def digit_words(s: str) -> list[str]:
    """Return the digit-by-digit reading of the ASCII digit string ``s`` as a list of words."""
    if not isinstance(s, str) or not s or not (s.isascii() and s.isdigit()):
        raise ValueError(f"expected a non-empty string of ASCII digits, got {s!r}")
    return [DIGITS[int(ch)] for ch in s]


def read_digits(s: str) -> str:
    """Read ``s`` digit by digit: "012" -> "không một hai"."""
    return " ".join(digit_words(s))

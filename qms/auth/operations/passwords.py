"""The password policy and the hashes: long enough, not on the common list, not the username."""

import hashlib
import secrets
from functools import cache
from pathlib import Path

from qms.errors import Invalid

MIN_PASSWORD = 10
MAX_PASSWORD = 256
COMMON_LIST = Path(__file__).resolve().parent.parent / "common_passwords.txt"


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_password():
    """A one-time password an admin reads out or hands over: 16 characters, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


@cache
def common_passwords():
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


RUNS = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")


def _is_run(text):
    """A keyboard or counting run such as 12345678901 or qwertyuiop, either way round."""
    return any(text in run or text in run[::-1] for run in RUNS)


def check_password_rules(password, username=""):
    """Raise Invalid (422 weak_password) with a message that says what to do instead."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid(
            f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự. "
            f"Password needs at least {MIN_PASSWORD} characters.",
            "weak_password",
        )
    if len(password) > MAX_PASSWORD:
        raise Invalid(
            f"Mật khẩu dài quá {MAX_PASSWORD} ký tự. Password is too long.", "weak_password"
        )
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2 or _is_run(lowered):
        raise Invalid(
            "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác, ví dụ một câu ngắn. "
            "This password is too common; choose another, e.g. a short sentence.",
            "weak_password",
        )
    if len(username or "") >= 3 and username.lower() in lowered:
        raise Invalid(
            "Mật khẩu không được chứa tên đăng nhập. Password must not contain the username.",
            "weak_password",
        )

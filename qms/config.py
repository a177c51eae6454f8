"""Defaults, overridden by QMS_* environment variables, then by the config a caller passes."""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    "DATA_DIR": "./var",
    "DATABASE_URL": None,  # default: sqlite file in DATA_DIR
    "HOST": "0.0.0.0",
    "PORT": 8080,
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "PRINTER": None,  # printer URL; unset means tickets are shown on screen only
    "PRINTER_PROFILE": "80mm",
    "PRIMARY_URL": None,  # QMS 1.2 health URL; unset means standalone
    "MESSAGE_QUEUE": None,  # redis:// URL when several processes serve one site
    "CENTRE_NAME": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "COMMUNE_NAME": "XÃ TÂN KỲ",
    "HOTLINE": "1900 0000",
    "PUBLIC_BASE_URL": None,  # base of QR tracking links; default: the request's host
    "PRIORITY_POLICY": "strict",  # strict | ratio
    "PRIORITY_RATIO": 3,  # ratio policy: one normal ticket after this many priority ones
    "DEFAULT_SERVICE_MINUTES": 6,  # estimate before the day has its own service times
    "KIOSK_RATE_LIMIT": "12/60",  # tickets per seconds per kiosk (or client address)
    "LOGIN_RATE_LIMIT": "10/60",
    "TOKEN_HOURS": 12,
    "ANNOUNCE_TEMPLATE": "Mời công dân có số thứ tự {code} đến quầy số {counter}",
    "ANNOUNCE_NUMBERS": "cardinal",  # cardinal | digits
    "ANNOUNCE_REPEAT": 2,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SERVE_THREADS": 512,  # one thread per open websocket (displays, kiosks, counters, phones)
    "START_BACKGROUND": False,  # `qms serve` turns this on: health monitor, print worker
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "vi",
}


def load_config(app, overrides=None):
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("QMS")
    if overrides:
        app.config.update(overrides)
    data_dir = Path(app.config["DATA_DIR"]).resolve()
    app.config["DATA_DIR"] = str(data_dir)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{data_dir / 'qms.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(data_dir)


def _secret_key(data_dir):
    """The key lives beside the database so sessions survive restarts; never a default."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        # write aside then link: several processes starting at once agree on one key
        tmp = data_dir / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def parse_rate(text):
    """'12/60' → (12, 60.0): at most 12 events per 60 seconds."""
    count, _, seconds = str(text).partition("/")
    return int(count), float(seconds or 60)

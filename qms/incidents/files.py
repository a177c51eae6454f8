"""Where attachment files live and what they may be: photos of an error screen, a scanned note
from VNPT.

Kept under DATA_DIR/attachments/<incident id>/ with random names; the type is read from the
file's first bytes (images and PDF only), the size is capped by INCIDENT_ATTACHMENT_MAX_BYTES.
"""

import unicodedata
from pathlib import Path

from flask import current_app

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def max_bytes():
    return int(current_app.config["INCIDENT_ATTACHMENT_MAX_BYTES"])


def root():
    return Path(current_app.config["DATA_DIR"]) / "attachments"


def sniff(head):
    """(content type, extension) from a file's first bytes, or None when not allowed."""
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def clean_filename(name, ext):
    name = unicodedata.normalize("NFC", Path(name or "").name).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '\\/:*?"<>|')[:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'tep-dinh-kem'}.{ext}"


def allow_large_upload(request, prefix):
    """Before the body is read: an upload to <prefix>…/attachments may exceed the app-wide
    MAX_CONTENT_LENGTH (every other body keeps it)."""
    environ = request.environ  # every request passes here: most leave at the first test
    if not environ.get("PATH_INFO", "").startswith(prefix) or environ["REQUEST_METHOD"] != "POST":
        return
    path = request.path.rstrip("/")
    if path.endswith("/attachments"):
        request.max_content_length = max_bytes() + 64 * 1024

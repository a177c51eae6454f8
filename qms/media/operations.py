"""Every write of the display media: add a file, remove a file (each logged)."""

import json
import os
import secrets
import threading
import unicodedata

from flask import current_app

from qms.errors import Invalid, NotFound
from qms.extensions import get_db
from qms.media.queries import MANIFEST, manifest, media_dict, media_dir
from qms.models import log_event
from qms.timeutil import iso, utcnow

_LOCK = threading.Lock()  # one manifest writer per process


def sniff(head):
    """(kind, extension) from a file's first bytes, or None when it is not a picture or video."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "webp"
    if head[4:8] == b"ftyp":
        return "video", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "webm"
    return None


def _write_manifest(items):
    path = media_dir() / MANIFEST
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def add_media(stream, title, user):
    """Save an uploaded picture or video; refuse anything else or anything too large."""
    head = stream.read(16)
    found = sniff(head)
    if found is None:
        raise Invalid("Chỉ nhận ảnh (JPG, PNG, WebP) hoặc video (MP4, WebM).", "unsupported_media")
    kind, ext = found
    limit = int(current_app.config["DISPLAY_MEDIA_MAX_BYTES"])
    folder = media_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(8)}.{ext}"
    path = folder / name
    size = len(head)
    with open(path, "wb") as out:
        out.write(head)
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise Invalid(
                    f"Tệp lớn hơn {limit // (1024 * 1024)} MB, xin chọn tệp nhỏ hơn.",
                    "media_too_large",
                )
            out.write(chunk)
    title = unicodedata.normalize("NFC", title or "").strip()[:120]
    item = {
        "name": name,
        "kind": kind,
        "title": title,
        "bytes": size,
        "added_at": iso(utcnow()),
        "added_by": user.get("full_name") or user["username"],
    }
    with _LOCK:
        _write_manifest(manifest() + [item])
    with get_db().write() as s:
        log_event(s, "media.added", f"Thêm nội dung màn hình: {title or name}", item, user["id"])
    return media_dict(item)


def remove_media(name, user):
    with _LOCK:
        items = manifest()
        kept = [m for m in items if m["name"] != name]
        if len(kept) == len(items):
            raise NotFound("Không có tệp này.", "unknown_media")
        _write_manifest(kept)
    (media_dir() / name).unlink(missing_ok=True)
    with get_db().write() as s:
        log_event(s, "media.removed", f"Gỡ nội dung màn hình: {name}", {"name": name}, user["id"])

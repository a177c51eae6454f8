"""Reads of the display media: the manifest, newest last (the order they play in)."""

import json
from pathlib import Path

from flask import current_app

MANIFEST = "manifest.json"


def media_dir():
    return Path(current_app.config["DATA_DIR"]) / "display-media"


def manifest():
    path = media_dir() / MANIFEST
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        m for m in items if isinstance(m, dict) and (media_dir() / str(m.get("name"))).is_file()
    ]


def media_dict(item):
    """The one JSON shape of a media file, as the display and the staff page read it."""
    return {
        "name": item["name"],
        "url": f"/display/media/{item['name']}",
        "kind": item["kind"],
        "title": item.get("title") or "",
        "bytes": item.get("bytes", 0),
        "added_at": item.get("added_at"),
        "added_by": item.get("added_by") or "",
        "seconds": int(current_app.config["DISPLAY_IMAGE_SECONDS"]),
    }


def media_list():
    return [media_dict(m) for m in manifest()]


def media_path(name):
    """The file of a listed name, or None: only names the manifest holds are ever served."""
    if any(m["name"] == name for m in manifest()):
        return media_dir() / name
    return None

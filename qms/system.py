"""Health, version, OpenAPI, and locally served assets shared by every page (fonts)."""

from pathlib import Path

from flask import abort, current_app, send_from_directory

from qms import __version__
from qms.api import api_route, openapi_document
from qms.db import ping
from qms.errors import QmsError
from qms.extensions import get_db


@api_route("/health", summary="Liveness, mode and version", tag="system")
def health():
    from qms.fallback.queries import current_mode

    try:
        ping(get_db())
        with get_db().read() as s:
            mode = current_mode(s)["mode"]
    except Exception:
        raise QmsError(
            "Cơ sở dữ liệu không phản hồi. Database unavailable.",
            "database_unavailable",
            status=503,
        ) from None
    return {"status": "ok", "mode": mode, "version": __version__}


@api_route("/openapi.json", summary="This document", tag="system")
def openapi():
    return openapi_document()


def font_dir():
    import fontpkg_be_vietnam_pro

    return Path(fontpkg_be_vietnam_pro.ROOT) / "files"


def init_app(app):
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.route("/assets/fonts/<name>")
    def font(name):
        if not name.startswith("BeVietnamPro-") or not name.endswith(".ttf"):
            abort(404)
        response = send_from_directory(font_dir(), name, max_age=86400 * 30)
        return response

    @app.route("/speech/<key>.wav")
    def speech_segment(key):
        """Announcement audio: pre-generated segments, swappable for a recorded voice."""
        from qms.cli import speech_dir

        if not key.replace("_", "").replace("-", "").isalnum():
            abort(404)
        return send_from_directory(speech_dir(), f"{key}.wav", max_age=86400)

    app.add_template_global(lambda: current_app.config["CENTRE_NAME"], "centre_name")

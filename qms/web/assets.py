"""Files every page shares, served by this server (offline first): fonts and the voice."""

from pathlib import Path

from flask import abort, current_app, send_from_directory

from qms.announce import speech_dir


def font_dir():
    import fontpkg_be_vietnam_pro

    return Path(fontpkg_be_vietnam_pro.ROOT) / "files"


def init_app(app):
    @app.route("/assets/fonts/<name>")
    def font(name):
        if not name.startswith("BeVietnamPro-") or not name.endswith(".ttf"):
            abort(404)
        return send_from_directory(font_dir(), name, max_age=86400 * 30)

    @app.route("/speech/<key>.wav")
    def speech_segment(key):
        """Announcement audio: pre-generated segments, swappable for a recorded voice."""
        if not key.replace("_", "").replace("-", "").isalnum():
            abort(404)
        return send_from_directory(speech_dir(), f"{key}.wav", max_age=86400)

    app.add_template_global(lambda: current_app.config["CENTRE_NAME"], "centre_name")

"""HCC Queue: queue management for commune public administrative service centres."""

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

__version__ = "0.1.0"


def create_app(config=None):
    """Build the app; tests pass their own config. Nothing runs at import time."""
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    from qms.config import load_config

    load_config(app, config)
    app.config["VERSION"] = __version__
    app.json.ensure_ascii = False  # Vietnamese stays readable in every JSON answer
    app.json.sort_keys = False
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from qms.db import Database
    from qms.extensions import csrf

    db = Database(app.config["DATABASE_URL"])
    app.extensions["qms_db"] = db
    if app.config.get("AUTO_MIGRATE"):
        db.upgrade()
    csrf.init_app(app)

    from qms import api as api_module
    from qms import cli, i18n, realtime, system
    from qms.auth import api as auth_api
    from qms.auth import views as auth_views
    from qms.fallback import api as fallback_api  # noqa: F401  (registers routes)
    from qms.queue import api as queue_api

    i18n.init_app(app)
    auth_api.init_app(app)
    queue_api.init_app(app)
    system.init_app(app)
    for feature in _optional_features():
        feature.init_app(app)
    csrf.exempt(api_module.api)  # the API checks CSRF itself for cookie-authenticated writes
    app.register_blueprint(api_module.api)
    auth_views.init_app(app)
    _register_pages(app)
    realtime.init_app(app)
    cli.init_app(app)
    _register_error_handlers(app)
    return app


def _optional_features():
    """Feature packages that plug in through init_app; each may be absent while built."""
    import importlib

    found = []
    for name in ("qms.devices", "qms.incidents", "qms.fallback", "qms.reports"):
        module = importlib.import_module(name)
        if hasattr(module, "init_app"):
            found.append(module)
    return found


def _register_pages(app):
    import display_ui
    import kiosk_ui
    from qms import counter_ui

    kiosk_ui.init_app(app)
    display_ui.init_app(app)
    counter_ui.init_app(app)


def _register_error_handlers(app):
    from qms.errors import QmsError

    def wants_json():
        return (
            request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
        )

    @app.errorhandler(QmsError)
    def on_qms_error(exc):
        if wants_json():
            response = jsonify(exc.to_dict())
            if exc.data.get("retry_after"):
                response.headers["Retry-After"] = str(exc.data["retry_after"])
            return response, exc.status
        return render_template("error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def on_http_error(exc):
        codes = {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
        }
        code = codes.get(exc.code, (exc.name or "error").lower().replace(" ", "_"))
        messages = {
            404: "Không tìm thấy trang hoặc tài nguyên. Not found.",
            405: "Phương thức không được hỗ trợ. Method not allowed.",
            413: "Nội dung gửi lên quá lớn. Request body too large.",
        }
        message = messages.get(exc.code, exc.description or exc.name)
        if exc.code == 400 and "CSRF" in (exc.description or ""):
            code, message = (
                "csrf_failed",
                "Phiên làm việc đã hết hạn, xin tải lại trang. CSRF check failed.",
            )
        if wants_json():
            return jsonify({"error": {"code": code, "message": message}}), exc.code
        return render_template("error.html", code=exc.code, message=message), exc.code

    @app.errorhandler(Exception)
    def on_unexpected(exc):
        app.logger.exception("unhandled error")
        message = "Lỗi hệ thống, xin thử lại. Internal error, please retry."
        if wants_json():
            return jsonify({"error": {"code": "internal_error", "message": message}}), 500
        return render_template("error.html", code=500, message=message), 500

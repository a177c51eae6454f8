"""Every error answers the same way: JSON {"error": {"code", "message"}} under /api, else a page."""

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from qms.errors import QmsError


def init_app(app):
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
        return render_template(
            "layout/error.html", code=exc.status, message=exc.message
        ), exc.status

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
            response = jsonify({"error": {"code": code, "message": message}})
        else:
            response = make_response(
                render_template("layout/error.html", code=exc.code, message=message)
            )
        response.status_code = exc.code
        extra = dict(exc.get_headers())
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):  # 405 says what is allowed
            if name in extra:
                response.headers[name] = extra[name]
        return response

    @app.errorhandler(Exception)
    def on_unexpected(exc):
        app.logger.exception("unhandled error")
        message = "Lỗi hệ thống, xin thử lại. Internal error, please retry."
        if wants_json():
            return jsonify({"error": {"code": "internal_error", "message": message}}), 500
        return render_template("layout/error.html", code=500, message=message), 500

"""Domain errors: raised by operations, turned into JSON (or a page) at the edge."""


class QmsError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, code=None, status=None, **data):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.data = data

    def to_dict(self):
        error = {"code": self.code, "message": self.message}
        error.update(self.data)
        return {"error": error}


class NotFound(QmsError):
    status = 404
    code = "not_found"


class Invalid(QmsError):
    status = 422
    code = "invalid"


class Conflict(QmsError):
    status = 409
    code = "conflict"


class Forbidden(QmsError):
    status = 403
    code = "forbidden"


class Unauthorized(QmsError):
    status = 401
    code = "unauthorized"


class RateLimited(QmsError):
    status = 429
    code = "rate_limited"


class StorageUnavailable(QmsError):
    """The write could not be made durable (disk full, I/O error): nothing was acknowledged."""

    status = 503
    code = "storage_unavailable"

    def __init__(self, message=None, **data):
        super().__init__(
            message
            or "Hệ thống tạm thời không ghi được dữ liệu, xin quý vị chờ trong giây lát. "
            "Storage unavailable: nothing was saved, please retry shortly.",
            **data,
        )

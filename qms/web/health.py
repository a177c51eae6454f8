"""Liveness and the API's own description."""

from flask import current_app

from qms.db import ping
from qms.errors import QmsError
from qms.extensions import get_db
from qms.mode import current_mode
from qms.web.openapi import openapi_document
from qms.web.routes import api_route


@api_route("/health", summary="Liveness, mode and version", tag="system")
def health():
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
    return {"status": "ok", "mode": mode, "version": current_app.config["VERSION"]}


@api_route("/openapi.json", summary="This document", tag="system")
def openapi():
    return openapi_document()

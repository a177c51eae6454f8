"""Liveness and the API's own description."""

from flask import current_app

from qms.errors import QmsError
from qms.extensions import get_db
from qms.mode import cached_mode
from qms.state import get_state
from qms.web.openapi import openapi_document
from qms.web.routes import api_route

ALIVE_SECONDS = 2.0  # a health check reads the database at most this often per process


def _database_alive():
    db = get_db()
    try:
        with db.read() as s:
            s.connection().exec_driver_sql("SELECT 1")
    except Exception:
        return False
    return True


@api_route("/health", summary="Liveness, mode, version and the write path's state", tag="system")
def health():
    alive = get_state().cache.get("database-alive", _database_alive, ALIVE_SECONDS, kind="setup")
    if not alive:
        raise QmsError(
            "Cơ sở dữ liệu không phản hồi. Database unavailable.",
            "database_unavailable",
            status=503,
        )
    status, reason = get_db().health.report()
    body = {"status": status, "mode": cached_mode(), "version": current_app.config["VERSION"]}
    if reason:
        body["reason"] = reason  # the write path's real state: degraded, and why
    return body


@api_route("/openapi.json", summary="This document", tag="system")
def openapi():
    return get_state().cache.get("openapi", openapi_document, 3600, kind="setup")

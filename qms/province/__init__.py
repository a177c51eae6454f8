"""The province instance (QMS_ROLE=province): the centres it knows and their tokens, the
records they send (qms.federation is the sending side), and what those say across centres:
mode, queues now, incidents, daily figures. The page is qms.pages.province.
"""

INGEST_PATH = "/api/v1/province/ingest"


def init_app(app):
    from flask import request

    from qms.province import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
    )

    def allow_batches():
        environ = request.environ  # every request passes here: the environ, not parsed views
        if environ.get("PATH_INFO") == INGEST_PATH and environ["REQUEST_METHOD"] == "POST":
            request.max_content_length = api.INGEST_MAX_BYTES

    app.before_request(allow_batches)
    cli.init_app(app)

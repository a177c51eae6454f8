"""The province instance (QMS_ROLE=province): the centres it knows and their tokens, the
records they send (qms.federation is the sending side), and what those say across centres:
mode, queues now, incidents, daily figures. The page is qms.pages.province.
"""


def init_app(app):
    from flask import request

    from qms.province import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
    )

    def allow_batches():
        if request.method == "POST" and request.path == "/api/v1/province/ingest":
            request.max_content_length = api.INGEST_MAX_BYTES

    app.before_request(allow_batches)
    cli.init_app(app)

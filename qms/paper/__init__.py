"""Paper dossiers: the register of dossiers received on paper while the official system is
down (Tân Kỳ plan 2.3–2.5, part III), their appointment slips, re-entry and return; assisted
service for vulnerable citizens (Đại Sơn plan); Decree 13 retention (`qms purge`); the
morning e-mail of what is overdue (digest.py). The staff page is qms.pages.paper."""


def init_app(app):
    from qms.paper import (
        api,  # noqa: F401  (registers the /api/v1 routes)
        cli,
        digest,
    )
    from qms.state import get_state

    cli.init_app(app)
    get_state(app).add_loop("paper-digest", digest.run)

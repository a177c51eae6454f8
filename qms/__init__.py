"""HCC Queue: queue management for commune public administrative service centres."""

import logging

from flask import Flask

__version__ = "0.1.0"


def create_app(config=None):
    """Build the app; tests pass their own config. Nothing runs at import time."""
    from qms import auth, cli, devices, fallback, i18n, incidents, queue, realtime, reports, web
    from qms.config import load_config
    from qms.db import Database
    from qms.extensions import csrf
    from qms.pages import counter, display, kiosk, login, tracking
    from qms.pages import devices as devices_page
    from qms.pages import fallback as fallback_page
    from qms.pages import incidents as incidents_page
    from qms.pages import reports as reports_page
    from qms.state import AppState

    app = Flask(__name__, static_folder="static", static_url_path="/static")
    load_config(app, config)
    app.config["VERSION"] = __version__
    app.json.ensure_ascii = False  # Vietnamese stays readable in every JSON answer
    app.json.sort_keys = False
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    logging.getLogger("alembic").setLevel(logging.WARNING)

    db = Database(app.config["DATABASE_URL"])
    app.extensions["qms"] = AppState(db=db, factory=create_app)
    if app.config["AUTO_MIGRATE"]:
        db.upgrade()
    csrf.init_app(app)
    i18n.init_app(app)
    # features: each adds its API routes, signal receivers, background loops and commands
    for feature in (auth, queue, fallback, devices, incidents, reports):
        feature.init_app(app)
    web.init_app(app)  # after the features: registers the API blueprint they filled
    for page in (
        kiosk,
        display,
        tracking,
        counter,
        login,
        fallback_page,
        devices_page,
        incidents_page,
        reports_page,
    ):
        page.init_app(app)
    realtime.init_app(app)
    cli.init_app(app)
    return app

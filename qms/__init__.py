"""HCC Queue: queue management for commune public administrative service centres."""

import logging

from flask import Flask

__version__ = "0.1.0"


def create_app(config=None):
    """Build the app; tests pass their own config. Nothing runs at import time."""
    from qms import (
        auth,
        cache,
        cli,
        devices,
        fallback,
        i18n,
        incidents,
        queue,
        ratings,
        realtime,
        reports,
        storage,
        web,
    )
    from qms.config import load_config
    from qms.db import Database
    from qms.extensions import csrf
    from qms.pages import counter, display, kiosk, login, tracking
    from qms.pages import devices as devices_page
    from qms.pages import fallback as fallback_page
    from qms.pages import incidents as incidents_page
    from qms.pages import rate as rate_page  # the counter-side rating tablet
    from qms.pages import reports as reports_page
    from qms.state import AppState

    app = Flask(__name__, static_folder="static", static_url_path="/static")
    web.prepare(app)
    load_config(app, config)
    app.config["VERSION"] = __version__
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    logging.getLogger("alembic").setLevel(logging.WARNING)

    db = Database(app.config["DATABASE_URL"])
    app.extensions["qms"] = AppState(db=db, factory=create_app)
    app.extensions["qms"].add_loop("disk-watch", storage.watch_disk)
    app.extensions["qms"].cache = cache.ReadCache()
    cache.connect(app, app.extensions["qms"].cache)
    cache.relay(app, app.extensions["qms"].cache)  # several processes: bumps go through Redis
    if app.config["AUTO_MIGRATE"]:
        db.upgrade()
    csrf.init_app(app)
    i18n.init_app(app)
    # features: each adds its API routes, signal receivers, background loops and commands
    for feature in (auth, queue, fallback, devices, incidents, ratings, reports):
        feature.init_app(app)
    from qms import centre  # calendar, reception pause, the centre's settings, audit log

    centre.init_app(app)
    from qms import paper  # paper dossiers, assisted service, `qms purge`

    paper.init_app(app)
    from qms import help as help_requests  # the kiosk's "Cần hỗ trợ" button

    help_requests.init_app(app)
    from qms import media  # the TV's guidance videos and pictures

    media.init_app(app)
    from qms import federation, province  # province federation: sender, receiver

    federation.init_app(app)
    province.init_app(app)
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
        rate_page,
    ):
        page.init_app(app)
    from qms.pages import admin as admin_page  # set-up pages: services … users, calendar

    admin_page.init_app(app)
    from qms.pages import paper as paper_page  # the paper register; /hs/<token> status page

    paper_page.init_app(app)
    from qms.pages import province as province_page  # /province on a QMS_ROLE=province instance

    province_page.init_app(app)
    realtime.init_app(app)
    web.guard_sockets(app)  # outermost: open sockets can never take every thread
    cli.init_app(app)
    return app

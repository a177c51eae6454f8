"""Fixtures shared by every test: app on a fresh database, clients, staff, factories.

Each test gets its own SQLite file copied from a migrated template (fast, isolated), or,
with --db=postgres, the PostgreSQL database of QMS_TEST_POSTGRES_URL emptied before it.
"""

import os
import shutil
import socket

import pytest

from tests.forms import Login, login_through_form

# the page tests' fixtures (one chromium per run, a live server, screenshots), for every folder
pytest_plugins = ["tests.browser"]


def pytest_addoption(parser):
    parser.addoption(
        "--db", default="sqlite", choices=("sqlite", "postgres"), help="storage backend"
    )


def postgres_url():
    return os.environ.get("QMS_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def db_backend(request):
    backend = request.config.getoption("--db")
    if backend == "postgres" and not postgres_url():
        pytest.skip("QMS_TEST_POSTGRES_URL is not set")
    return backend


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch):
    """Tests may talk to loopback only: no real device, no Internet."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and self.family
            in (
                socket.AF_INET,
                socket.AF_INET6,
            )
        ):
            raise RuntimeError(f"test tried to reach {address}: only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory, db_backend):
    """A migrated database with priority categories and the demo centre, made once."""
    from qms import create_app
    from qms.demo import seed_demo, seed_priorities

    if db_backend == "postgres":
        url = postgres_url()
        app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("pgdata")), "DATABASE_URL": url})
        db = app.extensions["qms"].db
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        db.upgrade()
        db.dispose()
        return url
    path = tmp_path_factory.mktemp("template") / "qms.sqlite3"
    app = create_app({"DATA_DIR": str(path.parent), "DATABASE_URL": f"sqlite:///{path}"})
    app.extensions["qms"].db.upgrade()
    with app.app_context():
        seed_priorities()
        seed_demo()
    app.extensions["qms"].db.dispose()
    return path


def _reset_postgres(app):
    from qms.demo import seed_demo, seed_priorities
    from qms.incidents.operations.catalogue import ensure_seeded
    from qms.models import Base

    db = app.extensions["qms"].db
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "alembic_version")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    with app.app_context():
        seed_priorities()
        seed_demo()
        ensure_seeded()  # TRUNCATE emptied the incident catalogue the migration seeded


@pytest.fixture
def app_config(tmp_path):
    """Override in a test module to change the app's config."""
    return {}


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def database_url(template_db, data_dir, db_backend):
    if db_backend == "postgres":
        return template_db
    target = data_dir / "qms.sqlite3"
    shutil.copy(template_db, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_url, data_dir, db_backend, app_config):
    from qms import create_app

    config = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "KIOSK_RATE_LIMIT": "10000/1",
        "ADDRESS_RATE_LIMIT": "10000/1",
        "ISSUE_CEILING_PER_MINUTE": 0,
        "LOGIN_RATE_LIMIT": "10000/1",
        "PUBLIC_BASE_URL": "http://qms.test",
    }
    config.update(app_config)
    app = create_app(config)
    if db_backend == "postgres":
        _reset_postgres(app)
    with app.app_context():
        yield app
    app.extensions["qms"].board.close()
    app.extensions["qms"].db.dispose()


@pytest.fixture
def db(app):
    return app.extensions["qms"].db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app):
    """create_user(role) → {"username", "password", "id", "token", "headers"}."""
    from qms.auth.operations import create_user as make
    from qms.auth.operations import issue_token

    counter = {"n": 0}

    def factory(role="officer", username=None, password="correct-horse-42"):
        counter["n"] += 1
        username = username or f"{role}{counter['n']}"
        user_id = make(username, role, password)
        token, _ = issue_token(user_id)
        return {
            "id": user_id,
            "username": username,
            "password": password,
            "token": token,
            "headers": {"Authorization": f"Bearer {token}"},
        }

    return factory


@pytest.fixture
def officer(create_user):
    return create_user("officer")


@pytest.fixture
def leader(create_user):
    return create_user("leader")


@pytest.fixture
def admin_user(create_user):
    return create_user("admin")


@pytest.fixture
def clock():
    """The one clock seam: clock("2026-11-23T23:58:00") pins the server's time to that local time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from qms.timeutil import set_clock

    def set_local(text, zone="Asia/Ho_Chi_Minh"):
        local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
        utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        set_clock(lambda: utc)
        return utc

    yield set_local
    set_clock(None)


@pytest.fixture
def auth(client):
    """The one way tests log in: auth(user) through the real /login form, CSRF and all.

    user is a create_user() dict, or a username with its password; on= another Flask client
    (the test client by default). Returns Login(response, csrf, client): csrf is a token valid
    for the new session, for the forms the test posts next.
    """

    def do_login(user, password=None, next_url="/admin", on=None):
        if isinstance(user, dict):
            user, password = user["username"], user["password"]
        target = on if on is not None else client
        response, csrf = login_through_form(target, user, password, next_url)
        return Login(response, csrf, target)

    return do_login


@pytest.fixture
def issue(client):
    """issue("A", priority=None) → ticket dict, through the public API."""

    def factory(service="A", priority=None, expect=201):
        body = {"service": service}
        if priority:
            body["priority"] = priority
        response = client.post("/api/v1/tickets", json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return factory


@pytest.fixture
def socket_client(app, client):
    """A public (display-class) Socket.IO test client."""
    from qms.extensions import socketio

    clients = []

    def factory(flask_client=None):
        c = socketio.test_client(app, flask_test_client=flask_client)
        clients.append(c)
        return c

    yield factory
    for c in clients:
        if c.is_connected():
            c.disconnect()

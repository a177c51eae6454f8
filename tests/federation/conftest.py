"""A province app beside the centre's `app`, and the centre's sender wired to it in-process."""

import shutil

import pytest

PROVINCE_URL = "http://province.test"


@pytest.fixture
def province_app(app, template_db, tmp_path, db_backend):
    """A second app with ROLE=province: its own SQLite copy (or the same PostgreSQL database,
    whose province tables the centre never writes; `app` emptied it first)."""
    from qms import create_app

    data = tmp_path / "province"
    data.mkdir()
    if db_backend == "postgres":
        url = template_db
    else:
        shutil.copy(template_db, data / "qms.sqlite3")
        url = f"sqlite:///{data / 'qms.sqlite3'}"
    province = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "DATABASE_URL": url, "ROLE": "province"}
    )
    yield province
    province.extensions["qms"].board.close()
    province.extensions["qms"].db.dispose()


@pytest.fixture
def province_client(province_app):
    return province_app.test_client()


@pytest.fixture
def add_centre(province_app):
    """add_centre(code, name) → token, on the province."""
    from qms.province.operations import add_centre as add

    def factory(code="TK", name="Xã Tân Kỳ"):
        with province_app.app_context():
            return add(code, name)

    return factory


@pytest.fixture
def province_leader(province_app):
    from qms.auth.operations import create_user, issue_token

    with province_app.app_context():
        user_id = create_user("pv-leader", "leader", "correct-horse-42")
        token, _ = issue_token(user_id)
    return {"Authorization": f"Bearer {token}"}


class Link:
    """The centre's sender posting to the province's test client; `down` makes it unreachable,
    `lose_answers` stores on the province but loses the answer (a resend must not duplicate)."""

    def __init__(self, province_client):
        self.client = province_client
        self.down = False
        self.lose_answers = False
        self.posts = []

    def __call__(self, url, body, headers, timeout):
        assert url == PROVINCE_URL + "/api/v1/province/ingest"
        self.posts.append([r["seq"] for r in body["records"]])
        if self.down:
            raise ConnectionError("province unreachable")
        response = self.client.post("/api/v1/province/ingest", json=body, headers=headers)
        if self.lose_answers:
            raise TimeoutError("answer lost")
        return response.status_code, response.get_json()


@pytest.fixture
def centre(app, add_centre, province_client):
    """The centre `app` configured for the province, its runtime posting through a Link."""
    from qms.state import get_state

    token = add_centre("TK", "Xã Tân Kỳ")
    app.config.update(PROVINCE_URL=PROVINCE_URL, PROVINCE_TOKEN=token)
    link = Link(province_client)
    runtime = get_state(app).federation
    runtime.post = link
    return {"app": app, "runtime": runtime, "link": link, "token": token}

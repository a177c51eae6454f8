"""Fixtures for the incident module: staff of each role, reporting helpers, a browser login."""

import re

import pytest

from tests.forms import login_through_form


@pytest.fixture
def it_user(create_user):
    return create_user("it")


@pytest.fixture
def report(client, officer):
    """report(type, **fields) → the created incident (through the API, as an officer)."""

    def factory(type_code="2.1", headers=None, expect=201, **fields):
        body = {"type": type_code, **fields}
        response = client.post(
            "/api/v1/incidents", json=body, headers=headers or officer["headers"]
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return factory


@pytest.fixture
def act(client, it_user):
    """act(id, "resolve", body, user=it_user) → JSON of a POST to /incidents/<id>/<action>."""

    def factory(incident_id, action, body=None, user=None, expect=200):
        response = client.post(
            f"/api/v1/incidents/{incident_id}/{action}",
            json=body or {},
            headers=(user or it_user)["headers"],
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return factory


def csrf_from(html):
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the browser form; returns a CSRF token."""

    def factory(user):
        response, token = login_through_form(
            client, user["username"], user["password"], "/incidents"
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return token

    return factory

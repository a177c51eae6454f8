"""Fixtures for the paper register: staff of each role and a dossier factory."""

import pytest


@pytest.fixture
def it_user(create_user):
    return create_user("it")


@pytest.fixture
def receive(client, officer):
    """receive(**fields) → the created dossier (POST /paper-dossiers as an officer)."""

    def factory(user=None, expect=201, **fields):
        body = {"citizen_name": "Nguyễn Văn An", "procedure": "Đăng ký khai sinh", **fields}
        response = client.post(
            "/api/v1/paper-dossiers", json=body, headers=(user or officer)["headers"]
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return factory

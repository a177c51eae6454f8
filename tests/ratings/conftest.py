"""Fixtures for ratings: a served ticket, a rating tablet's device account, a POST helper."""

import pytest

from qms.queue.operations import calling


@pytest.fixture
def served(issue):
    """served(service="A", counter=1) → the ticket dict after the counter called and finished it."""

    def factory(service="A", counter=1):
        ticket = issue(service)
        calling.call_next(counter)
        calling.complete(counter)
        return ticket

    return factory


@pytest.fixture
def device(create_user):
    """A device account: what a counter-side rating tablet is logged in with."""
    return create_user("device", username="tablet1")


@pytest.fixture
def rate(client):
    """rate(body, headers=None, expect=201) → JSON answer of POST /api/v1/ratings."""

    def post(body, headers=None, expect=201, on=None):
        response = (on or client).post("/api/v1/ratings", json=body, headers=headers or {})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return post


def token_of(ticket):
    return ticket["track_url"].rsplit("/", 1)[-1]

"""A username the fuzzer found: SQLite's lower() folds ASCII only, the unique index is exact."""

import pytest

pytestmark = pytest.mark.storage


@pytest.mark.parametrize("name", ["Ùyên", "ĐỨC", "mixed-Ê-case"])
def test_the_same_non_ascii_username_twice_is_a_409_not_a_500(client, admin_user, name):
    body = {"username": name, "full_name": "Nguyễn Văn A", "role": "officer"}
    first = client.post("/api/v1/users", json=body, headers=admin_user["headers"])
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/users", json=body, headers=admin_user["headers"])
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "user_exists")

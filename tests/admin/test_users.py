"""Staff accounts through the API: one-time passwords, the policy, the last admin, lockout."""

import pytest
from sqlalchemy import select

from qms.auth.models import User
from qms.models import LogEntry

pytestmark = pytest.mark.storage


def _token(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password, **extra}
    )


def test_admin_creates_a_user_with_a_one_time_password_shown_once(client, admin_user):
    r = client.post(
        "/api/v1/users",
        json={
            "username": "lan.nt",
            "full_name": "Nguyễn Thị Lan",
            "title": "Công chức",
            "role": "officer",
        },
        headers=admin_user["headers"],
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["username"] == "lan.nt"
    assert body["full_name"] == "Nguyễn Thị Lan"
    assert body["title"] == "Công chức"
    assert body["must_change_password"] is True
    assert len(body["password"]) == 16
    listed = client.get("/api/v1/users", headers=admin_user["headers"]).get_json()
    row = next(u for u in listed if u["username"] == "lan.nt")
    assert "password" not in row  # shown once, in the creation answer only

    # the one-time password opens nothing until it is changed
    refused = _token(client, "lan.nt", body["password"])
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    weak = _token(client, "lan.nt", body["password"], new_password="1234567890")
    assert weak.status_code == 422
    assert weak.get_json()["error"]["code"] == "weak_password"
    ok = _token(client, "lan.nt", body["password"], new_password="mùa thu Hà Nội 2026")
    assert ok.status_code == 201
    assert ok.get_json()["user"]["must_change_password"] is False
    assert _token(client, "lan.nt", "mùa thu Hà Nội 2026").status_code == 201


def test_an_admin_given_password_is_also_one_time(client, admin_user):
    r = client.post(
        "/api/v1/users",
        json={
            "username": "hoa",
            "full_name": "Trần Hoa",
            "role": "leader",
            "password": "chosen-by-admin-1",
        },
        headers=admin_user["headers"],
    )
    assert r.status_code == 201
    assert "password" not in r.get_json()
    assert _token(client, "hoa", "chosen-by-admin-1").get_json()["error"]["code"] == (
        "password_change_required"
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "{officer}", "full_name": "X", "role": "officer"}, 409, "user_exists"),
        ({"username": "{OFFICER}", "full_name": "X", "role": "officer"}, 409, "user_exists"),
        ({"username": "a b", "full_name": "X", "role": "officer"}, 422, "invalid_username"),
        ({"username": "x", "full_name": "X", "role": "boss"}, 422, "invalid_value"),
        (
            {"username": "x", "full_name": "X", "role": "officer", "password": "short"},
            422,
            "weak_password",
        ),
        (
            {"username": "x", "full_name": "X", "role": "officer", "password": "password123"},
            422,
            "weak_password",
        ),
        (
            {"username": "x", "full_name": "X", "role": "officer", "password": "matkhau@123"},
            422,
            "weak_password",
        ),
        (
            {"username": "x", "full_name": "X", "role": "officer", "password": "aaaaaaaaaaaa"},
            422,
            "weak_password",
        ),
    ],
)
def test_bad_new_users_are_refused_and_nothing_is_saved(
    client, admin_user, officer, body, status, code
):
    names = {"{officer}": officer["username"], "{OFFICER}": officer["username"].upper()}
    body = {**body, "username": names.get(body["username"], body["username"])}
    r = client.post("/api/v1/users", json=body, headers=admin_user["headers"])
    assert r.status_code == status, r.get_json()
    assert r.get_json()["error"]["code"] == code
    names = [
        u["username"] for u in client.get("/api/v1/users", headers=admin_user["headers"]).get_json()
    ]
    assert sorted(names) == sorted([admin_user["username"], officer["username"]])


def test_only_an_admin_manages_users(client, leader, officer):
    for user in (leader, officer):
        assert client.get("/api/v1/users", headers=user["headers"]).status_code == 403
        r = client.post(
            "/api/v1/users",
            json={"username": "x", "full_name": "X", "role": "officer"},
            headers=user["headers"],
        )
        assert r.status_code == 403
        assert r.get_json()["error"]["code"] == "forbidden_role"
    assert client.get("/api/v1/users").status_code == 401


def test_patch_changes_name_title_role_with_an_audit_row(app, client, admin_user, officer, db):
    r = client.patch(
        f"/api/v1/users/{officer['id']}",
        json={"full_name": "Lê Văn Nam", "title": "Công chức Địa chính", "role": "leader"},
        headers=admin_user["headers"],
    )
    assert r.status_code == 200
    assert r.get_json()["full_name"] == "Lê Văn Nam"
    assert r.get_json()["role"] == "leader"
    with db.read() as s:
        row = s.scalars(select(LogEntry).where(LogEntry.kind == "user.changed")).one()
        assert row.user_id == admin_user["id"]
        assert row.data["before"] == {"full_name": "", "title": "", "role": "officer"}
        assert row.data["after"] == {
            "full_name": "Lê Văn Nam",
            "title": "Công chức Địa chính",
            "role": "leader",
        }
    assert (
        client.patch(
            "/api/v1/users/99999", json={"title": "x"}, headers=admin_user["headers"]
        ).status_code
        == 404
    )


def test_the_last_admin_stays_and_nobody_deactivates_themselves(client, admin_user, db):
    me = f"/api/v1/users/{admin_user['id']}"
    r = client.patch(me, json={"active": False}, headers=admin_user["headers"])
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "cannot_deactivate_self"
    r = client.patch(me, json={"role": "leader"}, headers=admin_user["headers"])
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "last_admin"
    with db.read() as s:
        user = s.get(User, admin_user["id"])
        assert (user.role, user.is_active) == ("admin", True)  # nothing partly saved


def test_a_second_admin_may_step_down(client, admin_user, create_user):
    other = create_user("admin")
    r = client.patch(
        f"/api/v1/users/{other['id']}", json={"role": "officer"}, headers=admin_user["headers"]
    )
    assert r.status_code == 200
    assert r.get_json()["role"] == "officer"


def test_deactivating_a_user_ends_their_tokens(client, admin_user, officer):
    assert client.get("/api/v1/auth/me", headers=officer["headers"]).status_code == 200
    r = client.patch(
        f"/api/v1/users/{officer['id']}", json={"active": False}, headers=admin_user["headers"]
    )
    assert r.status_code == 200
    assert client.get("/api/v1/auth/me", headers=officer["headers"]).status_code == 401


def test_admin_revokes_a_users_api_tokens(client, admin_user, officer, db):
    assert client.get("/api/v1/auth/me", headers=officer["headers"]).status_code == 200
    r = client.post(f"/api/v1/users/{officer['id']}/revoke-tokens", headers=admin_user["headers"])
    assert r.status_code == 200
    assert r.get_json() == {"revoked": 1}
    r = client.get("/api/v1/auth/me", headers=officer["headers"])
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "invalid_token"
    with db.read() as s:
        assert s.scalars(
            select(LogEntry.kind).where(LogEntry.kind == "user.tokens_revoked")
        ).all() == ["user.tokens_revoked"]


def test_own_password_change_through_the_api(client, officer):
    r = client.post(
        "/api/v1/auth/password",
        json={"current_password": "wrong-one-123", "new_password": "một câu dài dễ nhớ"},
        headers=officer["headers"],
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "wrong_password"
    r = client.post(
        "/api/v1/auth/password",
        json={"current_password": officer["password"], "new_password": "một câu dài dễ nhớ"},
        headers=officer["headers"],
    )
    assert r.status_code == 200
    # every token of the account ended with the change
    assert client.get("/api/v1/auth/me", headers=officer["headers"]).status_code == 401
    assert _token(client, officer["username"], "một câu dài dễ nhớ").status_code == 201


# --- lockout ---------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    app, client, officer, db, clock
):
    clock("2026-11-24T09:00:00")
    for _ in range(4):
        assert _token(client, officer["username"], "wrong-password-x").status_code == 401
    fifth = _token(client, officer["username"], "wrong-password-x")
    assert fifth.status_code == 429
    error = fifth.get_json()["error"]
    assert error["code"] == "account_locked"
    assert error["locked_until"] == "2026-11-24T09:15:00+07:00"
    assert "09:15" in error["message"]
    right = _token(client, officer["username"], officer["password"])
    assert right.status_code == 429
    assert right.get_json()["error"]["code"] == "account_locked"
    with db.read() as s:
        rows = s.scalars(select(LogEntry).where(LogEntry.kind == "user.locked")).all()
        assert [r.data["user"] for r in rows] == [officer["username"]]
    # the lock ends by itself after 15 minutes
    clock("2026-11-24T09:15:01")
    assert _token(client, officer["username"], officer["password"]).status_code == 201


def test_wrong_passwords_spread_over_more_than_15_minutes_do_not_lock(client, officer, clock):
    for minute in ("00", "05", "10", "14"):
        clock(f"2026-11-24T09:{minute}:00")
        assert _token(client, officer["username"], "wrong-password-x").status_code == 401
    clock("2026-11-24T09:20:00")  # the first failure is now older than the window
    assert _token(client, officer["username"], "wrong-password-x").status_code == 401
    assert _token(client, officer["username"], officer["password"]).status_code == 201


def test_a_lock_opens_an_incident_of_type_2_2_once(client, officer, leader, clock):
    clock("2026-11-24T09:00:00")
    for _ in range(5):
        _token(client, officer["username"], "wrong-password-x")
    incidents = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    locked = [i for i in incidents if i["type"]["code"] == "2.2"]
    assert len(locked) == 1
    assert officer["username"] in locked[0]["description"]
    clock("2026-11-24T09:20:00")
    for _ in range(5):
        _token(client, officer["username"], "wrong-password-x")
    incidents = client.get("/api/v1/incidents?status=open", headers=leader["headers"]).get_json()
    assert (
        len([i for i in incidents if i["type"]["code"] == "2.2"]) == 1
    )  # a second lock adds a row


def test_reset_unlocks_and_gives_a_new_one_time_password(client, admin_user, officer, clock):
    clock("2026-11-24T09:00:00")
    for _ in range(5):
        _token(client, officer["username"], "wrong-password-x")
    listed = client.get("/api/v1/users", headers=admin_user["headers"]).get_json()
    row = next(u for u in listed if u["username"] == officer["username"])
    assert row["locked"] is True
    assert row["locked_until"] == "2026-11-24T09:15:00+07:00"
    r = client.post(f"/api/v1/users/{officer['id']}/reset-password", headers=admin_user["headers"])
    assert r.status_code == 200
    body = r.get_json()
    assert body["locked"] is False
    assert body["must_change_password"] is True
    new = body["password"]
    assert _token(client, officer["username"], officer["password"]).status_code == 401
    assert _token(client, officer["username"], new).get_json()["error"]["code"] == (
        "password_change_required"
    )
    assert (
        _token(client, officer["username"], new, new_password="hoa sen nở rộ 2026").status_code
        == 201
    )

"""The login page: server-side sessions, the one-time password changed first, the lock
message, and `next` that never leaves the site."""

import pytest

from qms.pages.login import safe_next
from tests.forms import csrf_from

pytestmark = pytest.mark.storage


def _new_user(client, admin_user, auth, username="binh.tv"):
    r = client.post(
        "/api/v1/users",
        json={"username": username, "full_name": "Trần Văn Bình", "role": "officer"},
        headers=admin_user["headers"],
    )
    assert r.status_code == 201
    return r.get_json()["password"]


def test_a_cookie_saved_before_logout_no_longer_opens_anything(app, client, auth, officer):
    login = auth(officer, next_url="/counter")
    assert login.response.status_code == 302
    assert client.get("/counter").status_code == 200
    saved = client.get_cookie("session").value
    r = client.post("/logout", data={"csrf_token": login.csrf})
    assert r.status_code == 302
    # a second browser replays the cookie saved before logout
    replay = app.test_client()
    replay.set_cookie("session", saved)
    r = replay.get("/counter")
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_logout_ends_only_that_session(app, client, auth, officer):
    other = app.test_client()
    auth(officer, on=other)
    login = auth(officer)
    client.post("/logout", data={"csrf_token": login.csrf})
    assert other.get("/api/v1/auth/me").status_code == 200


def test_one_time_password_must_be_changed_before_any_page(app, client, auth, admin_user):
    password = _new_user(client, admin_user, auth)
    login = auth("binh.tv", password, next_url="/counter")
    assert login.response.status_code == 302
    assert login.response.headers["Location"] == "/password?next=/counter"
    # every staff page and the session API send the officer back to the change
    r = client.get("/counter")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/password")
    r = client.get("/api/v1/counters/1/queue")
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "password_change_required"
    page = client.get("/password?next=/counter")
    html = page.get_data(as_text=True)
    assert "mật khẩu tạm" in html
    token = csrf_from(html)
    weak = client.post(
        "/password",
        data={
            "csrf_token": token,
            "current_password": password,
            "new_password": "12345678901",
            "confirm_password": "12345678901",
            "next": "/counter",
        },
    )
    assert weak.status_code == 422
    assert "quá phổ biến" in weak.get_data(as_text=True)
    ok = client.post(
        "/password",
        data={
            "csrf_token": token,
            "current_password": password,
            "new_password": "trăng rằm tháng tám",
            "confirm_password": "trăng rằm tháng tám",
            "next": "/counter",
        },
    )
    assert ok.status_code == 302
    assert ok.headers["Location"] == "/counter"
    assert client.get("/counter").status_code == 200


def test_the_login_page_says_when_an_account_is_locked(client, auth, officer, clock):
    clock("2026-11-24T14:02:00")
    for _ in range(4):
        assert auth(officer["username"], "not-the-password").response.status_code == 401
    r = auth(officer["username"], "not-the-password").response
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert "Tài khoản đang tạm khóa vì nhập sai mật khẩu 5 lần liên tiếp" in html
    assert "14:17" in html
    assert "liên hệ quản trị viên" in html
    assert auth(officer).response.status_code == 429


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/incidents", "/incidents"),
        ("/admin/users?x=1", "/admin/users?x=1"),
        ("/\t/evil.example", "/counter"),
        ("//evil.example", "/counter"),
        ("/\\evil.example", "/counter"),
        ("https://evil.example/", "/counter"),
        ("javascript:alert(1)", "/counter"),
        ("/ /evil.example", "/counter"),
        ("/\n/evil.example", "/counter"),
        ("", "/counter"),
        (None, "/counter"),
    ],
)
def test_next_accepts_only_a_local_path(target, expected):
    assert safe_next(target) == expected


def test_a_tab_in_next_does_not_leave_the_site(client, officer):
    page = client.get("/login?next=/%09/evil.example")
    html = page.get_data(as_text=True)
    assert 'name="next" value="/counter"' in html
    r = client.post(
        "/login?next=/%09/evil.example",
        data={
            "csrf_token": csrf_from(html),
            "username": officer["username"],
            "password": officer["password"],
        },
    )
    assert r.status_code == 302
    assert r.headers["Location"] == "/counter"

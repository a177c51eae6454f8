"""The set-up pages with Flask's client: forms, refusals, one-time passwords, the audit."""

import re

import pytest
from sqlalchemy import select

from qms.models import LogEntry, Setting
from qms.queue.models import Counter

pytestmark = pytest.mark.storage


@pytest.fixture
def admin_login(auth, admin_user):
    return auth(admin_user)


def _post(client, login, url, **data):
    return client.post(url, data={"csrf_token": login.csrf, **data})


@pytest.mark.parametrize(
    "path",
    [
        "/admin/services",
        "/admin/counters",
        "/admin/priorities",
        "/admin/users",
        "/admin/centre",
        "/admin/calendar",
        "/admin/audit",
    ],
)
def test_every_page_opens_for_an_admin(client, admin_login, path):
    r = client.get(path)
    assert r.status_code == 200
    assert 'class="adm-tabs"' in r.get_data(as_text=True)


def test_leadership_reads_calendar_and_audit_but_not_the_set_up(client, auth, leader, officer):
    auth(leader)
    assert client.get("/admin/calendar").status_code == 200
    assert client.get("/admin/audit").status_code == 200
    r = client.get("/admin/users")
    assert r.status_code == 403
    assert "không có quyền xem trang này" in r.get_data(as_text=True)
    assert client.get("/admin/setup").headers["Location"] == "/admin/calendar"
    auth(officer)
    assert client.get("/admin/audit").status_code == 403


def test_create_a_service_and_refuse_a_duplicate_prefix(client, admin_login, db):
    r = _post(
        client,
        admin_login,
        "/admin/services",
        code="k",
        name="Tư pháp",
        name_en="Justice",
        description="Chứng thực, hộ tịch",
        position="9",
        daily_cap="40",
        active="1",
    )
    assert r.status_code == 302
    page = client.get("/admin/services").get_data(as_text=True)
    assert "Đã thêm lĩnh vực K." in page
    assert 'data-service="K"' in page
    r = _post(client, admin_login, "/admin/services", code="K", name="Khác", active="1")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Mã lĩnh vực K đã được dùng" in html
    assert 'value="Khác"' in html  # the form keeps what was typed
    services = client.get("/api/v1/services").get_json()
    assert next(s for s in services if s["code"] == "K")["name"] == "Tư pháp"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "1", "name": "X"}, "Mã lĩnh vực phải là 1–3 chữ cái"),
        ({"code": "Q", "name": ""}, "Tên lĩnh vực không được để trống"),
        ({"code": "Q", "name": "X", "daily_cap": "-3"}, "Giới hạn số mỗi ngày phải từ 0"),
        ({"code": "Q", "name": "X", "daily_cap": "nhiều"}, "phải là số nguyên"),
    ],
)
def test_bad_services_are_refused_readably(client, admin_login, fields, message):
    r = _post(client, admin_login, "/admin/services", **fields)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert "Q" not in [s["code"] for s in client.get("/api/v1/services").get_json()]


def test_create_a_counter_with_ordered_services(client, admin_login, db):
    r = _post(
        client,
        admin_login,
        "/admin/counters",
        number="5",
        name="Quầy 5",
        services="t, a",
        state="open",
    )
    assert r.status_code == 302
    counter = client.get("/api/v1/counters/5").get_json()
    assert counter["services"] == ["T", "A"]
    assert counter["state"] == "open"
    board = client.get("/api/v1/board").get_json()
    assert board["services"]["T"]["open_counters"] == 2


def test_a_counter_with_an_unknown_service_saves_nothing(client, admin_login, db):
    r = _post(client, admin_login, "/admin/counters", number="5", name="Quầy 5", services="A, Z")
    assert r.status_code == 422
    assert "Không có lĩnh vực Z" in r.get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(Counter).where(Counter.number == 5)) is None
    r = _post(
        client, admin_login, "/admin/counters/1", name="Quầy 1", services="A, Z", state="closed"
    )
    assert r.status_code == 302
    assert "Không có lĩnh vực Z" in client.get("/admin/counters").get_data(as_text=True)
    counter = client.get("/api/v1/counters/1").get_json()
    assert (counter["services"], counter["state"]) == (["A", "B"], "open")


def test_a_duplicate_counter_number_is_refused(client, admin_login):
    r = _post(client, admin_login, "/admin/counters", number="1", name="Trùng", services="A")
    assert r.status_code == 422
    assert "Đã có quầy số 1" in r.get_data(as_text=True)
    assert client.get("/api/v1/counters/1").get_json()["name"] == "Quầy 1"


def test_edit_a_counter_closes_it_with_an_audit_row(client, admin_login, admin_user, db):
    r = _post(
        client,
        admin_login,
        "/admin/counters/3",
        name="Quầy 3 – Bảo trợ",
        services="F, G",
        state="closed",
    )
    assert r.status_code == 302
    with db.read() as s:
        row = s.scalars(
            select(LogEntry).where(LogEntry.kind == "setup.counter", LogEntry.user_id.is_not(None))
        ).one()
    assert row.user_id == admin_user["id"]
    assert row.data == {
        "before": {"name": "Quầy 3", "services": ["E", "F", "G"], "state": "open"},
        "after": {"name": "Quầy 3 – Bảo trợ", "services": ["F", "G"], "state": "closed"},
    }
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Sửa quầy 3 – Quầy 3 – Bảo trợ" in audit
    assert "<del>Đang mở</del> → <ins>Đóng</ins>" in audit
    assert "<del>E, F, G</del> → <ins>F, G</ins>" in audit


def test_users_page_shows_the_one_time_password_once(client, admin_login):
    r = _post(
        client,
        admin_login,
        "/admin/users",
        username="an.lv",
        full_name="Lê Văn An",
        title="Công chức Văn hóa – Xã hội",
        role="officer",
    )
    assert r.status_code == 201
    html = r.get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', html).group(1)
    assert len(password) == 16
    again = client.get("/admin/users").get_data(as_text=True)
    assert password not in again
    assert "Chờ đổi mật khẩu tạm" in again
    dup = _post(
        client, admin_login, "/admin/users", username="an.lv", full_name="Khác", role="officer"
    )
    assert dup.status_code == 422
    assert "đã có người dùng" in dup.get_data(as_text=True)


def test_admin_cannot_deactivate_themselves_on_the_page(client, admin_login, admin_user):
    r = _post(
        client,
        admin_login,
        f"/admin/users/{admin_user['id']}",
        full_name="",
        title="",
        role="admin",
    )
    assert r.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "không thể tự khóa tài khoản của chính mình" in page
    assert client.get("/api/v1/auth/me").status_code == 200


def test_calendar_page_preset_then_a_refused_edit_keeps_it(client, auth, leader, db):
    login = auth(leader)
    r = _post(client, login, "/admin/calendar", action="preset")
    assert r.status_code == 302
    with db.read() as s:
        assert s.get(Setting, "calendar").value["weekly"]["fri"] == [
            ["07:30", "11:30"],
            ["13:30", "17:00"],
        ]
    form = {
        "mon_am_start": "07:30",
        "mon_am_end": "11:30",
        "mon_pm_start": "11:00",
        "mon_pm_end": "17:00",
        "holidays": "01/01/2027",
        "cutoff_minutes": "15",
        "action": "save",
    }
    r = _post(client, login, "/admin/calendar", **form)
    assert r.status_code == 422
    assert "chồng lên nhau" in r.get_data(as_text=True)
    with db.read() as s:
        assert s.get(Setting, "calendar").value["weekly"]["mon"] == [
            ["07:30", "11:30"],
            ["13:30", "17:00"],
        ]
    form["mon_pm_start"] = "13:30"
    assert _post(client, login, "/admin/calendar", **form).status_code == 302
    with db.read() as s:
        saved = s.get(Setting, "calendar").value
    assert saved["holidays"] == ["2027-01-01"]
    assert saved["weekly"]["tue"] == []


def test_pause_reception_from_the_page(client, auth, leader):
    login = auth(leader)
    assert (
        _post(client, login, "/admin/reception", paused="1", reason="Mất mạng Internet").status_code
        == 302
    )
    assert client.get("/api/v1/reception").get_json()["reason"] == "Mất mạng Internet"
    html = client.get("/admin/calendar").get_data(as_text=True)
    assert "Đang tạm dừng tiếp nhận" in html
    assert _post(client, login, "/admin/reception", paused="0").status_code == 302
    assert client.get("/api/v1/reception").get_json()["paused"] is False


# --- the centre's settings ---------------------------------------------------------------


def test_settings_are_stored_and_read_instead_of_the_config(app, client, admin_user, db):
    h = admin_user["headers"]
    r = client.patch(
        "/api/v1/centre",
        json={"HOTLINE": "0238 3 888 999", "COMMUNE_NAME": "XÃ ĐẠI SƠN"},
        headers=h,
    )
    assert r.status_code == 200
    assert r.get_json()["HOTLINE"]["value"] == "0238 3 888 999"
    assert r.get_json()["HOTLINE"]["default"] == "1900 0000"
    assert client.get("/api/v1/board").get_json()["hotline"] == "0238 3 888 999"
    assert app.config["COMMUNE_NAME"] == "XÃ ĐẠI SƠN"
    with db.read() as s:
        row = s.scalars(select(LogEntry).where(LogEntry.kind == "centre.settings")).one()
    assert row.data["before"] == {"COMMUNE_NAME": "XÃ TÂN KỲ", "HOTLINE": "1900 0000"}
    # null gives the key back to the configuration
    client.patch("/api/v1/centre", json={"HOTLINE": None}, headers=h)
    assert client.get("/api/v1/board").get_json()["hotline"] == "1900 0000"


def test_another_process_sees_the_settings(app, client, admin_user, database_url, data_dir):
    from qms import create_app

    client.patch(
        "/api/v1/centre",
        json={"CENTRE_NAME": "TRUNG TÂM PVHCC XÃ ĐẠI SƠN"},
        headers=admin_user["headers"],
    )
    other = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url})
    try:
        assert other.test_client().get("/api/v1/board").status_code == 200
        assert other.config["CENTRE_NAME"] == "TRUNG TÂM PVHCC XÃ ĐẠI SƠN"
    finally:
        other.extensions["qms"].board.close()
        other.extensions["qms"].db.dispose()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"ANNOUNCE_TEMPLATE": "Mời số {code}"}, "invalid_template"),
        ({"ANNOUNCE_TEMPLATE": "Mời {code} đến {quay}"}, "invalid_template"),
        ({"ANNOUNCE_NUMBERS": "roman"}, "invalid_value"),
        ({"CENTRE_NAME": "  "}, "missing_field"),
        ({"PRIORITY_RATIO": 0}, "out_of_range"),
        ({"SECRET_KEY": "x"}, "unknown_field"),
    ],
)
def test_bad_settings_are_refused(client, admin_user, body, code):
    r = client.patch("/api/v1/centre", json=body, headers=admin_user["headers"])
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert (
        client.get("/api/v1/centre", headers=admin_user["headers"]).get_json()["CENTRE_NAME"][
            "stored"
        ]
        is False
    )


def test_ratio_policy_from_the_priorities_page(app, client, admin_login):
    r = _post(client, admin_login, "/admin/priorities/policy", policy="ratio", ratio="2")
    assert r.status_code == 302
    assert (app.config["PRIORITY_POLICY"], app.config["PRIORITY_RATIO"]) == ("ratio", 2)
    r = _post(client, admin_login, "/admin/priorities/policy", policy="ratio", ratio="50")
    assert r.status_code == 302
    assert "phải từ 1 đến 20" in client.get("/admin/priorities").get_data(as_text=True)
    assert app.config["PRIORITY_RATIO"] == 2


def test_audit_api_for_leadership(client, admin_user, leader, officer):
    body = {"name": "Hộ tịch – Tư pháp", "name_en": "Civil status"}
    client.put("/api/v1/services/A", json=body, headers=admin_user["headers"])
    rows = client.get("/api/v1/audit?kind=setup.", headers=leader["headers"]).get_json()
    assert [(r["kind"], r["by"], r["before"], r["after"]) for r in rows if r["by"]] == [
        (
            "setup.service",
            admin_user["username"],
            {"name": "Hộ tịch"},
            {"name": "Hộ tịch – Tư pháp"},
        )
    ]
    assert client.get("/api/v1/audit", headers=officer["headers"]).status_code == 403
    assert client.get("/api/v1/audit?limit=0", headers=leader["headers"]).status_code == 422


def test_priority_rows_show_their_order_and_active_flag(client, admin_login):
    html = client.get("/admin/priorities").get_data(as_text=True)
    row = re.search(r'<tr data-priority="pregnant">.*?</tr>', html, re.S).group(0)
    assert 'name="position" value="2"' in row
    assert "checked" in row
    r = _post(
        client,
        admin_login,
        "/admin/priorities/pregnant",
        name="Phụ nữ mang thai",
        name_en="Pregnant woman",
        icon="pregnant",
        position="2",
    )  # active unticked
    assert r.status_code == 302
    codes = [c["code"] for c in client.get("/api/v1/priorities").get_json()]
    assert codes == ["elderly", "disabled", "merit"]

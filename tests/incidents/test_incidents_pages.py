"""Staff pages: forms with CSRF, role-dependent actions, Vietnamese first."""

import re


def test_pages_render_for_staff(client, officer, login, report):
    incident = report("2.3", description="Mất mạng")
    login(officer)
    for path, heading in (
        ("/incidents", "<h1>Sổ theo dõi sự cố kỹ thuật</h1>"),
        ("/incidents/new", "<h1>Báo sự cố</h1>"),
        (f"/incidents/{incident['id']}", "<h1>2.3. Mất mạng Internet</h1>"),
        ("/incidents/types", "<h1>Phương án dự phòng xử lý sự cố</h1>"),
        ("/incidents/reports", "<h1>Báo cáo sự cố quý"),
        ("/incidents/reports?year=2024&quarter=4", "<h1>Báo cáo sự cố quý IV/2024</h1>"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert heading in response.get_data(as_text=True), path
    book = client.get("/incidents").get_data(as_text=True)
    assert "Báo sự cố" in book and "Mất mạng Internet" in book and "Nên chuyển cấp" in book
    new = client.get("/incidents/new").get_data(as_text=True)
    assert new.count('name="type"') == 9 and "Biểu hiện" not in new  # symptoms shown as text
    assert "Không truy cập được các hệ thống trực tuyến." in new
    assert client.get("/incidents/999").status_code == 404


def test_officer_reports_and_ticks_through_the_pages(client, officer, login):
    token = login(officer)
    response = client.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "type": "2.1",
            "description": "Máy in quầy 2 kẹt giấy",
            "scope": "Quầy 2",
            "occurred_at": "2025-06-01T08:15",
        },
    )
    assert response.status_code == 302
    detail_url = response.headers["Location"]
    iid = int(re.search(r"/incidents/(\d+)", detail_url).group(1))
    page = client.get(detail_url).get_data(as_text=True)
    assert "Đã ghi nhận sự cố." in page
    assert "Kiểm tra khay giấy của máy in." in page
    assert "Ghi nhận chuyển cấp" in page  # an officer records the escalation they made
    assert 'name="resolution"' not in page  # resolving is for IT and leadership
    assert f'href="/paper?incident={iid}#paper-form">Ghi nhận hồ sơ giấy</a>' in page
    assert (
        client.post(
            f"/incidents/{iid}/steps/1", data={"csrf_token": token, "done": "1"}
        ).status_code
        == 302
    )
    client.post(f"/incidents/{iid}/note", data={"csrf_token": token, "text": "Đã gọi IT"})
    denied = client.post(
        f"/incidents/{iid}/resolve",
        data={"csrf_token": token, "resolution": "x"},
        follow_redirects=True,
    )
    assert "Chỉ cán bộ CNTT hoặc lãnh đạo" in denied.get_data(as_text=True)
    h = officer["headers"]
    incident = client.get(f"/api/v1/incidents/{iid}", headers=h).get_json()
    assert incident["status"] == "handling"
    assert incident["occurred_at"] == "2025-06-01T08:15:00+07:00"
    assert [e["kind"] for e in incident["timeline"]] == ["reported", "step_done", "note"]


def test_form_without_csrf_is_refused(client, officer, login):
    login(officer)
    response = client.post("/incidents/new", data={"type": "2.1"})
    assert response.status_code == 400
    assert client.get("/api/v1/incidents", headers=officer["headers"]).get_json() == []


def test_bad_form_input_is_shown_not_500(client, officer, login):
    token = login(officer)
    response = client.post("/incidents/new", data={"csrf_token": token, "type": "7.7"})
    assert response.status_code == 200
    assert "Không có loại sự cố" in response.get_data(as_text=True)
    response = client.post(
        "/incidents/new", data={"csrf_token": token, "type": "2.1", "occurred_at": "garbage"}
    )
    assert response.status_code == 200
    assert client.get("/incidents?from=nonsense").status_code == 200


def test_it_officer_escalates_resolves_and_closes(client, it_user, login, report):
    iid = report("2.3")["id"]
    token = login(it_user)
    page = client.get(f"/incidents/{iid}").get_data(as_text=True)
    assert "Ghi nhận chuyển cấp" in page and "Đăng lên màn hình" in page
    client.post(
        f"/incidents/{iid}/escalate",
        data={"csrf_token": token, "to": "VNPT Nghệ An", "channel": "phone"},
    )
    client.post(
        f"/incidents/{iid}/notice", data={"csrf_token": token, "text": "Đang khắc phục mạng."}
    )
    assert "Đang khắc phục mạng." in [
        n["text"] for n in client.get("/api/v1/board").get_json()["notices"]
    ]
    client.post(f"/incidents/{iid}/resolve", data={"csrf_token": token, "resolution": "Thay modem"})
    client.post(f"/incidents/{iid}/close", data={"csrf_token": token})
    incident = client.get(f"/api/v1/incidents/{iid}", headers=it_user["headers"]).get_json()
    assert incident["status"] == "closed"
    assert incident["escalations"][0]["to"] == "VNPT Nghệ An"
    assert "Đang khắc phục mạng." not in [
        n["text"] for n in client.get("/api/v1/board").get_json()["notices"]
    ]
    assert client.post(f"/incidents/{iid}/fly", data={"csrf_token": token}).status_code == 404


def test_catalogue_page_edits(client, it_user, officer, login):
    token = login(it_user)
    assert "Thêm loại sự cố" in client.get("/incidents/types").get_data(as_text=True)
    response = client.post(
        "/incidents/types/2.2",
        data={
            "csrf_token": token,
            "title": "Lỗi đăng nhập tài khoản",
            "category": "simple",
            "symptoms": "Sai mật khẩu",
            "steps": "Kiểm tra tên đăng nhập\nDùng chức năng Quên mật khẩu\n",
            "responsible": "Cán bộ tiếp nhận",
            "contacts": "VNPT Nghệ An",
            "active": "1",
        },
    )
    assert response.status_code == 302
    client.post(
        "/incidents/types",
        data={
            "csrf_token": token,
            "code": "2.10",
            "title": "Hỏng loa gọi số",
            "category": "simple",
            "steps": "Kiểm tra dây loa",
            "active": "1",
        },
    )
    types = {
        t["code"]: t
        for t in client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    }
    assert types["2.2"]["steps"] == ["Kiểm tra tên đăng nhập", "Dùng chức năng Quên mật khẩu"]
    assert types["2.10"]["title"] == "Hỏng loa gọi số"


def test_officer_cannot_edit_catalogue_or_proposals(client, officer, login):
    token = login(officer)
    page = client.get("/incidents/types").get_data(as_text=True)
    assert "Thêm loại sự cố" not in page
    client.post(
        "/incidents/types/2.2", data={"csrf_token": token, "title": "Hacked", "category": "simple"}
    )
    client.post(
        "/incidents/reports",
        data={"csrf_token": token, "year": "2024", "quarter": "4", "proposals": "x"},
    )
    types = {
        t["code"]: t
        for t in client.get("/api/v1/incident-types", headers=officer["headers"]).get_json()
    }
    assert types["2.2"]["title"] == "Lỗi đăng nhập tài khoản"
    report = client.get(
        "/api/v1/incidents/report?year=2024&quarter=4", headers=officer["headers"]
    ).get_json()
    assert report["proposals"] == ""


def test_leader_saves_proposals_on_the_report_page(client, leader, login):
    token = login(leader)
    client.post(
        "/incidents/reports",
        data={
            "csrf_token": token,
            "year": "2024",
            "quarter": "4",
            "proposals": "Mua UPS cho máy chủ",
            "number": "3",
        },
    )
    page = client.get("/incidents/reports?year=2024&quarter=4").get_data(as_text=True)
    assert "Mua UPS cho máy chủ" in page


def test_unclean_start_confirmation_on_the_page(app, client, officer, login):
    from qms import signals

    signals.app_started.send(app, unclean=True)
    [incident] = client.get("/api/v1/incidents", headers=officer["headers"]).get_json()
    token = login(officer)
    page = client.get(f"/incidents/{incident['id']}").get_data(as_text=True)
    assert "Cần xác nhận" in page
    client.post(f"/incidents/{incident['id']}/confirm", data={"csrf_token": token})
    assert (
        client.get(f"/api/v1/incidents/{incident['id']}", headers=officer["headers"]).get_json()[
            "needs_confirmation"
        ]
        is False
    )


def test_photo_upload_from_the_page(client, officer, login, report):
    from io import BytesIO

    iid = report("2.1")["id"]
    token = login(officer)
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * (100 * 1024)
    refused = client.post(
        f"/incidents/{iid}/attachments",
        data={"file": (BytesIO(photo), "giay.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400  # no CSRF token
    response = client.post(
        f"/incidents/{iid}/attachments",
        data={"csrf_token": token, "file": (BytesIO(photo), "giay.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã đính kèm tệp." in page and "giay.png" in page

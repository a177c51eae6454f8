"""The paper register through its API: receive, enter, return; bad input; who sees names;
every view audited; the province's workbook; Decree 13 retention (`qms purge`)."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qms.extensions import get_db
from qms.models import LogEntry

pytestmark = pytest.mark.storage


def views(kind="paper.viewed"):
    with get_db().read() as s:
        return [
            (e.user_id, e.data)
            for e in s.scalars(select(LogEntry).where(LogEntry.kind == kind).order_by(LogEntry.id))
        ]


def test_receive_enter_return(client, officer, clock, issue):
    clock("2026-11-23T09:15:00")
    ticket = issue("A")
    dossier_body = {
        "citizen_name": "  Nguyễn   Văn An ",
        "phone": "0977.606.968",
        "procedure": "Đăng ký khai sinh",
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        "ticket": ticket["code"],
        "appointment_date": "2026-11-27",
    }
    created = client.post("/api/v1/paper-dossiers", json=dossier_body, headers=officer["headers"])
    assert created.status_code == 201
    d = created.get_json()
    assert d["code"] == "HSG-261123-001"
    assert d["status"] == "received"
    assert d["citizen_name"] == "Nguyễn Văn An"
    assert d["phone"] == "0977.606.968"
    assert d["documents"] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert d["ticket"] == {"id": ticket["id"], "code": ticket["code"]}
    assert d["appointment_date"] == "2026-11-27"
    assert d["received_at"] == "2026-11-23T09:15:00+07:00"
    assert d["received_by"] == officer["username"]
    assert d["is_drill"] is False
    assert d["status_url"].startswith("http://qms.test/hs/")
    second = client.post(
        "/api/v1/paper-dossiers",
        json={"citizen_name": "Lê Thị Bình", "procedure": "Chứng thực bản sao"},
        headers=officer["headers"],
    ).get_json()
    assert second["code"] == "HSG-261123-002"

    listed = client.get("/api/v1/paper-dossiers?status=received", headers=officer["headers"])
    assert [x["code"] for x in listed.get_json()] == ["HSG-261123-002", "HSG-261123-001"]
    summary = client.get("/api/v1/paper-dossiers/summary", headers=officer["headers"]).get_json()
    assert summary == {
        "received": 2,
        "entered": 0,
        "returned": 0,
        "outstanding": 2,
        "overdue": 0,
        "callbacks_due": 0,
    }

    clock("2026-11-24T08:00:00")
    entered = client.post(
        f"/api/v1/paper-dossiers/{d['id']}/entered",
        json={"official_code": "000.00.23.h42-261124-0007"},
        headers=officer["headers"],
    )
    assert entered.status_code == 200
    assert entered.get_json()["status"] == "entered"
    assert entered.get_json()["official_code"] == "000.00.23.H42-261124-0007"
    assert entered.get_json()["entered_at"] == "2026-11-24T08:00:00+07:00"
    returned = client.post(f"/api/v1/paper-dossiers/{d['id']}/returned", headers=officer["headers"])
    assert returned.status_code == 200
    assert returned.get_json()["status"] == "returned"
    outstanding = client.get(
        "/api/v1/paper-dossiers?status=outstanding", headers=officer["headers"]
    )
    assert [x["code"] for x in outstanding.get_json()] == ["HSG-261123-002"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"procedure": "Đăng ký khai sinh"}, 422, "missing_field", "citizen_name"),
        (
            {"citizen_name": "   ", "procedure": "Đăng ký khai sinh"},
            422,
            "missing_field",
            "citizen_name",
        ),
        ({"citizen_name": "Nguyễn Văn An"}, 422, "missing_field", "procedure"),
        ({"citizen_name": "A", "procedure": " "}, 422, "missing_field", "procedure"),
        (
            {"citizen_name": "A", "procedure": "B", "phone": "0977 606"},
            422,
            "invalid_phone",
            "phone",
        ),
        (
            {"citizen_name": "A", "procedure": "B", "phone": "không có"},
            422,
            "invalid_phone",
            "phone",
        ),
        (
            {"citizen_name": "A", "procedure": "B", "appointment_date": "2026-11-22"},
            422,
            "date_in_past",
            "appointment_date",
        ),
        (
            {"citizen_name": "A", "procedure": "B", "appointment_date": "27/11/2026"},
            422,
            "invalid_date",
            "appointment_date",
        ),
        (
            {"citizen_name": "A", "procedure": "B", "ticket": "Z999"},
            422,
            "unknown_ticket",
            "ticket",
        ),
        (
            {"citizen_name": "A", "procedure": "B", "incident": 999},
            422,
            "unknown_incident",
            "incident",
        ),
        ({"citizen_name": "A", "procedure": "B", "colour": "red"}, 422, "unknown_field", "colour"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_saves_nothing(
    client, officer, clock, body, status, code, field
):
    clock("2026-11-23T09:15:00")
    response = client.post("/api/v1/paper-dossiers", json=body, headers=officer["headers"])
    assert response.status_code == status
    error = response.get_json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert error["message"]
    assert client.get("/api/v1/paper-dossiers", headers=officer["headers"]).get_json() == []


def test_phone_forms_are_accepted(receive):
    for raw, shown in (
        ("+84 977 606 968", "0977.606.968"),
        ("0977-606-968", "0977.606.968"),
        ("(0238) 3844 555", "0238.3844.555"),
    ):
        assert receive(phone=raw)["phone"] == shown


def test_entered_twice_and_returned_before_entered_are_conflicts(client, officer, receive):
    first, second = receive(), receive(citizen_name="Lê Thị Bình")
    path = "/api/v1/paper-dossiers/{}/{}"
    early = client.post(path.format(first["id"], "returned"), headers=officer["headers"])
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "not_entered"
    body = {"official_code": "H42.26-0001"}
    ok = client.post(path.format(first["id"], "entered"), json=body, headers=officer["headers"])
    assert ok.status_code == 200
    again = client.post(path.format(first["id"], "entered"), json=body, headers=officer["headers"])
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_entered"
    taken = client.post(
        path.format(second["id"], "entered"),
        json={"official_code": "h42.26-0001"},
        headers=officer["headers"],
    )
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "official_code_taken"
    assert first["code"] in taken.get_json()["error"]["message"]
    blank = client.post(
        path.format(second["id"], "entered"),
        json={"official_code": " "},
        headers=officer["headers"],
    )
    assert blank.status_code == 422
    # nothing was lost: the second dossier is still waiting, unchanged
    still = client.get(
        f"/api/v1/paper-dossiers/{second['id']}", headers=officer["headers"]
    ).get_json()
    assert (still["status"], still["official_code"]) == ("received", None)
    assert (
        client.post(path.format(first["id"], "returned"), headers=officer["headers"]).status_code
        == 200
    )
    twice = client.post(path.format(first["id"], "returned"), headers=officer["headers"])
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_returned")
    missing = client.post(path.format(999, "returned"), headers=officer["headers"])
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "unknown_dossier")


def test_names_only_for_the_roles_that_need_them_and_every_view_audited(
    client, officer, leader, it_user, receive
):
    d = receive(phone="0977606968")
    by_it = client.get(f"/api/v1/paper-dossiers/{d['id']}", headers=it_user["headers"]).get_json()
    assert (by_it["citizen_name"], by_it["phone"], by_it["documents"]) == (None, None, None)
    assert by_it["personal_hidden"] is True
    assert by_it["code"] == d["code"] and by_it["procedure"] == "Đăng ký khai sinh"
    by_leader = client.get("/api/v1/paper-dossiers", headers=leader["headers"]).get_json()
    assert by_leader[0]["citizen_name"] == "Nguyễn Văn An"
    assert views() == [
        (it_user["id"], {"ids": [d["id"]], "via": "api:one", "personal": False}),
        (leader["id"], {"ids": [d["id"]], "via": "api:list", "personal": True}),
    ]
    # IT may not write to the register (it is not a counter)
    denied = client.post(
        "/api/v1/paper-dossiers",
        json={"citizen_name": "A", "procedure": "B"},
        headers=it_user["headers"],
    )
    assert denied.status_code == 403
    assert client.get("/api/v1/paper-dossiers").status_code == 401


def test_overdue_and_the_incident_it_came_from(client, officer, receive, clock):
    clock("2026-11-23T09:00:00")
    incident = client.post(
        "/api/v1/incidents",
        json={"type": "2.4", "description": "Phần mềm một cửa không truy cập được"},
        headers=officer["headers"],
    ).get_json()
    d = receive(appointment_date="2026-11-24", incident=incident["id"])
    assert d["incident"] == incident["id"] and d["overdue"] is False
    clock("2026-11-25T08:00:00")
    again = client.get(f"/api/v1/paper-dossiers/{d['id']}", headers=officer["headers"]).get_json()
    assert again["overdue"] is True
    assert (
        client.get("/api/v1/paper-dossiers/summary", headers=officer["headers"]).get_json()[
            "overdue"
        ]
        == 1
    )
    timeline = client.get(
        f"/api/v1/incidents/{incident['id']}", headers=officer["headers"]
    ).get_json()["timeline"]
    assert timeline[-1]["kind"] == "paper_received"
    assert timeline[-1]["summary"] == f"Tiếp nhận hồ sơ giấy {d['code']}: Đăng ký khai sinh"
    assert "Nguyễn" not in str(timeline)  # no personal data in the incident's timeline
    by_incident = client.get(
        f"/api/v1/paper-dossiers?incident={incident['id']}", headers=officer["headers"]
    ).get_json()
    assert [x["id"] for x in by_incident] == [d["id"]]


def test_public_status_page_shows_no_personal_data(client, receive):
    d = receive(phone="0977606968", documents="Giấy chứng sinh")
    token = d["status_url"].rsplit("/", 1)[-1]
    page = client.get(f"/hs/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert d["code"] in html
    assert "Hồ sơ đã được tiếp nhận, đang chờ cập nhật vào hệ thống" in html
    for private in ("Nguyễn Văn An", "0977", "Giấy chứng sinh"):
        assert private not in html
    assert client.get("/hs/khong-co-ma-nay").status_code == 404


def test_province_workbook_has_date_cells(client, leader, it_user, receive, clock):
    clock("2026-11-23T09:15:00")
    d = receive(appointment_date="2026-11-27")
    receive(is_drill=True, citizen_name="Công dân diễn tập")
    response = client.get(
        "/api/v1/paper-dossiers/export.xlsx?from=2026-11-01&to=2026-11-30",
        headers=leader["headers"],
    )
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.data)).active
    assert (
        ws["A4"].value == "SỔ THEO DÕI HỒ SƠ TIẾP NHẬN BẰNG GIẤY TRONG THỜI GIAN HỆ THỐNG GIÁN ĐOẠN"
    )
    header = [c.value for c in ws[6]]
    assert header[:5] == [
        "STT",
        "Mã hồ sơ giấy",
        "Thời điểm tiếp nhận",
        "Họ tên công dân",
        "Số điện thoại",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=7) if row[0].value is not None]
    assert len(rows) == 1  # the drill's dossier is not sent to the province
    assert rows[0][1] == d["code"]
    assert rows[0][2] == datetime(2026, 11, 23, 9, 15)
    assert ws.cell(row=7, column=3).is_date
    appointment_col = header.index("Ngày hẹn trả") + 1
    assert ws.cell(row=7, column=appointment_col).value.date() == date(2026, 11, 27)
    assert ws.cell(row=7, column=appointment_col).number_format == "DD/MM/YYYY"
    masked = load_workbook(
        BytesIO(
            client.get(
                "/api/v1/paper-dossiers/export.xlsx?from=2026-11-01&to=2026-11-30",
                headers=it_user["headers"],
            ).data
        )
    ).active
    assert "Họ tên công dân" not in [c.value for c in masked[6]]


def test_purge_keeps_counts_and_removes_personal_fields(
    app, client, officer, receive, clock, runner
):
    app.config["PRINTER"] = "dummy"  # the slips are queued for the server's printer
    clock("2025-01-10T09:00:00")
    old = receive(phone="0977606968")
    slip = client.post(f"/api/v1/paper-dossiers/{old['id']}/slip", headers=officer["headers"])
    assert slip.status_code in (200, 201), slip.get_json()
    client.post(
        f"/api/v1/paper-dossiers/{old['id']}/entered",
        json={"official_code": "X-1"},
        headers=officer["headers"],
    )
    client.post(f"/api/v1/paper-dossiers/{old['id']}/returned", headers=officer["headers"])
    waiting = receive(citizen_name="Lê Thị Bình")  # never returned: kept, it is still work
    clock("2026-02-20T09:00:00")
    recent = client.post(f"/api/v1/paper-dossiers/{waiting['id']}/slip", headers=officer["headers"])
    assert recent.status_code in (200, 201), recent.get_json()
    clock("2026-03-01T09:00:00")
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Sẽ xóa thông tin cá nhân của 1 hồ sơ giấy" in dry.output
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa thông tin cá nhân của 1 hồ sơ giấy" in result.output
    purged = client.get(
        f"/api/v1/paper-dossiers/{old['id']}", headers=officer["headers"]
    ).get_json()
    assert (purged["citizen_name"], purged["phone"], purged["documents"]) == (None, None, None)
    assert purged["code"] == old["code"] and purged["official_code"] == "X-1"
    assert purged["purged_at"] == "2026-03-01T09:00:00+07:00"
    kept = client.get(
        f"/api/v1/paper-dossiers/{waiting['id']}", headers=officer["headers"]
    ).get_json()
    assert kept["citizen_name"] == "Lê Thị Bình"
    summary = client.get("/api/v1/paper-dossiers/summary", headers=officer["headers"]).get_json()
    assert (summary["returned"], summary["received"]) == (1, 1)
    # the old slip's print job no longer carries the name or the papers; the recent one does
    from qms.devices.models import PrintJob

    with get_db().read() as s:
        payloads = {
            job.payload["code"]: job.payload
            for job in s.scalars(select(PrintJob).where(PrintJob.kind == "slip"))
        }
    assert (payloads[old["code"]]["citizen_name"], payloads[old["code"]]["documents"]) == ("", [])
    assert payloads[old["code"]]["procedure"]  # what the slip was for stays
    assert payloads[waiting["code"]]["citizen_name"] == "Lê Thị Bình"
    assert "1 giấy hẹn đã in" in result.output
    assert "Đã xóa thông tin cá nhân của 0 hồ sơ giấy" in runner.invoke(args=["purge"]).output

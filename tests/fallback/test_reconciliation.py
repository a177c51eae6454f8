"""The outage export lists every ticket of the outage, with times, counters and officers."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`

VN_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")


def _run_outage(client, switch, issue, adopt, officer):
    switch("fallback", "QMS 1.2 mất kết nối")
    adopt("A", 3, 5)
    local = [issue("A"), issue("C"), issue("B", priority="elderly")]
    h = officer["headers"]
    client.post("/api/v1/counters/1/call-next", json={}, headers=h)  # B001 (priority)
    client.post("/api/v1/counters/1/call-next", json={}, headers=h)  # A003; B001 done
    client.post("/api/v1/counters/1/no-show", json={}, headers=h)  # A003 no-show
    client.post("/api/v1/counters/1/call-next", json={}, headers=h)  # A004
    client.post("/api/v1/counters/1/transfer", json={"service": "C"}, headers=h)  # A004 → C
    switch("draining", "QMS 1.2 chạy lại")
    codes = {"A003", "A004", "A005", "A006", "C001", "B001"}
    assert {t["code"] for t in local} == {"A006", "C001", "B001"}
    return codes


def test_csv_and_xlsx_hold_every_ticket_of_the_outage(
    client, switch, issue, adopt, officer, leader
):
    codes = _run_outage(client, switch, issue, adopt, officer)
    outages = client.get("/api/v1/fallback/outages", headers=leader["headers"]).get_json()
    outage_id = outages[0]["id"]

    response = client.get(
        f"/api/v1/fallback/outages/{outage_id}/export.csv", headers=officer["headers"]
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["STT", "Số thứ tự", "Lĩnh vực"]
    col = {name: i for i, name in enumerate(header)}
    # A004 appears twice: the original (transferred) and its copy waiting at C
    assert sorted(r[col["Số thứ tự"]] for r in body) == sorted([*codes, "A004"])
    by_code = {}
    for row in body:
        by_code.setdefault(row[col["Số thứ tự"]], []).append(row)
    assert by_code["A003"][0][col["Kết quả"]] == "Vắng mặt"
    assert by_code["A005"][0][col["Nguồn"]] == "Số của QMS 1.2"
    assert by_code["A006"][0][col["Nguồn"]] == "Cấp tại hệ thống dự phòng"
    assert by_code["B001"][0][col["Kết quả"]] == "Đã phục vụ"
    assert by_code["B001"][0][col["Quầy"]] == "1"
    assert by_code["B001"][0][col["Cán bộ"]] == officer["username"]
    assert by_code["B001"][0][col["Ưu tiên"]] == "Người cao tuổi"
    assert VN_TIME.match(by_code["B001"][0][col["Thời gian gọi"]])
    assert VN_TIME.match(by_code["B001"][0][col["Thời gian lấy số"]])
    assert {r[col["Kết quả"]] for r in by_code["A004"]} == {"Đã chuyển", "Đang chờ"}

    response = client.get(
        f"/api/v1/fallback/outages/{outage_id}/export.xlsx", headers=officer["headers"]
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tóm tắt", "Số thứ tự", "Diễn biến"]
    sheet = book["Số thứ tự"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == "Số thứ tự"
    assert sorted(v[1] for v in values[1:]) == sorted([*codes, "A004"])
    events = list(book["Diễn biến"].iter_rows(values_only=True))[1:]
    kinds = {(e[1], e[3]) for e in events}
    assert ("A003", "Tiếp nhận số QMS 1.2") in kinds and ("A003", "Vắng mặt") in kinds
    assert ("B001", "Gọi số") in kinds and ("A004", "Chuyển đi") in kinds
    assert all(VN_TIME.match(e[0]) for e in events)
    summary = list(book["Tóm tắt"].iter_rows(values_only=True))
    assert ("Lý do / Reason", "QMS 1.2 mất kết nối") in summary


def test_tickets_outside_the_outage_are_not_exported(client, switch, issue, adopt, officer, leader):
    switch("fallback")
    issue("A")
    switch("standby")  # leadership ends it; the waiting ticket stays
    switch("fallback", "lần hai")
    issue("E")
    outages = client.get("/api/v1/fallback/outages", headers=leader["headers"]).get_json()
    assert [o["is_open"] for o in outages] == [True, False]
    second = client.get(
        f"/api/v1/fallback/outages/{outages[0]['id']}/export.csv", headers=leader["headers"]
    )
    rows = list(csv.reader(io.StringIO(second.data.decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows] == ["E001"]
    first = client.get(
        f"/api/v1/fallback/outages/{outages[1]['id']}/export.csv", headers=leader["headers"]
    )
    rows = list(csv.reader(io.StringIO(first.data.decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows] == ["A001"]


def test_unknown_outage_is_404(client, leader):
    response = client.get("/api/v1/fallback/outages/99/export.xlsx", headers=leader["headers"])
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_outage"

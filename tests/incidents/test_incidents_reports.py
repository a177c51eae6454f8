"""The incident book (XLSX read back), quarterly figures from known data, the A4 report."""

from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from qms.models import utcnow
from qms.timeutil import local_day, vn_long_date

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


@pytest.fixture
def quarter_data(report, act, officer):
    """Q4 2024 with known times (local, +07:00), plus one drill, one dismissal, one outside."""
    a = report("2.1", occurred_at="2024-10-01T08:00", description="Máy in quầy 1 hết giấy")
    act(a["id"], "steps/1", user=officer)
    act(a["id"], "resolve", {"resolution": "Thay giấy", "resolved_at": "2024-10-01T08:30"})
    b = report("2.3", occurred_at="2024-11-05T09:00", description="Mất mạng toàn Trung tâm")
    act(b["id"], "escalate", {"to": "VNPT Nghệ An", "channel": "phone", "at": "2024-11-05T09:20"})
    act(b["id"], "resolve", {"resolution": "VNPT thay modem", "resolved_at": "2024-11-05T11:00"})
    c = report("2.3", occurred_at="2024-12-31T23:00")  # runs past the quarter's end
    act(c["id"], "resolve", {"resolution": "Mạng ổn định", "resolved_at": "2025-01-01T01:00"})
    drill = report(
        "2.7", occurred_at="2024-12-10T14:00", is_drill=True, description="Diễn tập mất điện"
    )
    act(drill["id"], "resolve", {"resolution": "Chạy máy nổ", "resolved_at": "2024-12-10T14:20"})
    dismissed = report("2.7", occurred_at="2024-12-15T07:00")
    act(dismissed["id"], "dismiss", {"reason": "Khởi động lại"})
    outside = report("2.2", occurred_at="2025-01-02T08:00")
    act(a["id"], "notes", {"text": "Cần dự trữ thêm giấy"}, user=officer, expect=201)
    return {"a": a, "b": b, "c": c, "drill": drill, "dismissed": dismissed, "outside": outside}


def test_quarterly_figures_from_known_data(client, officer, quarter_data):
    response = client.get(
        "/api/v1/incidents/report?year=2024&quarter=4", headers=officer["headers"]
    )
    assert response.status_code == 200, response.get_json()
    r = response.get_json()
    assert (r["from"], r["to"], r["quarter_roman"], r["is_complete"]) == (
        "2024-10-01",
        "2024-12-31",
        "IV",
        True,
    )
    f = r["incidents"]
    assert (f["total"], f["simple"], f["complex"]) == (3, 1, 2)
    assert f["downtime_minutes"] == 30 + 120 + 60  # the last one counts up to midnight only
    assert f["resolved"] == 3
    assert f["mean_resolve_minutes"] == (30 + 120 + 120) / 3
    assert f["max_resolve_minutes"] == 120
    assert (f["escalated"], f["escalated_share"]) == (1, 0.333)
    by_type = {row["code"]: row for row in f["by_type"]}
    assert by_type["2.1"]["count"] == 1 and by_type["2.1"]["downtime_minutes"] == 30
    assert by_type["2.3"]["count"] == 2 and by_type["2.3"]["downtime_minutes"] == 180
    assert by_type["2.7"]["count"] == 0 and by_type["2.7"]["drills"] == 1
    assert len(f["by_type"]) == 9
    assert r["open_at_end"] == 1
    assert r["dismissed"] == 1
    d = r["drills"]
    assert (d["total"], d["mean_resolve_minutes"], d["downtime_minutes"]) == (1, 20, 20)
    q1 = client.get(
        "/api/v1/incidents/report?year=2025&quarter=1", headers=officer["headers"]
    ).get_json()
    # Q1 2025 counts the 2.2 that occurred in it; its downtime also takes the hour the Q4
    # outage ran into the new year, and the 2.2 (still open) up to the quarter's end
    assert q1["incidents"]["total"] == 1
    still_open = datetime(2025, 4, 1) - datetime(2025, 1, 2, 8, 0)
    assert q1["incidents"]["downtime_minutes"] == 60 + still_open.total_seconds() / 60
    assert q1["open_at_end"] == 1


def test_proposals_are_saved_by_leadership(client, officer, leader):
    body = {
        "year": 2024,
        "quarter": 4,
        "proposals": "Lắp đường truyền Internet dự phòng.",
        "number": "15",
    }
    assert (
        client.post(
            "/api/v1/incidents/report/proposals", json=body, headers=officer["headers"]
        ).status_code
        == 403
    )
    saved = client.post("/api/v1/incidents/report/proposals", json=body, headers=leader["headers"])
    assert saved.status_code == 200
    r = client.get(
        "/api/v1/incidents/report?year=2024&quarter=4", headers=officer["headers"]
    ).get_json()
    assert (r["proposals"], r["number"]) == ("Lắp đường truyền Internet dự phòng.", "15")


def test_incident_book_xlsx(client, officer, quarter_data):
    response = client.get(
        "/api/v1/incidents/export.xlsx?from=2024-10-01&to=2024-12-31", headers=officer["headers"]
    )
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(response.data)).active
    assert ws["A1"].value == "UBND XÃ TÂN KỲ"
    assert ws["A2"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    assert ws["A4"].value == "SỔ THEO DÕI SỰ CỐ KỸ THUẬT"
    assert ws["A5"].value == "Từ ngày 01/10/2024 đến ngày 31/12/2024"
    header = [c.value for c in ws[6]]
    assert header == [
        "STT",
        "Thời điểm xảy ra",
        "Loại sự cố",
        "Mô tả/biểu hiện",
        "Người phát hiện/báo cáo",
        "Biện pháp xử lý",
        "Chuyển cấp (đơn vị, thời điểm)",
        "Thời điểm khắc phục",
        "Thời gian gián đoạn",
        "Kết quả",
        "Ghi chú/diễn tập",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=7) if row[0].value is not None]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]  # a, b, drill, dismissed, c by time
    first, second, drill, dismissed, last = rows
    assert first[1] == datetime(2024, 10, 1, 8, 0)  # a date cell, not text
    assert ws.cell(row=7, column=2).number_format == "DD/MM/YYYY HH:MM"
    assert ws.cell(row=7, column=2).is_date
    assert first[2] == "2.1 Máy in hết giấy, hết mực"
    assert first[3] == "Máy in quầy 1 hết giấy"
    assert first[4] == officer["username"]
    assert first[5] == "- Kiểm tra khay giấy của máy in."
    assert first[7] == datetime(2024, 10, 1, 8, 30)
    assert first[8] == "30 phút"
    assert first[9] == "Đã khắc phục: Thay giấy"
    assert "Cần dự trữ thêm giấy" in first[10]
    assert second[6] == "VNPT Nghệ An (điện thoại, 05/11/2024 09:20)"
    assert second[8] == "2 giờ"
    assert "DIỄN TẬP" in drill[10]
    assert "DIỄN TẬP" not in (first[10] or "")
    assert dismissed[9].startswith("Không phải sự cố")
    assert last[7] == datetime(2025, 1, 1, 1, 0)
    assert ws.column_dimensions["D"].width >= 30
    assert ws.cell(row=7, column=4).alignment.wrap_text is True


def test_book_defaults_to_this_quarter(client, officer, report):
    report("2.2")
    response = client.get("/api/v1/incidents/export.xlsx", headers=officer["headers"])
    ws = load_workbook(BytesIO(response.data)).active
    assert ws.cell(row=7, column=3).value == "2.2 Lỗi đăng nhập tài khoản"


def test_printable_report(client, leader, login, quarter_data):
    client.post(
        "/api/v1/incidents/report/proposals",
        json={"year": 2024, "quarter": 4, "proposals": "Trang bị máy nổ dự phòng.", "number": "07"},
        headers=leader["headers"],
    )
    login(leader)
    response = client.get("/incidents/reports/print?year=2024&quarter=4")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for line in (
        "UBND XÃ TÂN KỲ",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "Số: 07/BC-TTPVHCC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Tân Kỳ, {vn_long_date(local_day(utcnow()))}",
        "BÁO CÁO TÌNH HÌNH SỰ CỐ KỸ THUẬT QUÝ IV NĂM 2024",
        "(Từ ngày 01/10/2024 đến ngày 31/12/2024)",
        "Trung tâm Phục vụ hành chính công xã Tân Kỳ báo cáo",
        "ghi nhận <strong>3</strong> sự cố",
        "<strong>3 giờ 30 phút</strong>",  # 210 minutes of downtime
        "thời gian khắc phục trung bình: 1 giờ 30 phút, lâu nhất: 2 giờ",
        "phải chuyển cấp xử lý: 1 (33,3%)",
        "tổ chức <strong>1</strong> lượt diễn tập",
        "Trang bị máy nổ dự phòng.",
        "GIÁM ĐỐC",
        "Nơi nhận:",
    ):
        assert line in html, line
    assert "size: A4" in html
    assert 'font-family: "Times New Roman", "Noto Serif VN"' in html
    assert '<td>2.3. Mất mạng Internet</td><td class="num">2</td>' in html


def test_report_number_left_blank_until_given(client, officer, login):
    login(officer)
    html = client.get("/incidents/reports/print?year=2024&quarter=1").get_data(as_text=True)
    assert "/BC-TTPVHCC" in html
    assert "chưa tổ chức diễn tập" in html


def test_serif_font_is_served_locally(client):
    pytest.importorskip("fontpkg_noto_serif")
    with client.get("/incidents/assets/fonts/NotoSerif.ttf") as response:
        assert response.status_code == 200
        assert len(response.data) > 10000
    assert client.get("/incidents/assets/fonts/../secret_key").status_code == 404

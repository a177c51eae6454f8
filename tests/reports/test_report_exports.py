"""The report as XLSX (opened with openpyxl, cell types checked), CSV, the A4 print, the page."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from qms.extensions import get_db
from qms.reports.history import Leg, Visit, clear, write

pytestmark = pytest.mark.storage


@pytest.fixture
def history(app, create_user):
    """Two served visits on 16 and 17 Nov 2026 (one rated, one transferred) and one waiting."""
    officer = create_user("officer", username="canbo1")
    at = datetime(2026, 11, 16, 8, 0)
    later = datetime(2026, 11, 17, 9, 30)
    visits = [
        Visit(
            at,
            [
                Leg(
                    "A",
                    "done",
                    1,
                    officer["id"],
                    at + timedelta(minutes=12),
                    at + timedelta(minutes=20),
                )
            ],
            score=1,
        ),
        Visit(
            later,
            [
                Leg(
                    "A",
                    "transferred",
                    1,
                    officer["id"],
                    later + timedelta(minutes=3),
                    later + timedelta(minutes=4),
                ),
                Leg(
                    "C",
                    "done",
                    2,
                    None,
                    later + timedelta(minutes=9),
                    later + timedelta(minutes=15),
                ),
            ],
        ),
        Visit(later, [Leg("B", "waiting")]),
    ]
    with get_db().write() as s:
        clear(s)
        write(s, visits)
    return officer


QUERY = "from=2026-11-16&to=2026-11-17"


def test_the_workbook_has_date_cells_and_numbers(client, leader, history):
    r = client.get(f"/api/v1/reports/queue.xlsx?{QUERY}", headers=leader["headers"])
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-xep-hang_2026-11-16_2026-11-17.xlsx"'
    )
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo lĩnh vực",
        "Theo quầy",
        "Theo cán bộ",
        "Theo giờ trong ngày",
        "Theo thứ trong tuần",
        "Theo ngày",
    ]
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "UBND XÃ TÂN KỲ"
    assert summary["A2"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    assert (summary["B4"].value, summary["D4"].value) == (
        datetime(2026, 11, 16),
        datetime(2026, 11, 17),
    )
    assert summary["B4"].is_date and summary["B4"].number_format == "DD/MM/YYYY"
    assert (summary["B5"].value, summary["D5"].value) == (
        datetime(2026, 11, 14),
        datetime(2026, 11, 15),
    )
    assert summary["B6"].is_date
    rows = {summary.cell(r, 1).value: summary.cell(r, 2) for r in range(9, summary.max_row + 1)}
    assert rows["Số phiếu cấp"].value == 3 and rows["Số phiếu cấp"].data_type == "n"
    wait = rows["Chờ trung vị (phút)"]  # waits of 12 and 3 minutes: nearest-rank median is 3
    assert (wait.value, wait.data_type, wait.number_format) == (3.0, "n", "0.0")
    assert rows["Chờ lâu nhất (phút)"].value == 12.0
    by_day = wb["Theo ngày"]
    assert [by_day.cell(r, 1).value for r in (9, 10, 11)] == [
        datetime(2026, 11, 16),
        datetime(2026, 11, 17),
        "Tổng cộng",
    ]
    assert by_day.cell(9, 1).is_date and by_day.cell(9, 1).number_format == "DD/MM/YYYY"
    assert [by_day.cell(r, 2).value for r in (9, 10, 11)] == [1, 2, 3]  # issued
    by_service = wb["Theo lĩnh vực"]
    served = {by_service.cell(r, 1).value: by_service.cell(r, 3).value for r in range(9, 19)}
    assert (served["Hộ tịch"], served["Đất đai"]) == (1, 1)  # the transferred visit ends in C


def test_csv_rows_add_up_and_read_in_a_spreadsheet(client, leader, history):
    r = client.get(f"/api/v1/reports/queue.csv?{QUERY}&by=counter", headers=leader["headers"])
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeffMã,Quầy,Số phiếu cấp,Đã phục vụ,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    issued = {row[1]: int(row[2]) for row in rows[1:]}
    assert issued["Quầy 1"] == 1 and issued["Quầy 2"] == 1 and issued["Chưa đến quầy"] == 1
    assert issued["Tổng cộng"] == 3 == sum(v for k, v in issued.items() if k != "Tổng cộng")


def test_officer_exports_only_their_rows(client, history, create_user):
    from qms.auth.operations import issue_token

    token, _ = issue_token(history["id"])
    r = client.get(
        f"/api/v1/reports/queue?{QUERY}&by=officer", headers={"Authorization": f"Bearer {token}"}
    )
    body = r.get_json()
    assert body["scope"] == "officer"
    assert [(row["key"], row["issued"]) for row in body["rows"]] == [("canbo1", 1)]


def test_the_printable_report_has_the_decree_30_header(client, auth, create_user, history):
    auth(create_user("leader", username="giamdoc"))
    html = client.get(f"/reports/print?{QUERY}&period=custom").get_data(as_text=True)
    for text in (
        "UBND XÃ TÂN KỲ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-TTPVHCC",
        "KẾT QUẢ TIẾP NHẬN, PHỤC VỤ CÔNG DÂN VÀ MỨC ĐỘ HÀI LÒNG",
        "Từ ngày 16/11/2026 đến ngày 17/11/2026",
        "Nơi nhận:",
    ):
        assert text in html, text
    incident_html = client.get("/incidents/reports/print?year=2026&quarter=4").get_data(
        as_text=True
    )
    # one document template: the same header block in both
    header = html[html.index('<table class="header">') : html.index("</table>")]
    assert header.replace("/BC-TTPVHCC", "") in incident_html.replace("/BC-TTPVHCC", "")


def test_the_report_page_for_leadership_and_for_an_officer(client, auth, create_user, history):
    auth(create_user("leader", username="pgd"))
    page = client.get(f"/reports?{QUERY}&period=custom").get_data(as_text=True)
    assert "Từ 16/11/2026 đến 17/11/2026" in page
    assert 'id="chart-satisfaction"' in page and "vendor/chart.umd.min.js" in page
    assert "Không hài lòng — Khác" in page  # the unsatisfied citizen's reason, for leadership
    assert client.get("/reports?period=fortnight").status_code == 422
    officer = history
    other = client.application.test_client()
    auth(officer, on=other)
    mine = other.get(f"/reports?{QUERY}&period=custom").get_data(as_text=True)
    assert "Quý vị đang xem số liệu của riêng mình" in mine
    assert "Ý kiến chưa hài lòng" not in mine and "Không hài lòng — Khác" not in mine


def test_dates_in_the_header_block_are_real_dates(client, leader, history):
    wb = load_workbook(
        io.BytesIO(
            client.get(
                "/api/v1/reports/queue.xlsx?period=day&date=2026-11-17", headers=leader["headers"]
            ).data
        )
    )
    cell = wb["Theo quầy"]["B4"]
    assert cell.is_date and cell.value.date() == date(2026, 11, 17)

"""The cross-centre report as a workbook: a header block, one row per centre per day (date
cells), then the totals per centre. Headers in Vietnamese."""

from datetime import date
from io import BytesIO

from flask import current_app

from qms.timeutil import to_local, utcnow

# (key, Vietnamese header, kind): kind says how the cell is written
COLUMNS = (
    ("issued", "Số phiếu cấp", "count"),
    ("served", "Đã phục vụ", "count"),
    ("no_show", "Vắng mặt", "count"),
    ("cancelled", "Hủy", "count"),
    ("wait_p50_min", "Chờ trung vị (phút)", "minutes"),
    ("wait_avg_min", "Chờ trung bình (phút)", "minutes"),
    ("wait_p90_min", "Chờ P90 (phút)", "minutes"),
    ("within_target_pct", "Gọi trong thời gian mục tiêu (%)", "pct"),
    ("rated", "Số lượt đánh giá", "count"),
    ("satisfied", "Số lượt hài lòng", "count"),
    ("satisfied_pct", "Hài lòng (%)", "pct"),
)
TOTAL_KEYS = ("issued", "served", "no_show", "cancelled", "wait_avg_min", "rated", "satisfied")
TOTAL_KEYS += ("satisfied_pct",)


def file_name(report):
    return f"bao-cao-cac-trung-tam_{report['from']}_{report['to']}"


def _write(cell, value, kind):
    cell.value = value
    if kind in ("minutes", "pct"):
        cell.number_format = "0.0"


def _header_block(ws, report, title, bold):
    ws["A1"] = str(current_app.config["PROVINCE_CENTRE_NAME"]).upper()
    ws["A1"].font = bold
    ws["A2"] = title
    ws["A2"].font = bold
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = (
        "Từ ngày",
        date.fromisoformat(report["from"]),
        "đến ngày",
        date.fromisoformat(report["to"]),
    )
    ws["B3"].number_format = ws["D3"].number_format = "DD/MM/YYYY"
    ws["A4"] = "Lập lúc"
    ws["B4"] = to_local(utcnow()).replace(tzinfo=None, microsecond=0)
    ws["B4"].number_format = "DD/MM/YYYY HH:MM"
    return 6


def report_xlsx(report):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo ngày"
    row = _header_block(ws, report, "BÁO CÁO SỐ LIỆU XẾP HÀNG CÁC TRUNG TÂM THEO NGÀY", bold)
    headers = ["Mã trung tâm", "Trung tâm", "Ngày", "Số liệu chốt"] + [c[1] for c in COLUMNS]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.alignment = bold, wrap
    for entry in report["rows"]:
        row += 1
        ws.cell(row, 1, entry["centre"])
        ws.cell(row, 2, entry["name"])
        day = ws.cell(row, 3, date.fromisoformat(entry["day"]))
        day.number_format = "DD/MM/YYYY"
        ws.cell(row, 4, "Đã chốt" if entry["is_final"] else "Trong ngày")
        for col, (key, _, kind) in enumerate(COLUMNS, start=5):
            _write(ws.cell(row, col), entry[key], kind)
    ws.freeze_panes = "C7"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 12
    ws.row_dimensions[6].height = 48

    sheet = wb.create_sheet("Tổng hợp")
    row = _header_block(sheet, report, "TỔNG HỢP SỐ LIỆU XẾP HÀNG THEO TRUNG TÂM", bold)
    labels = dict((key, label) for key, label, _ in COLUMNS)
    kinds = dict((key, kind) for key, _, kind in COLUMNS)
    headers = ["Mã trung tâm", "Trung tâm"] + [labels[k] for k in TOTAL_KEYS]
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row, col, text)
        cell.font, cell.alignment = bold, wrap
    for entry in [*report["centres"], {"centre": "", "name": "Toàn tỉnh", **report["totals"]}]:
        row += 1
        sheet.cell(row, 1, entry["centre"])
        name = sheet.cell(row, 2, entry["name"])
        if not entry["centre"]:
            name.font = bold
        for col, key in enumerate(TOTAL_KEYS, start=3):
            _write(sheet.cell(row, col), entry[key], kinds[key])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 36
    sheet.row_dimensions[6].height = 48
    out = BytesIO()
    wb.save(out)
    return out.getvalue()

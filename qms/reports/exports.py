"""The queue report as a workbook (header block, date cells, minutes as numbers) and as CSV."""

import csv
from datetime import date
from io import BytesIO, StringIO

from flask import current_app

from qms.timeutil import to_local, utcnow

# (key in a row, Vietnamese header, kind): kind says how a cell is written
COLUMNS = (
    ("issued", "Số phiếu cấp", "count"),
    ("served", "Đã phục vụ", "count"),
    ("no_show", "Vắng mặt", "count"),
    ("transferred", "Chuyển lĩnh vực", "count"),
    ("cancelled", "Hủy", "count"),
    ("open", "Chưa xong", "count"),
    ("priority", "Ưu tiên", "count"),
    ("wait_p50_min", "Chờ trung vị (phút)", "minutes"),
    ("wait_p90_min", "Chờ P90 (phút)", "minutes"),
    ("wait_max_min", "Chờ lâu nhất (phút)", "minutes"),
    ("within_target_pct", "Gọi trong thời gian mục tiêu (%)", "pct"),
    ("service_p50_min", "Phục vụ trung vị (phút)", "minutes"),
    ("service_p90_min", "Phục vụ P90 (phút)", "minutes"),
    ("service_max_min", "Phục vụ lâu nhất (phút)", "minutes"),
    ("rated", "Số lượt đánh giá", "count"),
    ("satisfied_pct", "Hài lòng (%)", "pct"),
)
GROUP_TITLES = {
    "service": "Theo lĩnh vực",
    "counter": "Theo quầy",
    "officer": "Theo cán bộ",
    "hour": "Theo giờ trong ngày",
    "weekday": "Theo thứ trong tuần",
    "day": "Theo ngày",
}
GROUP_KEY_HEADERS = {
    "service": "Lĩnh vực",
    "counter": "Quầy",
    "officer": "Cán bộ",
    "hour": "Giờ",
    "weekday": "Thứ",
    "day": "Ngày",
}


def file_name(report):
    return f"bao-cao-xep-hang_{report['from']}_{report['to']}"


def _rating_columns(report):
    return [(str(level["score"]), level["label"]) for level in report["scale"]]


def _cells(row, report):
    values = [row[key] for key, _, _ in COLUMNS]
    values += [row["ratings"].get(score, 0) for score, _ in _rating_columns(report)]
    return values


def _headers(report):
    return [label for _, label, _ in COLUMNS] + [
        f"Đánh giá: {label}" for _, label in _rating_columns(report)
    ]


def _header_block(ws, report, title, bold):
    """Rows 1–6: the centre, the title, the period as date cells, when it was made."""
    cfg = current_app.config
    ws["A1"] = f"UBND {cfg['COMMUNE_NAME'].upper()}"
    ws["A2"] = cfg["CENTRE_NAME"].upper()
    ws["A2"].font = bold
    ws["A3"] = title
    ws["A3"].font = bold
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = (
        "Từ ngày",
        date.fromisoformat(report["from"]),
        "đến ngày",
        date.fromisoformat(report["to"]),
    )
    prev = report["previous"]
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = (
        "Kỳ trước: từ ngày",
        date.fromisoformat(prev["from"]),
        "đến ngày",
        date.fromisoformat(prev["to"]),
    )
    for cell in ("B4", "D4", "B5", "D5"):
        ws[cell].number_format = "DD/MM/YYYY"
    ws["A6"] = "Lập lúc"
    ws["B6"] = to_local(utcnow()).replace(tzinfo=None, microsecond=0)
    ws["B6"].number_format = "DD/MM/YYYY HH:MM"
    if report["scope"] == "officer":
        ws["C6"] = "Số liệu của riêng cán bộ"
    return 8  # the first row of the table


def _write(cell, value, kind):
    cell.value = value
    if kind in ("minutes", "pct"):  # numbers a spreadsheet can sum, one decimal shown
        cell.number_format = "0.0"


def report_xlsx(report):
    """report: queue_report(..., extra_groups=GROUPS): every group's rows in report["groups"]."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    row = _header_block(ws, report, "BÁO CÁO SỐ LIỆU TIẾP NHẬN, XẾP HÀNG VÀ HÀI LÒNG", bold)
    for col, text in enumerate(("Chỉ tiêu", "Kỳ này", "Kỳ trước", "Chênh lệch"), start=1):
        ws.cell(row, col, text).font = bold
    kinds = [(key, label, kind) for key, label, kind in COLUMNS]
    kinds += [
        (f"rating:{s}", f"Đánh giá: {label}", "count") for s, label in _rating_columns(report)
    ]
    now, before = report["totals"], report["previous"]["totals"]
    for key, label, kind in kinds:
        row += 1
        if key.startswith("rating:"):
            a, b = now["ratings"].get(key[7:], 0), before["ratings"].get(key[7:], 0)
        else:
            a, b = now[key], before[key]
        ws.cell(row, 1, label)
        _write(ws.cell(row, 2), a, kind)
        _write(ws.cell(row, 3), b, kind)
        _write(ws.cell(row, 4), round(a - b, 1) if a is not None and b is not None else None, kind)
    incidents = report["incidents"]
    row += 2
    ws.cell(row, 1, "Sự cố kỹ thuật (số vụ)").font = bold
    ws.cell(row, 2, incidents["count"])
    row += 1
    ws.cell(row, 1, "Thời gian gián đoạn (phút)").font = bold
    ws.cell(row, 2, incidents["downtime_minutes"])
    for entry in incidents["by_type"]:
        row += 1
        ws.cell(row, 1, f"{entry['code']}. {entry['title']}")
        ws.cell(row, 2, entry["count"])
        ws.cell(row, 3, entry["minutes"])
    ws.column_dimensions["A"].width = 38
    for letter in "BCD":
        ws.column_dimensions[letter].width = 14

    headers = _headers(report)
    for group, rows in report["groups"].items():
        sheet = wb.create_sheet(GROUP_TITLES[group])
        first = _header_block(sheet, report, f"BÁO CÁO SỐ LIỆU {GROUP_TITLES[group].upper()}", bold)
        sheet.cell(first, 1, GROUP_KEY_HEADERS[group]).font = bold
        for col, text in enumerate(headers, start=2):
            cell = sheet.cell(first, col, text)
            cell.font, cell.alignment = bold, wrap
        col_kinds = [kind for _, _, kind in COLUMNS] + ["count"] * len(_rating_columns(report))
        for n, entry in enumerate([*rows, {"label": "Tổng cộng", **report["totals"]}], start=1):
            r = first + n
            key_cell = sheet.cell(r, 1)
            if group == "day" and entry.get("key"):
                key_cell.value = date.fromisoformat(entry["key"])
                key_cell.number_format = "DD/MM/YYYY"
            else:
                key_cell.value = entry["label"]
            if "key" not in entry:
                key_cell.font = bold
            for col, (value, kind) in enumerate(
                zip(_cells(entry, report), col_kinds, strict=True), start=2
            ):
                _write(sheet.cell(r, col), value, kind)
        sheet.column_dimensions["A"].width = 28
        sheet.row_dimensions[first].height = 48
        sheet.freeze_panes = sheet.cell(first + 1, 2)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def report_csv(report):
    out = StringIO()
    out.write("\ufeff")  # spreadsheet programs read UTF-8 Vietnamese only with the BOM
    writer = csv.writer(out)
    writer.writerow(["Mã", GROUP_KEY_HEADERS[report["by"]], *_headers(report)])
    for entry in [*report["rows"], {"key": "total", "label": "Tổng cộng", **report["totals"]}]:
        writer.writerow(
            ["" if entry["key"] is None else entry["key"], entry["label"]]
            + ["" if v is None else v for v in _cells(entry, report)]
        )
    return out.getvalue()

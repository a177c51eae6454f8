"""The paper register as a workbook for the province (Vietnamese only; dates as date cells)."""

from datetime import datetime
from io import BytesIO

from flask import current_app

from qms.paper.queries import STATUS_LABELS
from qms.register_sheet import FONT, register_sheet


def _local_date(iso_text):
    return datetime.fromisoformat(iso_text).date() if iso_text else None


def _local_datetime(iso_text):
    return datetime.fromisoformat(iso_text).replace(tzinfo=None) if iso_text else None


def register_xlsx(dossiers, date_from, date_to, personal):
    """dossiers: dossier_dicts, oldest first. personal: the name and phone columns are there."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    columns = [("STT", 6, None), ("Mã hồ sơ giấy", 17, None)]
    columns += [("Thời điểm tiếp nhận", 17, "DD/MM/YYYY HH:MM")]
    if personal:
        columns += [("Họ tên công dân", 24, None), ("Số điện thoại", 14, None)]
    columns += [
        ("Thủ tục", 30, None),
        ("Giấy tờ đã nhận", 30, None),
        ("Vé", 8, None),
        ("Ngày hẹn trả", 13, "DD/MM/YYYY"),
        ("Sự cố", 8, None),
        ("Mã hồ sơ trên hệ thống", 22, None),
        ("Ngày nhập hệ thống", 13, "DD/MM/YYYY"),
        ("Ngày trả kết quả", 13, "DD/MM/YYYY"),
        ("Tình trạng", 24, None),
    ]
    cfg = current_app.config
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ hồ sơ giấy"
    font = FONT
    header = 6
    border = register_sheet(
        ws,
        cfg,
        "SỔ THEO DÕI HỒ SƠ TIẾP NHẬN BẰNG GIẤY TRONG THỜI GIAN HỆ THỐNG GIÁN ĐOẠN",
        date_from,
        date_to,
        columns,
        header,
    )
    for n, d in enumerate(dossiers, start=1):
        values = [n, d["code"], _local_datetime(d["received_at"])]
        if personal:
            values += [d["citizen_name"] or "", d["phone"] or ""]
        values += [
            d["procedure"],
            "\n".join(d["documents"] or []) if personal else "",
            (d["ticket"] or {}).get("code") or "",
            _local_date(d["appointment_date"]),
            d["incident"] or "",
            d["official_code"] or "",
            _local_date(d["entered_at"]),
            _local_date(d["returned_at"]),
            STATUS_LABELS[d["status"]][0] + (" (quá hạn hẹn)" if d["overdue"] else ""),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=header + n, column=col, value=value)
            cell.font = Font(name=font, size=11)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            number_format = columns[col - 1][2]
            if number_format and value is not None:
                cell.number_format = number_format
    ws.freeze_panes = f"A{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    wb.save(out)
    return out.getvalue()

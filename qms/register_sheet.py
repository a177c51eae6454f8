"""The layout every register of the centre shares in XLSX (the paper register, the incident
book): the commune and the centre, the title, the period, and the bordered column headers."""

FONT = "Times New Roman"


def register_sheet(ws, cfg, title, date_from, date_to, columns, header_row):
    """Write rows 1–5 and the header row of columns [(title, width, …)]; returns the thin
    border the caller draws its rows with."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    ws["A1"] = f"UBND {cfg['COMMUNE_NAME']}"
    ws["A2"] = cfg["CENTRE_NAME"]
    ws["A1"].font = Font(name=FONT, size=12)
    ws["A2"].font = Font(name=FONT, size=12, bold=True)
    ws["A4"] = title
    ws.merge_cells(f"A4:{last}4")
    ws["A4"].font = Font(name=FONT, size=14, bold=True)
    ws["A4"].alignment = Alignment(horizontal="center")
    ws["A5"] = f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}"
    ws.merge_cells(f"A5:{last}5")
    ws["A5"].font = Font(name=FONT, size=12, italic=True)
    ws["A5"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (name, width, *_rest) in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="E8E2D9")
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    return border

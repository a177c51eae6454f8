"""The incident book (XLSX) and the quarterly figures the plan asks for (part IV)."""

from datetime import datetime
from io import BytesIO

from flask import current_app
from sqlalchemy import func, or_, select

from qms.extensions import get_db
from qms.incidents.models import Incident, IncidentEvent, IncidentType
from qms.incidents.queries import drills_between, incidents_between, quarter_bounds, quarter_note
from qms.models import utcnow
from qms.register_sheet import FONT, register_sheet
from qms.timeutil import utc_from_local_date

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CHANNEL_LABELS = {
    "phone": "điện thoại",
    "zalo": "Zalo",
    "email": "email",
    "in_person": "trực tiếp",
    "document": "công văn",
    "other": "khác",
}


def fmt_minutes(minutes):
    """45 → '45 phút'; 85 → '1 giờ 25 phút'; 1500 → '1 ngày 1 giờ'."""
    if minutes is None:
        return ""
    minutes = int(round(minutes))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ" if hours else f"{days} ngày"
    if hours:
        return f"{hours} giờ {mins:02d} phút" if mins else f"{hours} giờ"
    return f"{mins} phút"


def vn_percent(share):
    """0.333 → '33,3%' (Vietnamese decimal comma)."""
    return f"{share * 100:.1f}".replace(".", ",").replace(",0", "") + "%"


def local_datetime(iso_text):
    """'2026-11-22T08:30:00+07:00' → naive 2026-11-22 08:30 (a date cell in the workbook)."""
    if not iso_text:
        return None
    return datetime.fromisoformat(iso_text).replace(tzinfo=None, second=0)


DATE_TIME_FORMAT = "DD/MM/YYYY HH:MM"


def vn_time(iso_text):
    """'2026-11-22T08:30:00+07:00' → '22/11/2026 08:30' (already local)."""
    if not iso_text:
        return ""
    return datetime.fromisoformat(iso_text).strftime("%d/%m/%Y %H:%M")


# --- quarterly figures --------------------------------------------------------------------------


def _section(incidents, overlapping, types, start, horizon, codes):
    """Counts of incidents that occurred in the period; downtime of every one that overlapped it."""
    by_type = {code: {"count": 0, "downtime_minutes": 0} for code in codes}
    resolve_times, escalated, automatic = [], 0, 0
    for i in incidents:
        by_type.setdefault(i.type_code, {"count": 0, "downtime_minutes": 0})["count"] += 1
        if i.resolved_dt is not None:
            resolve_times.append((i.resolved_dt - i.occurred_dt).total_seconds() / 60)
        escalated += bool(i.escalations)
        automatic += i.is_automatic
    downtime = 0.0
    for i in overlapping:
        begin, end = max(i.occurred_dt, start), min(i.resolved_dt or horizon, horizon)
        lost = max(0.0, (end - begin).total_seconds() / 60)
        downtime += lost
        by_type.setdefault(i.type_code, {"count": 0, "downtime_minutes": 0})
        by_type[i.type_code]["downtime_minutes"] += lost
    total = len(incidents)
    return {
        "total": total,
        "simple": sum(
            1 for i in incidents if types.get(i.type_code, {}).get("category") == "simple"
        ),
        "complex": sum(
            1 for i in incidents if types.get(i.type_code, {}).get("category") == "complex"
        ),
        "automatic": automatic,
        "resolved": len(resolve_times),
        "downtime_minutes": round(downtime),
        "mean_resolve_minutes": round(sum(resolve_times) / len(resolve_times))
        if resolve_times
        else None,
        "max_resolve_minutes": round(max(resolve_times)) if resolve_times else None,
        "escalated": escalated,
        "escalated_share": round(escalated / total, 3) if total else 0.0,
        "by_type": [
            {
                "code": code,
                "title": types.get(code, {}).get("title", code),
                "category": types.get(code, {}).get("category", ""),
                "count": entry["count"],
                "downtime_minutes": round(entry["downtime_minutes"]),
            }
            for code, entry in sorted(by_type.items(), key=lambda kv: _code_key(kv[0]))
        ],
    }


def _code_key(code):
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def quarter_report(year, quarter):
    first, last = quarter_bounds(year, quarter)
    start = utc_from_local_date(first)
    end = utc_from_local_date(last, end=True)
    horizon = min(utcnow(), end)
    with get_db().read() as s:
        types = {
            t.code: {"title": t.title, "category": t.category}
            for t in s.scalars(select(IncidentType).where(IncidentType.is_active.is_(True)))
        }
        counted = Incident.outcome != "dismissed"
        in_quarter = s.scalars(
            select(Incident).where(
                Incident.occurred_dt >= start, Incident.occurred_dt < end, counted
            )
        ).all()
        overlapping = s.scalars(
            select(Incident).where(
                Incident.occurred_dt < end,
                counted,
                or_(Incident.resolved_dt.is_(None), Incident.resolved_dt >= start),
            )
        ).all()
        dismissed = s.scalar(
            select(func.count(Incident.id)).where(
                Incident.occurred_dt >= start,
                Incident.occurred_dt < end,
                Incident.outcome == "dismissed",
            )
        )
        codes = set(types) | {i.type_code for i in overlapping}
        incidents = _section(
            [i for i in in_quarter if not i.is_drill],
            [i for i in overlapping if not i.is_drill],
            types,
            start,
            horizon,
            codes,
        )
        drill_section = _section(
            [i for i in in_quarter if i.is_drill],
            [i for i in overlapping if i.is_drill],
            types,
            start,
            horizon,
            codes,
        )
        for row, drill_row in zip(incidents["by_type"], drill_section["by_type"], strict=True):
            row["drills"] = drill_row["count"]
        # still open at the quarter's end (or now, while the quarter runs), drills apart
        open_at_end = sum(
            1
            for i in overlapping
            if not i.is_drill and (i.resolved_dt is None or i.resolved_dt >= horizon)
        )
    note = quarter_note(year, quarter)
    return {
        "year": year,
        "quarter": quarter,
        "quarter_roman": ROMAN[quarter],
        "from": first.isoformat(),
        "to": last.isoformat(),
        "is_complete": utcnow() >= end,
        "incidents": incidents,
        "drills": drill_section,
        # the drills' own reports (`qms drill`), listed apart from real incidents
        "drill_reports": drills_between(start, end),
        "dismissed": dismissed,
        "open_at_end": open_at_end,
        "proposals": note["proposals"],
        "number": note["number"],
    }


# --- the incident book (sổ theo dõi sự cố kỹ thuật) -----------------------------------------------

BOOK_COLUMNS = [
    ("STT", 6),
    ("Thời điểm xảy ra", 17),
    ("Loại sự cố", 26),
    ("Mô tả/biểu hiện", 36),
    ("Người phát hiện/báo cáo", 20),
    ("Biện pháp xử lý", 40),
    ("Chuyển cấp (đơn vị, thời điểm)", 28),
    ("Thời điểm khắc phục", 17),
    ("Thời gian gián đoạn", 15),
    ("Kết quả", 26),
    ("Ghi chú/diễn tập", 24),
]
HEADER_ROW = 6


def _notes_by_incident(ids):
    if not ids:
        return {}
    with get_db().read() as s:
        events = s.scalars(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id.in_(ids), IncidentEvent.kind == "note")
            .order_by(IncidentEvent.event_dt, IncidentEvent.id)
        )
        notes = {}
        for e in events:
            notes.setdefault(e.incident_id, []).append((e.data or {}).get("text") or e.summary)
    return notes


def book_row(n, incident, notes):
    steps = [f"- {step['text']}" for step in incident["checklist"] if step["done"]]
    if incident["paper_since"]:
        steps.append(f"- Tiếp nhận hồ sơ giấy tạm thời từ {vn_time(incident['paper_since'])}")
    measures = "\n".join(steps)
    escalations = "\n".join(
        f"{e['to']} ({CHANNEL_LABELS.get(e['channel'], e['channel'])}, {vn_time(e['at'])})"
        for e in incident["escalations"]
    )
    if incident["outcome"] == "dismissed":
        result = incident["resolution"] or "Không phải sự cố"
    elif incident["resolved_at"]:
        result = "Đã khắc phục" + (f": {incident['resolution']}" if incident["resolution"] else "")
    else:
        result = "Đang xử lý"
    remarks = []
    if incident["is_drill"]:
        remarks.append("DIỄN TẬP")
    if incident["is_automatic"]:
        remarks.append("Hệ thống tự động ghi nhận")
    if incident["scope"]:
        remarks.append(f"Phạm vi: {incident['scope']}")
    remarks.extend(notes)
    description = incident["description"]
    return [
        n,
        local_datetime(incident["occurred_at"]),
        f"{incident['type']['code']} {incident['type']['title']}",
        description,
        incident["reporter"]["name"],
        measures,
        escalations,
        local_datetime(incident["resolved_at"]),
        fmt_minutes(
            incident["duration_minutes"] if incident["resolved_at"] else incident["open_minutes"]
        )
        + ("" if incident["resolved_at"] else " (chưa khắc phục)"),
        result,
        "\n".join(remarks),
    ]


def incident_book_xlsx(date_from, date_to):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    cfg = current_app.config
    incidents = incidents_between(date_from, date_to)
    notes = _notes_by_incident([i["id"] for i in incidents])
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ theo dõi sự cố"
    font = FONT
    border = register_sheet(
        ws, cfg, "SỔ THEO DÕI SỰ CỐ KỸ THUẬT", date_from, date_to, BOOK_COLUMNS, HEADER_ROW
    )
    ws.merge_cells("A1:D1")
    ws.merge_cells("A2:D2")
    ws.row_dimensions[HEADER_ROW].height = 32
    drill_fill = PatternFill("solid", fgColor="FFF4CE")
    for n, incident in enumerate(incidents, start=1):
        row = HEADER_ROW + n
        for col, value in enumerate(book_row(n, incident, notes.get(incident["id"], [])), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font = Font(name=font, size=11)
            cell.alignment = Alignment(
                vertical="top", wrap_text=True, horizontal="center" if col == 1 else "left"
            )
            cell.border = border
            if isinstance(value, datetime):  # a real date cell: sortable, filterable
                cell.number_format = DATE_TIME_FORMAT
            if incident["is_drill"]:
                cell.fill = drill_fill
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    wb.save(out)
    return out.getvalue()

"""Reconciliation of an outage: every ticket and every event, for re-entry into QMS 1.2's records."""

import csv
import io

from sqlalchemy import select

from qms.errors import NotFound
from qms.extensions import get_db
from qms.timeutil import utcnow, vn_datetime

ORIGIN_VI = {
    "local": "Cấp tại hệ thống dự phòng",
    "adopted": "Số của QMS 1.2",
    "transfer": "Chuyển lĩnh vực",
}
STATUS_VI = {
    "waiting": "Đang chờ",
    "called": "Đang gọi",
    "serving": "Đang phục vụ",
    "done": "Đã phục vụ",
    "no_show": "Vắng mặt",
    "transferred": "Đã chuyển",
    "cancelled": "Đã hủy",
}
EVENT_VI = {
    "issued": "Lấy số",
    "adopted": "Tiếp nhận số QMS 1.2",
    "called": "Gọi số",
    "recalled": "Gọi lại",
    "serving": "Bắt đầu phục vụ",
    "done": "Hoàn thành",
    "no_show": "Vắng mặt",
    "transferred": "Chuyển đi",
    "transferred_in": "Chuyển đến",
    "cancelled": "Hủy",
}
TICKET_COLUMNS = [
    ("STT", "No."),
    ("Số thứ tự", "Ticket"),
    ("Lĩnh vực", "Service"),
    ("Nguồn", "Origin"),
    ("Ưu tiên", "Priority"),
    ("Thời gian lấy số", "Issued"),
    ("Thời gian gọi", "Called"),
    ("Quầy", "Counter"),
    ("Cán bộ", "Officer"),
    ("Thời gian kết thúc", "Finished"),
    ("Kết quả", "Outcome"),
    ("Số lần gọi", "Calls"),
    ("Ghi chú", "Note"),
]
EVENT_COLUMNS = [
    ("Thời gian", "Time"),
    ("Số thứ tự", "Ticket"),
    ("Lĩnh vực", "Service"),
    ("Sự kiện", "Event"),
    ("Quầy", "Counter"),
    ("Cán bộ", "Officer"),
]


def _fmt(dt):
    return vn_datetime(dt) if dt else ""


def reconciliation(outage_id):
    """(outage, ticket rows, event rows): every ticket with an event inside the outage window."""
    from qms.auth.models import User
    from qms.fallback.models import Outage
    from qms.fallback.queries import outage_dict
    from qms.queue.models import Counter, PriorityCategory, Ticket, TicketEvent

    with get_db().read() as s:
        outage = s.get(Outage, outage_id)
        if outage is None:
            raise NotFound("Không có đợt sự cố này. Unknown outage.", "unknown_outage")
        end = outage.ended_dt or utcnow()
        events = s.scalars(
            select(TicketEvent)
            .where(TicketEvent.event_dt >= outage.started_dt, TicketEvent.event_dt <= end)
            .order_by(TicketEvent.event_dt, TicketEvent.id)
        ).all()
        ticket_ids = sorted({e.ticket_id for e in events})
        tickets = (
            {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)))}
            if ticket_ids
            else {}
        )
        users = {u.id: u.full_name or u.username for u in s.scalars(select(User))}
        counters = {c.id: c.number for c in s.scalars(select(Counter))}
        priorities = {p.code: p.name_vi for p in s.scalars(select(PriorityCategory))}
        by_ticket = {}
        for event in events:
            by_ticket.setdefault(event.ticket_id, []).append(event)
        ticket_rows = []
        for index, ticket_id in enumerate(
            sorted(ticket_ids, key=lambda i: (tickets[i].issued_dt, tickets[i].code, i)), 1
        ):
            ticket = tickets[ticket_id]
            own = by_ticket.get(ticket_id, [])
            officer = next(
                (users.get(e.user_id) for e in reversed(own) if e.user_id and e.kind != "adopted"),
                "",
            )
            note = ""
            for event in own:
                if event.kind == "transferred":
                    note = f"Chuyển sang lĩnh vực {event.data.get('to', '')}"
                elif event.kind == "transferred_in":
                    note = "Chuyển đến từ lĩnh vực khác"
                elif event.kind == "cancelled" and event.data.get("reason"):
                    note = f"Hủy: {event.data['reason']}"
            ticket_rows.append(
                [
                    index,
                    ticket.code,
                    f"{ticket.service.code} - {ticket.service.name_vi}",
                    ORIGIN_VI.get(ticket.origin, ticket.origin),
                    priorities.get(ticket.priority, "") if ticket.priority else "",
                    _fmt(ticket.issued_dt),
                    _fmt(ticket.called_dt),
                    counters.get(ticket.counter_id, "") if ticket.counter_id else "",
                    officer or "",
                    _fmt(ticket.finished_dt),
                    STATUS_VI.get(ticket.status, ticket.status),
                    ticket.call_count,
                    note,
                ]
            )
        event_rows = [
            [
                _fmt(event.event_dt),
                tickets[event.ticket_id].code,
                tickets[event.ticket_id].service.code,
                EVENT_VI.get(event.kind, event.kind),
                counters.get(event.counter_id, "") if event.counter_id else "",
                users.get(event.user_id, "") if event.user_id else "",
            ]
            for event in events
        ]
        return outage_dict(outage), outage, ticket_rows, event_rows


def _summary(outage):
    return [
        ["Đợt sự cố / Outage", f"#{outage.id}"],
        ["Bắt đầu / Started", _fmt(outage.started_dt)],
        ["Hệ thống chính trở lại / Draining from", _fmt(outage.draining_dt)],
        ["Kết thúc / Ended", _fmt(outage.ended_dt) or "Đang diễn ra / ongoing"],
        ["Lý do / Reason", outage.reason],
        ["Chuyển bởi / Started by", outage.started_by or "Tự động / automatic"],
    ]


def export_csv(outage_id):
    _data, outage, ticket_rows, _events = reconciliation(outage_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([vi for vi, _en in TICKET_COLUMNS])
    writer.writerows(ticket_rows)
    # a BOM so Excel opens the Vietnamese text as UTF-8
    return "\ufeff" + buffer.getvalue(), f"doi-chieu-su-co-{outage.id}.csv"


def export_xlsx(outage_id):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _data, outage, ticket_rows, event_rows = reconciliation(outage_id)
    book = Workbook()
    summary = book.active
    summary.title = "Tóm tắt"
    summary.append(["BẢNG ĐỐI CHIẾU SỐ THỨ TỰ TRONG THỜI GIAN QMS 1.2 GẶP SỰ CỐ"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([])
    for row in _summary(outage):
        summary.append(row)
    summary.append(["Số vé / Tickets", len(ticket_rows)])
    summary.column_dimensions["A"].width = 38
    summary.column_dimensions["B"].width = 40
    for title, columns, rows in (
        ("Số thứ tự", TICKET_COLUMNS, ticket_rows),
        ("Diễn biến", EVENT_COLUMNS, event_rows),
    ):
        sheet = book.create_sheet(title)
        sheet.append([vi for vi, _en in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, _col in enumerate(columns):
            sheet.column_dimensions[chr(ord("A") + index)].width = 22
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), f"doi-chieu-su-co-{outage.id}.xlsx"

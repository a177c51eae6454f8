"""The paper register: receive a dossier, record it entered into the official system, record
its result returned; and the audit row every view of personal data leaves (Decree 13)."""

import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.incidents.models import Incident
from qms.models import log_event
from qms.paper.inputs import (
    clean_documents,
    clean_official_code,
    clean_phone,
    clean_text,
    parse_date,
)
from qms.paper.models import PaperDossier
from qms.paper.queries import get_dossier, signal_dict, today
from qms.queue.models import Ticket
from qms.timeutil import utcnow


def user_id(user):
    return user["id"] if user else None


def find_ticket(s, ref, day):
    """A ticket by id (int) or by today's code ('A012'); 422 when there is none."""
    if ref in (None, ""):
        return None
    if isinstance(ref, int) and not isinstance(ref, bool):
        ticket = s.get(Ticket, ref)
    else:
        code = str(ref).strip().upper()
        ticket = s.scalar(
            select(Ticket)
            .where(Ticket.code == code, Ticket.day == day)
            .order_by(Ticket.id.desc())
            .limit(1)
        )
    if ticket is None:
        raise Invalid(
            f"Không tìm thấy vé {ref} trong ngày. Unknown ticket.", "unknown_ticket", field="ticket"
        )
    return ticket


def find_incident(s, ref):
    if ref in (None, ""):
        return None
    try:
        incident = s.get(Incident, int(ref))
    except (TypeError, ValueError):
        incident = None
    if incident is None:
        raise Invalid(
            f"Không có sự cố số {ref}. Unknown incident.", "unknown_incident", field="incident"
        )
    return incident


def next_code(s, day):
    prefix = f"HSG-{day:%y%m%d}-"
    count = s.scalar(
        select(func.count(PaperDossier.id)).where(PaperDossier.code.like(prefix + "%"))
    )
    return f"{prefix}{(count or 0) + 1:03d}"


def changed(dossier, action):
    signals.paper_dossier_changed.send(
        current_app._get_current_object(), dossier=dossier, action=action
    )


def receive_dossier(data, user, is_drill=False):
    """POST /paper-dossiers: every field checked before anything is written."""
    day = today()
    name = clean_text(data.get("citizen_name"), "citizen_name", 120, label="Họ tên công dân")
    procedure = clean_text(data.get("procedure"), "procedure", 300, label="Thủ tục")
    phone = clean_phone(data.get("phone"))
    documents = clean_documents(data.get("documents"))
    appointment = parse_date(data.get("appointment_date"), "appointment_date", day)
    for attempt in range(3):  # two officers at once on PostgreSQL: the code is unique, retry
        try:
            with get_db().write() as s:
                ticket = find_ticket(s, data.get("ticket"), day)
                incident = find_incident(s, data.get("incident"))
                dossier = PaperDossier(
                    code=next_code(s, day),
                    status="received",
                    citizen_name=name,
                    phone=phone,
                    procedure=procedure,
                    documents=documents,
                    ticket_id=ticket.id if ticket else None,
                    ticket_code=ticket.code if ticket else "",
                    appointment_date=appointment,
                    incident_id=incident.id if incident else None,
                    is_drill=bool(is_drill or (incident is not None and incident.is_drill)),
                    status_token=secrets.token_urlsafe(12),
                    received_dt=utcnow(),
                    received_by_id=user_id(user),
                )
                s.add(dossier)
                s.flush()
                log_event(
                    s,
                    "paper.received",
                    f"Tiếp nhận hồ sơ giấy {dossier.code}: {procedure}",
                    {"dossier": dossier.id, "code": dossier.code, "drill": dossier.is_drill},
                    user_id(user),
                )
                dossier_id, event = dossier.id, signal_dict(dossier)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    changed(event, "received")
    return get_dossier(dossier_id, user)


def _load(s, dossier_id):
    dossier = s.get(PaperDossier, dossier_id)
    if dossier is None:
        raise NotFound("Không có hồ sơ giấy này. Unknown paper dossier.", "unknown_dossier")
    return dossier


def mark_entered(dossier_id, official_code, user):
    """The dossier is now in the official system, under its official code (once)."""
    official_code = clean_official_code(official_code)
    with get_db().write() as s:
        dossier = _load(s, dossier_id)
        if dossier.status != "received":
            raise Conflict(
                f"Hồ sơ {dossier.code} đã được nhập vào hệ thống (mã {dossier.official_code}). "
                "Already entered.",
                "already_entered",
            )
        taken = s.scalar(
            select(PaperDossier.code).where(PaperDossier.official_code == official_code)
        )
        if taken:
            raise Conflict(
                f"Mã {official_code} đã được dùng cho hồ sơ {taken}. Official code already used.",
                "official_code_taken",
                field="official_code",
            )
        dossier.status = "entered"
        dossier.official_code = official_code
        dossier.entered_dt = utcnow()
        dossier.entered_by_id = user_id(user)
        log_event(
            s,
            "paper.entered",
            f"Hồ sơ giấy {dossier.code} đã nhập hệ thống: {official_code}",
            {"dossier": dossier.id, "official_code": official_code},
            user_id(user),
        )
        event = signal_dict(dossier)
    changed(event, "entered")
    return get_dossier(dossier_id, user)


def mark_returned(dossier_id, user):
    """The result went back to the citizen: only after the dossier was entered."""
    with get_db().write() as s:
        dossier = _load(s, dossier_id)
        if dossier.status == "received":
            raise Conflict(
                f"Hồ sơ {dossier.code} chưa được nhập vào hệ thống: nhập mã hồ sơ trước khi trả "
                "kết quả. Enter it into the official system first.",
                "not_entered",
            )
        if dossier.status == "returned":
            raise Conflict(
                f"Hồ sơ {dossier.code} đã trả kết quả. Already returned.", "already_returned"
            )
        dossier.status = "returned"
        dossier.returned_dt = utcnow()
        dossier.returned_by_id = user_id(user)
        log_event(
            s,
            "paper.returned",
            f"Hồ sơ giấy {dossier.code} đã trả kết quả",
            {"dossier": dossier.id},
            user_id(user),
        )
        event = signal_dict(dossier)
    changed(event, "returned")
    return get_dossier(dossier_id, user)


def record_view(user, dossiers, via):
    """Decree 13: who saw which dossiers, when, and whether names and phones were shown."""
    ids = [d["id"] for d in dossiers]
    if not ids:
        return
    personal = any(not d["personal_hidden"] for d in dossiers)
    with get_db().write() as s:
        log_event(
            s,
            "paper.viewed",
            f"Xem {len(ids)} hồ sơ giấy ({via})" + (" có thông tin cá nhân" if personal else ""),
            {"ids": ids[:500], "via": via, "personal": personal},
            user_id(user),
        )

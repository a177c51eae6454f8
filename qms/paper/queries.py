"""Paper-dossier and assisted-service reads, and the one serializer of each.

Personal data (name, phone, the papers received) is in an answer only when the caller's role
is in roles.PERSONAL_DATA; the API and the pages record every view (operations.record_view)."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from qms.auth.models import User
from qms.extensions import get_db
from qms.paper.inputs import format_phone
from qms.paper.models import STATUSES, AssistedCase, PaperDossier
from qms.queue.queries import request_base_url
from qms.roles import PERSONAL_DATA, may
from qms.timeutil import iso, local_day, utc_from_local_date, utcnow

STATUS_LABELS = {
    "received": ("Đã tiếp nhận, chờ nhập hệ thống", "Received, not yet entered"),
    "entered": ("Đã nhập hệ thống, chờ trả kết quả", "Entered, result pending"),
    "returned": ("Đã trả kết quả", "Result returned"),
}
# the public page (the slip's QR) says where the dossier is, never whose it is
PUBLIC_LABELS = {
    "received": "Hồ sơ đã được tiếp nhận, đang chờ cập nhật vào hệ thống",
    "entered": "Hồ sơ đã được cập nhật vào hệ thống, đang giải quyết",
    "returned": "Đã trả kết quả",
}
# Đại Sơn plan, "Phục vụ tại chỗ, trọn gói": (key, the step, what its detail records)
ASSISTED_STEPS = [
    ("received", "Nhận hồ sơ giấy từ công dân", ""),
    (
        "signed",
        "Ký hồ sơ: công dân tự ký, hoặc nhân chứng/người đại diện hợp pháp ký thay",
        "Người ký hoặc làm chứng",
    ),
    (
        "account",
        "Đăng nhập bằng tài khoản công vụ hoặc tài khoản tạo cho công dân",
        "Tài khoản đã dùng",
    ),
    ("submitted", "Scan hồ sơ, nhập liệu và nộp trực tuyến thay công dân", "Mã hồ sơ trực tuyến"),
    ("fees", "Thu phí, lệ phí (nếu có), thanh toán trực tuyến bằng tài khoản đơn vị", "Số tiền"),
    ("appointment", "In giấy hẹn điện tử và trao tận tay công dân", ""),
    (
        "callback",
        "Khi có kết quả: gọi điện báo công dân đến nhận hoặc gửi qua bưu điện",
        "Đã báo thế nào",
    ),
]
DETAIL_REQUIRED = {"signed", "account"}


def may_see_personal(user):
    return bool(user) and may(user["role"], PERSONAL_DATA)


def status_url(token):
    return f"{request_base_url()}/hs/{token}"


def today():
    return local_day(utcnow())


def _names(s, ids):
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = s.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {uid: full or username for uid, full, username in rows}


def _is_overdue(d, day):
    return d.status != "returned" and d.appointment_date is not None and d.appointment_date < day


def dossier_dict(d, names, personal, day=None):
    """One paper dossier; personal=False leaves name, phone and documents out (None)."""
    day = day or today()
    purged = d.purged_dt is not None
    show = personal and not purged
    return {
        "id": d.id,
        "code": d.code,
        "status": d.status,
        "status_label": STATUS_LABELS[d.status][0],
        "citizen_name": d.citizen_name if show else None,
        "phone": format_phone(d.phone) if show and d.phone else ("" if show else None),
        "documents": [line for line in d.documents.splitlines() if line] if show else None,
        "personal_hidden": not show,
        "procedure": d.procedure,
        "ticket": {"id": d.ticket_id, "code": d.ticket_code} if d.ticket_code else None,
        "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
        "incident": d.incident_id,
        "is_drill": d.is_drill,
        "received_at": iso(d.received_dt),
        "received_by": names.get(d.received_by_id),
        "official_code": d.official_code,
        "entered_at": iso(d.entered_dt),
        "entered_by": names.get(d.entered_by_id),
        "returned_at": iso(d.returned_dt),
        "returned_by": names.get(d.returned_by_id),
        "overdue": _is_overdue(d, day),
        "status_url": status_url(d.status_token),
        "purged_at": iso(d.purged_dt),
    }


def signal_dict(d):
    """What paper_dossier_changed carries: no personal data leaves the feature."""
    return {
        "id": d.id,
        "code": d.code,
        "status": d.status,
        "procedure": d.procedure,
        "incident": d.incident_id,
        "official_code": d.official_code,
        "is_drill": d.is_drill,
    }


def _people(s, d):
    return _names(s, (d.received_by_id, d.entered_by_id, d.returned_by_id))


def get_dossier(dossier_id, user):
    with get_db().read() as s:
        d = s.get(PaperDossier, dossier_id)
        if d is None:
            return None
        return dossier_dict(d, _people(s, d), may_see_personal(user))


def list_dossiers(
    user,
    status=None,
    outstanding=False,
    incident=None,
    drill=None,
    date_from=None,
    date_to=None,
    oldest_first=False,
    limit=500,
):
    """status: one of STATUSES; outstanding: not yet returned, oldest first (the work list);
    dates: local days of receipt."""
    stmt = select(PaperDossier)
    if date_from:
        stmt = stmt.where(PaperDossier.received_dt >= utc_from_local_date(date_from))
    if date_to:
        stmt = stmt.where(PaperDossier.received_dt < utc_from_local_date(date_to, end=True))
    if status in STATUSES:
        stmt = stmt.where(PaperDossier.status == status)
    if outstanding:
        stmt = stmt.where(PaperDossier.status != "returned")
    if incident is not None:
        stmt = stmt.where(PaperDossier.incident_id == incident)
    if drill is not None:
        stmt = stmt.where(PaperDossier.is_drill.is_(bool(drill)))
    order = (PaperDossier.received_dt, PaperDossier.id)
    if not (outstanding or oldest_first):
        order = (PaperDossier.received_dt.desc(), PaperDossier.id.desc())
    stmt = stmt.order_by(*order).limit(limit)
    personal = may_see_personal(user)
    day = today()
    with get_db().read() as s:
        items = s.scalars(stmt).all()
        names = _names(
            s,
            {i for d in items for i in (d.received_by_id, d.entered_by_id, d.returned_by_id)},
        )
        return [dossier_dict(d, names, personal, day) for d in items]


def overdue_on(day):
    """A real dossier past its appointment date on day, its result not yet returned."""
    return (
        PaperDossier.is_drill.is_(False),
        PaperDossier.status != "returned",
        PaperDossier.appointment_date < day,
    )


# a real assisted case whose result is ready and whose citizen was not called back yet
CALLBACK_DUE = (
    AssistedCase.is_drill.is_(False),
    AssistedCase.result_ready_dt.is_not(None),
    AssistedCase.called_back_dt.is_(None),
)


def summary():
    """Counts for the staff banner and the page header: no personal data, no audit needed."""
    day = today()
    with get_db().read() as s:
        counts = dict(
            s.execute(
                select(PaperDossier.status, func.count(PaperDossier.id))
                .where(PaperDossier.is_drill.is_(False))
                .group_by(PaperDossier.status)
            ).all()
        )
        overdue = s.scalar(select(func.count(PaperDossier.id)).where(*overdue_on(day)))
        callbacks = s.scalar(select(func.count(AssistedCase.id)).where(*CALLBACK_DUE))
    return {
        "received": counts.get("received", 0),
        "entered": counts.get("entered", 0),
        "returned": counts.get("returned", 0),
        "outstanding": counts.get("received", 0) + counts.get("entered", 0),
        "overdue": overdue or 0,
        "callbacks_due": callbacks or 0,
    }


def counts_for_incident(incident_id):
    """{"total", "outstanding"} dossiers an incident caused (the incident page's entry point)."""
    with get_db().read() as s:
        rows = dict(
            s.execute(
                select(PaperDossier.status, func.count(PaperDossier.id))
                .where(PaperDossier.incident_id == incident_id)
                .group_by(PaperDossier.status)
            ).all()
        )
    return {"total": sum(rows.values()), "outstanding": rows.get("received", 0)}


def public_status(token):
    """The slip's QR page: the dossier's state and dates, never the citizen's name or phone."""
    if not token or len(token) > 32:
        return None
    with get_db().read() as s:
        d = s.scalar(select(PaperDossier).where(PaperDossier.status_token == token))
        if d is None:
            return None
        return {
            "code": d.code,
            "status": d.status,
            "status_label": PUBLIC_LABELS[d.status],
            "procedure": d.procedure,
            "received_at": iso(d.received_dt),
            "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
            "entered": d.entered_dt is not None,
            "returned_at": iso(d.returned_dt),
            "is_drill": d.is_drill,
        }


def default_appointment():
    return today() + timedelta(days=int(current_app.config["PAPER_DUE_DAYS"]))


# --- assisted service -----------------------------------------------------------------------


def case_dict(c, names, personal):
    show = personal and c.purged_dt is None
    steps = []
    for n, ((key, text, detail_label), state) in enumerate(
        zip(ASSISTED_STEPS, c.steps or [], strict=False), start=1
    ):
        steps.append(
            {
                "n": n,
                "key": key,
                "text": text,
                "detail_label": detail_label,
                "detail_required": key in DETAIL_REQUIRED,
                "done": bool(state.get("done")),
                "done_at": iso_text(state.get("done_dt")),
                "done_by": state.get("done_by"),
                "detail": state.get("detail") or "",
            }
        )
    done = sum(1 for step in steps if step["done"])
    return {
        "id": c.id,
        "ticket": {"id": c.ticket_id, "code": c.ticket_code} if c.ticket_code else None,
        "citizen_name": c.citizen_name if show else None,
        "phone": (format_phone(c.phone) if c.phone else "") if show else None,
        "personal_hidden": not show,
        "procedure": c.procedure,
        "dossier": c.dossier_id,
        "is_drill": c.is_drill,
        "steps": steps,
        "steps_done": done,
        "opened_at": iso(c.opened_dt),
        "opened_by": names.get(c.opened_by_id),
        "result_ready_at": iso(c.result_ready_dt),
        "called_back_at": iso(c.called_back_dt),
        "callback_due": c.result_ready_dt is not None and c.called_back_dt is None,
        "is_complete": done == len(ASSISTED_STEPS),
    }


def iso_text(text):
    from datetime import datetime

    return iso(datetime.fromisoformat(text)) if text else None


def get_case(case_id, user):
    with get_db().read() as s:
        c = s.get(AssistedCase, case_id)
        if c is None:
            return None
        return case_dict(c, _names(s, [c.opened_by_id]), may_see_personal(user))


def list_cases(user, status=None, limit=300):
    """status: open (steps left), callback (the call-back list), done; None: all, newest first."""
    stmt = select(AssistedCase)
    if status == "callback":
        # waiting for the result or for the call: the result-ready ones first, then oldest
        stmt = stmt.where(AssistedCase.called_back_dt.is_(None)).order_by(
            AssistedCase.result_ready_dt.is_(None), AssistedCase.opened_dt
        )
    else:
        stmt = stmt.order_by(AssistedCase.opened_dt.desc(), AssistedCase.id.desc())
    personal = may_see_personal(user)
    with get_db().read() as s:
        items = s.scalars(stmt.limit(limit)).all()
        names = _names(s, [c.opened_by_id for c in items])
        cases = [case_dict(c, names, personal) for c in items]
    if status == "open":
        cases = [c for c in cases if not c["is_complete"]]
    elif status == "done":
        cases = [c for c in cases if c["is_complete"]]
    elif status == "callback":
        # the call-back list: the appointment is given (step 6) and nobody has called yet
        cases = [c for c in cases if c["steps"][5]["done"] and not c["steps"][6]["done"]]
    return cases

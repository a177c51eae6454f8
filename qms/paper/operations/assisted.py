"""Assisted service (Đại Sơn plan, "Phục vụ tại chỗ, trọn gói"): the support team opens the
seven steps on a vulnerable citizen's ticket and ticks them; step 7 is the call-back."""

from sqlalchemy import select

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.models import log_event
from qms.paper.inputs import clean_phone, clean_text
from qms.paper.models import AssistedCase, PaperDossier
from qms.paper.operations.register import find_ticket, user_id
from qms.paper.queries import ASSISTED_STEPS, DETAIL_REQUIRED, get_case, today
from qms.timeutil import utcnow


def open_case(data, user, is_drill=False):
    day = today()
    name = clean_text(data.get("citizen_name"), "citizen_name", 120, label="Họ tên công dân")
    phone = clean_phone(data.get("phone"))
    procedure = clean_text(data.get("procedure"), "procedure", 300, required=False)
    with get_db().write() as s:
        ticket = find_ticket(s, data.get("ticket"), day)
        dossier_id = data.get("dossier")
        if dossier_id is not None and s.get(PaperDossier, dossier_id) is None:
            raise Invalid("Không có hồ sơ giấy này. Unknown dossier.", "unknown_dossier")
        if ticket is not None:
            existing = s.scalar(
                select(AssistedCase.id).where(AssistedCase.ticket_id == ticket.id).limit(1)
            )
            if existing:
                raise Conflict(
                    f"Vé {ticket.code} đã có phiếu hỗ trợ số {existing}. Already opened.",
                    "already_opened",
                    case=existing,
                )
        case = AssistedCase(
            ticket_id=ticket.id if ticket else None,
            ticket_code=ticket.code if ticket else "",
            citizen_name=name,
            phone=phone,
            procedure=procedure,
            dossier_id=dossier_id,
            steps=[{"done": False, "done_dt": None, "done_by": None, "detail": ""}]
            * len(ASSISTED_STEPS),
            is_drill=bool(is_drill),
            opened_dt=utcnow(),
            opened_by_id=user_id(user),
        )
        s.add(case)
        s.flush()
        log_event(
            s,
            "assisted.opened",
            f"Hỗ trợ trọn gói #{case.id}"
            + (f" (vé {case.ticket_code})" if case.ticket_code else ""),
            {"case": case.id},
            user_id(user),
        )
        case_id = case.id
    return get_case(case_id, user)


def _load(s, case_id):
    case = s.get(AssistedCase, case_id)
    if case is None:
        raise NotFound("Không có phiếu hỗ trợ này. Unknown assisted case.", "unknown_case")
    return case


def tick_step(case_id, n, done, detail, user):
    if not 1 <= n <= len(ASSISTED_STEPS):
        raise NotFound("Không có bước này. Unknown step.", "unknown_step", step=n)
    key, text, label = ASSISTED_STEPS[n - 1]
    detail = clean_text(detail, "detail", 300, required=False)
    if done and key in DETAIL_REQUIRED and not detail:
        raise Invalid(f"Cần ghi rõ: {label}. '{label}' is required.", "missing_detail", step=n)
    with get_db().write() as s:
        case = _load(s, case_id)
        steps = [dict(step) for step in case.steps]
        step = steps[n - 1]
        step["done"] = bool(done)
        step["done_dt"] = utcnow().isoformat(timespec="seconds") if done else None
        step["done_by"] = (
            ((user or {}).get("name") or (user or {}).get("username")) if done else None
        )
        step["detail"] = detail
        case.steps = steps  # a new list: JSON columns track assignment only
        if key == "callback":
            case.called_back_dt = utcnow() if done else None
        log_event(
            s,
            "assisted.step",
            f"Hỗ trợ #{case.id}: {'xong' if done else 'bỏ'} bước {n}",
            {"case": case.id, "step": n, "done": bool(done)},
            user_id(user),
        )
    return get_case(case_id, user)


def mark_result_ready(case_id, user):
    """The result is ready: the case moves to the top of the call-back list."""
    with get_db().write() as s:
        case = _load(s, case_id)
        if case.called_back_dt is not None:
            raise Conflict("Đã gọi báo kết quả. Already called back.", "already_called_back")
        case.result_ready_dt = case.result_ready_dt or utcnow()
        log_event(s, "assisted.result_ready", f"Hỗ trợ #{case.id}: có kết quả", {}, user_id(user))
    return get_case(case_id, user)

"""The paper register's morning list: each working morning, the centre's staff get by e-mail
the dossiers received on paper that are past their appointment date and the assisted cases
whose result is ready but whose citizen has not been called back yet, so nothing promised on
paper is forgotten once the official system is back.

- Sent once on each day the centre opens (its calendar), at PAPER_DIGEST_AT (the centre's
  time), to PAPER_DIGEST_EMAILS (default: INCIDENT_ALERT_EMAILS), through the centre's relay
  (SMTP_URL); nothing due, no e-mail.
- Codes, procedures and dates only: an e-mail leaves the centre, so no citizen's name or phone
  (Decree 13); the register's page, behind a login, has them.
- Once per site: the loop runs under a lease, and the day it was sent is stored, so a restart
  or a second process never sends it twice. A relay that fails is retried at the next pass.
"""

import logging
import os
import socket
from datetime import time
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from qms import calendar as centre_calendar
from qms.db import try_acquire_lease
from qms.extensions import get_db
from qms.mail import addresses, send_mail
from qms.models import Setting, log_event
from qms.paper.models import AssistedCase, PaperDossier
from qms.paper.queries import CALLBACK_DUE, STATUS_LABELS, overdue_on
from qms.state import get_state
from qms.timeutil import to_local, utcnow

log = logging.getLogger(__name__)
SENT_KEY = "paper.digest.sent"  # {"day": "YYYY-MM-DD"}: the last day the list went out
PASS_SECONDS = 60.0
LEASE_SECONDS = 3 * PASS_SECONDS


def recipients(config):
    return addresses(config.get("PAPER_DIGEST_EMAILS") or config.get("INCIDENT_ALERT_EMAILS"))


def due(day):
    """{"overdue": [...], "callbacks": [...]} on day: real work only (drills left out)."""
    with get_db().read() as s:
        overdue = [
            {
                "code": d.code,
                "procedure": d.procedure,
                "appointment": d.appointment_date,
                "status": STATUS_LABELS[d.status][0],
            }
            for d in s.scalars(
                select(PaperDossier)
                .where(*overdue_on(day))
                .order_by(PaperDossier.appointment_date, PaperDossier.id)
            )
        ]
        callbacks = [
            {
                "ticket": c.ticket_code,
                "procedure": c.procedure,
                "ready": to_local(c.result_ready_dt),
            }
            for c in s.scalars(
                select(AssistedCase)
                .where(*CALLBACK_DUE)
                .order_by(AssistedCase.result_ready_dt, AssistedCase.id)
            )
        ]
    return {"overdue": overdue, "callbacks": callbacks}


def digest_message(lists, config, day, base_url=""):
    """The e-mail, or None when nothing is due."""
    overdue, callbacks = lists["overdue"], lists["callbacks"]
    if not overdue and not callbacks:
        return None
    message = EmailMessage()
    message["Subject"] = (
        f"Hồ sơ giấy cần xử lý ngày {day:%d/%m/%Y}: {len(overdue)} quá hạn hẹn, "
        f"{len(callbacks)} chưa gọi lại – {config['CENTRE_NAME']}"
    )
    message["From"] = config["MAIL_FROM"]
    lines = [f"{config['CENTRE_NAME']} {config['COMMUNE_NAME']}", ""]
    if overdue:
        lines.append(f"Hồ sơ tiếp nhận bằng giấy đã quá ngày hẹn trả ({len(overdue)}):")
        lines += [
            f"- {d['code']}: {d['procedure']} (hẹn {d['appointment']:%d/%m/%Y}; {d['status']})"
            for d in overdue
        ]
        lines.append("")
    if callbacks:
        lines.append(
            f"Công dân được hỗ trợ đã có kết quả nhưng chưa được gọi lại ({len(callbacks)}):"
        )
        lines += [
            f"- {c['ticket'] or 'không có số'}"
            + (f": {c['procedure']}" if c["procedure"] else "")
            + f" (có kết quả {c['ready']:%d/%m/%Y %H:%M})"
            for c in callbacks
        ]
        lines.append("")
    if base_url:
        lines.append(f"Xem sổ hồ sơ giấy (cần đăng nhập): {base_url}/paper")
    lines += [
        "Thư không ghi họ tên, số điện thoại của công dân; xem trong sổ hồ sơ giấy.",
        "Thư tự động từ hệ thống xếp hàng HCC Queue.",
    ]
    message.set_content("\n".join(lines), cte="quoted-printable")  # 7-bit safe on any relay
    return message


def _sent_day(s):
    row = s.get(Setting, SENT_KEY)
    return (row.value or {}).get("day") if row else None


def send_if_due(now=None):
    """One pass: send today's list when its time has come and it was not sent yet.
    → "sent", "nothing due", "not yet", "closed today", "sent already", "no relay" or
    "failed"."""
    config = current_app.config
    now = now or utcnow()
    local = to_local(now)
    day = local.date()
    at = time.fromisoformat(config.get("PAPER_DIGEST_AT") or "07:30")
    if local.timetz().replace(tzinfo=None) < at:
        return "not yet"
    url, to = config.get("SMTP_URL"), recipients(config)
    if not url or not to:
        return "no relay"
    with get_db().read() as s:
        if _sent_day(s) == day.isoformat():
            return "sent already"
        calendar, _reception = centre_calendar.centre_state(s)
    if not centre_calendar.opens_on(calendar, day):  # the next working morning says it
        return "closed today"
    lists = due(day)
    message = digest_message(lists, config, day, (config.get("PUBLIC_BASE_URL") or "").rstrip("/"))
    if message is not None:
        message["To"] = ", ".join(to)
        try:
            send_mail(url, message, to)
        except Exception:  # the relay is down: the next pass tries again
            log.exception("paper digest of %s not sent", day)
            return "failed"
    with get_db().write() as s:
        row = s.get(Setting, SENT_KEY)
        if row is None:
            s.add(Setting(key=SENT_KEY, value={"day": day.isoformat()}))
        else:
            row.value = {"day": day.isoformat()}
        if message is not None:
            log_event(
                s,
                "paper.digest",
                f"Gửi thư hồ sơ giấy cần xử lý: {len(lists['overdue'])} quá hạn hẹn, "
                f"{len(lists['callbacks'])} chưa gọi lại",
                {"to": to, "day": day.isoformat()},
            )
    return "sent" if message is not None else "nothing due"


def run(app, stop):
    """The background loop (AppState.add_loop), started by `qms serve`."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{id(app)}"
    while not stop.is_set():
        try:
            with app.app_context():
                config = app.config
                if (
                    config.get("SMTP_URL")
                    and recipients(config)
                    and try_acquire_lease(get_state(app).db, "paper-digest", holder, LEASE_SECONDS)
                ):
                    send_if_due()
        except Exception:
            log.exception("paper digest pass failed")
        stop.wait(PASS_SECONDS)

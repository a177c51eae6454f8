"""The appointment slip (giấy hẹn) of a paper dossier, printed on the ticket printer through
the devices feature's print job path (job kind "slip")."""

from flask import current_app

from qms.devices.operations.reprint import print_slip
from qms.errors import NotFound
from qms.extensions import get_db
from qms.paper.models import PaperDossier
from qms.paper.queries import status_url
from qms.timeutil import to_local

PAPER_NOTE = (
    "Hồ sơ được tiếp nhận bằng giấy do hệ thống gián đoạn; Trung tâm sẽ cập nhật vào hệ thống "
    "và báo kết quả cho quý vị."
)


def slip_payload(dossier_id, officer_name=""):
    """What the slip shows; the citizen's own name is on their own slip."""
    cfg = current_app.config
    with get_db().read() as s:
        d = s.get(PaperDossier, dossier_id)
        if d is None:
            return None
        return {
            "centre_name": cfg["CENTRE_NAME"],
            "centre_locality": cfg["COMMUNE_NAME"],
            "code": d.code,
            "citizen_name": d.citizen_name,
            "procedure": d.procedure,
            "documents": [line for line in d.documents.splitlines() if line],
            "received_at": to_local(d.received_dt).replace(tzinfo=None).isoformat(),
            "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
            "officer": officer_name,
            "status_url": status_url(d.status_token),
            "hotline": cfg.get("HOTLINE") or "",
            "note": ("DIỄN TẬP · " if d.is_drill else "") + PAPER_NOTE,
        }


def print_dossier_slip(dossier_id, user):
    """Queue the slip; raises Conflict no_printer when the centre has no server printer."""
    payload = slip_payload(dossier_id, (user or {}).get("name") or (user or {}).get("username"))
    if payload is None:
        raise NotFound("Không có hồ sơ giấy này. Unknown paper dossier.", "unknown_dossier")
    job = print_slip(payload, user)
    return {"job": job["id"], "status": job["status"], "target": job["target"]}

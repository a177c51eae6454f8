"""Decree 13/2023/NĐ-CP retention: after PAPER_RETENTION_DAYS, a finished dossier or assisted
case keeps its code, procedure, dates and status (the counts) and loses the citizen's name,
phone and the list of papers. The appointment slips printed for dossiers (print jobs of kind
"slip", whose payload carried the name and the papers) lose them after the same time."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from qms.devices.models import PrintJob
from qms.extensions import get_db
from qms.models import log_event
from qms.paper.models import AssistedCase, PaperDossier
from qms.timeutil import utcnow


def purge_personal_data(days=None, dry_run=False, now=None):
    """→ {"dossiers": n, "assisted": n, "before": iso}: rows whose personal fields were blanked."""
    days = int(current_app.config["PAPER_RETENTION_DAYS"] if days is None else days)
    now = now or utcnow()
    before = now - timedelta(days=days)
    dossier_due = select(PaperDossier).where(
        PaperDossier.purged_dt.is_(None),
        PaperDossier.status == "returned",
        PaperDossier.returned_dt < before,
    )
    case_due = select(AssistedCase).where(
        AssistedCase.purged_dt.is_(None),
        or_(
            AssistedCase.called_back_dt < before,
            # never called back (the citizen came anyway): kept twice as long
            AssistedCase.opened_dt < before - timedelta(days=days),
        ),
    )
    slips_due = select(PrintJob).where(PrintJob.kind == "slip", PrintJob.created_dt < before)
    with get_db().read() if dry_run else get_db().write() as s:
        dossiers = s.scalars(dossier_due).all()
        cases = s.scalars(case_due).all()
        slips = [job for job in s.scalars(slips_due) if _personal(job.payload)]
        result = {
            "dossiers": len(dossiers),
            "assisted": len(cases),
            "slips": len(slips),
            "before": before.isoformat(),
        }
        if dry_run:
            return result
        for d in dossiers:
            d.citizen_name, d.phone, d.documents, d.purged_dt = "", "", "", now
        for c in cases:
            c.citizen_name, c.phone, c.purged_dt = "", "", now
            c.steps = [{**step, "detail": ""} for step in c.steps]
        for job in slips:  # a new dict: the JSON column sees the change
            job.payload = {**job.payload, "citizen_name": "", "documents": []}
        log_event(
            s,
            "paper.purged",
            f"Xóa thông tin cá nhân: {len(dossiers)} hồ sơ giấy, {len(cases)} phiếu hỗ trợ, "
            f"{len(slips)} giấy hẹn đã in",
            result,
        )
    return result


def _personal(payload):
    return bool((payload or {}).get("citizen_name") or (payload or {}).get("documents"))

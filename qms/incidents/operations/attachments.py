"""Attaching a small photo or PDF to an incident: stored under DATA_DIR, one timeline row."""

import secrets

from sqlalchemy import func, select

from qms.errors import Invalid, QmsError
from qms.extensions import get_db
from qms.incidents.files import clean_filename, max_bytes, root, sniff
from qms.incidents.models import IncidentAttachment
from qms.incidents.operations.timeline import changed, load, record, user_id

MAX_PER_INCIDENT = 20


def add_attachment(incident_id, upload, user=None):
    if upload is None or not getattr(upload, "filename", None):
        raise Invalid("Chưa chọn tệp. No file chosen.", "missing_file", field="file")
    cap = max_bytes()
    data = upload.stream.read(cap + 1)
    if len(data) > cap:
        raise QmsError(
            f"Tệp quá lớn (tối đa {cap // 1024} KB). File too large.",
            "attachment_too_large",
            status=413,
        )
    if not data:
        raise Invalid("Tệp rỗng. Empty file.", "empty_file", field="file")
    kind = sniff(data[:16])
    if kind is None:
        raise Invalid(
            "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc PDF. Images or PDF only.",
            "unsupported_file",
            field="file",
        )
    content_type, ext = kind
    with get_db().read() as s:
        load(s, incident_id)
        count = s.scalar(
            select(func.count(IncidentAttachment.id)).where(
                IncidentAttachment.incident_id == incident_id
            )
        )
    if count >= MAX_PER_INCIDENT:
        raise QmsError(
            f"Tối đa {MAX_PER_INCIDENT} tệp cho một sự cố. Too many files.",
            "too_many_attachments",
            status=409,
        )
    folder = root() / str(incident_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{ext}"
    path = folder / stored_name
    path.write_bytes(data)
    filename = clean_filename(upload.filename, ext)
    try:
        with get_db().write() as s:
            incident = load(s, incident_id)
            attachment = IncidentAttachment(
                incident_id=incident_id,
                filename=filename,
                stored_name=stored_name,
                content_type=content_type,
                size=len(data),
                user_id=user_id(user),
            )
            s.add(attachment)
            s.flush()
            record(
                s,
                incident,
                "attachment",
                f"Đính kèm tệp {filename}",
                {"attachment": attachment.id, "filename": filename, "size": len(data)},
                user,
            )
    except Exception:
        path.unlink(missing_ok=True)  # no orphan files when the row is not written
        raise
    return changed(incident_id, "attachment")

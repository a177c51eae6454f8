"""Small files on an incident: photos of an error screen, a scanned note from VNPT.

Kept under DATA_DIR/attachments/<incident id>/ with random names; the type is read from
the file's first bytes (images and PDF only), the size is capped by INCIDENT_ATTACHMENT_MAX_BYTES.
"""

import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from qms.errors import Invalid, NotFound, QmsError
from qms.extensions import get_db
from qms.incidents.models import Incident, IncidentAttachment
from qms.incidents.operations import _changed, _load, _uid, record

MAX_PER_INCIDENT = 20
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def max_bytes():
    return int(current_app.config.get("INCIDENT_ATTACHMENT_MAX_BYTES", 3 * 1024 * 1024))


def root():
    return Path(current_app.config["DATA_DIR"]) / "attachments"


def sniff(head):
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def clean_filename(name, ext):
    name = unicodedata.normalize("NFC", Path(name or "").name).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '\\/:*?"<>|')[:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'tep-dinh-kem'}.{ext}"


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
        _load(s, incident_id)
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
            incident = _load(s, incident_id)
            attachment = IncidentAttachment(
                incident_id=incident_id,
                filename=filename,
                stored_name=stored_name,
                content_type=content_type,
                size=len(data),
                user_id=_uid(user),
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
    return _changed(incident_id, "attachment")


def attachment_file(incident_id, attachment_id):
    """(path, filename, content_type) of one attachment, or NotFound."""
    with get_db().read() as s:
        item = s.get(IncidentAttachment, attachment_id)
        if item is None or item.incident_id != incident_id or s.get(Incident, incident_id) is None:
            raise NotFound("Không có tệp này. Unknown attachment.", "unknown_attachment")
        path = root() / str(incident_id) / item.stored_name
        if not path.is_file():
            raise NotFound("Tệp đã bị xóa khỏi máy chủ. File missing.", "attachment_missing")
        return path, item.filename, item.content_type


def attachments_of(s, incident_id):
    from qms.timeutil import iso

    items = s.scalars(
        select(IncidentAttachment)
        .where(IncidentAttachment.incident_id == incident_id)
        .order_by(IncidentAttachment.id)
    )
    return [
        {
            "id": a.id,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "uploaded_at": iso(a.uploaded_dt),
            "url": f"/api/v1/incidents/{incident_id}/attachments/{a.id}",
        }
        for a in items
    ]


def allow_large_upload(request):
    """Before the body is read: attachment uploads may exceed the app-wide MAX_CONTENT_LENGTH."""
    path = request.path.rstrip("/")
    if (
        request.method == "POST"
        and path.endswith("/attachments")
        and path.startswith(("/api/v1/incidents/", "/incidents/"))
    ):
        request.max_content_length = max_bytes() + 64 * 1024

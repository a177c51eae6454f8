"""Every write of the province: centres and their tokens, and the records they send.

A batch is stored in one transaction, in seq order: records already held (a resend after a
lost answer) are skipped, the rest are kept as received and applied to the centre's latest
state, each entity only by a newer seq than the one it holds.
"""

import hashlib
import re
import secrets
from datetime import date

from sqlalchemy import select

from qms.errors import Conflict, Invalid, NotFound, Unauthorized
from qms.extensions import get_db
from qms.mode import MODES
from qms.province.models import (
    ProvinceCentre,
    ProvinceDayFigures,
    ProvinceDevice,
    ProvinceIncident,
    ProvinceRecord,
)
from qms.timeutil import utcnow

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
KINDS = ("incident", "mode", "queue", "figures", "device")
TOKEN_PREFIX = "hccp_"  # never digits only: QMS_PROVINCE_TOKEN stays a string


def token_hash(token):
    return hashlib.sha256(str(token).encode()).hexdigest()


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_centre(code, name):
    """A centre allowed to send; returns its token (shown once, stored hashed)."""
    code, name = (code or "").strip(), (name or "").strip()
    if not CODE_PATTERN.match(code):
        raise Invalid(
            "Mã trung tâm chỉ gồm chữ, số, - và _ (tối đa 32 ký tự). "
            "The code is letters, digits, - and _ (at most 32).",
            "invalid_code",
        )
    if not name or len(name) > 200:
        raise Invalid("Cần tên trung tâm (tối đa 200 ký tự). A name is required.", "invalid_name")
    token = new_token()
    with get_db().write() as s:
        if s.get(ProvinceCentre, code) is not None:
            raise Conflict(f"Đã có trung tâm {code}. Centre {code} exists.", "centre_exists")
        s.add(
            ProvinceCentre(
                code=code,
                name=name,
                token_hash=token_hash(token),
                created_dt=utcnow(),
                last_seq=0,
                mode_seq=0,
                queue_seq=0,
                waiting={},
            )
        )
    return token


def replace_token(code):
    """A new token for a centre (the old one stops working at once); also lifts a revocation."""
    token = new_token()
    with get_db().write() as s:
        centre = s.get(ProvinceCentre, code)
        if centre is None:
            raise NotFound(f"Không có trung tâm {code}. Unknown centre.", "unknown_centre")
        centre.token_hash = token_hash(token)
        centre.revoked_dt = None
    return token


def revoke_centre(code):
    with get_db().write() as s:
        centre = s.get(ProvinceCentre, code)
        if centre is None:
            raise NotFound(f"Không có trung tâm {code}. Unknown centre.", "unknown_centre")
        centre.revoked_dt = centre.revoked_dt or utcnow()


# --- ingest ------------------------------------------------------------------------------------


def _text(value, limit):
    return value[:limit] if isinstance(value, str) else ""


def _iso(value):
    return value[:40] if isinstance(value, str) else None


def _int(value):
    """A whole number a 32-bit column holds, else None (PostgreSQL would refuse it: 500)."""
    if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
        return value
    return None


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _clean(records):
    """Each record {"seq" ≥ 1, "kind", "at", "data": {}}, sorted by seq, duplicates once."""
    by_seq = {}
    for n, item in enumerate(records):
        seq = _int(item.get("seq")) if isinstance(item, dict) else None
        kind = item.get("kind") if isinstance(item, dict) else None
        data = item.get("data") if isinstance(item, dict) else None
        if seq is None or seq < 1 or not isinstance(kind, str) or not isinstance(data, dict):
            raise Invalid(
                f"Bản ghi thứ {n + 1} không hợp lệ (cần seq, kind, data). "
                f"Record {n + 1} needs seq, kind and data.",
                "invalid_record",
            )
        by_seq[seq] = {"seq": seq, "kind": kind[:20], "at": _iso(item.get("at")), "data": data}
    return [by_seq[seq] for seq in sorted(by_seq)]


def ingest(token, records):
    """Store a centre's batch; answers {"centre", "stored": every seq of the batch it holds,
    "new": how many were new}. A wrong or revoked token stores nothing (401)."""
    records = _clean(records)
    digest = token_hash(token) if token else None
    now = utcnow()
    with get_db().write() as s:
        code = (
            s.scalar(
                select(ProvinceCentre.code).where(
                    ProvinceCentre.token_hash == digest, ProvinceCentre.revoked_dt.is_(None)
                )
            )
            if digest
            else None
        )
        if code is None:
            raise Unauthorized(
                "Mã xác thực của trung tâm không đúng hoặc đã bị thu hồi. Unknown centre token.",
                "invalid_centre_token",
            )
        # the centre's row locked (PostgreSQL): two batches of one centre never interleave
        centre = s.get(ProvinceCentre, code, with_for_update=True)
        seqs = [r["seq"] for r in records]
        held = set()
        if seqs:
            held = set(
                s.scalars(
                    select(ProvinceRecord.seq).where(
                        ProvinceRecord.centre_code == code, ProvinceRecord.seq.in_(seqs)
                    )
                )
            )
        new = 0
        for record in records:
            if record["seq"] in held:
                continue
            s.add(
                ProvinceRecord(
                    centre_code=code,
                    seq=record["seq"],
                    kind=record["kind"],
                    at=record["at"],
                    data=record["data"],
                    received_dt=now,
                )
            )
            _apply(s, centre, record)
            held.add(record["seq"])
            new += 1
        centre.last_seen_dt = now
        if seqs:
            centre.last_seq = max(centre.last_seq or 0, seqs[-1])
    return {"centre": code, "stored": seqs, "new": new}


def _apply(s, centre, record):
    kind, seq, data = record["kind"], record["seq"], record["data"]
    if kind == "mode":
        _apply_mode(centre, seq, data.get("mode"), data.get("since") or record["at"])
    elif kind == "queue":
        _apply_mode(centre, seq, data.get("mode"), data.get("mode_since"))
        if seq > (centre.queue_seq or 0):
            waiting = data.get("waiting")
            centre.waiting = (
                {str(k)[:20]: n for k, n in waiting.items() if _int(n) is not None}
                if isinstance(waiting, dict)
                else {}
            )
            centre.waiting_total = _int(data.get("waiting_total"))
            centre.counters_open = _int(data.get("counters_open"))
            centre.queue_at = record["at"]
            centre.queue_seq = seq
    elif kind == "incident":
        _apply_incident(s, centre.code, seq, data)
    elif kind == "figures":
        _apply_figures(s, centre.code, seq, data)
    elif kind == "device":
        _apply_device(s, centre.code, seq, data, record["at"])
    # any other kind is kept as received (a newer centre), applied by a newer province


def _apply_mode(centre, seq, mode, since):
    if mode in MODES and seq > (centre.mode_seq or 0):
        centre.mode = mode
        centre.mode_since = _iso(since)
        centre.mode_seq = seq


def _apply_incident(s, code, seq, data):
    centre_id = _int(data.get("centre_id"))
    status = data.get("status")
    if centre_id is None or not isinstance(status, str):
        return
    row = s.scalar(
        select(ProvinceIncident).where(
            ProvinceIncident.centre_code == code, ProvinceIncident.centre_id == centre_id
        )
    )
    if row is None:
        row = ProvinceIncident(centre_code=code, centre_id=centre_id, updated_seq=0)
        s.add(row)
    elif seq <= row.updated_seq:
        return
    row.type_code = _text(data.get("type"), 10)
    row.type_title = _text(data.get("type_title"), 200)
    row.status = status[:12]
    row.is_open = bool(data.get("is_open"))
    row.is_drill = bool(data.get("is_drill"))
    row.description = _text(data.get("description"), 4000)
    row.resolution = _text(data.get("resolution"), 4000)
    row.occurred_at = _iso(data.get("occurred_at"))
    row.resolved_at = _iso(data.get("resolved_at"))
    row.closed_at = _iso(data.get("closed_at"))
    row.updated_seq = seq
    row.received_dt = utcnow()


def _apply_figures(s, code, seq, data):
    try:
        day = date.fromisoformat(data.get("day") or "")
    except (TypeError, ValueError):
        return
    row = s.scalar(
        select(ProvinceDayFigures).where(
            ProvinceDayFigures.centre_code == code, ProvinceDayFigures.day == day
        )
    )
    if row is None:
        row = ProvinceDayFigures(centre_code=code, day=day, updated_seq=0)
        s.add(row)
    elif seq <= row.updated_seq:
        return
    row.is_final = bool(data.get("is_final"))
    for key in ("issued", "served", "no_show", "cancelled", "rated", "satisfied"):
        setattr(row, key, max(0, _int(data.get(key)) or 0))
    for key in ("wait_p50_min", "wait_p90_min", "wait_avg_min", "wait_max_min"):
        setattr(row, key, _number(data.get(key)))
    row.within_target_pct = _number(data.get("within_target_pct"))
    ratings = data.get("ratings")
    row.ratings = [
        {
            "score": _int(level.get("score")),
            "label": _text(level.get("label"), 80),
            "count": max(0, _int(level.get("count")) or 0),
            "satisfied": bool(level.get("satisfied")),
        }
        for level in (ratings if isinstance(ratings, list) else [])[:10]
        if isinstance(level, dict)
    ]
    row.updated_seq = seq


def _apply_device(s, code, seq, data, at):
    device = _text(data.get("device"), 120)
    state = data.get("state")
    if not device or state not in ("failed", "ok"):
        return
    row = s.scalar(
        select(ProvinceDevice).where(
            ProvinceDevice.centre_code == code, ProvinceDevice.device == device
        )
    )
    if row is None:
        row = ProvinceDevice(centre_code=code, device=device, updated_seq=0)
        s.add(row)
    elif seq <= row.updated_seq:
        return
    row.state = state
    row.kind = _text(data.get("kind"), 40)
    row.message = _text(data.get("message"), 1000)
    row.at = at
    row.updated_seq = seq

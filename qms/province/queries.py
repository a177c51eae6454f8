"""Province reads and the one serializer of each resource: centre, incident, record, day row."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from qms.errors import NotFound
from qms.extensions import get_db
from qms.province.models import (
    ProvinceCentre,
    ProvinceDayFigures,
    ProvinceDevice,
    ProvinceIncident,
    ProvinceRecord,
)
from qms.timeutil import iso, utcnow

# the mode in plain Vietnamese, and the colour the page gives it
MODE_LABELS = {
    "standalone": "Hoạt động độc lập",
    "standby": "Chờ dự phòng (QMS 1.2 đang chạy)",
    "fallback": "Đang chạy dự phòng (QMS 1.2 gặp sự cố)",
    "draining": "Đang trả lại QMS 1.2",
    None: "Chưa có dữ liệu",
}
STATUS_LABELS = {
    "reported": "Mới báo",
    "handling": "Đang xử lý",
    "escalated": "Đã chuyển cấp",
    "resolved": "Đã khắc phục",
    "closed": "Đã đóng",
}


def is_province(config=None):
    return (config or current_app.config).get("ROLE") == "province"


def silent_after():
    return timedelta(minutes=float(current_app.config["PROVINCE_SILENT_MINUTES"]))


def centre_dict(centre, open_incidents=0, failed_devices=0, now=None):
    """A centre as GET /province/centres lists it."""
    now = now or utcnow()
    silent = centre.last_seen_dt is None or now - centre.last_seen_dt > silent_after()
    return {
        "code": centre.code,
        "name": centre.name,
        "mode": centre.mode,
        "waiting": centre.waiting_total,
        "open_incidents": open_incidents,
        "last_seen": iso(centre.last_seen_dt),
        "mode_label": MODE_LABELS.get(centre.mode, centre.mode),
        "mode_since": centre.mode_since,
        "waiting_by_service": dict(centre.waiting or {}),
        "counters_open": centre.counters_open,
        "queue_at": centre.queue_at,
        "failed_devices": failed_devices,
        "is_silent": silent,
        "is_revoked": centre.revoked_dt is not None,
        "last_seq": centre.last_seq,
    }


def centres_list(include_revoked=False):
    now = utcnow()
    with get_db().read() as s:
        open_counts = dict(
            s.execute(
                select(ProvinceIncident.centre_code, func.count(ProvinceIncident.id))
                .where(ProvinceIncident.is_open.is_(True), ProvinceIncident.is_drill.is_(False))
                .group_by(ProvinceIncident.centre_code)
            ).all()
        )
        failed = dict(
            s.execute(
                select(ProvinceDevice.centre_code, func.count(ProvinceDevice.id))
                .where(ProvinceDevice.state == "failed")
                .group_by(ProvinceDevice.centre_code)
            ).all()
        )
        stmt = select(ProvinceCentre).order_by(ProvinceCentre.code)
        if not include_revoked:
            stmt = stmt.where(ProvinceCentre.revoked_dt.is_(None))
        return [
            centre_dict(c, open_counts.get(c.code, 0), failed.get(c.code, 0), now)
            for c in s.scalars(stmt)
        ]


def get_centre(s, code):
    centre = s.get(ProvinceCentre, code) if code else None
    if centre is None:
        raise NotFound(f"Không có trung tâm {code}. Unknown centre.", "unknown_centre")
    return centre


def incident_dict(row):
    """A centre's incident as received: its own id (centre_id), type, status, times."""
    return {
        "centre": row.centre_code,
        "centre_id": row.centre_id,
        "type": row.type_code,
        "type_title": row.type_title,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "is_open": row.is_open,
        "is_drill": row.is_drill,
        "description": row.description,
        "resolution": row.resolution,
        "occurred_at": row.occurred_at,
        "resolved_at": row.resolved_at,
        "closed_at": row.closed_at,
        "received_at": iso(row.received_dt),
    }


def incidents_of(code, open_only=False):
    with get_db().read() as s:
        get_centre(s, code)
        stmt = select(ProvinceIncident).where(ProvinceIncident.centre_code == code)
        if open_only:
            stmt = stmt.where(ProvinceIncident.is_open.is_(True))
        return [incident_dict(r) for r in s.scalars(stmt.order_by(ProvinceIncident.centre_id))]


def device_dict(row):
    return {
        "device": row.device,
        "state": row.state,
        "kind": row.kind,
        "message": row.message,
        "at": row.at,
    }


def devices_of(code):
    with get_db().read() as s:
        get_centre(s, code)
        rows = s.scalars(
            select(ProvinceDevice)
            .where(ProvinceDevice.centre_code == code)
            .order_by(ProvinceDevice.device)
        )
        return [device_dict(r) for r in rows]


def record_dict(row):
    return {
        "seq": row.seq,
        "kind": row.kind,
        "at": row.at,
        "received_at": iso(row.received_dt),
        "data": row.data,
    }


def records_of(code, after=0, limit=500):
    """What a centre sent, in the order it arrived (the journal)."""
    with get_db().read() as s:
        get_centre(s, code)
        rows = s.scalars(
            select(ProvinceRecord)
            .where(ProvinceRecord.centre_code == code, ProvinceRecord.seq > after)
            .order_by(ProvinceRecord.id)
            .limit(limit)
        )
        return [record_dict(r) for r in rows]


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def day_row(row, name):
    """One centre's day in the cross-centre report."""
    return {
        "centre": row.centre_code,
        "name": name,
        "day": row.day.isoformat(),
        "is_final": row.is_final,
        "issued": row.issued,
        "served": row.served,
        "no_show": row.no_show,
        "cancelled": row.cancelled,
        "wait_p50_min": row.wait_p50_min,
        "wait_avg_min": row.wait_avg_min,
        "wait_p90_min": row.wait_p90_min,
        "wait_max_min": row.wait_max_min,
        "within_target_pct": row.within_target_pct,
        "rated": row.rated,
        "satisfied": row.satisfied,
        "satisfied_pct": _pct(row.satisfied, row.rated),
        "ratings": list(row.ratings or []),
    }


def _totals(rows):
    """Sums over rows; the average wait weighted by the citizens served."""
    served = sum(r["served"] for r in rows)
    weighted = [(r["wait_avg_min"], r["served"]) for r in rows if r["wait_avg_min"] is not None]
    weight = sum(w for _, w in weighted)
    rated = sum(r["rated"] for r in rows)
    satisfied = sum(r["satisfied"] for r in rows)
    return {
        "issued": sum(r["issued"] for r in rows),
        "served": served,
        "no_show": sum(r["no_show"] for r in rows),
        "cancelled": sum(r["cancelled"] for r in rows),
        "wait_avg_min": round(sum(v * w for v, w in weighted) / weight, 1) if weight else None,
        "rated": rated,
        "satisfied": satisfied,
        "satisfied_pct": _pct(satisfied, rated),
    }


def cross_centre_report(first, last):
    """Per centre per day over [first, last]: issued, served, waits, satisfaction; totals per
    centre and for the province."""
    with get_db().read() as s:
        names = dict(s.execute(select(ProvinceCentre.code, ProvinceCentre.name)).all())
        rows = [
            day_row(r, names.get(r.centre_code, r.centre_code))
            for r in s.scalars(
                select(ProvinceDayFigures)
                .where(ProvinceDayFigures.day >= first, ProvinceDayFigures.day <= last)
                .order_by(ProvinceDayFigures.centre_code, ProvinceDayFigures.day)
            )
        ]
    centres = []
    for code in sorted({r["centre"] for r in rows}):
        mine = [r for r in rows if r["centre"] == code]
        centres.append({"centre": code, "name": names.get(code, code), **_totals(mine)})
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rows": rows,
        "centres": centres,
        "totals": _totals(rows),
    }

"""Queue figures for leadership: per day or any date range, by service and by counter."""

from datetime import timedelta

from sqlalchemy import and_, select

from qms.extensions import get_db
from qms.queue.models import Counter, Service, Ticket

FINISHED = ("done", "no_show", "transferred", "cancelled")


def _minutes(seconds):
    return round(seconds / 60, 1) if seconds is not None else None


def queue_figures(first_day, last_day):
    """Issued, served, no-shows, waiting and service times between two local days (inclusive)."""
    with get_db().read() as s:
        in_range = and_(Ticket.day >= first_day, Ticket.day <= last_day)
        rows = s.execute(
            select(
                Ticket.service_id,
                Ticket.status,
                Ticket.origin,
                Ticket.priority,
                Ticket.issued_dt,
                Ticket.called_dt,
                Ticket.finished_dt,
                Ticket.counter_id,
                Ticket.parent_id,
            ).where(in_range)
        ).all()
        services = {svc.id: svc for svc in s.scalars(select(Service).order_by(Service.position))}
        counters = {c.id: c for c in s.scalars(select(Counter).order_by(Counter.number))}

    def blank():
        return {
            "issued": 0,
            "served": 0,
            "no_show": 0,
            "transferred": 0,
            "waiting": 0,
            "priority": 0,
            "wait": [],
            "service": [],
        }

    by_service = {sid: blank() for sid in services}
    by_counter = {cid: blank() for cid in counters}
    total = blank()
    for row in rows:
        targets = [total, by_service.setdefault(row.service_id, blank())]
        if row.counter_id is not None:
            targets.append(by_counter.setdefault(row.counter_id, blank()))
        for t in targets:
            if row.parent_id is None:
                t["issued"] += 1
                if row.priority:
                    t["priority"] += 1
            if row.status == "done":
                t["served"] += 1
            elif row.status in ("no_show", "transferred"):
                t[row.status] += 1
            elif row.status == "waiting":
                t["waiting"] += 1
            if row.called_dt and row.parent_id is None:
                t["wait"].append((row.called_dt - row.issued_dt).total_seconds())
            if row.status == "done" and row.called_dt and row.finished_dt:
                t["service"].append((row.finished_dt - row.called_dt).total_seconds())

    def summary(t):
        wait, service = t.pop("wait"), t.pop("service")
        t["avg_wait_minutes"] = _minutes(sum(wait) / len(wait)) if wait else None
        t["max_wait_minutes"] = _minutes(max(wait)) if wait else None
        t["avg_service_minutes"] = _minutes(sum(service) / len(service)) if service else None
        return t

    return {
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "total": summary(total),
        "services": [
            {"code": services[sid].code, "name": services[sid].name_vi, **summary(t)}
            for sid, t in by_service.items()
            if sid in services
        ],
        "counters": [
            {"number": counters[cid].number, "name": counters[cid].name, **summary(t)}
            for cid, t in by_counter.items()
            if cid in counters
        ],
    }


def busiest_hours(day):
    """Tickets issued per local hour of one day (for staffing the counters)."""
    from qms.timeutil import to_local

    with get_db().read() as s:
        issued = s.scalars(
            select(Ticket.issued_dt).where(Ticket.day == day, Ticket.parent_id.is_(None))
        ).all()
    hours = {}
    for dt in issued:
        hour = to_local(dt).hour
        hours[hour] = hours.get(hour, 0) + 1
    return [{"hour": h, "issued": hours[h]} for h in sorted(hours)]


def period_bounds(period, today):
    """day | week | month | quarter | year → (first, last) local days containing today."""
    if period == "day":
        return today, today
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = today.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = today.replace(month=first_month, day=1)
        nxt = (start + timedelta(days=95)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    raise ValueError(period)

"""The queue report: any period beside the one before it, by service, counter, officer, hour,
weekday and day, with waits, service times, satisfaction and incidents.

A citizen's visit is counted once: a transferred ticket and its copies in the next service are
one visit, counted where it ended (the service, counter and officer that finished it), so every
table adds up to the number issued: issued = served + no_show + cancelled + open. `transferred`
counts the visits of a row that were transferred on the way.

Times: the wait runs from issue to the first counter's call, the service from the call to the
end at the counter that finished it. Percentiles are nearest-rank: p90 is the smallest wait
that at least 90 % of the visits did not exceed.
"""

from bisect import bisect_right
from collections import Counter as Tally
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import compress

from flask import current_app
from sqlalchemy import String, select, type_coerce

from qms.auth.models import User
from qms.extensions import get_db
from qms.incidents.queries import incidents_between
from qms.queue.models import Counter, Service, Ticket, TicketEvent
from qms.ratings.models import Rating
from qms.ratings.queries import rating_scale
from qms.timeutil import utc_from_local_date, utcnow, zone

PERIODS = ("day", "week", "month", "quarter", "half", "nine_months", "year", "custom")
GROUPS = ("service", "counter", "officer", "hour", "weekday", "day")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOT_CALLED = "Chưa đến quầy"  # the row of visits no counter called (waiting, cancelled)

# a visit, as the tuple the counting loop reads (plain tuples: a year is ~100,000 of them)
(
    SERVICE,
    COUNTER,
    OFFICER,
    OUTCOME,
    TRANSFERRED,
    PRIORITY,
    DAY,
    HOUR,
    WAIT,
    SERVED_S,
    SCORE,
    WEEKDAY,
) = range(12)
GROUP_INDEX = {
    "service": SERVICE,
    "counter": COUNTER,
    "officer": OFFICER,
    "hour": HOUR,
    "weekday": WEEKDAY,
    "day": DAY,
}
OUTCOMES = {"done": "served", "no_show": "no_show", "cancelled": "cancelled", "waiting": "waiting"}


# --- periods ----------------------------------------------------------------------------------


def _month_end(d):
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def period_bounds(period, anchor):
    """The period of this kind containing anchor: (first, last) local days, both included.

    half: January–June or July–December; nine_months: January–September (the "9 tháng" report).
    """
    if period == "day":
        return anchor, anchor
    if period == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        return anchor.replace(day=1), _month_end(anchor)
    if period == "quarter":
        start = anchor.replace(month=3 * ((anchor.month - 1) // 3) + 1, day=1)
        return start, _month_end(start.replace(month=start.month + 2))
    if period == "half":
        start = anchor.replace(month=1 if anchor.month <= 6 else 7, day=1)
        return start, _month_end(start.replace(month=start.month + 5))
    if period == "nine_months":
        return anchor.replace(month=1, day=1), anchor.replace(month=9, day=30)
    if period == "year":
        return anchor.replace(month=1, day=1), anchor.replace(month=12, day=31)
    raise ValueError(period)


def previous_bounds(period, first, last):
    """The period just before: the one of the same kind, or as many days just before (custom).
    Nine months compares with the same nine months a year earlier."""
    if period in ("day", "week", "custom"):
        length = (last - first).days + 1
        return first - timedelta(days=length), first - timedelta(days=1)
    if period == "nine_months":
        return first.replace(year=first.year - 1), last.replace(year=last.year - 1)
    return period_bounds(period, first - timedelta(days=1))


# --- figures ----------------------------------------------------------------------------------


def nearest_rank(sorted_values, p):
    if not sorted_values:
        return None
    rank = -(-p * len(sorted_values) // 100)  # ceil(p·n/100) in integers: no float error
    return sorted_values[max(1, rank) - 1]


def _minutes(seconds):
    return round(seconds / 60, 1) if seconds is not None else None


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def figures_by(keys, columns, target_s, scale_scores, satisfied_scores):
    """The figures of every key over the visits' columns (keys[i] is visit i's row): counts in
    C through Counter, one Python pass each for the waits and the service times."""
    issued = Tally(keys)
    outcomes = Tally(zip(keys, columns[OUTCOME], strict=True))
    transferred = Tally(compress(keys, columns[TRANSFERRED]))
    priority = Tally(compress(keys, columns[PRIORITY]))
    scores = Tally(zip(keys, columns[SCORE], strict=True))
    waits, services = defaultdict(list), defaultdict(list)
    for k, w in zip(keys, columns[WAIT], strict=True):
        if w is not None:
            waits[k].append(w)
    for k, w in zip(keys, columns[SERVED_S], strict=True):
        if w is not None:
            services[k].append(w)
    figures = {}
    for k, count in issued.items():
        wait, service = sorted(waits.get(k, ())), sorted(services.get(k, ()))
        rated = {score: scores[(k, score)] for score in scale_scores}
        total_rated = sum(rated.values())
        within = bisect_right(wait, target_s)  # sorted: the waits up to the target
        figures[k] = {
            "issued": count,
            "served": outcomes[(k, "served")],
            "no_show": outcomes[(k, "no_show")],
            "transferred": transferred[k],
            "cancelled": outcomes[(k, "cancelled")],
            "open": outcomes[(k, "open")] + outcomes[(k, "waiting")],  # waiting, called, serving
            "waiting": outcomes[(k, "waiting")],
            "priority": priority[k],
            "priority_pct": _pct(priority[k], count),
            "wait_p50_min": _minutes(nearest_rank(wait, 50)),
            "wait_p90_min": _minutes(nearest_rank(wait, 90)),
            "wait_max_min": _minutes(wait[-1] if wait else None),
            "wait_avg_min": _minutes(sum(wait) / len(wait) if wait else None),
            "within_target_pct": _pct(within, len(wait)),
            "service_p50_min": _minutes(nearest_rank(service, 50)),
            "service_p90_min": _minutes(nearest_rank(service, 90)),
            "service_max_min": _minutes(service[-1] if service else None),
            "service_avg_min": _minutes(sum(service) / len(service) if service else None),
            "ratings": {str(score): n for score, n in rated.items()},
            "rated": total_rated,
            "satisfied_pct": _pct(sum(rated[x] for x in satisfied_scores), total_rated),
        }
    return figures


def _visits(s, first, last, officer_id=None, with_officers=True):
    """Every visit issued on the local days [first, last], as tuples (see the indices above)."""
    times = (Ticket.issued_dt, Ticket.called_dt, Ticket.finished_dt, Ticket.day)
    as_text = s.get_bind().dialect.name == "sqlite"
    if as_text:  # SQLite keeps ISO text: fromisoformat reads it several times faster
        times = tuple(type_coerce(col, String) for col in times)
    conn = s.connection()  # Core rows: no ORM result machinery for 100,000 tuples
    rows = conn.execute(
        select(
            Ticket.id,
            Ticket.parent_id,
            Ticket.service_id,
            Ticket.status,
            Ticket.priority,
            *times,
            Ticket.counter_id,
        ).where(Ticket.day >= first, Ticket.day <= last)
    ).all()
    parse = datetime.fromisoformat if as_text else None
    child_of = {r[1]: r for r in rows if r[1] is not None}
    officers = {}
    if with_officers or officer_id is not None:
        # who called each ticket last: the officer the visit counts for
        officers = dict(
            conn.execute(
                select(TicketEvent.ticket_id, TicketEvent.user_id)
                .where(
                    TicketEvent.kind == "called",
                    TicketEvent.event_dt >= utc_from_local_date(first),
                    TicketEvent.event_dt < utc_from_local_date(last, end=True),
                    TicketEvent.user_id.is_not(None),
                )
                .order_by(TicketEvent.id)
            ).all()
        )
    scores = dict(
        conn.execute(
            select(Rating.ticket_id, Rating.score).where(Rating.day >= first, Rating.day <= last)
        ).all()
    )
    days = {}  # the day's date, weekday and UTC offset, once per day
    tz = zone()
    visits = []
    for root in rows:
        if root[1] is not None:
            continue
        leaf, hops = root, 0
        while leaf[0] in child_of and hops < 50:  # a transfer chain; 50 guards bad data
            leaf, hops = child_of[leaf[0]], hops + 1
        officer = officers.get(leaf[0])
        if officer_id is not None and officer != officer_id:
            continue
        status = leaf[3]
        known = days.get(root[8])
        if known is None:
            day = date.fromisoformat(root[8]) if as_text else root[8]
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
            known = days[root[8]] = (day, day.weekday(), noon.utcoffset())
        day, weekday, offset = known
        issued, called = root[5], root[6]
        if parse:
            issued, called = parse(issued), called and parse(called)
        served = None
        if status == "done" and leaf[7] and leaf[6]:
            end, start = leaf[7], leaf[6]
            if parse:
                end, start = parse(end), parse(start)
            served = (end - start).total_seconds()
        visits.append(
            (
                leaf[2],
                leaf[9],
                officer,
                OUTCOMES.get(status, "open"),
                hops > 0,
                root[4] is not None,
                day,
                (issued + offset).hour,
                (called - issued).total_seconds() if called else None,
                served,
                scores.get(leaf[0]),
                weekday,
            )
        )
    return visits


def _labels(s, group, keys):
    if group == "service":
        return {
            sid: (code, name)
            for sid, code, name in s.execute(
                select(Service.id, Service.code, Service.name_vi).order_by(Service.position)
            )
        }
    if group == "counter":
        return {
            cid: (number, name)
            for cid, number, name in s.execute(
                select(Counter.id, Counter.number, Counter.name).order_by(Counter.number)
            )
        }
    if group == "officer":
        ids = [k for k in keys if k is not None]
        if not ids:
            return {}
        return {
            uid: (username, full_name or username)
            for uid, username, full_name in s.execute(
                select(User.id, User.username, User.full_name).where(User.id.in_(ids))
            )
        }
    return {}


def _rows(s, group, tallies, empty):
    """tallies: key → figures; every service and counter gets a row, empty when it had none."""
    labels = _labels(s, group, tallies)
    rows = []
    if group in ("service", "counter"):
        # every service and counter is listed, in the centre's order, even with nothing
        order = list(labels) + sorted((k for k in tallies if k not in labels and k), key=str)
    elif group == "officer":
        order = sorted(
            (k for k in tallies if k is not None), key=lambda k: labels.get(k, ("", ""))[1]
        )
    else:
        order = sorted(k for k in tallies if k is not None)
    if None in tallies:
        order.append(None)
    for k in order:
        if k is None:
            key, label = None, NOT_CALLED
        elif group in ("service", "counter", "officer"):
            key, label = labels.get(k, (k, str(k)))
        elif group == "hour":
            key, label = k, f"{k:02d}:00"
        elif group == "weekday":
            key, label = k, WEEKDAYS[k]
        else:
            key, label = k.isoformat(), k.strftime("%d/%m/%Y")
        rows.append({"key": key, "label": label, **tallies.get(k, empty)})
    return rows


def compute(first, last, groups=GROUPS, officer_id=None):
    """Totals and rows of each group over the visits of [first, last]."""
    target_s = float(current_app.config["REPORT_TARGET_WAIT_MINUTES"]) * 60
    scale = rating_scale()
    scale_scores = [level["score"] for level in scale]
    satisfied = [level["score"] for level in scale if level["satisfied"]]

    def figures(keys, columns):
        return figures_by(keys, columns, target_s, scale_scores, satisfied)

    with get_db().read() as s:
        visits = _visits(s, first, last, officer_id, with_officers="officer" in groups)
        columns = list(zip(*visits, strict=True)) if visits else [()] * 12  # transposed in C
        # a row with no visit: one blank visit's figures, counted as none
        empty = figures((0,), [(None,)] * 12)[0] | {"issued": 0, "priority_pct": None}
        totals = figures((0,) * len(visits), columns).get(0, empty)
        rows = {
            group: _rows(s, group, figures(columns[GROUP_INDEX[group]], columns), empty)
            for group in groups
        }
        return totals, rows


def incident_figures(first, last):
    """Incidents that occurred in the period (drills and dismissed apart) and their minutes of
    disruption inside the period (up to now while it runs)."""
    start = utc_from_local_date(first).replace(tzinfo=UTC)
    end = min(utc_from_local_date(last, end=True), utcnow()).replace(tzinfo=UTC)
    by_type, total_minutes, count = {}, 0.0, 0
    for incident in incidents_between(first, last):
        if incident["is_drill"] or incident["outcome"] == "dismissed":
            continue
        count += 1
        began = datetime.fromisoformat(incident["occurred_at"])
        ended = datetime.fromisoformat(incident["resolved_at"]) if incident["resolved_at"] else end
        lost = max(0.0, (min(ended, end) - max(began, start)).total_seconds() / 60)
        total_minutes += lost
        kind = incident["type"]
        row = by_type.setdefault(
            kind["code"], {"code": kind["code"], "title": kind["title"], "count": 0, "minutes": 0.0}
        )
        row["count"] += 1
        row["minutes"] += lost
    return {
        "count": count,
        "downtime_minutes": round(total_minutes),
        "by_type": [
            {**row, "minutes": round(row["minutes"])}
            for row in sorted(by_type.values(), key=lambda r: r["code"])
        ],
    }


def queue_report(first, last, by="service", period="custom", officer_id=None, extra_groups=()):
    """GET /reports/queue: the period's totals and rows `by` one group, the previous period's
    totals beside it, and the incidents. officer_id: an officer's own visits only."""
    groups = tuple(dict.fromkeys((by, *extra_groups)))
    totals, rows = compute(first, last, groups, officer_id)
    prev_first, prev_last = previous_bounds(period, first, last)
    prev_totals, _ = compute(prev_first, prev_last, (), officer_id)
    report = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "period": period,
        "by": by,
        "scope": "officer" if officer_id is not None else "centre",
        "target_wait_minutes": current_app.config["REPORT_TARGET_WAIT_MINUTES"],
        "scale": [{"score": lv["score"], "label": lv["label"]} for lv in rating_scale()],
        "totals": totals,
        "rows": rows[by],
        "previous": {
            "from": prev_first.isoformat(),
            "to": prev_last.isoformat(),
            "totals": prev_totals,
        },
        "incidents": incident_figures(first, last),
    }
    if extra_groups:
        report["groups"] = rows
    return report


def today_figures(day):
    """The dashboard's live numbers: today's totals, by service, by counter and by hour."""
    totals, rows = compute(day, day, ("service", "counter", "hour"))
    return {"day": day.isoformat(), "totals": totals, **rows}


def parse_period(args, today):
    """(period, first, last) from ?period=&date= or ?from=&to= (custom); bad input raises."""
    from qms.errors import Invalid

    def day_arg(name):
        raw = args.get(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise Invalid(
                f"'{name}' phải có dạng YYYY-MM-DD. '{name}' must be YYYY-MM-DD.",
                "invalid_date",
                field=name,
            ) from None

    first, last = day_arg("from"), day_arg("to")
    period = args.get("period") or ("custom" if first or last else "month")
    if period not in PERIODS:
        raise Invalid(
            f"period phải là một trong {', '.join(PERIODS)}. Unknown period.", "invalid_period"
        )
    if period == "custom":
        if not (first or last):
            first = last = today
        first, last = first or last, last or first
        if first > last:
            raise Invalid("'from' phải trước 'to'. 'from' must not be after 'to'.", "invalid_range")
        if (last - first).days > 3 * 366:
            raise Invalid("Khoảng thời gian tối đa 3 năm. At most 3 years.", "range_too_long")
        return period, first, last
    anchor = day_arg("date") or first or today
    first, last = period_bounds(period, anchor)
    return period, first, last

"""Transfer: the citizen moves on to another service or counter, keeping code, QR link and place."""

from sqlalchemy import select

from qms import signals
from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.queue import queries
from qms.queue.models import Counter, Service, Ticket
from qms.queue.operations import tickets
from qms.queue.operations.calling import app_now, current_of, emit_after, load_counter


def transfer(
    counter_number,
    service_code=None,
    user_id=None,
    expected_ticket_id=None,
    page=None,
    to_counter=None,
):
    """The citizen keeps the code, the QR link and the place by original issue time.

    To a service (the copy waits in its queue), to a counter (the copy waits for that counter
    only, which calls it before its services' queue), or both (that counter, that service).
    """
    if service_code is None and to_counter is None:
        raise Invalid(
            "Cần chọn lĩnh vực hoặc quầy để chuyển đến. Give a service or a counter.",
            "missing_field",
            field="service",
        )
    with get_db().write() as s:
        counter = load_counter(s, counter_number)
        ticket = current_of(
            s,
            counter,
            expected_ticket_id,
            missing="Quầy không có vé để chuyển. No ticket to transfer.",
            page=page,
        )
        target = ticket.service
        if service_code is not None:
            target = s.scalar(select(Service).where(Service.code == service_code))
            if target is None:
                raise NotFound(
                    f"Không có lĩnh vực '{service_code}'. Unknown service.", "unknown_service"
                )
            if not target.is_active:
                raise Conflict(
                    "Lĩnh vực này đang tạm ngừng. Target service is paused.", "service_inactive"
                )
            if target.id == ticket.service_id and to_counter is None:
                raise Invalid(
                    "Vé đã thuộc lĩnh vực này. Ticket is already in that service.",
                    "same_service",
                )
        desk = _target_counter(s, counter, to_counter) if to_counter is not None else None
        moved_to = {"to": target.code}
        if desk is not None:
            moved_to["to_counter"] = desk.number
        tickets.finish(s, ticket, "transferred", counter.id, user_id, **moved_to)
        moved_id = tickets.insert_ticket(
            s,
            service_id=target.id,
            series_service_id=ticket.series_service_id,
            day=ticket.day,
            number=ticket.number,
            code=ticket.code,
            priority=ticket.priority,
            priority_class=ticket.priority_class,
            origin="transfer",
            parent_id=ticket.id,
            track_token=ticket.track_token,
            kiosk_id=ticket.kiosk_id,
            issued_dt=ticket.issued_dt,
            queue_dt=ticket.issued_dt,
            reserved_counter_id=desk.id if desk is not None else None,
        )
        tickets.record_events(
            s,
            [
                {
                    "ticket_id": moved_id,
                    "kind": "transferred_in",
                    "data": {"parent": ticket.id, **moved_to},
                }
            ],
            counter_id=counter.id,
            user_id=user_id,
        )
        moved = s.get(Ticket, moved_id)
        result = {
            "ticket": queries.ticket_dict(s, moved),
            "counter": queries.counter_summary(counter),
        }
    emit_after(result, action="transferred")
    if desk is not None:  # the receiving counter's page redraws its list at once
        signals.counter_changed.send(app_now(), counter=queries.counter_summary(desk))
    return result


def _target_counter(s, counter, number):
    desk = s.scalar(select(Counter).where(Counter.number == number))
    if desk is None:
        raise NotFound(
            f"Không có quầy số {number}. Unknown counter {number}.",
            "unknown_counter",
            field="counter",
        )
    if desk.id == counter.id:
        raise Invalid(
            "Vé đang ở chính quầy này. The ticket is already at this counter.", "same_counter"
        )
    if desk.state == "closed":
        raise Conflict(
            f"{desk.name} đã đóng, không nhận vé chuyển đến. Counter {number} is closed.",
            "counter_closed",
        )
    return desk

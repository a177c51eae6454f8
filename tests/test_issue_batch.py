"""A group of requests committed together: each gets exactly what it would get alone.

The issuing writer takes every request waiting in its queue and commits them in one
transaction (qms.queue.operations.issuing._issue_batch). These tests hand it groups directly:
numbers per service are consecutive in arrival order, a refused request takes no number,
people ahead count the group's own earlier tickets by priority, and a group that cannot
commit leaves nothing behind. Runs on SQLite and, with --db=postgres, on PostgreSQL.
"""

import pytest
from sqlalchemy import func, select, update

from qms.errors import Conflict, Invalid, NotFound
from qms.extensions import get_db
from qms.queue.models import DailySequence, Service, Ticket, TicketEvent
from qms.queue.operations.issuing import _issue_batch

pytestmark = pytest.mark.storage

BASE = "http://qms.test"


def _group(*requests):
    """(service, priority) pairs → the answers of one committed group."""
    with get_db().write() as s:
        return _issue_batch(s, [(code, priority, "k1", BASE) for code, priority in requests])


def test_a_group_numbers_each_service_in_arrival_order_and_counts_who_is_ahead(app):
    answers = _group(
        ("A", None),
        ("A", "elderly"),
        ("B", None),
        ("ZZ", None),  # unknown: refused, takes no number
        ("A", None),
        ("A", "nosuch"),  # unknown priority: refused, takes no number
        ("A", "disabled"),
    )
    assert [a["code"] if isinstance(a, dict) else type(a) for a in answers] == [
        "A001",
        "A002",
        "B001",
        NotFound,
        "A003",
        Invalid,
        "A004",
    ]
    by_code = {a["code"]: a for a in answers if isinstance(a, dict)}
    # A001 first in an empty queue; the elderly citizen passes nobody's priority
    assert by_code["A001"]["ahead"] == 0
    assert by_code["A002"]["ahead"] == 0
    # a normal ticket waits behind every earlier one: A001 and the priority A002
    assert by_code["A003"]["ahead"] == 2
    # a priority ticket waits only behind earlier priority tickets: A002
    assert by_code["A004"]["ahead"] == 1
    assert by_code["B001"]["ahead"] == 0
    # a second group continues the numbers and counts the committed queue
    (normal, priority) = _group(("A", None), ("A", "merit"))
    assert (normal["code"], normal["ahead"]) == ("A005", 4)
    assert (priority["code"], priority["ahead"]) == ("A006", 2)
    with get_db().read() as s:
        assert s.scalar(select(func.count(Ticket.id))) == 7
        assert s.scalar(select(func.count(TicketEvent.id)).where(TicketEvent.kind == "issued")) == 7
        last = dict(s.execute(select(DailySequence.service_id, DailySequence.last)).all())
    assert sorted(last.values()) == [1, 6]


def test_each_answer_matches_the_ticket_as_read_back(app, client):
    answers = _group(("C", None), ("C", "pregnant"), ("C", None))
    for answer in answers:
        read = client.get(f"/api/v1/tickets/{answer['id']}").get_json()
        for key in ("id", "code", "number", "service", "status", "issued_at"):  # public view
            assert read[key] == answer[key], key
        assert answer["track_url"].startswith(BASE + "/t/")
    # read back now, the later priority ticket has passed the first normal one
    first = client.get(f"/api/v1/tickets/{answers[0]['id']}").get_json()
    assert first["ahead"] == 1


def test_a_paused_centre_refuses_the_whole_group_and_takes_no_number(app):
    from qms.centre import operations

    operations.set_reception(True, "Mất điện")
    answers = _group(("A", None), ("B", "elderly"))
    assert all(isinstance(a, Conflict) and a.code == "paused" for a in answers)
    # each waiter raises its own exception object, in its own request thread
    assert len({id(a) for a in answers}) == len(answers)
    with get_db().read() as s:
        assert s.scalar(select(func.count(Ticket.id))) == 0
        assert s.scalar(select(func.count()).select_from(DailySequence)) == 0


def test_a_daily_cap_counts_the_groups_own_tickets(app):
    with get_db().write() as s:
        s.execute(update(Service).where(Service.code == "A").values(daily_cap=2))
    answers = _group(("A", None), ("A", None), ("A", None), ("B", None))
    assert [a["code"] if isinstance(a, dict) else a.code for a in answers] == [
        "A001",
        "A002",
        "cap_reached",
        "B001",
    ]


def test_a_group_whose_commit_fails_leaves_nothing(app):
    with pytest.raises(RuntimeError), get_db().write() as s:
        answers = _issue_batch(s, [("A", None, None, BASE), ("B", None, None, BASE)])
        assert [a["code"] for a in answers] == ["A001", "B001"]
        raise RuntimeError("the disk went away before the commit")
    with get_db().read() as s:
        assert s.scalar(select(func.count(Ticket.id))) == 0
    (again,) = _group(("A", None))
    assert again["code"] == "A001"  # the rolled-back number was never given


def _ahead_read_back(client, answer):
    return client.get(f"/api/v1/tickets/{answer['id']}").get_json()["ahead"]


def test_people_ahead_stays_exact_whatever_moves_the_queue_between_groups(app, client):
    """On SQLite the writer keeps the waiting counts between groups (tally.py): every way the
    queue can move in between must show in the next ticket's people ahead, exactly as the
    tracking page counts it."""
    from datetime import timedelta

    from sqlalchemy import create_engine

    from qms.timeutil import utcnow

    def check(*requests):
        """The group's answers; its last ticket, which no later one has passed yet, counts
        the same people ahead as the tracking page reads back."""
        answers = _group(*requests)
        assert answers[-1]["ahead"] == _ahead_read_back(client, answers[-1])
        return answers

    check(("A", None), ("A", None), ("A", "elderly"))
    (fourth,) = check(("A", None))  # kept counts: three ahead
    assert fourth["ahead"] == 3
    # this process's own connection moves the queue: one ticket is called away
    with get_db().write() as s:
        s.execute(update(Ticket).where(Ticket.code == "A001").values(status="called"))
    (fifth,) = check(("A", None))
    assert fifth["ahead"] == 3
    # another connection (another process, a CLI) cancels one: the writer cannot see it happen
    other = create_engine(get_db().url)
    try:
        with other.begin() as conn:
            conn.execute(update(Ticket).where(Ticket.code == "A002").values(status="cancelled"))
    finally:
        other.dispose()
    (sixth,) = check(("A", None))
    assert sixth["ahead"] == 3
    # a group that never commits leaves the kept counts as they were
    with pytest.raises(RuntimeError), get_db().write() as s:
        _issue_batch(s, [("A", None, None, BASE)] * 3)
        raise RuntimeError("the disk went away before the commit")
    (seventh,) = check(("A", None))
    assert seventh["ahead"] == 4
    # a ticket queued in the future is not ahead yet, in this group or the next
    with get_db().write() as s:
        s.execute(
            update(Ticket)
            .where(Ticket.code == "A005")
            .values(queue_dt=utcnow() + timedelta(hours=1))
        )
    assert [a["ahead"] for a in check(("A", None))] == [4]
    assert [a["ahead"] for a in check(("B", None), ("A", None))] == [0, 5]


def test_each_answer_names_its_own_row_and_the_group_is_announced_once(app):
    """The group's tickets go in as one multi-row INSERT whose RETURNING promises no order:
    every answer's id must still be the row holding its number and its tracking token, and
    tickets_issued carries the committed group once, before any of its answers."""
    from threading import Thread

    from qms import signals
    from qms.queue.operations import issuing

    heard, answers, early = [], [], []

    def receiver(sender, tickets):
        ids = {t["id"] for t in tickets}
        heard.append(sorted(ids))
        early.extend(a["id"] for a in list(answers) if a["id"] in ids)  # answered first?

    signals.tickets_issued.connect(receiver, sender=app)

    def submit(code):
        with app.test_request_context(base_url=BASE):
            answers.append(issuing.issue_ticket(code, None, "k1"))

    try:  # mixed services through the batcher, from many threads at once: groups form
        threads = [Thread(target=submit, args=("AB"[i % 2],)) for i in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        signals.tickets_issued.disconnect(receiver, sender=app)
    assert len(answers) == 24
    with get_db().read() as s:
        rows = {
            row.id: (row.code, row.number, row.track_token)
            for row in s.execute(select(Ticket.id, Ticket.code, Ticket.number, Ticket.track_token))
        }
    for answer in answers:
        token = answer["track_url"].rsplit("/", 1)[-1]
        assert rows[answer["id"]] == (answer["code"], answer["number"], token)
    announced = [ticket_id for group in heard for ticket_id in group]
    assert sorted(announced) == sorted(a["id"] for a in answers)  # each once, none missing
    assert early == []  # announced before answered: the board a citizen reads counts them

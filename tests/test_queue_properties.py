"""Property-based tests of the queue: any sequence of counter actions keeps its promises.

A model of the queue runs beside the real engine (real database, real operations); after
every step the engine must agree with the model and the invariants must hold.
"""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select

from qms.errors import QmsError
from qms.extensions import get_db
from qms.queue.models import DailySequence, Ticket, TicketEvent
from qms.queue.operations import calling, issuing, transfers

pytestmark = pytest.mark.storage

COUNTERS = {1: ("A", "B"), 2: ("C",), 4: ("T", "B", "A")}
SERVICES = ("A", "B", "C", "T")
PRIORITIES = (None, None, "elderly", "disabled", "pregnant", "merit")


def make_machine(app, policy, ratio):
    class QueueMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            with get_db().write() as s:
                s.execute(delete(TicketEvent))
                s.execute(delete(Ticket))
                s.execute(delete(DailySequence))
            app.config["PRIORITY_POLICY"] = policy
            app.config["PRIORITY_RATIO"] = ratio
            self.seq = 0
            self.waiting = {}  # ticket id → (service, class, order key)
            self.current = {n: None for n in COUNTERS}
            self.numbers = {s: 0 for s in SERVICES}
            self.priority_streak = {n: 0 for n in COUNTERS}
            self.issue_order = {}  # ticket id → order key of its original issue

        def _order(self):
            self.seq += 1
            return self.seq

        def _eligible(self, counter):
            services = COUNTERS[counter]
            return {i: v for i, v in self.waiting.items() if v[0] in services}

        @rule(service=st.sampled_from(SERVICES), priority=st.sampled_from(PRIORITIES))
        def issue(self, service, priority):
            ticket = issuing.issue_ticket(service, priority)
            self.numbers[service] += 1
            assert ticket["number"] == self.numbers[service], "numbers must be gapless per service"
            assert ticket["code"] == f"{service}{self.numbers[service]:03d}"
            order = self._order()
            self.issue_order[ticket["id"]] = order
            self.waiting[ticket["id"]] = (service, 0 if priority else 1, order)

        @rule(counter=st.sampled_from(sorted(COUNTERS)))
        def call_next(self, counter):
            eligible = self._eligible(counter)
            had_normal = any(v[1] == 1 for v in eligible.values())
            result = calling.call_next(counter)
            self.current[counter] = None
            ticket = result["ticket"]
            if not eligible:
                assert ticket is None
                return
            assert ticket is not None, "a waiting ticket must be called"
            assert ticket["id"] in eligible, "called a ticket that was not waiting here"
            service, klass, order = eligible[ticket["id"]]
            same_class = [v[2] for v in eligible.values() if v[1] == klass]
            assert order == min(same_class), "FIFO within a class"
            if policy == "strict":
                assert klass == min(v[1] for v in eligible.values()), "priority before normal"
            else:
                if klass == 0 and had_normal:
                    self.priority_streak[counter] += 1
                    assert self.priority_streak[counter] <= ratio, "normal tickets starved"
                elif klass == 1:
                    self.priority_streak[counter] = 0
            del self.waiting[ticket["id"]]
            self.current[counter] = ticket["id"]

        def _act(self, counter, fn, *args):
            if self.current[counter] is None:
                with pytest.raises(QmsError) as exc:
                    fn(counter, *args)
                assert exc.value.code == "no_current_ticket"
                return None
            return fn(counter, *args)

        @rule(counter=st.sampled_from(sorted(COUNTERS)))
        def recall(self, counter):
            result = self._act(counter, calling.recall)
            if result:
                assert result["ticket"]["id"] == self.current[counter]
                assert result["ticket"]["call_count"] >= 2

        @rule(counter=st.sampled_from(sorted(COUNTERS)))
        def complete(self, counter):
            if self._act(counter, calling.complete):
                self.current[counter] = None

        @rule(counter=st.sampled_from(sorted(COUNTERS)), requeue=st.booleans())
        def no_show(self, counter, requeue):
            ticket_id = self.current[counter]
            result = self._act(counter, lambda n: calling.no_show(n, requeue=requeue))
            if result:
                self.current[counter] = None
                if requeue:
                    service = result["ticket"]["service"]
                    klass = 0 if result["ticket"]["priority"] else 1
                    self.waiting[ticket_id] = (service, klass, self._order())

        @rule(counter=st.sampled_from(sorted(COUNTERS)), to_service=st.sampled_from(SERVICES))
        def transfer(self, counter, to_service):
            target = to_service
            ticket_id = self.current[counter]
            if ticket_id is None:
                return
            with get_db().read() as s:
                ticket = s.get(Ticket, ticket_id)
                service = ticket.service.code
            if service == target:
                with pytest.raises(QmsError):
                    transfers.transfer(counter, target)
                return
            result = transfers.transfer(counter, target)
            moved = result["ticket"]
            self.current[counter] = None
            klass = 0 if moved["priority"] else 1
            # keeps its place by original issue time
            self.issue_order[moved["id"]] = self.issue_order[ticket_id]
            self.waiting[moved["id"]] = (target, klass, self.issue_order[ticket_id])

        @invariant()
        def one_ticket_per_counter_and_counter_per_ticket(self):
            with get_db().read() as s:
                active = s.execute(
                    select(Ticket.id, Ticket.counter_id).where(
                        Ticket.status.in_(("called", "serving"))
                    )
                ).all()
                waiting = set(s.scalars(select(Ticket.id).where(Ticket.status == "waiting")))
            counters = [c for _, c in active]
            assert len(counters) == len(set(counters)), "a counter holds two tickets"
            assert all(c is not None for c in counters)
            assert {t for t, _ in active} == {t for t in self.current.values() if t}
            assert waiting == set(self.waiting), "waiting set differs from the model"

    return QueueMachine


@pytest.mark.parametrize(("policy", "ratio"), [("strict", 3), ("ratio", 2), ("ratio", 1)])
def test_queue_state_machine(app, policy, ratio):
    machine = make_machine(app, policy, ratio)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )

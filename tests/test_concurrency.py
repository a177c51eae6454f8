"""Several OS processes on one database: numbers unique and gapless, no ticket called twice."""

import multiprocessing as mp

import pytest

pytestmark = pytest.mark.storage


def _issue_worker(config, service, count, queue):
    from qms import create_app
    from qms.queue.operations.issuing import issue_ticket

    app = create_app(config)
    numbers = []
    with app.app_context():
        for _ in range(count):
            numbers.append(issue_ticket(service)["number"])
    app.extensions["qms"].db.dispose()
    queue.put(numbers)


def _call_worker(config, counter, queue, start):
    from qms import create_app
    from qms.queue.operations.calling import call_next
    from qms.queue.queries import get_counter

    app = create_app(config)
    called = []
    with app.app_context():
        get_counter(counter)  # warm: connections open, statements compiled
        start.wait(60)  # both processes ready: they race from here
        while True:
            ticket = call_next(counter)["ticket"]
            if ticket is None:
                break
            called.append(ticket["id"])
    app.extensions["qms"].db.dispose()
    queue.put((counter, called))


def _config(app):
    return {
        "DATA_DIR": app.config["DATA_DIR"],
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
    }


def _run(target, args_list):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for args in args_list]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return results


def test_processes_issue_unique_gapless_numbers(app):
    workers, per_worker = 4, 40
    results = _run(_issue_worker, [(_config(app), "A", per_worker)] * workers)
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == list(range(1, workers * per_worker + 1))
    for batch in results:  # each process saw its own numbers rising
        assert batch == sorted(batch)


def test_two_counters_calling_at_once_never_share_a_ticket(app):
    from qms.queue.operations.issuing import issue_ticket

    issued = {issue_ticket(service)["id"] for service in ("A", "B") * 150}
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(2)
    queue = ctx.Queue()
    # counters 1 (A, B) and 4 (T, B, A) serve the same services
    procs = [ctx.Process(target=_call_worker, args=(_config(app), n, queue, start)) for n in (1, 4)]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
    first, second = results[1], results[4]
    assert not set(first) & set(second), "a ticket went to two counters"
    assert set(first) | set(second) == issued, "every ticket is called exactly once"
    assert len(first) + len(second) == len(issued)
    assert first and second, "both counters worked"

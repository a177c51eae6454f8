"""People ahead without counting the whole queue for every group of tickets (SQLite).

A new ticket's "people ahead" needs the waiting queue of its service by priority class. The
count walks every waiting ticket of the service: cheap for a commune's morning, but it grows
with the queue and it ran once per group. The writer keeps the counts it read, adds the
tickets it issues, and trusts them for as long as nothing else can have moved the queue:

- no other connection committed since (SQLite's ``PRAGMA data_version`` is unchanged), and
- this connection changed nothing else (its ``total_changes`` is what the last issuing
  transaction left), so a call, a cancel or a transfer on the same connection drops them too;
- the day is the same, and no waiting ticket of the service is queued in the future (a
  service with one is counted every time: time alone would move it ahead).

The kept counts move only after the transaction commits (a failed group leaves them). On
PostgreSQL, where several processes write, the queue is counted every time.
"""

import threading

from sqlalchemy import event


class WaitingTally:
    def __init__(self):
        self._lock = threading.Lock()
        self._kept = None  # (dbapi connection, data_version, total_changes, day, {sid: {class: n}})

    def stamp(self, conn):
        """(dbapi connection, data_version, total_changes) at the start of an issuing
        transaction, before it writes anything; None off SQLite."""
        if conn.dialect.name != "sqlite":
            return None
        raw = conn.connection.dbapi_connection
        return raw, conn.exec_driver_sql("PRAGMA data_version").scalar(), raw.total_changes

    def known(self, stamp, day):
        """{service id: {class: waiting}} still true in this transaction, or {}."""
        with self._lock:
            kept = self._kept
        if stamp is None or kept is None:
            return {}
        raw, version, changes, kept_day, counts = kept
        if raw is not stamp[0] or version != stamp[1] or changes != stamp[2]:
            return {}
        return counts if kept_day == day else {}

    def keep_after_commit(self, session, stamp, day, counts):
        """Keep counts (this transaction's tickets included) once the session commits."""
        with self._lock:
            self._kept = None  # until the commit: a rollback must not leave them
        if stamp is None:
            return
        raw, version, _changes = stamp

        def committed(_session):
            with self._lock:
                self._kept = (raw, version, raw.total_changes, day, counts)

        event.listen(session, "after_commit", committed, once=True)

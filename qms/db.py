"""Engine, sessions, SQLite pragmas, migrations and leases.

SQLite is the embedded default: WAL, synchronous=FULL, a busy timeout, and every write
transaction opened with BEGIN IMMEDIATE so two writers never deadlock on lock upgrade.
Reads use a second engine with deferred transactions, so they never wait for a writer.
"""

import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qms.errors import StorageUnavailable
from qms.storage import StorageHealth
from qms.timeutil import utcnow

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalise_url(url):
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Database:
    def __init__(self, url):
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = self._sqlite_engine(immediate=True)
            self.read_engine = self._sqlite_engine(immediate=False)
            # threads of one process queue here instead of in SQLite's sleeping busy handler
            self._write_lock = threading.Lock()
        else:
            self.engine = create_engine(self.url, pool_size=10, max_overflow=40, pool_pre_ping=True)
            self.read_engine = self.engine
            self._write_lock = None
        self.health = StorageHealth()
        self._write_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=self.read_engine, expire_on_commit=False)

    def _sqlite_engine(self, immediate):
        engine = create_engine(
            self.url,
            pool_size=8,
            max_overflow=56,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql(begin)

        return engine

    @contextmanager
    def write(self):
        """One durable write transaction: committed on exit, rolled back on any error.

        A failure of the storage itself (disk full, I/O error, file gone read-only) is
        reported to self.health and raised as StorageUnavailable (503): nothing committed.
        """
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except (OperationalError, OSError) as exc:
            self.health.write_failed(getattr(exc, "orig", None) or exc)
            raise StorageUnavailable() from exc
        else:
            self.health.write_ok()
        finally:
            if lock is not None:
                lock.release()

    @contextmanager
    def read(self):
        with self._read_sessions() as session, session.begin():
            yield session

    def dispose(self):
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    # --- migrations -------------------------------------------------------------------

    def alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("path_separator", "os")
        return cfg

    def upgrade(self):
        from alembic import command

        cfg = self.alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")

    def current_heads(self):
        from alembic.runtime.migration import MigrationContext

        with self.read_engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())

    def script_heads(self):
        from alembic.script import ScriptDirectory

        return set(ScriptDirectory.from_config(self.alembic_config()).get_heads())

    # --- backup -----------------------------------------------------------------------

    def backup_sqlite(self, target):
        """Online backup through SQLite's backup API: consistent while the server runs."""
        import sqlite3

        if not self.is_sqlite:
            raise RuntimeError("backup works on the embedded SQLite database; use pg_dump")
        source_path = self.url.split("///", 1)[-1]
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source_path)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target


def try_acquire_lease(db, name, holder, seconds):
    """Leader election for work done once per site (health monitor, print worker)."""
    from qms.models import Lease

    now = utcnow()
    expires = now + timedelta(seconds=seconds)
    with db.write() as session:
        lease = session.get(Lease, name)
        if lease is None:
            session.add(Lease(name=name, holder=holder, expires_dt=expires))
            return True
        if lease.holder == holder or lease.expires_dt < now:
            lease.holder = holder
            lease.expires_dt = expires
            return True
        return False


__all__ = ["Database", "Session", "try_acquire_lease"]

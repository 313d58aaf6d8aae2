"""Engine and session factories for the records database.

Engines are built on demand (never at import time) from a SQLAlchemy URL that the caller got from
the settings. SQLite is the embedded default: WAL journal so readers never block. A writing transaction opens
with ``BEGIN IMMEDIATE`` so exactly one writer holds the lock at a time (the others wait up to
``busy_timeout`` — a few seconds — and then fail with :class:`DatabaseBusy`, which the web answers
with a 503 and a retry hint instead of queueing every request behind one stuck writer). A
read-only session (:func:`make_session_factory` with ``readonly=True``) opens a deferred ``BEGIN``
and never takes the write lock, so reads never wait for each other or for a writer.
PostgreSQL is used as is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5_000
READONLY_OPTION = "envplan_readonly"


class DatabaseBusy(RuntimeError):
    """The records database stayed locked by another writer past the busy timeout."""


def is_busy_error(exc: BaseException) -> bool:
    """Whether ``exc`` (a DBAPI or SQLAlchemy error) means "the database is locked / busy"."""
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, pg_schema: str | None = None, echo: bool = False) -> Engine:
    """Create an engine for ``url`` (SQLite file/memory or PostgreSQL).

    pg_schema: PostgreSQL only — put every table of envplan in this schema (``search_path``);
    tests use one fresh schema per test.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, in_memory=database in ("", ":memory:"))
        return engine
    connect_args: dict[str, Any] = {}
    if pg_schema:
        connect_args["options"] = f"-csearch_path={pg_schema}"
    return create_engine(parsed, echo=echo, connect_args=connect_args, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own implicit BEGIN is disabled so that we can emit BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READONLY_OPTION):
            # Readers: a deferred transaction (a consistent WAL snapshot, no write lock).
            connection.exec_driver_sql("BEGIN")
            return
        # One writer: take the write lock at BEGIN, so two writers queue instead of deadlocking.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def readonly_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions never take the SQLite write lock."""
    return engine.execution_options(**{READONLY_OPTION: True})


def make_session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (services return ORM rows to callers).

    readonly: sessions for reading only — on SQLite a deferred ``BEGIN`` that never waits for or
    blocks a writer (a write attempted in one fails instead of queueing).
    """
    bind = readonly_engine(engine) if readonly else engine
    return sessionmaker(bind=bind, expire_on_commit=False)

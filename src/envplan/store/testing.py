"""Pytest fixtures: every database test runs once on SQLite and once on PostgreSQL.

Use from a conftest.py::

    from envplan.store.testing import db_backend, db_engine, db_session, db_url, migrated_engine  # noqa: F401

- ``db_backend``: "sqlite" or "postgresql" (the parametrisation).
- ``db_engine``: an EMPTY, isolated database — a fresh SQLite file, or a fresh PostgreSQL schema
  (dropped afterwards) at ``ENVPLAN_TEST_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). No migrations applied.
- ``migrated_engine``: an isolated database at the newest schema with no rows. For speed it is a
  copy of a migrated template file (SQLite) or a per-worker migrated schema emptied with TRUNCATE
  before each test (PostgreSQL; rebuilt if a test removed or disabled the append-only guards).
- ``db_session``: a session on ``migrated_engine``.
- ``db_url``: the URL of the test's database (``migrated_engine``'s when the test uses it, else
  ``db_engine``'s); for PostgreSQL it carries the schema in ``options=-csearch_path=…``, so it
  can be passed to the CLI as ENVPLAN_DATABASE_URL.

An unreachable PostgreSQL server makes the PostgreSQL half FAIL (an error), never skip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from envplan.store.engine import make_engine, make_session_factory
from envplan.store.migrate import upgrade
from envplan.store.models import APPEND_ONLY_TABLES, Base

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_test_url() -> str:
    return os.environ.get("ENVPLAN_TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL


def _schema_url(schema: str) -> str:
    url = make_url(postgres_test_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _create_schema() -> str:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_test_url())
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return schema


def _drop_schema(schema: str) -> None:
    admin = create_engine(postgres_test_url())
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_engine(db_backend: str, tmp_path: Path) -> Iterator[Engine]:
    if db_backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'records.sqlite3'}")
        yield engine
        engine.dispose()
        return
    schema = _create_schema()
    engine = make_engine(_schema_url(schema))
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_schema(schema)


class _SharedPostgresSchema:
    """One migrated schema per test process, emptied before each test."""

    def __init__(self) -> None:
        self.schema: str | None = None

    def _guards_intact(self, engine: Engine) -> bool:
        with engine.connect() as conn:
            enabled = conn.execute(
                text(
                    "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND t.tgname LIKE '%append_only' "
                    "AND t.tgenabled = 'O'"
                ),
                {"schema": self.schema},
            ).scalar_one()
        return int(enabled) == len(APPEND_ONLY_TABLES)

    def engine(self) -> Engine:
        if self.schema is not None:
            engine = make_engine(_schema_url(self.schema))
            try:
                if self._guards_intact(engine):
                    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
                    with engine.begin() as conn:
                        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                    return engine
            except Exception:  # a leaked lock or a broken schema: start over below
                pass
            engine.dispose()
            _drop_schema(self.schema)
        self.schema = _create_schema()
        engine = make_engine(_schema_url(self.schema))
        upgrade(engine)
        return engine

    def close(self) -> None:
        if self.schema is not None:
            _drop_schema(self.schema)


# Per-process shared state (kept out of fixtures so that importing the five public fixtures
# into a conftest is enough); cleaned up when the pytest session ends.
_shared_pg: _SharedPostgresSchema | None = None
_sqlite_template: Path | None = None


def _shared_postgres(config: pytest.Config) -> _SharedPostgresSchema:
    global _shared_pg
    if _shared_pg is None:
        _shared_pg = _SharedPostgresSchema()
        config.add_cleanup(_shared_pg.close)
    return _shared_pg


def _sqlite_template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    global _sqlite_template
    if _sqlite_template is None or not _sqlite_template.exists():
        path = tmp_path_factory.mktemp("envplan-template") / "records.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        # Fold the WAL into the main file so that copying that one file copies the database.
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        _sqlite_template = path
    return _sqlite_template


@pytest.fixture
def migrated_engine(
    db_backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Engine]:
    if db_backend == "sqlite":
        template = _sqlite_template_path(request.getfixturevalue("tmp_path_factory"))
        target = tmp_path / "migrated.sqlite3"
        shutil.copyfile(template, target)
        engine = make_engine(f"sqlite:///{target}")
    else:
        engine = _shared_postgres(request.config).engine()
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def db_url(request: pytest.FixtureRequest) -> str:
    """URL of the test's database (PostgreSQL: carries the test schema in ``options``)."""
    name = "migrated_engine" if "migrated_engine" in request.fixturenames else "db_engine"
    engine: Engine = request.getfixturevalue(name)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def db_session(migrated_engine: Engine) -> Iterator[Session]:
    with make_session_factory(migrated_engine)() as session:
        yield session

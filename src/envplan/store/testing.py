"""Pytest fixtures: every database test runs once on SQLite and once on PostgreSQL.

Use from a conftest.py::

    from envplan.store.testing import db_backend, db_engine, db_session, db_url  # noqa: F401

- ``db_backend``: "sqlite" or "postgresql" (the parametrisation).
- ``db_url`` / ``db_engine``: an EMPTY, isolated database — a fresh SQLite file, or a fresh
  PostgreSQL schema (dropped afterwards) at ``ENVPLAN_TEST_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). No migrations applied yet.
- ``migrated_engine``: the same, upgraded to the newest schema.
- ``db_session``: a session on ``migrated_engine``.

An unreachable PostgreSQL server makes the PostgreSQL half FAIL (an error), never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from envplan.store.engine import make_engine, make_session_factory
from envplan.store.migrate import upgrade

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_test_url() -> str:
    return os.environ.get("ENVPLAN_TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL


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
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_test_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The schema goes into the URL (libpq ``options``), so that a command run with
    # ENVPLAN_DATABASE_URL=<db_url> sees the same isolated schema.
    url = make_url(postgres_test_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(db_engine: Engine) -> str:
    """URL of the isolated database (PostgreSQL: carries the test schema in ``options``)."""
    return db_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def migrated_engine(db_engine: Engine) -> Engine:
    upgrade(db_engine)
    return db_engine


@pytest.fixture
def db_session(migrated_engine: Engine) -> Iterator[Session]:
    with make_session_factory(migrated_engine)() as session:
        yield session

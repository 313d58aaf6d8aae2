"""Migration 0005_offsets creates exactly what store/offsets.py declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from envplan.store.models import Base

OFFSETS_TABLES = {"offset_credits", "offset_debits", "offset_allocations", "emission_records"}


def test_migration_matches_models(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    ours = [d for d in diffs if any(t in repr(d) for t in OFFSETS_TABLES)]
    assert ours == []

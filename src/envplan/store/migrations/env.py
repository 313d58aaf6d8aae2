"""Alembic environment: runs on the connection handed over by ``envplan.store.migrate``."""

from __future__ import annotations

from alembic import context

from envplan.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only ``envplan.store.migrate`` drives migrations
    raise RuntimeError("envplan migrations run through envplan.store.migrate (envplan db upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

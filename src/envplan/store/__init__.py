"""Records of the supervision system: engines, models, migrations, audit chain, evidence files.

Public entry points:
- :func:`make_engine` / :func:`make_session_factory` — build on demand from a URL (never at import).
- :func:`upgrade` / :func:`downgrade` / :func:`current_revision` — Alembic migrations shipped here.
- :mod:`envplan.store.models` — the ORM classes.
- :mod:`envplan.store.audit` — ``append`` and ``verify_chain`` on the hash-chained audit log.
- :class:`EvidenceStore` — evidence bytes by SHA-256.
- :mod:`envplan.store.testing` — pytest fixtures running a test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from envplan.store import enterprises as _enterprises  # noqa: F401  (tables in Base.metadata)
from envplan.store.engine import is_sqlite, make_engine, make_session_factory
from envplan.store.evidence import EvidenceCorrupted, EvidenceStore
from envplan.store.migrate import current_revision, downgrade, head_revision, upgrade

__all__ = [
    "EvidenceCorrupted",
    "EvidenceStore",
    "current_revision",
    "downgrade",
    "head_revision",
    "is_sqlite",
    "make_engine",
    "make_session_factory",
    "upgrade",
]

from envplan.store.testing import (  # noqa: F401
    db_backend,
    db_engine,
    db_session,
    db_url,
    migrated_engine,
)

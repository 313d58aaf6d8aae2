from sqlalchemy import Engine, inspect, text

from envplan.store import current_revision, downgrade, head_revision, upgrade
from envplan.store.enterprises import ENTERPRISE_TABLES
from envplan.store.water_graph import WATER_GRAPH_TABLES

EXPECTED_TABLES = {
    "units",
    "users",
    "plan_versions",
    "tasks",
    "occurrences",
    "progress_reports",
    "report_reviews",
    "evidence_files",
    "report_evidence",
    "comments",
    "notices",
    "clock_items",
    "notice_comments",
    "dispatch_snapshots",
    "audit_log",
    "web_sessions",
    *("offset_credits", "offset_debits", "offset_allocations", "emission_records"),
}
EXPECTED_TABLES |= {  # contaminated-land registry (revision 0006_land)
    "land_plots",
    "land_steps",
    "land_step_evidence",
    "land_samples",
    "land_queries",
    "land_query_replies",
    "land_key_units",
    "land_duties",
}
EXPECTED_TABLES |= set(ENTERPRISE_TABLES)  # store.enterprises (revision 0004_enterprises)
EXPECTED_TABLES |= set(WATER_GRAPH_TABLES)  # store.water_graph (revision 0007_water_graph)


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_then_downgrade_cleanly(db_engine: Engine) -> None:
    assert _tables(db_engine) == set()
    assert current_revision(db_engine) is None
    upgrade(db_engine)
    assert current_revision(db_engine) == head_revision()
    assert _tables(db_engine) == EXPECTED_TABLES
    downgrade(db_engine)
    assert _tables(db_engine) == set()
    assert current_revision(db_engine) is None
    # and up again: the downgrade left nothing behind (triggers, functions) that blocks it
    upgrade(db_engine)
    assert _tables(db_engine) == EXPECTED_TABLES


def test_append_only_tables_refuse_update_and_delete(migrated_engine: Engine) -> None:
    import pytest
    from sqlalchemy.exc import DBAPIError

    with migrated_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, prev_hash, hash)"
                " VALUES (1, 'x', 'a', 'b', 'c', 'd', 'p', 'h')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'z'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), migrated_engine.begin() as conn:
            conn.execute(text(statement))
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar_one() == "a"

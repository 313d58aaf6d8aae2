"""Backup → restore → the audit chain verifies and every row compares equal (issue 21).

Before: no backup existed; copying the SQLite file while serving lost 92 of 2,026 reports.
Source data: the seeded demo (2021 plan, 示例 progress), on SQLite and on PostgreSQL; restored
into an empty database of the same kind and, from the portable dump, into SQLite.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from envplan.cli import app
from envplan.plan import default_plan
from envplan.services.demo import seed_demo
from envplan.store import audit, make_engine, make_session_factory
from envplan.store.backup import (
    BackupError,
    backup_sqlite,
    dump_portable,
    restore_portable,
    restore_sqlite,
    table_rows,
)
from envplan.store.models import Base, ProgressReport
from envplan.store.testing import _create_schema, _drop_schema, _schema_url


def _all_rows(engine: Engine) -> dict[str, list[dict[str, object]]]:
    return {t.name: list(table_rows(engine, t)) for t in Base.metadata.sorted_tables}


@pytest.fixture
def seeded(db_session: Session, migrated_engine: Engine) -> Engine:
    seed_demo(db_session, default_plan())
    db_session.commit()
    reports = db_session.scalar(select(func.count(ProgressReport.id)))
    assert reports and reports > 500
    db_session.close()
    return migrated_engine


def _same_kind_target(backend: str, tmp_path: Path) -> tuple[Engine, str | None]:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}"), None
    schema = _create_schema()
    return make_engine(_schema_url(schema)), schema


def test_portable_dump_restores_every_row_and_the_chain(
    seeded: Engine,
    db_backend: str,
    tmp_path: Path,
) -> None:
    dump = tmp_path / "records.jsonl.gz"
    counts = dump_portable(seeded, dump)
    assert counts["progress_reports"] > 500
    source_rows = _all_rows(seeded)
    targets = [_same_kind_target(db_backend, tmp_path)]
    if db_backend == "postgresql":  # and across kinds: PostgreSQL → SQLite
        targets.append((make_engine(f"sqlite:///{tmp_path / 'cross.sqlite3'}"), None))
    try:
        for target, _schema in targets:
            assert restore_portable(dump, target) == {k: v for k, v in counts.items() if v}
            assert _all_rows(target) == source_rows
            with make_session_factory(target)() as session:
                count, problems = audit.verify_all(session)
                assert problems == [] and count == counts["audit_log"]
            with pytest.raises(BackupError, match="不是空库"):
                restore_portable(dump, target)  # never over existing records
    finally:
        for target, schema in targets:
            target.dispose()
            if schema:
                _drop_schema(schema)


def test_sqlite_online_backup_while_writing_loses_nothing(
    seeded: Engine,
    db_backend: str,
    tmp_path: Path,
) -> None:
    if db_backend != "sqlite":
        pytest.skip("the online backup API is SQLite's; PostgreSQL uses the portable dump")
    factory = make_session_factory(seeded)
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with factory() as session:
                audit.append(session, actor="w", action="x", entity="e", entity_id=n)
                session.commit()
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup = tmp_path / "online.sqlite3"
        assert backup_sqlite(seeded, backup) > 0
    finally:
        stop.set()
        thread.join()
    copy = make_engine(f"sqlite:///{backup}")
    with make_session_factory(copy)() as session:
        _count, problems = audit.verify_all(session)
    assert problems == []  # a consistent snapshot: no half-written entry, every report present
    restored = make_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    restore_sqlite(backup, restored)
    assert _all_rows(restored) == _all_rows(copy)
    copy.dispose()
    restored.dispose()


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    home = tmp_path / "home"
    env = {"ENVPLAN_HOME": str(home)}
    assert runner.invoke(app, ["db", "init"], env=env).exit_code == 0
    head = runner.invoke(app, ["audit", "head"], env=env).output.strip()
    out = runner.invoke(app, ["db", "backup", str(tmp_path / "b.sqlite3")], env=env)
    assert out.exit_code == 0 and "在线备份" in out.output
    out = runner.invoke(
        app, ["db", "backup", str(tmp_path / "b.jsonl.gz"), "--format", "portable"], env=env
    )
    assert out.exit_code == 0 and "便携格式" in out.output
    other = {"ENVPLAN_HOME": str(tmp_path / "other")}
    out = runner.invoke(app, ["db", "restore", str(tmp_path / "b.jsonl.gz")], env=other)
    assert out.exit_code == 1 and "确定恢复" in out.output  # asks first
    out = runner.invoke(app, ["db", "restore", str(tmp_path / "b.jsonl.gz"), "--yes"], env=other)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["audit", "verify", "--expect", head], env=other)
    assert out.exit_code == 0 and "与锚点一致" in out.output, out.output

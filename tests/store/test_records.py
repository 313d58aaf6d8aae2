"""Store-level pieces: SQLite pragmas, evidence files by SHA-256, audit chain deletions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from envplan.store import EvidenceCorrupted, EvidenceStore, audit, make_engine


def test_sqlite_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'r.sqlite3'}")  # creates the folder
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_evidence_store_never_overwrites(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    data = b"%PDF-1.4 evidence"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    path = tmp_path / sha[:2] / sha
    before = path.stat().st_mtime_ns
    assert store.put(data) == sha  # same content: stored once
    assert path.stat().st_mtime_ns == before
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    with pytest.raises(EvidenceCorrupted):
        store.read(sha)
    with pytest.raises(EvidenceCorrupted):
        store.put(data)  # refuses to go on rather than silently rewriting
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


def test_audit_chain_detects_a_deleted_row(
    db_session: Session, migrated_engine: Engine, db_backend: str
) -> None:
    for n in range(4):
        audit.append(db_session, actor="a", action="x", entity="e", entity_id=n, after={"n": n})
    db_session.commit()
    assert audit.verify_chain(db_session) == (4, [])
    db_session.commit()  # end the read transaction (on SQLite it holds the single write lock)
    with migrated_engine.begin() as conn:
        if db_backend == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    count, problems = audit.verify_chain(db_session)
    assert count == 3
    assert {p.seq for p in problems} == {3}
    assert any("删除" in p.reason for p in problems)


def test_concurrent_writers_keep_one_unbroken_chain(migrated_engine: Engine) -> None:
    import threading

    from envplan.store import make_session_factory

    factory = make_session_factory(migrated_engine)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(8):
                with factory() as session:
                    audit.append(session, actor=name, action="x", entity="e", entity_id=n)
                    session.commit()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        assert audit.verify_chain(session) == (24, [])

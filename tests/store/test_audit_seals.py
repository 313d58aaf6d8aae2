"""The audit chain covers the records and is anchored outside the database (issue 21).

Before: ``audit verify`` only re-hashed the log, so a direct edit of a report, review, notice or
user, deleting the last entries, or re-hashing the whole chain from scratch all passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from envplan.store import EvidenceStore, audit, make_session_factory
from envplan.store.models import AuditEntry, EvidenceFile, Unit, User
from envplan.store.testing import db_backend, db_session, migrated_engine  # noqa: F401


def _seed(session: Session) -> None:
    session.add(Unit(id="u1", name="单位一", kind="city"))
    session.add(
        User(username="alice", display_name="A", password_hash="x", role="viewer", active=True)
    )
    session.flush()
    audit.append(session, actor="t", action="user.create", entity="user", entity_id=1)
    session.commit()


def _raw(engine: Engine, backend: str, sql: str, *, table: str | None = None) -> None:
    with engine.begin() as conn:
        if table == "audit_log":
            if backend == "sqlite":
                conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
                conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            else:
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text(sql))


def test_a_commit_that_changes_records_is_sealed(db_session: Session) -> None:  # noqa: F811
    _seed(db_session)
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["user.create", audit.SEAL_ACTION]
    assert audit.verify_all(db_session) == (2, [])


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE users SET role = 'admin' WHERE username = 'alice'", "被直接改动"),
        ("DELETE FROM users WHERE username = 'alice'", "直接增删"),
        (
            "INSERT INTO users (username, display_name, password_hash, role, active, is_demo,"
            " created_at) VALUES ('mallory', 'M', 'x', 'admin', true, false, '2021-01-01')",
            "直接增删",
        ),
    ],
)
def test_direct_edits_of_records_are_found(
    db_session: Session,  # noqa: F811
    migrated_engine: Engine,  # noqa: F811
    db_backend: str,  # noqa: F811
    sql: str,
    words: str,
) -> None:
    _seed(db_session)
    db_session.commit()
    _raw(migrated_engine, db_backend, sql)
    _count, problems = audit.verify_all(db_session)
    assert any("users" in p.reason and words in p.reason for p in problems), problems


def test_truncating_the_last_entries_is_found_against_the_anchor(
    db_session: Session,  # noqa: F811
    migrated_engine: Engine,  # noqa: F811
    db_backend: str,  # noqa: F811
) -> None:
    for n in range(5):
        audit.append(db_session, actor="a", action="x", entity="e", entity_id=n)
    db_session.commit()
    anchor = audit.head(db_session)
    assert anchor.seq == 5
    db_session.commit()
    _raw(migrated_engine, db_backend, "DELETE FROM audit_log WHERE seq >= 4", table="audit_log")
    assert audit.verify_chain(db_session)[1] == []  # the remaining chain alone looks fine
    problems = audit.verify_anchor(db_session, anchor)
    assert problems and "末尾记录被删除" in problems[0].reason


def test_a_chain_rehashed_from_scratch_is_found_against_the_anchor(
    db_session: Session,  # noqa: F811
    migrated_engine: Engine,  # noqa: F811
    db_backend: str,  # noqa: F811
) -> None:
    for n in range(3):
        audit.append(db_session, actor="a", action="x", entity="e", entity_id=n)
    db_session.commit()
    anchor = audit.head(db_session)
    db_session.commit()
    # the forger rewrites entry 2 and recomputes every hash after it, as the algorithm is public
    _raw(migrated_engine, db_backend, "UPDATE audit_log SET actor = 'forger'", table="audit_log")
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    prev = audit.GENESIS_HASH
    fixed = []
    for entry in entries:
        entry.prev_hash = prev
        fixed.append((entry.seq, prev, audit.entry_hash(entry)))
        prev = fixed[-1][2]
    db_session.rollback()
    for seq, prev_hash, new_hash in fixed:
        _raw(
            migrated_engine,
            db_backend,
            f"UPDATE audit_log SET prev_hash = '{prev_hash}', hash = '{new_hash}' WHERE seq = {seq}",
            table="audit_log",
        )
    assert audit.verify_chain(db_session)[1] == []  # internally consistent forgery
    problems = audit.verify_anchor(db_session, anchor)
    assert problems and "整体重算" in problems[0].reason


def test_checkpoint_files_are_signed() -> None:
    anchor = audit.Head(7, "ab" * 32)
    key = b"k" * 32
    document = audit.sign_checkpoint(anchor, key, at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    assert audit.read_checkpoint(document, key) == anchor
    forged = {**document, "seq": 3}
    with pytest.raises(ValueError, match="签名不符"):
        audit.read_checkpoint(forged, key)
    with pytest.raises(ValueError, match="签名不符"):
        audit.read_checkpoint(document, b"other" * 8)
    assert audit.Head.parse(str(anchor)) == anchor


def test_edited_evidence_files_are_found(
    db_session: Session,  # noqa: F811
    tmp_path: Path,
) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    data = b"%PDF-1.4 evidence"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    db_session.add(EvidenceFile(sha256=sha, size=len(data)))
    db_session.commit()
    assert audit.verify_all(db_session, evidence_store=store)[1] == []
    path = store.path_for(sha)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 changed")
    problems = audit.verify_all(db_session, evidence_store=store)[1]
    assert any("内容与哈希不符" in p.reason for p in problems)


def test_concurrent_sealing_writers_keep_seals_consistent(migrated_engine: Engine) -> None:  # noqa: F811
    import threading

    factory = make_session_factory(migrated_engine)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(4):
                with factory() as session:
                    session.add(
                        User(
                            username=f"{name}-{n}",
                            display_name=name,
                            password_hash="x",
                            role="viewer",
                        )
                    )
                    session.flush()
                    audit.append(
                        session, actor=name, action="user.create", entity="user", entity_id=n
                    )
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
        count, problems = audit.verify_all(session)
    assert problems == [] and count == 24  # 12 creations + 12 seals

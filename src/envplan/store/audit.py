"""Append-only, hash-chained audit log.

Each entry stores who, when, what (action, entity, id) and the before/after values as canonical
JSON, plus the hash of the previous entry; its own hash covers all of that. Editing, deleting or
reordering any row breaks the chain from that row on, which :func:`verify_chain` reports.
Entries are numbered 1, 2, 3 … (``seq`` is the primary key), so the chain can never fork. Writers
are serialised: on SQLite by the single write lock (BEGIN IMMEDIATE), on PostgreSQL by a
transaction-scoped advisory lock taken before reading the last entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from envplan.store.models import AuditEntry

GENESIS_HASH = "0" * 64
AUDIT_LOCK_KEY = 0x656E76706C616E  # "envplan": PostgreSQL advisory lock serialising appends


def canonical_json(value: Any) -> str | None:
    """Stable JSON text (sorted keys, no spaces, UTF-8 kept) — the form that is hashed."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's stored fields and the previous hash (its own hash excluded)."""
    payload = canonical_json(
        [
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.before,
            entry.after,
            entry.prev_hash,
        ]
    )
    assert payload is not None
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """One audited change, for :func:`append_many`."""

    actor: str
    action: str
    entity: str
    entity_id: object
    before: Any = None
    after: Any = None


def append_many(
    session: Session, changes: Sequence[Change], *, at: dt.datetime | None = None
) -> list[AuditEntry]:
    """Add entries to the chain, in order, inside the caller's transaction (one flush)."""
    if not changes:
        return []
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent writers queue here (lock released at commit/rollback) instead of both
        # reading the same last entry and one failing on the duplicate sequence number.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq = 0 if last is None else last.seq
    prev_hash = GENESIS_HASH if last is None else last.hash
    at_text = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds")
    entries = []
    for change in changes:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=at_text,
            actor=change.actor,
            action=change.action,
            entity=change.entity,
            entity_id=str(change.entity_id),
            before=canonical_json(change.before),
            after=canonical_json(change.after),
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(entry)
        entries.append(entry)
        prev_hash = entry.hash
    session.add_all(entries)
    session.flush()
    return entries


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: Any = None,
    after: Any = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction (committed with the change)."""
    change = Change(actor, action, entity, entity_id, before, after)
    return append_many(session, [change], at=at)[0]


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str  # zh-CN, shown to the user


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Recompute every hash; return (number of entries checked, problems found)."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(
                    entry.seq, f"序号不连续：应为 {expected_seq}，实为 {entry.seq}（有记录被删除）"
                )
            )
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.seq, "前序哈希与上一条记录不符（链条断裂）"))
        recomputed = entry_hash(entry)
        if recomputed != entry.hash:
            problems.append(ChainProblem(entry.seq, "内容哈希不符（该条记录被修改）"))
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    return count, problems

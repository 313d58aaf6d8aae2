"""Append-only, hash-chained audit log.

Each entry stores who, when, what (action, entity, id) and the before/after values as canonical
JSON, plus the hash of the previous entry; its own hash covers all of that. Editing, deleting or
reordering any row breaks the chain from that row on, which :func:`verify_chain` reports.
Entries are numbered 1, 2, 3 … (``seq`` is the primary key), so the chain can never fork. Writers
are serialised: on SQLite by the single write lock (BEGIN IMMEDIATE), on PostgreSQL by a
transaction-scoped advisory lock taken before reading the last entry.

Records outside the log are covered too: every commit that changed a table a user can change
(:data:`SEALED_TABLES`) appends a ``records.seal`` entry holding a digest (row count, SHA-256 over
every row) of each of those tables, taken under the same lock. :func:`verify_chain` recomputes the
digests: a row edited, inserted or deleted behind the platform's back no longer matches the last
seal. Evidence files are checked against their SHA-256 (:func:`verify_evidence`). Truncation of the
last entries or a chain re-hashed from scratch is caught against an anchor kept outside the
database: :func:`head` gives ``SEQ:HASH`` (``envplan audit head`` prints it, ``envplan audit
checkpoint`` writes it to a signed file) and :func:`verify_anchor` checks the chain still holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from envplan.store.models import AuditEntry, Base, EvidenceFile

#: Tables a user changes through the platform; their content is sealed into the chain.
SEALED_TABLES = (
    "users",
    "occurrences",
    "progress_reports",
    "report_reviews",
    "report_evidence",
    "evidence_files",
    "comments",
    "notices",
    "clock_items",
    "dispatch_snapshots",
)
SEAL_ACTION = "records.seal"
_TOUCHED = "envplan_sealed_tables_touched"

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


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent writers queue here (lock released at commit/rollback) instead of both
        # reading the same last entry and one failing on the duplicate sequence number.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def append_many(
    session: Session, changes: Sequence[Change], *, at: dt.datetime | None = None
) -> list[AuditEntry]:
    """Add entries to the chain, in order, inside the caller's transaction (one flush)."""
    if not changes:
        return []
    session.flush()
    _lock_chain(session)
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


# ---------------------------------------------------------------------- seals of the records


def _canonical_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def table_digest(session: Session, name: str) -> list[Any]:
    """``[row count, SHA-256]`` over every row of table ``name`` in primary-key order."""
    table = _table(name)
    columns = sorted(table.columns, key=lambda c: c.name)
    digest = hashlib.sha256()
    count = 0
    query = select(*columns).order_by(*table.primary_key.columns)
    for row in session.execute(query):
        count += 1
        cells = [_canonical_cell(v) for v in row]
        digest.update(
            json.dumps(cells, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        )
        digest.update(b"\n")
    return [count, digest.hexdigest()]


def record_digests(session: Session) -> dict[str, list[Any]]:
    return {name: table_digest(session, name) for name in SEALED_TABLES}


def _last_seal(session: Session) -> AuditEntry | None:
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == SEAL_ACTION)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()


def seal(session: Session, *, actor: str = "system") -> AuditEntry | None:
    """Append a seal of the sealed tables if they changed since the last one (caller commits)."""
    session.flush()
    _lock_chain(session)
    digests = record_digests(session)
    last = _last_seal(session)
    if last is not None and last.after and json.loads(last.after).get("tables") == digests:
        return None
    return append(
        session,
        actor=actor,
        action=SEAL_ACTION,
        entity="records",
        entity_id="*",
        after={"tables": digests},
    )


def _touches_sealed(session: Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in SEALED_TABLES:
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_flushed(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if _touches_sealed(session):
        session.info[_TOUCHED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in SEALED_TABLES:
        state.session.info[_TOUCHED] = True


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    if session.info.get(_TOUCHED) or _touches_sealed(session):
        session.info.pop(_TOUCHED, None)
        seal(session)
        session.info.pop(_TOUCHED, None)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def verify_seals(session: Session) -> list[ChainProblem]:
    """Compare the sealed tables with the last seal in the chain (call after the chain checks)."""
    last = _last_seal(session)
    current = record_digests(session)
    if last is None:
        touched = [name for name, (count, _sha) in current.items() if count]
        if not touched:
            return []
        return [
            ChainProblem(0, f"表 {name} 有记录但审计日志中没有对应的封存摘要（记录被直接写入）")
            for name in touched
        ]
    sealed: dict[str, list[Any]] = json.loads(last.after or "{}").get("tables", {})
    problems = []
    for name, (count, sha) in current.items():
        expected = sealed.get(name)
        if expected is None:
            if count:
                problems.append(ChainProblem(last.seq, f"表 {name} 不在第 {last.seq} 条封存摘要中"))
            continue
        if expected[0] != count:
            problems.append(
                ChainProblem(
                    last.seq,
                    f"表 {name} 现有 {count} 行，第 {last.seq} 条封存时为 {expected[0]} 行"
                    "（记录被直接增删）",
                )
            )
        elif expected[1] != sha:
            problems.append(
                ChainProblem(
                    last.seq,
                    f"表 {name} 的内容与第 {last.seq} 条封存摘要不符（记录被直接改动）",
                )
            )
    return problems


def verify_evidence(session: Session, store: Any) -> list[ChainProblem]:
    """Every evidence file on disk must still hash to its name (``store``: an EvidenceStore)."""

    problems = []
    for sha in session.scalars(select(EvidenceFile.sha256).order_by(EvidenceFile.sha256)):
        path = store.path_for(sha)
        if not path.exists():
            problems.append(ChainProblem(0, f"证明材料 {sha} 的文件缺失"))
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha:
            problems.append(ChainProblem(0, f"证明材料 {sha} 的内容与哈希不符（文件被改动）"))
    return problems


# ---------------------------------------------------------------------- anchors outside the db


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text_value: str) -> Head:
        seq_text, _, hash_text = text_value.strip().partition(":")
        if not seq_text.isdigit() or len(hash_text) != 64:
            raise ValueError(f"锚点格式应为 序号:哈希（64 位十六进制），收到：{text_value!r}")
        return cls(int(seq_text), hash_text.lower())


def head(session: Session) -> Head:
    """The last entry of the chain (``0:000…`` for an empty chain)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return Head(0, GENESIS_HASH) if last is None else Head(last.seq, last.hash)


def verify_anchor(session: Session, anchor: Head) -> list[ChainProblem]:
    """The chain must still hold ``anchor`` (taken earlier and kept outside the database)."""
    if anchor.seq == 0:
        return []
    stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == anchor.seq))
    if stored is None:
        current = head(session)
        return [
            ChainProblem(
                anchor.seq,
                f"锚点第 {anchor.seq} 条已不存在，现在的最后一条为第 {current.seq} 条"
                "（末尾记录被删除）",
            )
        ]
    if stored != anchor.hash:
        return [
            ChainProblem(
                anchor.seq,
                f"第 {anchor.seq} 条的哈希与锚点不符（审计链被改写或整体重算）",
            )
        ]
    return []


def sign_checkpoint(anchor: Head, key: bytes, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """A checkpoint document (HMAC-SHA256 under ``key``) to keep outside the database."""

    body = {
        "seq": anchor.seq,
        "hash": anchor.hash,
        "at": (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
    }
    mac = hmac.new(key, canonical_json(body).encode(), hashlib.sha256).hexdigest()  # type: ignore[union-attr]
    return {**body, "hmac_sha256": mac}


def read_checkpoint(document: dict[str, Any], key: bytes) -> Head:
    """The anchor of a checkpoint document; ValueError when its signature does not hold."""

    try:
        body = {"seq": int(document["seq"]), "hash": str(document["hash"]), "at": document["at"]}
        mac = str(document["hmac_sha256"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"检查点文件缺少字段：{exc}") from exc
    expected = hmac.new(key, canonical_json(body).encode(), hashlib.sha256).hexdigest()  # type: ignore[union-attr]
    if not hmac.compare_digest(mac, expected):
        raise ValueError("检查点文件签名不符（文件被改动或密钥不同）")
    return Head(body["seq"], body["hash"])


def verify_all(
    session: Session, *, evidence_store: Any = None, anchor: Head | None = None
) -> tuple[int, list[ChainProblem]]:
    """The chain, the seals of the records, the evidence files and (given) the outside anchor."""
    count, problems = verify_chain(session)
    problems = [*problems, *verify_seals(session)]
    if evidence_store is not None:
        problems.extend(verify_evidence(session, evidence_store))
    if anchor is not None:
        problems.extend(verify_anchor(session, anchor))
    return count, problems

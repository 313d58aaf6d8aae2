"""Backups of the records database that can be restored and compared.

Two forms:
- SQLite file (``.sqlite3``): SQLite's online backup API copies a consistent snapshot page by page
  while the platform keeps serving (copying the file with ``cp`` while serving loses what sits in
  the WAL). Restored with the same API into the target SQLite database.
- Portable dump (``.jsonl.gz``): every row of every table as JSON lines, in dependency order, with
  the schema revision in the header. Written from SQLite or PostgreSQL, restored into an EMPTY
  database of either kind (migrated to that revision first); PostgreSQL sequences are moved past
  the restored ids. Dates and timestamps are written as ISO text (timestamps in UTC).

After a restore the audit chain, the record seals and every row compare equal to the source
(:func:`table_rows` gives the comparable content).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, Integer, Table, func, insert, select, text
from sqlalchemy.engine import make_url

from envplan.store.migrate import current_revision, upgrade
from envplan.store.models import Base

DUMP_FORMAT = "envplan-portable-dump"
DUMP_VERSION = 1
_BATCH = 1000


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (zh-CN message)."""


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _cell_out(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _cell_in(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = table.columns[name].type
    if isinstance(column_type, DateTime):
        parsed = dt.datetime.fromisoformat(value)
        return parsed.replace(tzinfo=dt.UTC) if column_type.timezone else parsed
    if isinstance(column_type, Date):
        return dt.date.fromisoformat(value)
    return value


def table_rows(engine: Engine, table: Table) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` in primary-key order, values in their portable form."""
    with engine.connect() as connection:
        query = select(table).order_by(*table.primary_key.columns)
        for row in connection.execute(query).mappings():
            yield {key: _cell_out(value) for key, value in row.items()}


def sqlite_path(engine: Engine) -> Path | None:
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Online backup of a SQLite records database into ``target`` (a new file); its page count."""
    source = sqlite_path(engine)
    if source is None:
        raise BackupError(
            "SQLite 文件备份只适用于 SQLite 记录库；PostgreSQL 请用 --format portable"
        )
    if target.exists():
        raise BackupError(f"备份文件已存在：{target}（不会覆盖）")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    return pages


def restore_sqlite(backup_file: Path, engine: Engine) -> None:
    """Replace the SQLite records database by ``backup_file`` (through the backup API)."""
    target = sqlite_path(engine)
    if target is None:
        raise BackupError("SQLite 备份文件只能恢复到 SQLite 记录库；跨库请用 portable 格式")
    _check_sqlite_file(backup_file)
    engine.dispose()
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _check_sqlite_file(path: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} 不是可用的 SQLite 备份：{exc}") from exc
    if ok != "ok" or "audit_log" not in tables:
        raise BackupError(f"{path} 不是 envplan 记录库备份（完整性检查：{ok}）")


def dump_portable(engine: Engine, target: Path) -> dict[str, int]:
    """Write every table as JSON lines (gzip) to ``target``; rows written per table."""
    if target.exists():
        raise BackupError(f"备份文件已存在：{target}（不会覆盖）")
    target.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    partial = target.with_name(target.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        header = {
            "format": DUMP_FORMAT,
            "version": DUMP_VERSION,
            "revision": current_revision(engine),
            "tables": [t.name for t in _tables()],
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for table in _tables():
            n = 0
            for row in table_rows(engine, table):
                out.write(json.dumps({"t": table.name, "r": row}, ensure_ascii=False) + "\n")
                n += 1
            counts[table.name] = n
        out.write(json.dumps({"end": counts}) + "\n")
    partial.rename(target)
    return counts


def restore_portable(dump_file: Path, engine: Engine) -> dict[str, int]:
    """Load a portable dump into an EMPTY database (migrated here first); rows per table."""
    tables = {t.name: t for t in _tables()}
    try:
        handle = gzip.open(dump_file, "rt", encoding="utf-8")  # noqa: SIM115 - closed below
        header = json.loads(handle.readline())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{dump_file} 不是 envplan 便携备份：{exc}") from exc
    if header.get("format") != DUMP_FORMAT:
        raise BackupError(f"{dump_file} 不是 envplan 便携备份（格式 {header.get('format')!r}）")
    upgrade(engine, header.get("revision") or "head")
    with engine.connect() as connection:
        for table in tables.values():
            if connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise BackupError(f"目标记录库不是空库（表 {table.name} 已有数据），不会覆盖")
    counts: dict[str, int] = {}
    ended = False
    with handle, engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        current: Table | None = None

        def flush() -> None:
            if current is not None and batch:
                connection.execute(insert(current), batch)
                batch.clear()

        for number, line in enumerate(handle, start=2):
            record = json.loads(line)
            if "end" in record:
                ended = True
                break
            found = tables.get(record.get("t", ""))
            if found is None:
                raise BackupError(f"{dump_file} 第 {number} 行：未知的表 {record.get('t')!r}")
            table = found
            if table is not current:
                flush()
                current = table
            row = {k: _cell_in(table, k, v) for k, v in record["r"].items()}
            batch.append(row)
            counts[table.name] = counts.get(table.name, 0) + 1
            if len(batch) >= _BATCH:
                flush()
        flush()
        if not ended:
            raise BackupError(f"{dump_file} 不完整（缺少结束标记），未恢复任何数据")
        if connection.dialect.name == "postgresql":
            for table in tables.values():
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'),"
                            f" COALESCE((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return counts

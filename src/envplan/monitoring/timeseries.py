"""Parquet storage of canonical air tables, queried with DuckDB.

Layout under a root directory given by the caller (services decide where)::

    <root>/air/measurements/format=<format>/year=<yyyy>/part-<import_id>.parquet
    <root>/air/published/format=<format>/year=<yyyy>/part-<import_id>.parquet
    <root>/air/imports/<import_id>.json      # written last: the import's commit marker

An import's id is the hash of its format and the content of its files, so importing the same
file again is a no-op. Parts become visible to queries only once the marker exists (all or
nothing), and queries keep one row per natural key (site, interval_end, pollutant, averaging,
data version), the most recently imported, so overlapping files never double-count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from envplan.monitoring.air_readers import AirReadResult, read_air
from envplan.monitoring.air_schema import (
    MEASUREMENT_KEY,
    MEASUREMENT_SCHEMA,
    PUBLISHED_KEY,
    PUBLISHED_SCHEMA,
)

_AIR = "air"
_MEASUREMENTS = "measurements"
_PUBLISHED = "published"
_IMPORTS = "imports"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did: its id, whether it was new, and how many rows it stored."""

    import_id: str
    format: str
    files: tuple[str, ...]
    measurement_rows: int
    published_rows: int
    already_imported: bool


def import_id_of(result: AirReadResult) -> str:
    """Stable id of an import: format plus the SHA-256 of each input file's bytes."""
    digest = hashlib.sha256(result.format.encode())
    for path in sorted(result.files, key=lambda p: p.name):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def write_air(result: AirReadResult, root: str | Path) -> ImportSummary:
    """Store a read result under `root` (idempotent: the same files again change nothing)."""
    base = Path(root) / _AIR
    import_id = import_id_of(result)
    marker = base / _IMPORTS / f"{import_id}.json"
    summary = ImportSummary(
        import_id=import_id,
        format=result.format,
        files=tuple(p.name for p in result.files),
        measurement_rows=result.measurements.height,
        published_rows=result.published.height,
        already_imported=marker.exists(),
    )
    if summary.already_imported:
        return summary
    imported_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stamp = [pl.lit(import_id).alias("import_id"), pl.lit(imported_at).alias("imported_at")]
    staged: list[tuple[Path, Path]] = []
    try:
        for table, frame in (
            (_MEASUREMENTS, result.measurements),
            (_PUBLISHED, result.published),
        ):
            if frame.height == 0:
                continue
            stamped = frame.with_columns(*stamp, _year=pl.col("interval_end").dt.year())
            for (year,), part in stamped.group_by("_year", maintain_order=True):
                folder = base / table / f"format={result.format}" / f"year={year}"
                folder.mkdir(parents=True, exist_ok=True)
                final = folder / f"part-{import_id}.parquet"
                temp = folder / f".tmp-{uuid.uuid4().hex}.parquet"
                part.drop("_year").write_parquet(temp)
                staged.append((temp, final))
        for temp, final in staged:
            os.replace(temp, final)
        marker.parent.mkdir(parents=True, exist_ok=True)
        temp_marker = marker.with_suffix(".tmp")
        temp_marker.write_text(
            json.dumps(
                {
                    "import_id": import_id,
                    "format": result.format,
                    "files": list(summary.files),
                    "encodings": list(result.encodings),
                    "measurement_rows": summary.measurement_rows,
                    "published_rows": summary.published_rows,
                    "imported_at": imported_at.isoformat(),
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        os.replace(temp_marker, marker)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return summary


def import_air_file(path: str | Path, root: str | Path, format: str | None = None) -> ImportSummary:
    """Read (all checks first; `InputFileError` writes nothing) and store one file or folder."""
    return write_air(read_air(path, format), root)


def list_imports(root: str | Path) -> pl.DataFrame:
    """The committed imports under `root`, oldest first."""
    folder = Path(root) / _AIR / _IMPORTS
    records = (
        [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
        if folder.is_dir()
        else []
    )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "import_id": pl.String,
        "format": pl.String,
        "files": pl.List(pl.String),
        "encodings": pl.List(pl.String),
        "measurement_rows": pl.Int64,
        "published_rows": pl.Int64,
        "imported_at": pl.String,
    }
    return pl.DataFrame(records, schema=schema).sort("imported_at")


def query_air(
    root: str | Path,
    *,
    sites: Sequence[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    pollutants: Sequence[str] | None = None,
    averagings: Sequence[str] | None = None,
    data_versions: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Stored measurements (`MEASUREMENT_SCHEMA`) filtered by site, period, pollutant, etc.

    The period keeps values whose interval lies inside [start, end]: `interval_start >= start`
    and `interval_end <= end` (for the hours of 2021: start 2021-01-01 00:00, end 2022-01-01 00:00).
    """
    filters: list[tuple[str, object]] = []
    if start is not None:
        filters.append(("interval_start >= ?", start))
    if end is not None:
        filters.append(("interval_end <= ?", end))
    for column, values in (
        ("site", sites),
        ("pollutant", pollutants),
        ("averaging", averagings),
        ("data_version", data_versions),
        ("format", formats),
    ):
        if values is not None:
            filters.append((f"list_contains(?, {column})", list(values)))
    frame = _query(Path(root), _MEASUREMENTS, list(MEASUREMENT_KEY), filters)
    if frame is None:
        return pl.DataFrame(schema=MEASUREMENT_SCHEMA)
    return frame.select(list(MEASUREMENT_SCHEMA)).cast(MEASUREMENT_SCHEMA)


def query_published(
    root: str | Path,
    *,
    sites: Sequence[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    formats: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Stored published fields; `interval_end` within [start, end]."""
    filters: list[tuple[str, object]] = []
    if start is not None:
        filters.append(("interval_end > ?", start))
    if end is not None:
        filters.append(("interval_end <= ?", end))
    for column, values in (("site", sites), ("format", formats)):
        if values is not None:
            filters.append((f"list_contains(?, {column})", list(values)))
    frame = _query(Path(root), _PUBLISHED, list(PUBLISHED_KEY), filters)
    if frame is None:
        return pl.DataFrame(schema=PUBLISHED_SCHEMA)
    return frame.drop("import_id", "imported_at", "year", strict=False)


def _query(
    root: Path, table: str, key: list[str], filters: list[tuple[str, object]]
) -> pl.DataFrame | None:
    base = root / _AIR
    committed = [p.stem for p in (base / _IMPORTS).glob("*.json")]
    folder = base / table
    if not committed or not folder.is_dir() or not any(folder.rglob("part-*.parquet")):
        return None
    where = ["list_contains(?, import_id)", *(clause for clause, _ in filters)]
    params: list[object] = [committed, *(value for _, value in filters)]
    sql = f"""
        SELECT * EXCLUDE (_rank) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY {", ".join(key)} ORDER BY imported_at DESC, import_id
            ) AS _rank
            FROM read_parquet(?, hive_partitioning = true, union_by_name = true)
            WHERE {" AND ".join(where)}
        ) WHERE _rank = 1
        ORDER BY {", ".join(key)}
    """
    pattern = str(folder / "**" / "part-*.parquet")
    with duckdb.connect() as connection:
        arrow = connection.sql(sql, params=[pattern, *params]).to_arrow_table()
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    return frame

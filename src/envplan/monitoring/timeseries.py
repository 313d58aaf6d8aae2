"""Parquet storage of canonical air tables, queried with DuckDB.

Layout under a root directory given by the caller (services decide where)::

    <root>/air/measurements/format=<format>/year=<yyyy>/month=<mm>/part-<import_id>.parquet
    <root>/air/published/format=<format>/year=<yyyy>/month=<mm>/part-<import_id>.parquet
    <root>/air/imports/<import_id>.json      # written last: the import's commit marker

An import's id is the hash of its format and the content of its files, so importing the same
file again is a no-op. Parts become visible to queries only once the marker exists (all or
nothing), and queries keep one row per natural key (site, interval_end, pollutant, averaging,
data version), the most recently imported, so overlapping files never double-count.

The layout is the one both engines read: the embedded engine through DuckDB here, Apache Spark
through ``envplan.services.spark`` (``committed_part_files`` gives both the same file list).
Files are partitioned by year and month (hive style) and sorted by station and time, so a
station or period filter reads only the row groups it needs; a directory per station would
make ~20,000 small files a year nationally, which neither engine reads well. Stores written
before the month partition (``year=`` only) are still read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from envplan.monitoring.air_io import InputPath, is_archive
from envplan.monitoring.air_layouts import detect_air_format, folder_files
from envplan.monitoring.air_readers import AirReadResult, read_air
from envplan.monitoring.air_schema import (
    MEASUREMENT_KEY,
    MEASUREMENT_SCHEMA,
    PUBLISHED_KEY,
    PUBLISHED_SCHEMA,
)
from envplan.monitoring.air_staging import AIR as _AIR
from envplan.monitoring.air_staging import IMPORTS as _IMPORTS
from envplan.monitoring.air_staging import MEASUREMENTS as _MEASUREMENTS
from envplan.monitoring.air_staging import PUBLISHED as _PUBLISHED
from envplan.monitoring.air_staging import ImportSummary as ImportSummary
from envplan.monitoring.air_staging import Staging
from envplan.monitoring.air_wide_long import LiveTables, load_cnemc_live_tables
from envplan.monitoring.errors import InputFileError, InputProblem


def import_id_of(result: AirReadResult, known: dict[InputPath, str] | None = None) -> str:
    """Stable id of an import: format, data versions and the SHA-256 of each file's bytes.

    known: hex SHA-256 already computed for some of the files (``_request_key``'s), not read
    again; the id is the same."""
    versions = sorted(result.measurements["data_version"].unique().drop_nulls().to_list())
    return _import_id(f"{result.format}|{','.join(versions)}", result.files, known)


def _import_id(
    format: str, files: Sequence[InputPath], known: dict[InputPath, str] | None = None
) -> str:
    digest = hashlib.sha256(format.encode())
    for path in sorted(files, key=lambda p: p.name):
        hexdigest = (known or {}).get(path)
        digest.update(
            bytes.fromhex(hexdigest) if hexdigest else hashlib.sha256(path.read_bytes()).digest()
        )
    return digest.hexdigest()[:20]


def write_air(
    result: AirReadResult | LiveTables,
    root: str | Path,
    *,
    request: dict[str, object] | None = None,
) -> ImportSummary:
    """Store a read result under `root` (idempotent: the same files again change nothing).

    result: ``read_air``'s, or a clean ``cnemc-live`` file kept wide (``air_wide_long``), whose
    long tables are built and stored one month at a time (the same parts).
    request: how the file was asked for (``_request_key``), kept in the import's record so that
    the same request again is answered from the record without reading the file; its SHA-256
    is the one of the result's single file (the file is not hashed again).
    """
    if isinstance(result, LiveTables):
        files: tuple[InputPath, ...] = (result.path,)
        encodings: tuple[str, ...] = ("utf-8",)
        fmt, label = "cnemc-live", f"cnemc-live|{result.version}"
        rows = (result.measurement_rows, result.published.height)
    else:
        files, fmt, encodings = result.files, result.format, result.encodings
        versions = sorted(result.measurements["data_version"].unique().drop_nulls().to_list())
        label = f"{fmt}|{','.join(versions)}"
        rows = (result.measurements.height, result.published.height)
    known = {files[0]: str(request["sha256"])} if request is not None and len(files) == 1 else None
    staging = Staging(Path(root), fmt, _import_id(label, files, known))
    summary = ImportSummary(
        import_id=staging.import_id,
        format=fmt,
        files=tuple(p.name for p in files),
        measurement_rows=rows[0],
        published_rows=rows[1],
        already_imported=staging.marker.exists(),
    )
    if summary.already_imported:
        if request is not None:  # an import made before requests were recorded: learn it now
            _remember_request(staging.marker, request)
        return summary
    try:
        if isinstance(result, LiveTables):
            for year, month, measurements, published in result.months():  # a month at a time
                staging.add_month(year, month, measurements, published)
            staging.sequence += 1
        else:
            staging.add(result)
        staging.commit(summary, encodings, request)
    finally:
        staging.discard()  # no-op after a commit: the temporary names are gone
    return summary


def _request_key(path: Path, format: str | None, data_version: str | None) -> dict[str, object]:
    """What identifies a request to import one file: the format and data version asked for
    (``None`` = detected) and the SHA-256 of the file's bytes."""
    return {
        "format": format,
        "data_version": data_version,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def _remember_request(marker: Path, request: dict[str, object]) -> None:
    """Add ``request`` to a committed import's record (rewritten by rename, as on commit)."""
    record = json.loads(marker.read_text(encoding="utf-8"))
    if record.get("request") == request:
        return
    record["request"] = request
    temp = marker.with_suffix(f".{uuid.uuid4().hex}.tmp")
    temp.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, marker)


def _imported_by_request(root: Path, request: dict[str, object]) -> ImportSummary | None:
    """The committed import made by the same request (same bytes, same options), if any: a
    repeated import — every start imports the bundled files again — then reads no file."""
    folder = root / _AIR / _IMPORTS
    if not folder.is_dir():
        return None
    for marker in folder.glob("*.json"):
        record = json.loads(marker.read_text(encoding="utf-8"))
        if record.get("request") == request:
            return ImportSummary(
                import_id=str(record["import_id"]),
                format=str(record["format"]),
                files=tuple(record["files"]),
                measurement_rows=int(record["measurement_rows"]),
                published_rows=int(record["published_rows"]),
                already_imported=True,
            )
    return None


def import_air_file(
    path: str | Path,
    root: str | Path,
    format: str | None = None,
    *,
    data_version: str | None = None,
    stations: pl.DataFrame | None = None,
) -> ImportSummary:
    """Read (all checks first; `InputFileError` writes nothing) and store one file or folder.

    A folder (or zip archive) of daily files is imported one file at a time (memory stays at
    one day's data); its parts stay under temporary names until every file has passed, so it is
    still all or nothing. Repeats between files are reported per pair of files.
    """
    path = Path(path)
    if path.is_dir() or is_archive(path):
        fmt = format or detect_air_format(path)
        return _import_folder(path, Path(root), fmt, data_version, stations)
    if stations is not None:  # the station table is part of the request: no shortcut
        return write_air(_read_file(path, format, data_version, stations), root)
    request = _request_key(path, format, data_version)
    done = _imported_by_request(Path(root), request)
    if done is not None:
        return done
    tables = _live_tables(path, format, data_version)  # stored a month at a time
    result = read_air(path, format, data_version=data_version) if tables is None else tables
    return write_air(result, root, request=request)


def _live_tables(
    path: InputPath, format: str | None, data_version: str | None
) -> LiveTables | None:
    """A ``cnemc-live`` file through the wide parse (``air_wide_long``: the tables of
    ``read_air``), or None: another layout, or a file the wide parse declines."""
    fmt = format
    if fmt is None and isinstance(path, Path) and path.is_file():
        try:
            fmt = detect_air_format(path)
        except InputFileError:
            return None  # read_air reports it
    if fmt != "cnemc-live":
        return None
    return load_cnemc_live_tables(path, data_version=data_version)


def _read_file(
    path: InputPath, format: str | None, data_version: str | None, stations: pl.DataFrame | None
) -> AirReadResult:
    """``read_air`` of one file (a clean ``cnemc-live`` file through the wide parse)."""
    tables = _live_tables(path, format, data_version)
    if tables is not None:
        return tables.result(stations)
    return read_air(path, format, data_version=data_version, stations=stations)


def _import_folder(
    folder: Path,
    root: Path,
    format: str,
    data_version: str | None,
    stations: pl.DataFrame | None,
) -> ImportSummary:
    files = folder_files(folder)
    if not files:
        raise InputFileError(
            [InputProblem(folder.name, None, None, "文件夹或压缩包中没有 CSV 文件")]
        )
    staging = Staging(root, format, _import_id(f"{format}|{data_version or 'realtime'}", files))
    names = tuple(p.name for p in files)
    if staging.marker.exists():
        return ImportSummary(staging.import_id, format, names, 0, 0, already_imported=True)
    problems: list[InputProblem] = []
    total = 0
    keys: list[pl.DataFrame] = []
    encodings: list[str] = []
    rows = [0, 0]
    try:
        for index, path in enumerate(files):
            try:
                result = _read_file(path, format, data_version, stations)
            except InputFileError as error:
                problems.extend(error.problems)
                total += error.total
                continue
            encodings.extend(result.encodings)
            # Only the hours are kept per file (memory stays small for a national year); files
            # sharing hours are compared in full afterwards.
            keys.append(
                result.measurements.select(
                    pl.col("interval_end").unique(), _file=pl.lit(index, dtype=pl.UInt32)
                )
            )
            if not problems:  # after the first bad file, only keep checking
                staging.add(result)
                rows[0] += result.measurements.height
                rows[1] += result.published.height
        repeats = _repeats_between_files(keys, files, format)
        problems.extend(repeats)
        total += len(repeats)
        if problems:
            raise InputFileError(problems, total=total)
        summary = ImportSummary(staging.import_id, format, names, rows[0], rows[1], False)
        staging.commit(summary, encodings)
        return summary
    finally:
        staging.discard()


def _repeats_between_files(
    hours: list[pl.DataFrame], files: list[InputPath], format: str
) -> list[InputProblem]:
    """One problem per pair of files holding the same (site, hour, pollutant, averaging)."""
    if not hours:
        return []
    allhours = pl.concat(hours)
    shared = allhours.filter(pl.col("interval_end").is_duplicated())
    if shared.height == 0:
        return []
    pairs = (
        shared.join(shared, on="interval_end", suffix="_other")
        .filter(pl.col("_file") > pl.col("_file_other"))
        .select("_file", "_file_other")
        .unique()
        .sort("_file", "_file_other")
    )
    key = list(MEASUREMENT_KEY)
    problems = []
    for later, earlier in pairs.iter_rows():  # a handful of pairs, not rows
        a = read_air(files[later], format).measurements.select(key)
        b = read_air(files[earlier], format).measurements.select(key)
        count = a.join(b, on=key, how="semi", nulls_equal=True).height
        if count:
            problems.append(
                InputProblem(
                    file=files[later].name,
                    row=None,
                    column=None,
                    message=f"与文件「{files[earlier].name}」有 {count} 个相同的站点、时刻、污染物和统计类型（重复数据）",
                )
            )
    return problems


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
        "first_end": pl.String,
        "last_end": pl.String,
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
    ordered: bool = True,
) -> pl.DataFrame:
    """Stored measurements (`MEASUREMENT_SCHEMA`) filtered by site, period, pollutant, etc.

    The period keeps values whose interval lies inside [start, end]: `interval_start >= start`
    and `interval_end <= end` (for the hours of 2021: start 2021-01-01 00:00, end 2022-01-01 00:00).
    `ordered` sorts by site, time, pollutant, averaging and version; pass False for millions of
    rows when the order does not matter (the sort is most of the time of such a query).
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
            filters.append(_in_list(column, values))
    frame = _query(Path(root), _MEASUREMENTS, list(MEASUREMENT_KEY), filters, formats, ordered)
    if frame is None:
        return pl.DataFrame(schema=MEASUREMENT_SCHEMA)
    return frame.select(list(MEASUREMENT_SCHEMA)).cast(MEASUREMENT_SCHEMA)


def air_site_counts(root: str | Path) -> pl.DataFrame:
    """Every stored site with its ``city`` and number of stored measurement rows (columns
    ``site``, ``city``, ``rows``; empty without data), counted by DuckDB over the committed
    parts without loading them: what a caller needs to cut the store into groups of whole cities
    (``services.air.store_daily_frame``). Overlapping imports are counted once per part, an
    upper bound that is enough to size the groups."""
    plain, shared = committed_part_files(root)
    files = sorted([*plain, *shared])
    schema = {"site": pl.String, "city": pl.String, "rows": pl.Int64}
    if not files:
        return pl.DataFrame(schema=schema)
    sql = (
        "SELECT site, city, count(*)::BIGINT AS rows FROM read_parquet(?, hive_partitioning = true,"
        " union_by_name = true) GROUP BY site, city ORDER BY site, city NULLS FIRST"
    )
    import duckdb  # loaded by the queries only (see docs/architecture.md)

    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        arrow = connection.sql(sql, params=[files]).to_arrow_table()
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(schema)  # type: ignore[arg-type]


def query_published(
    root: str | Path,
    *,
    sites: Sequence[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    formats: Sequence[str] | None = None,
    ordered: bool = True,
) -> pl.DataFrame:
    """Stored published fields with `start < interval_end <= end` (hour-end labels)."""
    filters: list[tuple[str, object]] = []
    if start is not None:
        filters.append(("interval_end > ?", start))
    if end is not None:
        filters.append(("interval_end <= ?", end))
    for column, values in (("site", sites), ("format", formats)):
        if values is not None:
            filters.append(_in_list(column, values))
    frame = _query(Path(root), _PUBLISHED, list(PUBLISHED_KEY), filters, formats, ordered)
    if frame is None:
        return pl.DataFrame(schema=PUBLISHED_SCHEMA)
    return frame.drop("import_id", "imported_at", "year", "month", strict=False)


def _in_list(column: str, values: Sequence[str]) -> tuple[str, list[object]]:
    """`column IN (?, …)` with one placeholder per value, so DuckDB can push it into the scan."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def _committed_parts(
    folder: Path, committed: dict[str, dict[str, object]], formats: Sequence[str] | None
) -> dict[str, list[str]]:
    """Part files of committed imports by import id (file names carry the id), pruned by format."""
    parts: dict[str, list[str]] = {}
    for path in folder.glob("format=*/year=*/**/part-*.parquet"):
        import_id = path.stem.removeprefix("part-").rsplit("-", 1)[0]
        fmt = next(p.name for p in path.parents if p.name.startswith("format=")).removeprefix(
            "format="
        )
        if import_id in committed and (formats is None or fmt in formats):
            parts.setdefault(import_id, []).append(str(path))
    return parts


def committed_part_files(
    root: str | Path, table: str = _MEASUREMENTS, formats: Sequence[str] | None = None
) -> tuple[list[str], list[str]]:
    """The committed Parquet files of ``table`` ("measurements" or "published") under ``root``,
    split into (files of imports that overlap no other, files of overlapping imports) — the
    second group must be de-duplicated by natural key, most recent import first. The one file
    list the embedded engine and Spark both read."""
    base = Path(root) / _AIR
    committed = {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (base / _IMPORTS).glob("*.json")
    }
    parts = _committed_parts(base / table, committed, formats) if committed else {}
    overlapping = _overlapping({i: committed[i] for i in parts})
    plain = sorted(p for i, ps in parts.items() if i not in overlapping for p in ps)
    shared = sorted(p for i, ps in parts.items() if i in overlapping for p in ps)
    return plain, shared


def results_dir(root: str | Path, task: str) -> Path:
    """Where a Spark job writes the results of ``task`` over the store at ``root``."""
    return Path(root) / _AIR / "results" / task


def query_results(
    root: str | Path, task: str, *, sites: Sequence[str] | None = None
) -> pl.DataFrame | None:
    """The results a Spark job wrote for ``task`` (None when no complete run exists): the
    platform serves from the embedded store and reads these when asked."""
    folder = results_dir(root, task)
    if not (folder / "_SUCCESS").exists():
        return None
    where, params = ("TRUE", []) if sites is None else _in_list("site", sites)
    import duckdb  # loaded by the queries only (see docs/architecture.md)

    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        arrow = connection.sql(
            f"SELECT * FROM read_parquet(?) WHERE {where}",
            params=[str(folder / "*.parquet"), *params],
        ).to_arrow_table()
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    order = [c for c in ("site", "interval_end", "date") if c in frame.columns]
    return frame.sort(order) if order else frame


def _overlapping(imports: dict[str, dict[str, object]]) -> set[str]:
    """Imports whose label ranges overlap another's (an import without a range overlaps all)."""
    ranges = []
    for import_id, record in imports.items():
        first, last = record.get("first_end"), record.get("last_end")
        if not isinstance(first, str) or not isinstance(last, str):
            return set(imports)
        ranges.append((first, last, import_id))
    ranges.sort()
    overlapping: set[str] = set()
    reach, reach_id = "", ""
    for first, last, import_id in ranges:  # a sweep over imports (a few hundred), not rows
        if reach_id and first <= reach:
            overlapping.update((import_id, reach_id))
        if last > reach:
            reach, reach_id = last, import_id
    return overlapping


def _query(
    root: Path,
    table: str,
    key: list[str],
    filters: list[tuple[str, object]],
    formats: Sequence[str] | None,
    ordered: bool,
) -> pl.DataFrame | None:
    base = root / _AIR
    committed = {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (base / _IMPORTS).glob("*.json")
    }
    parts = _committed_parts(base / table, committed, formats) if committed else {}
    if not parts:
        return None
    overlapping = _overlapping({i: committed[i] for i in parts})
    where = " AND ".join([clause for clause, _ in filters] or ["TRUE"])
    values: list[object] = []
    for _, value in filters:
        values.extend(value if isinstance(value, list) else [value])
    source = "read_parquet(?, hive_partitioning = true, union_by_name = true)"
    selects: list[str] = []
    params: list[object] = []
    plain = sorted(p for i, ps in parts.items() if i not in overlapping for p in ps)
    if plain:
        selects.append(f"SELECT * FROM {source} WHERE {where}")
        params += [plain, *values]
    shared = sorted(p for i, ps in parts.items() if i in overlapping for p in ps)
    if shared:
        # One row per natural key among overlapping imports: the most recent import wins, so
        # overlapping files never double-count and a corrected re-export replaces older values.
        selects.append(
            f"SELECT * FROM {source} WHERE {where} QUALIFY row_number() OVER ("
            f"PARTITION BY {', '.join(key)} ORDER BY imported_at DESC, import_id) = 1"
        )
        params += [shared, *values]
    sql = " UNION ALL BY NAME ".join(f"({q})" for q in selects)
    if ordered:
        sql += f" ORDER BY {', '.join(key)}"
    import duckdb  # loaded by the queries only (see docs/architecture.md)

    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        arrow = connection.sql(sql, params=params).to_arrow_table()
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    return frame

"""Wide fast path of the CNEMC live station table (``cnemc-live``): one typed row per station-hour.

The general reader (``read_air``) turns every station-hour of a ``cnemc-live`` file into fourteen
text rows of a long table before any number is parsed. Here the file is parsed once by Polars with
an explicit schema (the fourteen concentration columns and ``aqi`` Float64; ``""``, ``NA`` and
``/`` as nulls, the markers the national 2026 feed writes), ``timepoint`` by one ``strptime``
format (``2026-02-28T0000`` in the 2026 feed), and every check of the general reader is a column
expression on the wide frame. The result is the wide hourly frame of
``services.air.hourly.hourly_wide`` (``site``, ``interval_end``, ``site_kind``, ``city``,
``site_name``, the six 1-h values, ``SO2_24h``) plus the file's ``official_aqi``, sorted by site and hour.

The fast path never reports a problem itself: whenever anything in the file is unusual (a BOM,
not UTF-8, a missing column, a ragged row, a time in no single notation or not a whole hour, hour
24, a blank station code, area or name, padding around a code, a cell that is neither a number nor
one of the three markers, a value or AQI the general reader would reject, a column whose median
looks like the wrong unit, an unknown primary pollutant, a repeated station-hour) it returns None
and the caller reads the file with ``read_air``, which then gives its usual zh-CN problems or the
same data. The input limits of ``input_limits`` apply as in ``read_air``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from envplan.monitoring.air_checks import (
    normalize_primary,
)
from envplan.monitoring.air_io import InputPath
from envplan.monitoring.air_layouts import CNEMC_LIVE_COLUMNS
from envplan.monitoring.air_schema import PHYSICAL_MAXIMA, POLLUTANTS
from envplan.monitoring.air_wide import unit_counts, unit_mistake
from envplan.monitoring.errors import InputFileError
from envplan.monitoring.input_limits import check_file, read_gzip_checked

#: Time notations tried on the first ``timepoint`` cell (the 2026 feed writes the first, the
#: 2022 archive the second); the whole column is then parsed with that one format.
_TIME_FORMATS = ("%Y-%m-%dT%H%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")

#: Missing markers of the live tables parsed as nulls (any other marker fails the typed read).
CNEMC_MISSING = ("", "NA", "/")

#: Text columns every station-hour must carry.
_TEXT = ("timepoint", "stationcode", "area", "positionname")

#: Columns of the returned frame (``hourly_wide``'s plus ``official_aqi``).
WIDE_COLUMNS = (
    "site",
    "interval_end",
    "site_kind",
    "city",
    "site_name",
    *POLLUTANTS,
    "SO2_24h",
    "official_aqi",
)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return bytes(handle.read(1 << 16))
    except OSError:
        return b""  # the general reader names the problem


def load_cnemc_live_wide(path: InputPath, *, published: bool = False) -> pl.DataFrame | None:
    """Parse a clean ``cnemc-live`` CSV (plain or .gz) into typed columns, or None.

    Columns: the text columns of ``_TEXT`` and ``primarypollutant`` as in the file, the value
    columns of ``CNEMC_LIVE_COLUMNS`` and ``aqi`` as Float64 (null where missing), and
    ``interval_end``. Raises ``InputFileError`` only for the input limits.

    ``published``: also what the store keeps of the file's published fields
    (``air_wide_long``): ``longitude`` and ``latitude`` as text, ``source_commit`` /
    ``source_blob`` when present (None when one has an empty cell, which the typed read cannot
    tell from ``NA``), and ``/<column>`` (Boolean) for each 1-h value column: the cell is
    ``/`` (not reported). Only ``""`` and ``NA`` are then read as nulls; the value columns are
    read as text and cast (the general reader's ``parse_number`` on a clean cell), ``/`` first
    set to null."""
    if not isinstance(path, Path) or not path.is_file():
        return None
    if path.suffix.lower() not in (".csv", ".gz") or path.name.lower().endswith(".zip"):
        return None
    source: Path | bytes = path
    if path.suffix.lower() == ".gz":
        try:
            source = read_gzip_checked(path)  # check_file's limit; parsed from these bytes
        except InputFileError:
            return None  # too big or broken: read_air raises the same error itself
        head = source[: 1 << 16]
    else:
        check_file(path)
        head = _head(path)
    if not head or head[:3] == b"\xef\xbb\xbf":
        return None
    end = head.find(b"\n")
    if end < 0:
        return None
    try:
        names = head[:end].decode("utf-8").rstrip("\r").split(",")
    except UnicodeDecodeError:
        return None
    numeric = [*CNEMC_LIVE_COLUMNS, "aqi"]
    if len(set(names)) != len(names) or not {*_TEXT, "primarypollutant", *numeric} <= set(names):
        return None
    wanted = [*_TEXT, "primarypollutant", *numeric]
    if published:
        wanted += [n for n in _PUBLISHED_TEXT if n in names]
    last = names[-1]
    typed = pl.String if published else pl.Float64
    try:
        frame = pl.read_csv(
            source,
            has_header=True,
            columns=list(dict.fromkeys([*wanted, last])),
            schema_overrides={n: typed if n in numeric else pl.String for n in names},
            null_values=list(CNEMC_MISSING[:2] if published else CNEMC_MISSING),
            encoding="utf8",
            truncate_ragged_lines=False,  # a long row raises: the general reader decides
        )
        if published:
            frame = _typed_values(frame, numeric)
    except (pl.exceptions.PolarsError, ValueError, OSError):
        return None  # text in a number column, bad UTF-8, a long row …
    # A short row is padded with nulls, so it lacks the last field: require it in every row.
    if frame.height == 0 or frame[last].null_count():
        return None
    if published and any(frame[n].null_count() for n in _SOURCE if n in frame.columns):
        return None  # an empty cell: read_air keeps it as null, "NA" as text
    first = frame["timepoint"].drop_nulls().head(1).to_list()
    fmt = next((f for f in _TIME_FORMATS if first and _parses(first[0], f)), None)
    if fmt is None:
        return None
    return frame.with_columns(
        interval_end=pl.col("timepoint").str.strptime(pl.Datetime("us"), fmt, strict=False)
    )


#: Published text columns kept by the store (``air_formats._read_cnemc_live``).
_SOURCE = ("source_commit", "source_blob")
_PUBLISHED_TEXT = ("longitude", "latitude", *_SOURCE)

#: The value columns that can be a 1-h value (``o3`` in the 2026 layout, ``o3_24h`` in 2022).
HOURLY_CANDIDATES = ("so2", "no2", "co", "o3", "o3_24h", "pm10", "pm2_5")


def _typed_values(frame: pl.DataFrame, numeric: list[str]) -> pl.DataFrame:
    """Text value columns to Float64 (strict: any other text raises), ``/`` to null, with the
    ``/`` flags of the 1-h candidates."""
    slash = {f"/{c}": (pl.col(c) == "/").fill_null(False) for c in HOURLY_CANDIDATES}
    values = {
        c: pl.when(pl.col(c) == "/").then(None).otherwise(pl.col(c)).cast(pl.Float64, strict=True)
        for c in numeric
    }
    return frame.with_columns(**slash).with_columns(**values)


def _parses(text: str, fmt: str) -> bool:
    parsed = pl.Series([text]).str.strptime(pl.Datetime("us"), fmt, strict=False)
    return parsed.null_count() == 0


def _o3_swapped(frame: pl.DataFrame) -> bool:
    """The 2022 archive's layout (``o3_24h`` is the 1-h O3): some row has both cells and they
    differ (``air_formats._cnemc_live_o3_mapping``)."""
    both = frame.select(
        (
            pl.col("o3_24h").is_not_null()
            & pl.col("o3").is_not_null()
            & (pl.col("o3_24h") != pl.col("o3"))
        ).any()
    )
    return bool(both.item())


@dataclass(frozen=True, slots=True)
class CheckedLive:
    """A ``cnemc-live`` frame that passed every check: the expression of its station names
    (stripped when some name has spaces around it), its 1-h O3 column (``o3`` in the 2026
    layout, ``o3_24h`` in the 2022 archive's) and the positions that sort it by station and
    hour."""

    name: pl.Expr
    o3: str
    order: np.ndarray


def check_cnemc_live(frame: pl.DataFrame) -> CheckedLive | None:
    """The checks of ``read_air`` for ``cnemc-live`` as column expressions on a frame of
    ``load_cnemc_live_wide``; None when any check would fail."""
    end = pl.col("interval_end")
    # range checks on each column's extremes (min/max skip NaN, checked apart)
    value_bad = [
        (pl.col(c).min() < 0) | (pl.col(c).max() > PHYSICAL_MAXIMA[p]) | pl.col(c).is_nan().any()
        for c, (p, _) in CNEMC_LIVE_COLUMNS.items()
    ]
    aqi = pl.col("aqi")
    checks = frame.select(
        blank=pl.any_horizontal(pl.col(c).is_null() for c in _TEXT).any()
        | end.is_null().any()
        | (end.dt.truncate("1h") != end).any(),
        values=pl.any_horizontal(value_bad).fill_null(False),
        aqi=((aqi < 0) | (aqi > 500) | (aqi != aqi.round(0)) | aqi.is_nan()).any(),
    )
    if any(checks.row(0)) or _unit_mistake(frame):
        return None
    # padding around a code or an area (the general reader strips it): judged on the distinct
    # values, a few thousand, not on every row
    for column in ("stationcode", "area"):
        distinct = frame[column].unique()
        if (distinct != distinct.str.strip_chars()).any():
            return None
    names = frame["positionname"].unique()
    name = pl.col("positionname")
    if (names != names.str.strip_chars()).any():
        name = name.str.strip_chars()
    primary = frame["primarypollutant"].drop_nulls().unique().to_frame()
    normalized = primary.select(normalize_primary(pl.col("primarypollutant")))
    if normalized.to_series().str.contains("?", literal=True).any():
        return None
    o3 = "o3_24h" if _o3_swapped(frame) else "o3"
    order = _site_hour_order(frame)
    if order is None:
        return None  # a repeated station-hour: the general reader lists every repeat
    return CheckedLive(name=name, o3=o3, order=order)


def check_cnemc_live_wide(frame: pl.DataFrame, *, sort: bool = True) -> pl.DataFrame | None:
    """The checks of ``read_air`` for ``cnemc-live`` as column expressions; the wide hourly frame
    (``WIDE_COLUMNS``), or None when any check would fail.

    ``sort``: rows sorted by site and hour (the order of ``hourly_wide``); False = file order
    (reordering 5 M station-hours costs seconds; the AQI engine and the daily grids of
    ``services.air`` take rows in any order)."""
    checked = check_cnemc_live(frame)
    if checked is None:
        return None
    wide = hourly_frame(frame, checked)
    return wide[pl.Series(checked.order)] if sort else wide


def hourly_frame(frame: pl.DataFrame, checked: CheckedLive) -> pl.DataFrame:
    """The wide hourly frame (``WIDE_COLUMNS``) of a checked frame, in file order."""
    values = {
        "SO2": "so2",
        "NO2": "no2",
        "CO": "co",
        "O3": checked.o3,
        "PM10": "pm10",
        "PM2.5": "pm2_5",
    }
    return frame.select(
        pl.col("stationcode").alias("site"),
        "interval_end",
        pl.lit("station").alias("site_kind"),
        pl.col("area").alias("city"),
        checked.name.alias("site_name"),
        *(pl.col(values[p]).alias(p) for p in POLLUTANTS),
        pl.col("so2_24h").alias("SO2_24h"),
        pl.col("aqi").cast(pl.Int64).alias("official_aqi"),
    )


def _site_hour_order(frame: pl.DataFrame) -> np.ndarray | None:
    """Row positions that sort the frame by station code and hour, or None when a station-hour
    repeats. One key per row: station code rank x 2^40 + seconds since the first hour; the feed
    is written hour by hour, so a stable (radix) sort of the small code ranks alone usually
    orders the keys; otherwise the keys themselves are sorted. Equal neighbours are repeats."""
    codes = frame["stationcode"]
    ranks = codes.cast(pl.Enum(codes.unique().sort())).to_physical().to_numpy()
    end = frame["interval_end"]
    seconds = (end - end.min()).dt.total_seconds().to_numpy()
    key = (ranks.astype(np.uint64) << np.uint64(40)) | seconds.astype(np.uint64)
    order = np.argsort(ranks, kind="stable")
    ordered = key[order]
    if not bool((ordered[1:] > ordered[:-1]).all()):
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        if not bool((ordered[1:] > ordered[:-1]).all()):
            return None
    return order


def _unit_mistake(frame: pl.DataFrame) -> bool:
    """``air_wide.unit_mistake`` on the value columns of the CNEMC live layout."""
    columns = {c: p for c, (p, _) in CNEMC_LIVE_COLUMNS.items()}
    got = frame.select(**unit_counts(columns)).row(0, named=True)
    return unit_mistake(frame, got, columns)


def read_cnemc_live_wide(path: InputPath, *, sort: bool = True) -> pl.DataFrame | None:
    """``load_cnemc_live_wide`` then ``check_cnemc_live_wide`` (``sort`` as there); None: read
    the file with ``read_air``."""
    frame = load_cnemc_live_wide(path)
    return None if frame is None else check_cnemc_live_wide(frame, sort=sort)


def city_groups(frame: pl.DataFrame, station_hours: int) -> Iterator[pl.DataFrame]:
    """The rows of a wide frame in groups of whole cities of about ``station_hours`` rows (at
    least one city each), cities in code-point order, rows in their order within each group (the
    groups ``services.air.network_period_chain`` takes). Each group is one filter of the frame,
    which reads it in order: far cheaper than reordering it by city."""
    sizes = frame.group_by("city").len().sort("city")
    group = (sizes["len"].cum_sum() - sizes["len"]) // max(1, station_hours)
    table = sizes.select("city", group=group)
    ids = frame.select(
        pl.col("city").replace_strict(table["city"], table["group"], return_dtype=pl.Int64)
    ).to_series()
    for value in table["group"].unique().sort():
        yield frame.filter(ids == value)


__all__ = [
    "CNEMC_MISSING",
    "HOURLY_CANDIDATES",
    "WIDE_COLUMNS",
    "CheckedLive",
    "check_cnemc_live",
    "check_cnemc_live_wide",
    "city_groups",
    "hourly_frame",
    "load_cnemc_live_wide",
    "read_cnemc_live_wide",
]

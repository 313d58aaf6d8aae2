"""Wide fast path of the MEE city-hour table (``mee-city``): one typed row per city-hour.

``envplan air aqi`` on a ``mee-city`` file reads it here instead of through ``read_air``'s long
table (six rows per city-hour, all text): the file is parsed once by Polars with an explicit schema
(concentrations and AQI Float64, ``—`` and the other missing markers as nulls), the time by one
``strptime`` format, and every check of the general reader is a column expression on the wide
frame. The result is the wide hourly frame of ``services.air.hourly.hourly_wide`` (``site``,
``interval_end``, ``SO2 NO2 CO O3 PM10 PM2.5``) plus the file's ``official_aqi``, in file order
with the positions that sort it by site and hour.

A GBK/GB18030 file (what Excel writes as "CSV" on Chinese Windows) is transcoded to UTF-8 in blocks
into a temporary file first, so memory stays bounded.

The fast path never reports a problem itself: whenever anything in the file is unusual (neither
UTF-8 nor GB18030, a BOM, a ragged or blank row, a time in another notation, a blank city, a duplicate
city-hour, a value or AQI the general reader would reject, an unknown primary pollutant) it returns
None and the caller reads the file with ``read_air``, which then gives its usual zh-CN problems
(file, row, column) or the same data. The input limits of ``input_limits`` apply as in ``read_air``.
"""

from __future__ import annotations

import codecs
import gzip
import mmap
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from envplan.monitoring.air_checks import (
    _CO_MEDIAN_LIMIT_MG,
    _MIN_VALUES_FOR_UNIT_CHECK,
    _UG_MEDIAN_FLOOR,
    normalize_primary,
)
from envplan.monitoring.air_io import MISSING_MARKERS, InputPath
from envplan.monitoring.air_layouts import MEE_COLUMNS, MEE_POLLUTANTS
from envplan.monitoring.air_schema import PHYSICAL_MAXIMA, POLLUTANTS
from envplan.monitoring.input_limits import check_file

#: Time notations tried on the first time cell (the MEE table writes the first).
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")

#: Spreadsheets and archives: read_air names what to do with them.
_NOT_CSV = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".numbers", ".zip")

#: The missing-value marker of the MEE table (cells with any other ``MISSING_MARKERS`` value make
#: the fast read fail, and ``read_air`` reads the file).
MEE_MISSING = "—"

#: Columns of the wide frame returned (the wide hourly frame of ``services.air.hourly``).
WIDE_COLUMNS = ("site", "interval_end", *POLLUTANTS, "official_aqi")


@dataclass(frozen=True, slots=True)
class WideHourly:
    """A checked file as one typed row per city-hour (``WIDE_COLUMNS``), in file order, and the
    row positions that sort it by site and hour (the order of every output). Sorting is left to
    the caller: reordering the small integer results of the AQI engine costs far less than
    reordering the concentrations (see ``cli.air_cmd``)."""

    frame: pl.DataFrame
    order: np.ndarray

    def order_series(self) -> pl.Series:
        """``order`` as Polars' index type (a gather with it converts nothing per column)."""
        return pl.Series("order", self.order, dtype=pl.get_index_type())

    def sorted(self) -> pl.DataFrame:
        return self.frame.select(pl.all().gather(self.order_series()))


def _raw_bytes(path: Path) -> bytes | mmap.mmap | None:
    """The file's bytes (a read-only memory map for plain files, gunzipped bytes for .gz)."""
    if path.suffix.lower() == ".gz":
        try:
            return gzip.decompress(path.read_bytes())
        except (OSError, EOFError):
            return None  # the general reader names the broken archive
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return None
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def load_mee_city_wide(path: InputPath) -> pl.DataFrame | None:
    """Parse a clean ``mee-city`` CSV into typed columns, or None (see the module docstring).

    Columns: ``city`` (text as in the file), ``time`` (text), ``interval_end``, the six
    concentrations and ``AQI`` (Float64, null where missing), ``main_pollution`` (text). Raises
    ``InputFileError`` only for the input limits (the same error ``read_air`` raises first)."""
    if not isinstance(path, Path) or not path.is_file() or path.suffix.lower() in _NOT_CSV:
        return None
    check_file(path)  # decompressed size and rows, as read_air does before parsing
    data = _raw_bytes(path)
    if data is None:
        return None
    try:
        # Polars maps a plain file itself; the map here serves the byte checks.
        frame = _parse(path if isinstance(data, mmap.mmap) else data, data)
        if frame is None and _looks_like_gbk(data):
            frame = _parse_gbk(data)
        return frame
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def _looks_like_gbk(data: bytes | mmap.mmap) -> bool:
    """The first megabyte is not UTF-8 but is GB18030 (Excel's "CSV" in Chinese Windows)."""
    head = bytes(data[: 1 << 20])
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return False
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _parse_gbk(data: bytes | mmap.mmap, block: int = 1 << 22) -> pl.DataFrame | None:
    """A GBK/GB18030 file transcoded to UTF-8 in 4 MB blocks into a temporary file (memory stays
    bounded), then parsed like any other; None when it is not GB18030 throughout (read_air then
    names the encoding problem)."""
    decoder = codecs.getincrementaldecoder("gb18030")()
    with tempfile.TemporaryDirectory(prefix="envplan-gbk-") as folder:
        target = Path(folder) / "utf-8.csv"
        try:
            with target.open("wb") as out:
                for start in range(0, len(data), block):
                    out.write(decoder.decode(data[start : start + block]).encode("utf-8"))
                out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            return None
        with (
            target.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            return _parse(target, mapped)


def _parse(source: Path | bytes, data: bytes | mmap.mmap) -> pl.DataFrame | None:
    if data[:3] == b"\xef\xbb\xbf":
        return None
    end = data.find(b"\n")
    try:
        header = bytes(data[: end if end >= 0 else len(data)]).decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    names = header.split(",")
    if len(set(names)) != len(names) or not set(MEE_COLUMNS) <= set(names):
        return None  # header spaces, repeats or missing columns: the general reader decides
    numeric = {name: pl.Float64 for name in (*MEE_POLLUTANTS, "AQI")}
    try:
        frame = pl.read_csv(
            source,
            has_header=True,
            columns=list(dict.fromkeys([*MEE_COLUMNS, names[-1]])),
            schema_overrides={n: numeric.get(n, pl.String) for n in names},
            null_values=MEE_MISSING,  # one marker is parsed fastest; any other fails: read_air
            encoding="utf8",
            truncate_ragged_lines=False,  # a row with too many fields raises: general reader
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None  # an unparseable number, bad UTF-8, a long row …
    # A short row is padded with nulls by Polars, so it always lacks the last field: when the
    # header's last column has a value in every row there is none; otherwise, with no long row
    # (above), every row has the header's width exactly when the separators add up (those
    # inside quoted cells, e.g. "PM10,PM2.5", counted apart).
    if frame[names[-1]].null_count():
        text = [c for c in frame.columns if frame.schema[c] == pl.String]
        quoted = frame.select(
            pl.sum_horizontal(pl.col(c).str.count_matches(",", literal=True).sum() for c in text)
        ).item()
        if _count_commas(data) != (len(names) - 1) * (frame.height + 1) + quoted:
            return None
    if frame.height == 0:
        return None
    first = frame["time"].drop_nulls().head(1).to_list()
    fmt = next((f for f in _TIME_FORMATS if first and _parses(first[0], f)), None)
    if fmt is None:
        return None
    return frame.with_columns(
        interval_end=pl.col("time").str.strptime(pl.Datetime("us"), fmt, strict=False)
    )


def _count_commas(data: bytes | mmap.mmap, block: int = 1 << 24) -> int:
    """Number of b"," in the data, read in blocks of 16 MB (a memory map has no ``count``)."""
    view = memoryview(data)
    try:
        return sum(bytes(view[i : i + block]).count(b",") for i in range(0, len(view), block))
    finally:
        view.release()


def _parses(text: str, fmt: str) -> bool:
    parsed = pl.Series([text]).str.strptime(pl.Datetime("us"), fmt, strict=False)
    return parsed.null_count() == 0


def check_mee_city_wide(frame: pl.DataFrame) -> WideHourly | None:
    """The checks of ``read_air`` for ``mee-city`` as column expressions on the wide frame; the
    wide hourly frame in file order with its sort order, or None when any check would fail."""
    value_bad = [
        (pl.col(p) < 0) | (pl.col(p) > PHYSICAL_MAXIMA[p]) | pl.col(p).is_nan()
        for p in MEE_POLLUTANTS
    ]
    aqi = pl.col("AQI")
    end = pl.col("interval_end")
    checks = frame.select(
        # a blank or all-empty row, or a blank city / time, a time that is not a whole hour
        blank=pl.all_horizontal(pl.col(c).is_null() for c in MEE_COLUMNS).any()
        | pl.col("city").is_null().any()
        | end.is_null().any()
        | (end.dt.truncate("1h") != end).any(),
        values=pl.any_horizontal(value_bad).any(),
        aqi=((aqi < 0) | (aqi > 500) | (aqi != aqi.round(0)) | aqi.is_nan()).any(),
        first=end.min(),
        **unit_counts(),  # one pass over the frame for every check
    )
    got = checks.row(0, named=True)
    if got["blank"] or got["values"] or got["aqi"] or unit_mistake(frame, got):
        return None
    primary = frame["main_pollution"].unique().to_frame()
    normalized = primary.select(normalize_primary(pl.col("main_pollution")))
    if normalized.to_series().str.contains("?", literal=True).any():
        return None
    # Surrounding spaces are stripped; they are rare, so the distinct names are looked at first
    # and the whole column is stripped only when one has them.
    city = frame["city"]
    distinct = city.unique()
    if not (distinct.str.strip_chars() == distinct).all():
        city = city.str.strip_chars()
        distinct = city.unique()
    names = distinct.sort()  # code-point order: the order of the text column's sort
    if names.is_in(list(MISSING_MARKERS)).any():
        return None  # a city cell of spaces around a missing marker: blank city
    site = city.cast(pl.Enum(names))
    # One key per row: site code × 2⁴⁰ + seconds since the first hour. Files are written hour
    # by hour, so a stable sort of the small site codes alone (NumPy's radix sort) usually
    # orders the keys; otherwise the keys are sorted. Equal neighbours are duplicates.
    codes = site.to_physical().to_numpy()
    seconds = (frame["interval_end"] - got["first"]).dt.total_seconds().to_numpy()
    key = (codes.astype(np.uint64) << np.uint64(40)) | seconds.astype(np.uint64)
    order = np.argsort(codes, kind="stable")
    if not _increasing(key[order]):
        order = np.argsort(key, kind="stable")
        if not _increasing(key[order]):
            return None  # a duplicate city-hour: the general reader lists every repeat
    wide = frame.select(
        pl.lit(site).alias("site"),
        "interval_end",
        *POLLUTANTS,
        aqi.cast(pl.Int64).alias("official_aqi"),
    )
    return WideHourly(frame=wide, order=order)


def _increasing(values: np.ndarray) -> bool:
    return bool((values[1:] > values[:-1]).all())


#: The MEE layout's value columns, each named after its pollutant.
_MEE_COLUMNS = {p: p for p in MEE_POLLUTANTS}


def unit_counts(columns: Mapping[str, str] | None = None) -> dict[str, pl.Expr]:
    """The counts ``unit_mistake`` decides on, as named aggregate expressions.

    columns: value column → pollutant (default: the MEE layout, where each column is named after
    its pollutant).
    """
    counts: dict[str, pl.Expr] = {}
    for c, p in (columns or _MEE_COLUMNS).items():
        column = pl.col(c)
        if p == "CO":
            counts[f"{c}:n"] = column.count()
            counts[f"{c}:c"] = (column > _CO_MEDIAN_LIMIT_MG).sum()
        else:
            counts[f"{c}:all"] = column.count()
            counts[f"{c}:n"] = (column > 0).sum()
            counts[f"{c}:c"] = ((column > 0) & (column < _UG_MEDIAN_FLOOR)).sum()
    return counts


def unit_mistake(
    frame: pl.DataFrame, got: dict[str, Any], columns: Mapping[str, str] | None = None
) -> bool:
    """``air_checks._unit_problems`` on each column: a CO median above 20 mg/m³, or a µg/m³
    column (≥ 10 values) whose median of non-zero values is below 1; ``got`` holds the
    aggregates of ``unit_counts(columns)``.

    The median of n values is above L exactly when more than n/2 values are (2c > n, c the
    count above L), except when 2c = n (n even: the two middle values straddle L): only then
    is the median itself computed. The same holds for "below"."""
    for c, p in (columns or _MEE_COLUMNS).items():
        n, k = got[f"{c}:n"], got[f"{c}:c"]
        if p != "CO" and got[f"{c}:all"] < _MIN_VALUES_FOR_UNIT_CHECK:
            continue
        if 2 * k != n:
            if 2 * k > n:
                return True
            continue
        values = frame[c] if p == "CO" else frame[c].filter(frame[c] > 0)
        median = values.median()
        if not isinstance(median, float):
            continue  # no values: no unit check, as in air_checks
        if median > _CO_MEDIAN_LIMIT_MG if p == "CO" else median < _UG_MEDIAN_FLOOR:
            return True
    return False


def read_mee_city_wide(path: InputPath) -> pl.DataFrame | None:
    """``load_mee_city_wide`` then ``check_mee_city_wide``, sorted by site and hour (the wide
    hourly frame of ``services.air.hourly.hourly_wide`` plus ``official_aqi``); None: read the
    file with ``read_air``."""
    frame = load_mee_city_wide(path)
    checked = None if frame is None else check_mee_city_wide(frame)
    return None if checked is None else checked.sorted()


__all__ = [
    "WIDE_COLUMNS",
    "WideHourly",
    "check_mee_city_wide",
    "load_mee_city_wide",
    "read_mee_city_wide",
]

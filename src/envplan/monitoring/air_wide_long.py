"""The store import of a ``cnemc-live`` file from the wide parse: ``read_air``'s tables, faster.

``read_air`` loads a file as an all-text frame (the bytes decoded and re-encoded in memory, the
field count of every record taken by the ``csv`` module), turns every station-hour into thirteen
or fourteen text rows and only then parses numbers and times and checks them. Here the file is
parsed once with types and checked with column expressions (``air_wide_cnemc``:
``load_cnemc_live_wide(published=True)``, ``check_cnemc_live``), and the two canonical tables
are built from the wide frame with the same expressions ``air_formats._read_cnemc_live`` and
``air_checks.finish_measurements`` / ``finish_published`` apply to a clean file: the same rows,
in the same order, with the same columns and types, so ``timeseries.write_air`` stores exactly
what it stores for ``read_air``'s result.

Whenever the wide parse or a check declines the file (see ``air_wide_cnemc``), the caller reads
it with ``read_air``, which gives its usual zh-CN problems (file, row, column) or the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from envplan.monitoring.air_checks import interval_start, normalize_primary
from envplan.monitoring.air_io import InputPath, is_missing
from envplan.monitoring.air_layouts import CNEMC_LIVE_COLUMNS
from envplan.monitoring.air_readers import AirReadResult
from envplan.monitoring.air_schema import (
    MEASUREMENT_SCHEMA,
    PUBLISHED_SCHEMA,
    UNITS,
)
from envplan.monitoring.air_stations import fill_station_attributes
from envplan.monitoring.air_wide_cnemc import check_cnemc_live, load_cnemc_live_wide

_FORMAT = "cnemc-live"


def _value_columns(o3: str) -> dict[str, tuple[str, str]]:
    """``air_formats._cnemc_live_o3_mapping`` given the 1-h O3 column found by the checks."""
    if o3 == "o3_24h":  # the 2022 archive's swapped headers
        return CNEMC_LIVE_COLUMNS
    current = {k: v for k, v in CNEMC_LIVE_COLUMNS.items() if k not in ("o3", "o3_24h")}
    return {"o3": ("O3", "1h"), **current}


@dataclass(frozen=True, slots=True)
class LiveTables:
    """A clean ``cnemc-live`` file, wide: the canonical tables of ``read_air`` on demand, whole
    (``result``) or month by month (``months``: a five-month national file is about 75 M long
    rows, ≈ 12 GB at once)."""

    path: Path
    base: pl.DataFrame  # site, site_name, city, interval_end, the value columns (file order)
    published: pl.DataFrame
    mapping: dict[str, tuple[str, str]]
    version: str
    order: np.ndarray  # positions of ``base`` in site and time order (``CheckedLive.order``)

    @property
    def source(self) -> str:
        return f"{self.path.name} ({_FORMAT})"

    @property
    def measurement_rows(self) -> int:
        return self.base.height * len(self.mapping)

    def measurements(self, base: pl.DataFrame | None = None) -> pl.DataFrame:
        """The measurements of ``base`` (default: the whole file), in ``read_air``'s order."""
        frame = self.base if base is None else base
        return _measurements(frame, self.mapping, self.source, self.version)

    def result(self, stations: pl.DataFrame | None = None) -> AirReadResult:
        """What ``read_air`` returns for the file."""
        measurements = self.measurements()
        if stations is not None and measurements.height:
            measurements = fill_station_attributes(measurements, stations)
        return AirReadResult(
            measurements=measurements,
            published=self.published,
            format=_FORMAT,
            files=(self.path,),
            encodings=("utf-8",),
        )

    def months(self) -> Iterator[tuple[int, int, pl.DataFrame, pl.DataFrame]]:
        """(year, month, measurements, published) of each month of the store's partition (the
        month of the hour's start), in order of first appearance: the rows ``write_air`` takes
        of that month from ``result()``, the measurements already in site and time order
        (``_sorted_measurements``), so the store's sort of 15 M long rows a month is not
        needed."""
        start = pl.col("interval_end") - pl.duration(microseconds=1)
        month = (start.dt.year() * 100 + start.dt.month()).alias("_month")
        keys = self.base.select(month).to_series()
        sorted_keys = keys.to_numpy()[self.order]
        published_keys = self.published.select(month).to_series()
        for value in keys.unique(maintain_order=True).to_list():
            # the file's station-hour order restricted to the month: its rows in that order
            rows = self.base[pl.Series(self.order[sorted_keys == value])]
            measurements = _sorted_measurements(rows, self.mapping, self.source, self.version)
            published = self.published.filter(published_keys == value)
            yield value // 100, value % 100, measurements, published


def load_cnemc_live_tables(
    path: InputPath, *, data_version: str | None = None
) -> LiveTables | None:
    """A clean ``cnemc-live`` file as ``LiveTables``, or None (then ``read_air`` reads it).
    Raises ``InputFileError`` only for the input limits."""
    version = data_version or "realtime"
    if version not in ("realtime", "audited") or not isinstance(path, Path):
        return None  # read_air names the version problem
    frame = load_cnemc_live_wide(path, published=True)
    if frame is None:
        return None
    checked = check_cnemc_live(frame)
    if checked is None:
        return None
    mapping = _value_columns(checked.o3)
    source = f"{path.name} ({_FORMAT})"
    base = frame.select(
        pl.col("stationcode").alias("site"),  # no padding: check_cnemc_live
        checked.name.alias("site_name"),
        pl.col("area").alias("city"),
        "interval_end",
        *mapping,
    )
    published = _published(frame, mapping, source, version)
    return LiveTables(
        path=path,
        base=base,
        published=published,
        mapping=mapping,
        version=version,
        order=checked.order,
    )


def read_cnemc_live_long(
    path: InputPath,
    *,
    data_version: str | None = None,
    stations: pl.DataFrame | None = None,
) -> AirReadResult | None:
    """``read_air(path, "cnemc-live", data_version=…, stations=…)`` for a clean file, or None
    (then ``read_air`` reads it). Raises ``InputFileError`` only for the input limits."""
    tables = load_cnemc_live_tables(path, data_version=data_version)
    return None if tables is None else tables.result(stations)


def _measurements(
    base: pl.DataFrame, mapping: dict[str, tuple[str, str]], source: str, version: str
) -> pl.DataFrame:
    """One row per value column and station-hour, column by column (the unpivot of
    ``air_formats._pollutant_slots``), shaped as ``finish_measurements`` shapes it."""
    keys = pl.DataFrame(
        {
            "_column": list(mapping),
            "pollutant": [p for p, _ in mapping.values()],
            "averaging": [a for _, a in mapping.values()],
        }
    )
    long = base.unpivot(
        on=list(mapping),
        index=["site", "site_name", "city", "interval_end"],
        variable_name="_column",
        value_name="value",
    ).join(keys, on="_column", how="left", maintain_order="left")
    return (
        long.with_columns(
            site_kind=pl.lit("station"),
            unit=pl.col("pollutant").replace_strict(UNITS, return_dtype=pl.String),
            source=pl.lit(source),
            data_version=pl.lit(version),
        )
        .with_columns(interval_start=interval_start(True))
        .select(list(MEASUREMENT_SCHEMA))
        .cast(MEASUREMENT_SCHEMA)
    )


def _sorted_measurements(
    rows: pl.DataFrame, mapping: dict[str, tuple[str, str]], source: str, version: str
) -> pl.DataFrame:
    """``_measurements`` of station-hours already in site and time order, built in that order,
    the values of one station-hour in column order: what sorting ``_measurements(rows)`` by
    site and time gives (the store's sort in ``Staging.add_frames`` is not stable, so the order
    among one station-hour's rows is not fixed there either). Each station-hour is repeated
    once per value column; the values are the row-major ravel of the value columns."""
    k, n = len(mapping), rows.height
    repeat = pl.Series(np.repeat(np.arange(n, dtype=np.int64), k), dtype=pl.get_index_type())
    tile = pl.Series(np.tile(np.arange(k, dtype=np.int64), n), dtype=pl.get_index_type())
    pollutants = pl.Series([p for p, _ in mapping.values()], dtype=pl.String)
    averagings = pl.Series([a for _, a in mapping.values()], dtype=pl.String)
    units = pl.Series([UNITS[p] for p, _ in mapping.values()], dtype=pl.String)
    # null (missing) → NaN → null: the checks refused any NaN value of the file
    matrix = rows.select(list(mapping)).to_numpy(order="c").ravel()
    values = pl.Series("value", matrix, dtype=pl.Float64, nan_to_null=True)
    long = (
        rows.select("site", "site_name", "city", "interval_end")[repeat]
        .with_columns(
            pollutant=pollutants.gather(tile),
            averaging=averagings.gather(tile),
            unit=units.gather(tile),
            value=values,
            site_kind=pl.lit("station"),
            source=pl.lit(source),
            data_version=pl.lit(version),
        )
        .with_columns(interval_start=interval_start(True))
    )
    return long.select(list(MEASUREMENT_SCHEMA)).cast(MEASUREMENT_SCHEMA)


def _by_distinct(column: pl.Expr, expr: pl.Expr, distinct: pl.DataFrame) -> pl.Expr:
    """``expr`` (of the text column ``_raw``) for every row of ``column``, computed on the
    ``distinct`` non-null texts only; a null text gives ``expr`` of null."""
    done = distinct.select("_raw", expr.alias("_out"))
    null = pl.DataFrame({"_raw": [None]}, schema={"_raw": pl.String}).select(expr).item()
    mapped = column.replace_strict(done["_raw"], done["_out"], return_dtype=pl.String)
    return pl.when(column.is_null()).then(pl.lit(null, dtype=pl.String)).otherwise(mapped)


def _published(
    frame: pl.DataFrame, mapping: dict[str, tuple[str, str]], source: str, version: str
) -> pl.DataFrame:
    """``finish_published`` of ``air_formats._read_cnemc_live`` on a clean file, with the extra
    fields (coordinates, source commit or blob, the 1-h items written ``/``)."""
    primary = pl.col("primarypollutant")
    raw = pl.col("_raw")
    # the published texts are a few dozen distinct values: normalised once each, then mapped
    distinct = frame.select(primary.drop_nulls().unique().alias("_raw"))
    columns = frame.columns
    extra: dict[str, pl.Expr] = {
        c: pl.col(c).cast(pl.Float64, strict=False)
        if c in columns
        else pl.lit(None, dtype=pl.Float64)
        for c in ("longitude", "latitude")
    }
    for c in ("source_commit", "source_blob"):
        if c in columns:
            extra[c] = pl.col(c)
    hourly = [c for c, (_, averaging) in mapping.items() if averaging == "1h"]
    # one pollutant per 1-h column: joined in column order, no repeats (the list.unique of
    # the general reader changes nothing)
    listed = pl.concat_str(
        [pl.when(pl.col(f"/{c}")).then(pl.lit(mapping[c][0])) for c in hourly],
        separator=",",
        ignore_nulls=True,
    )
    slashed = pl.any_horizontal(pl.col(f"/{c}") for c in hourly)
    extra["unreported"] = pl.when(slashed).then(listed).otherwise(None)
    return frame.select(
        pl.col("stationcode").alias("site"),
        "interval_end",
        pl.col("aqi").cast(pl.Int64).alias("aqi"),
        _by_distinct(primary, normalize_primary(pl.col("_raw")), distinct).alias(
            "primary_pollutant"
        ),
        _by_distinct(primary, pl.when(is_missing(raw)).then(None).otherwise(raw), distinct).alias(
            "primary_pollutant_raw"
        ),
        pl.lit(source).alias("source"),
        pl.lit(version).alias("data_version"),
        *(expr.alias(name) for name, expr in extra.items()),
    ).cast(pl.Schema({**PUBLISHED_SCHEMA}))


__all__ = ["LiveTables", "load_cnemc_live_tables", "read_cnemc_live_long"]

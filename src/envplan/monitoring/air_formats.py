"""Per-format readers of the air layouts into the long "slot" frame (see ``air_checks``).

Each reader takes one loaded all-text table and returns (slots, published, problems): one slot row
per file cell with its raw text, the file's published AQI / primary pollutant, and problem frames.
``air_readers.read_air`` runs them over every file and finishes the canonical tables.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from envplan.monitoring.air_checks import (
    COLUMN,
    FILE,
    blank_problems,
    finish_published,
    problems_where,
    time_problems,
)
from envplan.monitoring.air_io import ROW, LoadedTable, is_missing, parse_number, parse_time_label
from envplan.monitoring.air_layouts import (
    AQISTUDY_COLUMNS,
    AQISTUDY_POLLUTANTS,
    CNEMC_LIVE_COLUMNS,
    CNEMC_LIVE_REQUIRED,
    MEE_COLUMNS,
    MEE_POLLUTANTS,
    QUOTSOFT_HEAD,
    QUOTSOFT_TYPES,
    city_name,
)
from envplan.monitoring.air_schema import PUBLISHED_SCHEMA
from envplan.monitoring.errors import problem_frame


def _source(table: LoadedTable, format: str) -> str:
    return f"{table.name} ({format})"


_Reader = Callable[[LoadedTable, str, str], tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]]


def _empty_result() -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    return pl.DataFrame(), pl.DataFrame(schema=PUBLISHED_SCHEMA), []


def _pollutant_mapping(key: str, pollutants: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """A join table: the source's `key` value → pollutant and averaging columns."""
    return pl.DataFrame(
        {
            key: list(pollutants),
            "pollutant": [p for p, _ in pollutants.values()],
            "averaging": [a for _, a in pollutants.values()],
        }
    )


def _with_file(frame: pl.DataFrame, table: LoadedTable, format: str, version: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(table.name).alias(FILE),
        pl.lit(_source(table, format)).alias("source"),
        pl.lit(version).alias("data_version"),
    )


def _usable_rows(
    frame: pl.DataFrame, raw_time: str, key: str, key_label: str
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Rows with a parsed `interval_end` and a non-blank `key`, and the problems of the others."""
    problems = [
        time_problems(frame, raw_time, "interval_end"),
        blank_problems(frame, key, key_label),
    ]
    good = frame.filter(pl.col("interval_end").is_not_null() & ~is_missing(pl.col(key)))
    return good, problems


def _pollutant_slots(
    good: pl.DataFrame,
    value_columns: list[str],
    site_columns: list[str],
    pollutants: dict[str, tuple[str, str]],
) -> pl.DataFrame:
    """One row per value column and input row, with its pollutant and averaging."""
    return good.unpivot(
        on=value_columns,
        index=[FILE, ROW, *site_columns, "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    ).join(_pollutant_mapping(COLUMN, pollutants), on=COLUMN, how="left", maintain_order="left")


def _read_mee_city(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    if not set(MEE_COLUMNS) <= set(table.frame.columns):
        return _empty_result()
    label, _ = parse_time_label(pl.col("time"))
    frame = _with_file(table.frame, table, format, version).with_columns(
        interval_end=label, site=pl.col("city").str.strip_chars()
    )
    good, problems = _usable_rows(frame, "time", "city", "城市名")
    slots = good.unpivot(
        on=list(MEE_POLLUTANTS),
        index=[FILE, ROW, "site", "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    ).with_columns(
        pollutant=pl.col(COLUMN),
        averaging=pl.lit("1h"),
        site_name=pl.col("site"),
        site_kind=pl.lit("city"),
        city=pl.col("site"),
    )
    published, pub_problems = finish_published(good, aqi_raw="AQI", primary_raw="main_pollution")
    return slots, published, problems + pub_problems


def _read_cnemc_live(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    columns = set(table.frame.columns)
    if not {*CNEMC_LIVE_REQUIRED, "area", "positionname"} <= columns:
        return _empty_result()
    mapping = _cnemc_live_o3_mapping(table.frame)
    value_columns = [c for c in mapping if c in columns]
    label, _ = parse_time_label(pl.col("timepoint"))
    frame = _with_file(table.frame, table, format, version).with_columns(
        interval_end=label,
        site=pl.col("stationcode").str.strip_chars(),
        site_name=pl.col("positionname").str.strip_chars(),
        city=pl.col("area").str.strip_chars(),
    )
    good, problems = _usable_rows(frame, "timepoint", "stationcode", "站点编码")
    slots = _pollutant_slots(
        good, value_columns, ["site", "site_name", "city"], mapping
    ).with_columns(site_kind=pl.lit("station"))
    extra: dict[str, pl.Expr] = {
        "longitude": pl.col("longitude").cast(pl.Float64, strict=False)
        if "longitude" in columns
        else pl.lit(None, dtype=pl.Float64),
        "latitude": pl.col("latitude").cast(pl.Float64, strict=False)
        if "latitude" in columns
        else pl.lit(None, dtype=pl.Float64),
    }
    if "source_commit" in columns:
        extra["source_commit"] = pl.col("source_commit")
    if "source_blob" in columns:
        extra["source_blob"] = pl.col("source_blob")
    # `/` = the item is not reported at that station (persistent per station); kept because the
    # platform's publication decision treats it unlike a missing value (standards.air.publication).
    slash = [
        pl.when(pl.col(c).str.strip_chars() == "/").then(pl.lit(mapping[c][0])).otherwise(None)
        for c in value_columns
        if mapping[c][1] == "1h"
    ]
    listed = pl.concat_list(slash).list.drop_nulls().list.unique(maintain_order=True)
    extra["unreported"] = (
        pl.when(listed.list.len() > 0).then(listed.list.join(",")).otherwise(None)
        if slash
        else pl.lit(None, dtype=pl.String)
    )
    published, pub_problems = finish_published(
        good, aqi_raw="aqi", primary_raw="primarypollutant", extra=extra
    )
    return slots, published, problems + pub_problems


def _cnemc_live_o3_mapping(frame: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """Column map of one cnemc-live file, O3 columns by the archive's layout.

    Two archives, two O3 layouts (tests/data/README.md):
    - HeQinWill (2022): `o3_24h` is the 1-h O3 and `o3` the max 1-h of the last 24 h (swapped);
    - StorywithLove (2026): `o3` is the 1-h O3; until 2026-02-28 23:00 `o3_24h` is empty, from
      2026-03-01 00:00 it repeats the 1-h value.
    The file is the swapped layout when some row has both cells numeric and different (the max
    of 24 h differs from the current hour somewhere); otherwise `o3` is the 1-h value and the
    empty (or equal) `o3_24h` is never taken.
    """
    if "o3_24h" not in frame.columns or "o3" not in frame.columns:
        return CNEMC_LIVE_COLUMNS
    hourly = parse_number(pl.col("o3_24h"))
    maximum = parse_number(pl.col("o3"))
    swapped = frame.select(
        (hourly.is_not_null() & maximum.is_not_null() & (hourly != maximum)).any()
    )
    if swapped.item():
        return CNEMC_LIVE_COLUMNS
    current = {k: v for k, v in CNEMC_LIVE_COLUMNS.items() if k not in ("o3", "o3_24h")}
    return {"o3": ("O3", "1h"), **current}


def _read_quotsoft(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    columns = table.frame.columns
    if tuple(c for c in columns if c != ROW)[:3] != QUOTSOFT_HEAD:
        if set(QUOTSOFT_HEAD) <= set(columns):
            return (
                pl.DataFrame(),
                pl.DataFrame(schema=PUBLISHED_SCHEMA),
                [problem_frame(table.name, "前三列必须依次为 date,hour,type", 1)],
            )
        return _empty_result()
    site_columns = [c for c in columns if c not in (*QUOTSOFT_HEAD, ROW)]
    # A concatenated file repeats the header line before each day.
    frame = table.frame.filter(pl.col("date").str.strip_chars() != "date")
    hour = pl.col("hour").str.strip_chars().cast(pl.Float64, strict=False)
    date_text = pl.col("date").str.strip_chars()
    day = (
        pl.when(date_text.str.contains(r"^\d{8}$"))
        .then(date_text.str.strptime(pl.Date, "%Y%m%d", strict=False))
        .otherwise(None)
    )
    valid_hour = hour.is_between(0, 24) & (hour == hour.round(0))
    frame = _with_file(frame, table, format, version).with_columns(
        interval_end=pl.when(valid_hour)
        .then(day.cast(pl.Datetime("us")) + pl.duration(hours=hour.cast(pl.Int64, strict=False)))
        .otherwise(None),
        _type=pl.col("type").str.strip_chars(),
    )
    with_column = frame.with_columns(pl.lit("date").alias(COLUMN))
    known_types = [*QUOTSOFT_TYPES, "AQI"]
    problems = [
        problems_where(
            with_column,
            day.is_null(),
            pl.format("无法解析的日期「{}」，应为 YYYYMMDD", pl.col("date").fill_null("")),
        ),
        problems_where(
            frame.with_columns(pl.lit("hour").alias(COLUMN)),
            day.is_not_null() & ~valid_hour.fill_null(False),
            pl.format("无法解析的小时「{}」，应为 0–23 的整数", pl.col("hour").fill_null("")),
        ),
        problems_where(
            frame.with_columns(pl.lit("type").alias(COLUMN)),
            ~pl.col("_type").is_in(known_types).fill_null(False),
            pl.format(
                "未知的数据类型「{}」，可选：" + "、".join(known_types),
                pl.col("type").fill_null(""),
            ),
        ),
    ]
    good = frame.filter(pl.col("interval_end").is_not_null())
    long = good.unpivot(
        on=site_columns,
        index=[FILE, ROW, "_type", "interval_end", "source", "data_version"],
        variable_name=COLUMN,
        value_name="raw",
    )
    mapping = _pollutant_mapping("_type", QUOTSOFT_TYPES)
    cities = format == "cnemc-cities"
    names = pl.col(COLUMN).str.strip_chars()
    site = city_name(names) if cities else names
    long = long.with_columns(
        site=site,
        site_name=names if cities else pl.lit(None, dtype=pl.String),
        site_kind=pl.lit("city" if cities else "station"),
        city=site if cities else pl.lit(None, dtype=pl.String),
    )
    slots = long.join(mapping, on="_type", how="inner", maintain_order="left")
    aqi_rows = long.filter(pl.col("_type") == "AQI")
    published, pub_problems = finish_published(
        aqi_rows, aqi_raw="raw", primary_raw=None, aqi_column=pl.col(COLUMN)
    )
    return slots, published, [*problems, *pub_problems]


def _read_aqistudy(
    table: LoadedTable, format: str, version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    if not set(AQISTUDY_COLUMNS) <= set(table.frame.columns):
        return _empty_result()
    label, has_time = parse_time_label(pl.col("date"))
    frame = _with_file(table.frame, table, format, "third-party").with_columns(
        # A daily mean of day D covers the hours labelled D 01:00 … D+1 00:00.
        interval_end=pl.when(has_time).then(None).otherwise(label + pl.duration(days=1)),
        site=city_name(pl.col("city")),
        site_name=pl.col("city").str.strip_chars(),
    )
    good, problems = _usable_rows(frame, "date", "city", "城市名")
    slots = _pollutant_slots(
        good, list(AQISTUDY_POLLUTANTS), ["site", "site_name"], AQISTUDY_POLLUTANTS
    ).with_columns(site_kind=pl.lit("city"), city=pl.col("site"))
    third_party_aqi = pl.col("aqi").str.strip_chars().cast(pl.Float64, strict=False)
    rank = pl.col("rank").str.strip_chars().cast(pl.Int64, strict=False)
    published, pub_problems = finish_published(
        good,
        aqi_raw=None,  # never truth: the site's AQI does not follow HJ 633 on most days
        primary_raw=None,
        extra={
            "third_party_aqi": third_party_aqi.cast(pl.Int64, strict=False),
            "third_party_quality": pl.col("quality").str.strip_chars(),
            "third_party_aqi_hourly_range": pl.col("aqi_hourly_range").str.strip_chars(),
            # rank 0 means "not ranked" in the aqistudy tables
            "third_party_rank": pl.when(rank > 0).then(rank).otherwise(None),
        },
    )
    return slots, published, problems + pub_problems


READERS: dict[str, _Reader] = {
    "mee-city": _read_mee_city,
    "cnemc-live": _read_cnemc_live,
    "cnemc-sites": _read_quotsoft,
    "cnemc-cities": _read_quotsoft,
    "aqistudy-daily": _read_aqistudy,
}

"""Vectorised checks that turn a reader's long "slot" frame into canonical measurements.

A slot frame has one row per (file cell) with the text value still raw:
`_file, _row, _column, raw, site, site_name, site_kind, city, interval_end, pollutant,
averaging, data_version, source`. Every check is a Polars expression producing a problem frame
(`errors.PROBLEM_SCHEMA`); nothing loops over rows in Python.
"""

from __future__ import annotations

import polars as pl

from envplan.monitoring.air_io import ROW, is_missing, parse_number
from envplan.monitoring.air_schema import (
    MEASUREMENT_KEY,
    MEASUREMENT_SCHEMA,
    PHYSICAL_MAXIMA,
    PRIMARY_POLLUTANT_CODES,
    PUBLISHED_SCHEMA,
    UNITS,
)
from envplan.monitoring.errors import PROBLEM_SCHEMA

FILE = "_file"
COLUMN = "_column"

#: CO written in µg/m³ shows up as a column median far above any real mg/m³ level
#: (national hourly CO medians are about 1 mg/m³; 20 mg/m³ is never a typical value).
_CO_MEDIAN_LIMIT_MG = 20.0
#: µg/m³ pollutants written in mg/m³ show up as a median of non-zero values below 1.
_UG_MEDIAN_FLOOR = 1.0
_MIN_VALUES_FOR_UNIT_CHECK = 10

_PRIMARY_ALIASES: dict[str, str] = {
    "PM2.5": "PM2.5",
    "PM25": "PM2.5",
    "PM2_5": "PM2.5",
    "细颗粒物(PM2.5)": "PM2.5",
    "细颗粒物": "PM2.5",
    "PM10": "PM10",
    "颗粒物(PM10)": "PM10",
    "可吸入颗粒物(PM10)": "PM10",
    "可吸入颗粒物": "PM10",
    "SO2": "SO2",
    "二氧化硫": "SO2",
    "NO2": "NO2",
    "二氧化氮": "NO2",
    "CO": "CO",
    "一氧化碳": "CO",
    "O3_1H": "O3_1h",
    "O3-1H": "O3_1h",
    "臭氧1小时": "O3_1h",
    "O3_8H": "O3_8h",
    "O3-8H": "O3_8h",
    "臭氧8小时": "O3_8h",
    # CNEMC live labels from 2026-03-01 (HJ 633-2026): name, then the code in brackets.
    "二氧化硫(SO2)": "SO2",
    "二氧化氮(NO2)": "NO2",
    "一氧化碳(CO)": "CO",
    "臭氧1小时(O3_1H)": "O3_1h",
    "臭氧8小时(O3_8H)": "O3_8h",
}
_UNKNOWN = "?"


def problems_where(frame: pl.DataFrame, condition: pl.Expr, message: pl.Expr) -> pl.DataFrame:
    """Problem rows (file, row, column, message) of `frame` where `condition` holds."""
    return (
        frame.filter(condition)
        .select(
            pl.col(FILE).alias("file"),
            pl.col(ROW).alias("row"),
            pl.col(COLUMN).alias("column"),
            message.alias("message"),
        )
        .cast(PROBLEM_SCHEMA)
    )


def time_problems(
    frame: pl.DataFrame, raw_time: str, label: str, *, column_name: str | None = None
) -> pl.DataFrame:
    """Problems for empty or unparseable time cells (`label` is the parsed column)."""
    col = pl.lit(column_name or raw_time)
    checked = frame.with_columns(col.alias(COLUMN))
    return pl.concat(
        [
            problems_where(checked, is_missing(pl.col(raw_time)), pl.lit("时间为空")),
            problems_where(
                checked,
                ~is_missing(pl.col(raw_time)) & pl.col(label).is_null(),
                pl.format(
                    "无法解析的时间「{}」，应为整点标签 YYYY-MM-DD HH:00（时段结束时刻，可写 24:00）",
                    pl.col(raw_time),
                ),
            ),
        ]
    )


def blank_problems(frame: pl.DataFrame, column: str, what: str) -> pl.DataFrame:
    checked = frame.with_columns(pl.lit(column).alias(COLUMN))
    return problems_where(checked, is_missing(pl.col(column)), pl.lit(f"{what}为空"))


def interval_start(restricted_day_8h: bool) -> pl.Expr:
    """Start of the interval a value covers, from its hour-end label and averaging period.

    CNEMC's running O3 8-h mean is restricted to the natural day (at 03:00 it averages the
    hours labelled 01–03), and its running daily max 8-h covers the day so far; the day of a
    label is the day of (label − 1 h) because the label 00:00 is hour 24 of the previous day.
    """
    end = pl.col("interval_end")
    day_start = (end - pl.duration(hours=1)).dt.truncate("1d")
    moving_8h = end - pl.duration(hours=8)
    eight_hour = pl.max_horizontal(moving_8h, day_start) if restricted_day_8h else moving_8h
    return (
        pl.when(pl.col("averaging") == "1h")
        .then(end - pl.duration(hours=1))
        .when(pl.col("averaging").is_in(["24h", "1h_max_24h"]))
        .then(end - pl.duration(hours=24))
        .when(pl.col("averaging") == "8h")
        .then(eight_hour)
        .otherwise(day_start)  # 8h_max_day
    )


def finish_measurements(
    slots: pl.DataFrame, *, restricted_day_8h: bool = False
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Parse, check and shape slots into the canonical measurement table plus problem frames."""
    maxima = pl.col("pollutant").replace_strict(PHYSICAL_MAXIMA, return_dtype=pl.Float64)
    unit = pl.col("pollutant").replace_strict(UNITS, return_dtype=pl.String)
    frame = slots.with_columns(value=parse_number(pl.col("raw")), unit=unit, _max=maxima)
    problems = [
        problems_where(
            frame,
            ~is_missing(pl.col("raw")) & pl.col("value").is_null(),
            pl.format("无法识别的数值「{}」", pl.col("raw")),
        ),
        problems_where(
            frame,
            pl.col("value") < 0,
            pl.format("浓度不能为负值（{} {}）", pl.col("raw"), pl.col("unit")),
        ),
        problems_where(
            frame,
            pl.col("value") > pl.col("_max"),
            pl.format(
                "{} 数值 {} 超过合理上限 {} {}{}",
                pl.col("pollutant"),
                pl.col("raw"),
                pl.col("_max").cast(pl.Int64),
                pl.col("unit"),
                pl.when(pl.col("pollutant") == "CO")
                .then(pl.lit("，疑似按 µg/m³ 填报（CO 应以 mg/m³ 为单位）"))
                .otherwise(pl.lit("，疑似单位或录入错误")),
            ),
        ),
        _unit_problems(frame),
        duplicate_problems(
            frame,
            list(MEASUREMENT_KEY),
            pl.format("{}（{}）", pl.col("pollutant"), pl.col("averaging")),
        ),
    ]
    measurements = frame.with_columns(interval_start=interval_start(restricted_day_8h)).select(
        list(MEASUREMENT_SCHEMA)
    )
    return measurements.cast(MEASUREMENT_SCHEMA), problems


def _unit_problems(frame: pl.DataFrame) -> pl.DataFrame:
    """Whole-column unit mistakes, judged on the column's median (row = none)."""
    stats = (
        frame.filter(pl.col("value").is_not_null())
        .group_by(FILE, COLUMN, "pollutant")
        .agg(
            n=pl.len(),
            median=pl.col("value").median(),
            nonzero_median=pl.col("value").filter(pl.col("value") > 0).median(),
        )
    )
    co = (pl.col("pollutant") == "CO") & (pl.col("median") > _CO_MEDIAN_LIMIT_MG)
    ug = (
        (pl.col("pollutant") != "CO")
        & (pl.col("n") >= _MIN_VALUES_FOR_UNIT_CHECK)
        & (pl.col("nonzero_median") < _UG_MEDIAN_FLOOR)
    )
    return (
        stats.filter(co | ug)
        .select(
            pl.col(FILE).alias("file"),
            pl.lit(None, dtype=pl.Int64).alias("row"),
            pl.col(COLUMN).alias("column"),
            pl.when(co)
            .then(
                pl.format(
                    "CO 列中位数为 {}，远高于以 mg/m³ 计的正常水平，疑似按 µg/m³ 填报",
                    pl.col("median").round(1),
                )
            )
            .otherwise(
                pl.format(
                    "{} 列非零值中位数为 {}，远低于以 µg/m³ 计的正常水平，疑似按 mg/m³ 填报",
                    pl.col("pollutant"),
                    pl.col("nonzero_median").round(3),
                )
            )
            .alias("message"),
        )
        .cast(PROBLEM_SCHEMA)
    )


def duplicate_problems(frame: pl.DataFrame, key: list[str], what: pl.Expr | str) -> pl.DataFrame:
    """Every repeat of `key` is a problem naming the file and row where it first appeared."""
    what_expr = pl.lit(what) if isinstance(what, str) else what
    # Fast path: a 64-bit row hash finds candidate repeats; the exact group-by runs on those only.
    candidates = frame.filter(pl.struct(key).hash().is_duplicated())
    if candidates.height == 0:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    frame = candidates
    first = frame.group_by(key).agg(
        _first_file=pl.col(FILE).sort_by(FILE, ROW).first(),
        _first_row=pl.col(ROW).sort_by(FILE, ROW).first(),
        _count=pl.len(),
    )
    repeated = first.filter(pl.col("_count") > 1)
    if repeated.height == 0:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    joined = frame.join(repeated, on=key, how="inner", nulls_equal=True)
    return problems_where(
        joined,
        (pl.col(ROW) != pl.col("_first_row")) | (pl.col(FILE) != pl.col("_first_file")),
        pl.format(
            "重复数据：{} 在 {} 的 {} 已在文件「{}」第 {} 行出现",
            pl.col("site"),
            pl.col("interval_end").dt.strftime("%Y-%m-%d %H:%M"),
            what_expr,
            pl.col("_first_file"),
            pl.col("_first_row"),
        ),
    )


def normalize_primary(raw: pl.Expr, *, plain_o3: str = "O3_1h") -> pl.Expr:
    """Published primary-pollutant text to codes joined by ',' in `PRIMARY_POLLUTANT_CODES` order.

    `—` and empty become null; unknown names become "?" inside the list (see `primary_unknown`).
    A bare "O3" means the O3 statistic of the table (`plain_o3`): 1-h in hourly tables.
    """
    aliases = {**_PRIMARY_ALIASES, "O3": plain_o3, "臭氧(O3)": plain_o3}
    order = {code: i for i, code in enumerate(PRIMARY_POLLUTANT_CODES)}
    order[_UNKNOWN] = len(order)
    inverse = {i: code for code, i in order.items()}
    token = (
        pl.element()
        .str.replace_all("（", "(", literal=True)
        .str.replace_all("）", ")", literal=True)
        .str.replace_all(r"\s+", "")
        .str.to_uppercase()
    )
    codes = (
        raw.str.replace_all(r"[，、;；]", ",")
        .str.split(",")
        .list.eval(pl.element().filter(pl.element().str.strip_chars() != ""))
        .list.eval(
            token.replace_strict(
                {k.upper(): v for k, v in aliases.items()}, default=_UNKNOWN, return_dtype=pl.String
            )
        )
        .list.eval(pl.element().replace_strict(order, return_dtype=pl.Int32))
        .list.unique()
        .list.sort()
        .list.eval(pl.element().replace_strict(inverse, return_dtype=pl.String))
        .list.join(",")
    )
    return pl.when(is_missing(raw)).then(None).otherwise(codes)


def finish_published(
    frame: pl.DataFrame,
    *,
    aqi_raw: str | None,
    primary_raw: str | None,
    plain_o3: str = "O3_1h",
    extra: dict[str, pl.Expr] | None = None,
    aqi_column: pl.Expr | None = None,
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Published AQI and primary pollutant, normalized and checked.

    `frame` carries `_file, _row, site, interval_end, source, data_version` and the raw columns.
    """
    aqi_text = pl.col(aqi_raw) if aqi_raw else pl.lit(None, dtype=pl.String)
    primary_text = pl.col(primary_raw) if primary_raw else pl.lit(None, dtype=pl.String)
    work = frame.with_columns(
        _aqi_text=aqi_text,
        _aqi=parse_number(aqi_text),
        primary_pollutant_raw=pl.when(is_missing(primary_text)).then(None).otherwise(primary_text),
        primary_pollutant=normalize_primary(primary_text, plain_o3=plain_o3),
    )
    aqi_column = aqi_column if aqi_column is not None else pl.lit(aqi_raw or "AQI")
    primary_column = pl.lit(primary_raw or "primary")
    bad_aqi = ~is_missing(pl.col("_aqi_text")) & (
        pl.col("_aqi").is_null()
        | (pl.col("_aqi") < 0)
        | (pl.col("_aqi") > 500)
        | (pl.col("_aqi") != pl.col("_aqi").round(0))
    )
    problems = [
        problems_where(
            work.with_columns(aqi_column.alias(COLUMN)),
            bad_aqi,
            pl.format("AQI「{}」不是 0–500 之间的整数", pl.col("_aqi_text")),
        ),
        problems_where(
            work.with_columns(primary_column.alias(COLUMN)),
            pl.col("primary_pollutant").str.contains("?", literal=True),
            pl.format("无法识别的首要污染物「{}」", pl.col("primary_pollutant_raw")),
        ),
    ]
    columns = [
        pl.col("_aqi").cast(pl.Int64, strict=False).alias(c) if c == "aqi" else pl.col(c)
        for c in PUBLISHED_SCHEMA
    ]
    extras = [expr.alias(name) for name, expr in (extra or {}).items()]
    # _file/_row stay until read_air has checked duplicates across all files, then are dropped.
    out = work.select(*columns, *extras, pl.col(FILE), pl.col(ROW), aqi_column.alias(COLUMN))
    return out.cast(pl.Schema({**PUBLISHED_SCHEMA})), problems

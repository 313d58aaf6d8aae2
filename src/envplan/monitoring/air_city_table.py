"""Reader of city statistics tables: a month's or a year's concentrations of the six pollutants
per city, as MEE/CNEMC monthly reports and provincial bulletins print them.

One row per city. Columns (Chinese or English headers, any order; units in the header are
ignored, values must be in these units):

=========  =====================================  ==============================
column     accepted headers                       value
=========  =====================================  ==============================
city       城市, city                             city name (晋城市 / 晋城)
SO2_mean   SO2, SO₂, 二氧化硫                     period mean [µg/m³]
NO2_mean   NO2, NO₂, 二氧化氮                     period mean [µg/m³]
PM10_mean  PM10, PM₁₀, 可吸入颗粒物               period mean [µg/m³]
PM2.5_mean PM2.5, PM2_5, PM₂.₅, 细颗粒物           period mean [µg/m³]
CO_P95     CO, CO-95per, 一氧化碳                 daily-mean 95th percentile [mg/m³]
O3_8h_P90  O3, O3-8h-90per, 臭氧                  MDA8 90th percentile [µg/m³]
=========  =====================================  ==============================

An optional ``period`` column (月份 / 时段 / period: ``2026-06`` or ``2026``) is kept. Every
problem (missing column, empty or non-numeric value, negative value, duplicate city) is listed
with file, row and column, and nothing is returned: the table is taken whole or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from envplan.monitoring.errors import InputFileError, InputProblem

#: Canonical column → accepted header spellings (compared without spaces, units, case).
HEADERS: dict[str, tuple[str, ...]] = {
    "city": ("城市", "city", "城市名称"),
    "period": ("period", "月份", "时段", "年份"),
    "SO2_mean": ("so2", "so₂", "二氧化硫"),
    "NO2_mean": ("no2", "no₂", "二氧化氮"),
    "PM10_mean": ("pm10", "pm₁₀", "可吸入颗粒物"),
    "PM2.5_mean": ("pm2.5", "pm2_5", "pm25", "pm₂.₅", "细颗粒物"),
    "CO_P95": ("co", "co-95per", "co_p95", "一氧化碳"),
    "O3_8h_P90": ("o3", "o3-8h-90per", "o3_8h_p90", "o₃", "臭氧"),
}
VALUE_COLUMNS = ("SO2_mean", "NO2_mean", "PM10_mean", "PM2.5_mean", "CO_P95", "O3_8h_P90")
#: Plausible ranges [µg/m³; CO mg/m³]: outside them a value is refused as a unit or typing error.
RANGES = {c: (0.0, 1000.0) for c in VALUE_COLUMNS} | {"CO_P95": (0.0, 50.0)}


def _key(header: str) -> str:
    text = re.sub(r"[（(].*?[）)]", "", header)  # drop units in brackets
    return re.sub(r"\s+", "", text).lower()


def _lookup() -> dict[str, str]:
    return {_key(alias): column for column, aliases in HEADERS.items() for alias in aliases}


def read_city_statistics(path: Path) -> pl.DataFrame:
    """The table at ``path`` (.csv or .xlsx) as ``site, [period,] SO2_mean … O3_8h_P90``
    (Float64); raises :class:`InputFileError` listing every problem."""
    name = path.name
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pl.read_excel(path, infer_schema_length=0)
        else:
            raw = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except Exception as error:
        raise InputFileError(
            [InputProblem(name, None, None, f"无法读取城市统计表（{type(error).__name__}）")]
        ) from None
    lookup = _lookup()
    renames: dict[str, str] = {}
    problems: list[InputProblem] = []
    for header in raw.columns:
        column = lookup.get(_key(header.lstrip("\ufeff")))
        if column is None:
            continue
        if column in renames.values():
            problems.append(InputProblem(name, 1, header, f"与其他列重复，均表示 {column}"))
        renames[header] = column
    missing = [c for c in ("city", *VALUE_COLUMNS) if c not in renames.values()]
    if missing:
        accepted = "；".join(f"{c}（{'/'.join(HEADERS[c])}）" for c in missing)
        problems.append(InputProblem(name, 1, None, f"缺少列：{accepted}"))
    if problems:
        raise InputFileError(problems)
    frame = raw.select([pl.col(h).alias(c) for h, c in renames.items()]).with_row_index(
        "_row", offset=2
    )
    header_of = {c: h for h, c in renames.items()}
    checks = [
        frame.filter(pl.col("city").str.strip_chars().fill_null("") == "").select(
            pl.col("_row"), pl.lit("city").alias("_column"), pl.lit("城市名称为空").alias("_m")
        ),
        frame.filter(pl.col("city").is_duplicated() & pl.col("city").is_not_null()).select(
            pl.col("_row"),
            pl.lit("city").alias("_column"),
            pl.format("城市“{}”重复出现", pl.col("city")).alias("_m"),
        ),
    ]
    numbers = frame.with_columns(
        [
            pl.col(c).str.strip_chars().cast(pl.Float64, strict=False).alias(f"_{c}")
            for c in VALUE_COLUMNS
        ]
    )
    for column in VALUE_COLUMNS:
        low, high = RANGES[column]
        value, text = pl.col(f"_{column}"), pl.col(column).str.strip_chars().fill_null("")
        checks.append(
            numbers.filter(value.is_null()).select(
                pl.col("_row"),
                pl.lit(column).alias("_column"),
                pl.when(text == "")
                .then(pl.lit("缺少数值"))
                .otherwise(pl.format("“{}”不是数值", text))
                .alias("_m"),
            )
        )
        checks.append(
            numbers.filter((value < low) | (value > high)).select(
                pl.col("_row"),
                pl.lit(column).alias("_column"),
                pl.format(
                    f"数值 {{}} 超出合理范围 {low:g}–{high:g}（请检查单位）",
                    pl.col(column).str.strip_chars(),
                ).alias("_m"),
            )
        )
    found = pl.concat(checks, how="vertical")
    if found.height:
        raise InputFileError(
            [
                InputProblem(name, int(r["_row"]), header_of[r["_column"]], r["_m"])
                for r in found.sort("_row").iter_rows(named=True)
            ],
            total=found.height,
        )
    keep = ["period"] if "period" in renames.values() else []
    return numbers.select(
        pl.col("city").str.strip_chars().alias("site"),
        *[pl.col(c).str.strip_chars() for c in keep],
        *[pl.col(f"_{c}").alias(c) for c in VALUE_COLUMNS],
    )

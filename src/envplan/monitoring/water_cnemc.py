"""Reader of the CNEMC national automatic water-station table (国家地表水水质自动监测实时数据,
layout of cnemc-water-auto-*.csv, 2025 columns included).

Returns a canonical *wide* Polars frame, one row per section and sampling time, one Float64 column
per GB 3838-2002 Table 1 indicator id (``ph``, ``do``, ``codmn``, ``nh3n``, ``tp``…, [mg/L], pH
dimensionless), ready for :func:`envplan.standards.water.sections.assess_sections`. Bad input raises
:class:`~envplan.monitoring.errors.InputFileError` listing every problem: all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from envplan.monitoring.air_io import ROW, file_error, is_missing
from envplan.monitoring.errors import raise_if_problems
from envplan.monitoring.water_checks import (
    WaterReadResult,
    count_non_detects,
    duplicate_rows,
    load_table,
    numeric_cells,
    range_of,
)

_BUNDLED = Path(__file__).resolve().parent / "bundled"
#: Real official snapshot (PROVENANCE.md beside it): CNEMC automatic stations, 2026-02-04.
CNEMC_SNAPSHOT: Final = _BUNDLED / "water" / "cnemc-water-auto-2026-02-04-north.csv"

#: Column layout of the CNEMC national automatic water-station table (shared/data/water/
#: cnemc-water-auto-*.csv): header → canonical column.
CNEMC_AUTO_COLUMNS: Final[dict[str, str]] = {
    "省份": "province",
    "流域": "basin",
    "断面名称": "section",
    "监测时间": "time",
    "水质类别": "official_class",
    "水温(℃)": "water_temperature",
    "pH(无量纲)": "ph",
    "溶解氧(mg/L)": "do",
    "电导率(μS/cm)": "conductivity",
    "浊度(NTU)": "turbidity",
    "高锰酸盐指数(mg/L)": "codmn",
    "氨氮(mg/L)": "nh3n",
    "总磷(mg/L)": "tp",
    "总氮(mg/L)": "tn",
    "叶绿素α(mg/L)": "chla_mg_l",
    "藻密度(cells/L)": "algae_density",
}
#: Text columns of the 2025 table (站点情况 "正常"/"维护", city and river of the section).
CNEMC_AUTO_TEXT_2025: Final[dict[str, str]] = {
    "站点情况": "station_status",
    "所在地市": "city",
    "所属河流": "river",
}
_CNEMC_TEXT = ("province", "basin", "section", "time", "official_class")
#: The basic items that set an automatic station's class (pH, DO, CODMn, NH3-N, TP; TN is shown
#: but does not set it). A section with one of them withheld (`*`) is published without a class.
CNEMC_AUTO_BASIC: Final = ("ph", "do", "codmn", "nh3n", "tp")
#: `*` in the 2025 table: a withheld or invalid item (or chlorophyll/algae not applicable at a
#: river station); `--` not monitored (tests/data/README.md, water/).
WITHHELD_MARKER: Final = "*"


def read_cnemc_water_auto(path: str | Path) -> WaterReadResult:
    """Read the CNEMC national automatic water-station table (layout of cnemc-water-auto-*.csv).

    Columns kept as text: province, basin, section, time ("MM-DD HH:MM" as published, local time),
    official_class (published 水质类别, "--" when none). Indicators [mg/L], pH, temperature [℃],
    conductivity [µS/cm], turbidity [NTU]; the published 叶绿素α is in mg/L and is also given as
    ``chla`` [mg/m³] for the TLI. lat/lon are ignored (geocoded by the crawler, not official).
    """
    path = Path(path)
    table = load_table(path)
    required = ("省份", "流域", "断面名称", "监测时间")
    missing = [h for h in required if h not in table.frame.columns]
    indicators = [h for h in CNEMC_AUTO_COLUMNS if h not in required and h != "水质类别"]
    if missing or not any(h in table.frame.columns for h in indicators):
        absent = missing or ["任一监测指标列（如 pH(无量纲)、溶解氧(mg/L)）"]
        raise file_error(path, f"不是国家地表水自动站表格式：缺少列 {'、'.join(absent)}", row=1)
    problems: list[pl.DataFrame] = []
    expressions: list[pl.Expr] = []
    withheld: list[pl.Expr] = []
    source = table.frame
    for header, column in CNEMC_AUTO_COLUMNS.items():
        if header not in table.frame.columns:
            kind = pl.String if column in _CNEMC_TEXT else pl.Float64
            expressions.append(pl.lit(None, dtype=kind).alias(column))
            continue
        if column in _CNEMC_TEXT:
            expressions.append(pl.col(header).str.strip_chars().alias(column))
            continue
        lower, upper = range_of(column)
        star = pl.col(header).str.strip_chars() == WITHHELD_MARKER
        withheld.append(pl.when(star).then(pl.lit(column)).otherwise(None))
        masked = source.with_columns(
            pl.when(star).then(None).otherwise(pl.col(header)).alias(header)
        )
        value, found = numeric_cells(masked, table.name, header, header, lower=lower, upper=upper)
        problems.append(found)
        expressions.append(pl.when(star).then(None).otherwise(value).alias(column))
        raw_header = f"raw_{header}"
        if raw_header in source.columns:
            raw_value, raw_found = numeric_cells(
                source, table.name, raw_header, raw_header, lower=lower, upper=upper
            )
            problems.append(raw_found)
            expressions.append(raw_value.alias(f"raw_{column}"))
    for header, column in CNEMC_AUTO_TEXT_2025.items():
        text = pl.col(header).str.strip_chars() if header in source.columns else pl.lit(None)
        expressions.append(text.cast(pl.String).alias(column))
    listed = pl.concat_list(withheld).list.drop_nulls() if withheld else None
    expressions.append(
        pl.when(listed.list.len() > 0).then(listed.list.join(",")).otherwise(None).alias("withheld")
        if listed is not None
        else pl.lit(None, dtype=pl.String).alias("withheld")
    )
    empty_section = table.frame.filter(is_missing(pl.col("断面名称"))).select(
        pl.lit(table.name).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit("断面名称").alias("column"),
        pl.lit("断面名称为空").alias("message"),
    )
    problems.append(empty_section)
    # Section names repeat across provinces (20 in the 2025 table): the key is province + name.
    province = pl.col("省份").str.strip_chars().fill_null("")
    keyed = source.with_columns(
        pl.concat_str([province, pl.col("断面名称").str.strip_chars()], separator="·").alias(
            "断面名称"
        )
    )
    problems.append(
        duplicate_rows(keyed, table.name, "断面名称", pl.col("监测时间").str.strip_chars())
    )
    raise_if_problems(problems)
    if table.frame.height == 0:
        raise file_error(path, "文件没有数据行")
    non_detects = count_non_detects(table.frame, list(CNEMC_AUTO_COLUMNS))
    basic_withheld = pl.any_horizontal(
        [pl.col("withheld").str.split(",").list.contains(item) for item in CNEMC_AUTO_BASIC]
    ).fill_null(False)
    frame = table.frame.select(pl.col(ROW).alias("source_row"), *expressions).with_columns(
        (pl.col("chla_mg_l") * 1000.0).alias("chla"),
        pl.col("official_class").replace({"--": None}),
        # 维护 rows are not assessed; a withheld basic item leaves the section unclassed.
        assessable=(pl.col("station_status").fill_null("正常") != "维护") & ~basic_withheld,
    )
    return WaterReadResult(frame, table.name, "cnemc-auto", non_detects)


__all__ = [
    "CNEMC_AUTO_BASIC",
    "CNEMC_AUTO_COLUMNS",
    "CNEMC_AUTO_TEXT_2025",
    "CNEMC_SNAPSHOT",
    "WITHHELD_MARKER",
    "read_cnemc_water_auto",
]

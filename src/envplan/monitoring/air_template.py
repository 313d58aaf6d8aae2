"""The envplan import template for a bureau's own air-monitoring exports (CSV or Excel).

One row per site and time, one column per pollutant; see docs/monitoring-air.md and the sample
`bundled/templates/air-monitoring-template.csv`. Headers may be English or Chinese and may carry
a unit in brackets (``CO(mg/m³)``); an optional unit row (``单位`` in the time column) may follow
the header. Any unit that disagrees with µg/m³ (CO: mg/m³) is rejected, never converted.
"""

from __future__ import annotations

import re

import polars as pl

from envplan.monitoring.air_checks import (
    COLUMN,
    FILE,
    blank_problems,
    finish_published,
    problems_where,
    time_problems,
)
from envplan.monitoring.air_io import ROW, LoadedTable, is_missing, parse_time_label
from envplan.monitoring.air_schema import PUBLISHED_SCHEMA, UNITS
from envplan.monitoring.errors import problem_frame

FORMAT = "template"

#: Header aliases (matched case-insensitively, unit part removed) → canonical field.
HEADER_ALIASES: dict[str, str] = {
    "site": "site",
    "站点编码": "site",
    "站点代码": "site",
    "site_name": "site_name",
    "站点名称": "site_name",
    "city": "city",
    "城市": "city",
    "site_kind": "site_kind",
    "站点类型": "site_kind",
    "time": "time",
    "时间": "time",
    "averaging": "averaging",
    "统计类型": "averaging",
    "data_version": "data_version",
    "数据版本": "data_version",
    "so2": "SO2",
    "二氧化硫": "SO2",
    "no2": "NO2",
    "二氧化氮": "NO2",
    "co": "CO",
    "一氧化碳": "CO",
    "o3": "O3",
    "臭氧": "O3",
    "pm10": "PM10",
    "可吸入颗粒物": "PM10",
    "pm2.5": "PM2.5",
    "pm25": "PM2.5",
    "细颗粒物": "PM2.5",
    "aqi": "AQI",
    "空气质量指数": "AQI",
    "primary_pollutant": "primary_pollutant",
    "首要污染物": "primary_pollutant",
}
POLLUTANT_FIELDS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")

AVERAGING_ALIASES: dict[str, str] = {
    "1h": "1h",
    "小时值": "1h",
    "1小时平均": "1h",
    "24h": "24h",
    "日均值": "24h",
    "24小时平均": "24h",
    "8h": "8h",
    "8小时滑动平均": "8h",
    "8h_max_day": "8h_max_day",
    "日最大8小时平均": "8h_max_day",
    "1h_max_24h": "1h_max_24h",
    "24小时最大1小时": "1h_max_24h",
}
#: Averagings whose time may be a date (the natural day) instead of an hour label.
_DAILY = ("24h", "8h_max_day")

VERSION_ALIASES: dict[str, str] = {
    "realtime": "realtime",
    "实时": "realtime",
    "audited": "audited",
    "审核": "audited",
    "审核后": "audited",
}
KIND_ALIASES: dict[str, str] = {
    "station": "station",
    "站点": "station",
    "city": "city",
    "城市": "city",
}

_UNIT_ROW_MARKERS = ("单位", "unit", "units")
_UNIT_ALIASES = {
    "ug/m3": "ug/m3",
    "微克/立方米": "ug/m3",
    "mg/m3": "mg/m3",
    "毫克/立方米": "mg/m3",
}
_CANONICAL_UNIT = {p: ("mg/m3" if u == "mg/m³" else "ug/m3") for p, u in UNITS.items()}
_HEADER = re.compile(r"^\s*(.+?)\s*(?:[(\[（【]\s*(.*?)\s*[)\]）】])?\s*$")


def _split_header(name: str) -> tuple[str | None, str | None]:
    match = _HEADER.match(name)
    if not match:
        return None, None
    return HEADER_ALIASES.get(match.group(1).lower()), match.group(2)


def looks_like_template(columns: list[str]) -> bool:
    fields = {_split_header(c)[0] for c in columns}
    return {"site", "time"} <= fields and bool(fields & set(POLLUTANT_FIELDS))


def _unit_key(text: pl.Expr) -> pl.Expr:
    cleaned = (
        text.str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"\s+", "")
        .str.replace_all("[µμ]", "u")
        .str.replace_all("³", "3", literal=True)
    )
    return cleaned.replace_strict(_UNIT_ALIASES, default="?", return_dtype=pl.String)


def read_template_tables(
    tables: list[LoadedTable], data_version: str | None
) -> tuple[pl.DataFrame, list[pl.DataFrame], list[pl.DataFrame]]:
    slots: list[pl.DataFrame] = []
    published: list[pl.DataFrame] = []
    problems: list[pl.DataFrame] = []
    default_version = data_version or "realtime"
    if default_version not in ("realtime", "audited"):
        problems.append(
            problem_frame(
                tables[0].name, f"数据版本「{default_version}」无效，应为 realtime 或 audited"
            )
        )
    for table in tables:
        s, p, probs = _read_one(table, default_version)
        slots.append(s)
        published.append(p)
        problems.extend(probs)
    nonempty = [s for s in slots if s.width]
    all_slots = pl.concat(nonempty, how="diagonal_relaxed") if nonempty else pl.DataFrame()
    return all_slots, published, problems


def _read_one(
    table: LoadedTable, default_version: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    name = table.name
    from_excel = table.encoding == "xlsx"
    problems: list[pl.DataFrame] = []
    renames: dict[str, str] = {}
    header_units: dict[str, str] = {}
    for column in table.frame.columns:
        if column == ROW:
            continue
        field, unit = _split_header(column)
        if field is None:
            continue  # extra columns are allowed and ignored (documented)
        if field in renames.values():
            problems.append(
                problem_frame(name, f"列「{column}」与另一列重复表示「{field}」", 1, column)
            )
            continue
        renames[column] = field
        if unit:
            header_units[field] = unit
    fields = set(renames.values())
    pollutants = [p for p in POLLUTANT_FIELDS if p in fields]
    for required in ("site", "time"):
        if required not in fields:
            problems.append(problem_frame(name, f"缺少必需的列「{required}」", 1, required))
    if not pollutants:
        problems.append(problem_frame(name, "没有任何污染物列（SO2、NO2、CO、O3、PM10、PM2.5）", 1))
    if problems:
        return pl.DataFrame(), pl.DataFrame(schema=PUBLISHED_SCHEMA), problems
    original = {field: column for column, field in renames.items()}
    frame = table.frame.select(ROW, *[pl.col(c).alias(f) for c, f in renames.items()]).with_columns(
        pl.lit(name).alias(FILE),
        pl.lit(f"{name} ({FORMAT})").alias("source"),
    )

    # Units: in the header and/or in a unit row right after it.
    unit_row = frame.filter(
        pl.col("time").str.strip_chars().str.to_lowercase().is_in(list(_UNIT_ROW_MARKERS))
    )
    frame = frame.filter(
        ~pl.col("time").str.strip_chars().str.to_lowercase().is_in(list(_UNIT_ROW_MARKERS))
        | pl.col("time").is_null()
    )
    header_unit_frame = pl.DataFrame(
        {
            FILE: [name] * len(header_units),
            ROW: [1] * len(header_units),
            "pollutant": list(header_units),
            "unit_text": list(header_units.values()),
        },
        schema={FILE: pl.String, ROW: pl.Int64, "pollutant": pl.String, "unit_text": pl.String},
    )
    row_units = unit_row.unpivot(
        on=pollutants, index=[FILE, ROW], variable_name="pollutant", value_name="unit_text"
    ).filter(~is_missing(pl.col("unit_text")))
    units = pl.concat([header_unit_frame, row_units], how="vertical_relaxed").with_columns(
        _key=_unit_key(pl.col("unit_text")),
        _expected=pl.col("pollutant").replace_strict(_CANONICAL_UNIT, return_dtype=pl.String),
        _want=pl.col("pollutant").replace_strict(UNITS, return_dtype=pl.String),
        **{COLUMN: pl.col("pollutant").replace_strict(original, return_dtype=pl.String)},
    )
    problems.append(
        problems_where(
            units,
            pl.col("_key") != pl.col("_expected"),
            pl.format(
                "单位「{}」与要求不符：{} 必须以 {} 填报（不做换算）",
                pl.col("unit_text"),
                pl.col("pollutant"),
                pl.col("_want"),
            ),
        )
    )

    def text_column(field: str, default: str | None) -> pl.Expr:
        if field in fields:
            return (
                pl.when(is_missing(pl.col(field)))
                .then(pl.lit(default))
                .otherwise(pl.col(field).str.strip_chars())
            )
        return pl.lit(default, dtype=pl.String)

    averaging_text = text_column("averaging", "1h")
    version_text = text_column("data_version", default_version)
    kind_text = text_column("site_kind", "station")
    label, has_time = parse_time_label(pl.col("time"))
    frame = frame.with_columns(
        averaging=averaging_text.str.to_lowercase().replace_strict(
            AVERAGING_ALIASES, default=None, return_dtype=pl.String
        ),
        data_version=version_text.str.to_lowercase().replace_strict(
            VERSION_ALIASES, default=None, return_dtype=pl.String
        ),
        site_kind=kind_text.str.to_lowercase().replace_strict(
            KIND_ALIASES, default=None, return_dtype=pl.String
        ),
        _averaging_text=averaging_text,
        _version_text=version_text,
        _kind_text=kind_text,
        _label=label,
        _has_time=has_time,
        site=pl.col("site").str.strip_chars(),
        site_name=text_column("site_name", None),
        city=text_column("city", None),
    )
    frame = frame.with_columns(
        interval_end=pl.when(pl.col("_has_time"))
        .then(pl.col("_label"))
        # An Excel date-time cell at 00:00 arrives as a date: for hourly rows it is the 00:00 label.
        .when(pl.lit(from_excel) & ~pl.col("averaging").is_in(list(_DAILY)))
        .then(pl.col("_label"))
        .when(pl.col("averaging").is_in(list(_DAILY)))
        .then(pl.col("_label") + pl.duration(days=1))
        .otherwise(None)
    )
    for field, text, allowed in (
        ("averaging", "_averaging_text", AVERAGING_ALIASES),
        ("data_version", "_version_text", VERSION_ALIASES),
        ("site_kind", "_kind_text", KIND_ALIASES),
    ):
        problems.append(
            problems_where(
                frame.with_columns(pl.lit(original.get(field, field)).alias(COLUMN)),
                pl.col(field).is_null(),
                pl.format("无效的取值「{}」，可选：" + "、".join(allowed), pl.col(text)),
            )
        )
    problems.append(time_problems(frame, "time", "_label", column_name=original["time"]))
    problems.append(
        problems_where(
            frame.with_columns(pl.lit(original["time"]).alias(COLUMN)),
            pl.col("_label").is_not_null()
            & ~pl.col("_has_time")
            & pl.lit(not from_excel)
            & pl.col("averaging").is_not_null()
            & ~pl.col("averaging").is_in(list(_DAILY)),
            pl.format("「{}」只有日期：小时值必须写整点时间（YYYY-MM-DD HH:00）", pl.col("time")),
        )
    )
    problems.append(
        blank_problems(frame, "site", "站点编码").with_columns(column=pl.lit(original["site"]))
    )
    good = frame.filter(
        pl.col("interval_end").is_not_null()
        & ~is_missing(pl.col("site"))
        & pl.col("averaging").is_not_null()
        & pl.col("data_version").is_not_null()
        & pl.col("site_kind").is_not_null()
    )
    slots = good.unpivot(
        on=pollutants,
        index=[
            FILE,
            ROW,
            "site",
            "site_name",
            "site_kind",
            "city",
            "interval_end",
            "averaging",
            "data_version",
            "source",
        ],
        variable_name="pollutant",
        value_name="raw",
    ).with_columns(
        pl.col("pollutant").replace_strict(original, return_dtype=pl.String).alias(COLUMN)
    )
    has_published = [f for f in ("AQI", "primary_pollutant") if f in fields]
    published = pl.DataFrame(schema=PUBLISHED_SCHEMA)
    if has_published:
        rows = good.filter(pl.any_horizontal([~is_missing(pl.col(f)) for f in has_published]))
        published, pub_problems = finish_published(
            rows,
            aqi_raw="AQI" if "AQI" in fields else None,
            primary_raw="primary_pollutant" if "primary_pollutant" in fields else None,
        )
        problems.extend(
            p.with_columns(
                pl.col("column").replace(
                    {
                        "AQI": original.get("AQI", "AQI"),
                        "primary_pollutant": original.get("primary_pollutant", "primary_pollutant"),
                    }
                )
            )
            for p in pub_problems
        )
    return slots, published, problems

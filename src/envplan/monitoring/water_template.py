"""Reader of the manual monthly surface-water section template (CSV UTF-8/GBK or .xlsx), also
used for the national weekly key-section table; see docs/water-soil.md.

Returns a canonical *wide* Polars frame, one row per section and sampling time, one Float64 column
per GB 3838-2002 Table 1 indicator id (``ph``, ``do``, ``codmn``, ``nh3n``, ``tp``…, [mg/L], pH
dimensionless), ready for :func:`envplan.standards.water.sections.assess_sections`.
Bad input raises :class:`~envplan.monitoring.errors.InputFileError` listing every problem with
file, row (header = row 1) and column, before anything is returned: all or nothing. Cell
conventions and shared checks: :mod:`envplan.monitoring.water_checks`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import polars as pl

from envplan.monitoring.air_io import ROW, file_error, is_missing
from envplan.monitoring.errors import problem_frame, raise_if_problems
from envplan.monitoring.water_checks import (
    WaterReadResult,
    count_non_detects,
    duplicate_rows,
    load_table,
    numeric_cells,
    range_of,
    unit_factor,
)

_BUNDLED = Path(__file__).resolve().parent / "bundled"
#: Demo data for the 22 Jincheng sections: 示例数据（非实测）, labelled in name and rows.
WATER_DEMO_TEMPLATE: Final = _BUNDLED / "templates" / "water_monthly_示例_jincheng-2021.csv"
#: Empty templates users fill in.
WATER_TEMPLATE: Final = _BUNDLED / "templates" / "water_monthly_template.csv"

#: Template indicator headers (unit suffix optional) → canonical id. Units: mg/L unless noted.
TEMPLATE_INDICATORS: Final[dict[str, str]] = {
    "水温": "water_temperature",
    "pH": "ph",
    "pH值": "ph",
    "溶解氧": "do",
    "高锰酸盐指数": "codmn",
    "化学需氧量": "cod",
    "五日生化需氧量": "bod5",
    "氨氮": "nh3n",
    "总磷": "tp",
    "总氮": "tn",
    "铜": "cu",
    "锌": "zn",
    "氟化物": "fluoride",
    "硒": "se",
    "砷": "as",
    "汞": "hg",
    "镉": "cd",
    "铬(六价)": "cr6",
    "六价铬": "cr6",
    "铅": "pb",
    "氰化物": "cyanide",
    "挥发酚": "volatile_phenol",
    "石油类": "petroleum",
    "阴离子表面活性剂": "las",
    "硫化物": "sulfide",
    "粪大肠菌群": "fecal_coliform",
    "叶绿素a": "chla",  # [mg/m³]
    "透明度": "sd",  # [m]
    # Header spellings of the national weekly key-section table (national-weekly-*.csv).
    "DO_mg_L": "do",
    "CODMn_mg_L": "codmn",
    "NH3N_mg_L": "nh3n",
}
TEMPLATE_TEXT: Final[dict[str, str]] = {
    "断面名称": "section",
    "监测时间": "time",
    "省份": "province",
    "流域": "basin",
    "县（市、区）": "county",
    "水体类型": "water_body_type",
    "备注": "note",
    # The national weekly key-section table (国家重点断面水质周报) is read with the same reader.
    "点位名称": "section",
    "水系": "basin",
    "发布日期": "time",
    "序号": "serial",
    "断面情况": "section_note",
    "水质类别_本周": "official_class",
    "水质类别_上周": "previous_class",
    "主要污染指标": "official_main_pollutants",
}
_KEPT_TEXT = (
    "province", "basin", "county", "note", "serial", "section_note", "official_class",
    "previous_class", "official_main_pollutants",
)  # fmt: skip
WATER_BODY_TYPES: Final[dict[str, str]] = {
    "河流": "river",
    "湖泊": "lake",
    "水库": "reservoir",
    "river": "river",
    "lake": "lake",
    "reservoir": "reservoir",
}
_HEADER_UNIT = re.compile(r"^(.*?)[(（]([^()（）]*(?:/|无量纲|个|m|℃)[^()（）]*)[)）]$")


def _template_header(name: str) -> str | None:
    """Canonical id of a template header: exact text, or text with a unit suffix "（mg/L）"."""
    clean = "".join(name.split()).replace("（", "(").replace("）", ")")
    for candidate in (clean, name.strip()):
        if candidate in TEMPLATE_TEXT:
            return TEMPLATE_TEXT[candidate]
        if candidate in TEMPLATE_INDICATORS:
            return TEMPLATE_INDICATORS[candidate]
    match = _HEADER_UNIT.match(clean)
    if match and match.group(1) in TEMPLATE_INDICATORS:
        return TEMPLATE_INDICATORS[match.group(1)]
    return None


def read_water_template(path: str | Path) -> WaterReadResult:
    """Read the manual monthly section template (CSV UTF-8/GBK or .xlsx), see docs/water-soil.md.

    Required columns: 断面名称, 监测时间 (``YYYY-MM`` or ``YYYY-MM-DD``). Optional: 省份, 流域,
    县（市、区）, 水体类型 (河流/湖泊/水库), 备注, and any GB 3838 Table 1 indicator column named as
    in :data:`TEMPLATE_INDICATORS`, optionally followed by its unit, e.g. ``总磷（mg/L）``.
    Output: section, time (text as written), period (``YYYY-MM``), optional text columns, the
    indicator columns [mg/L] and ``lake`` when 水体类型 is given.
    """
    path = Path(path)
    table = load_table(path)
    frame = table.frame
    mapping: dict[str, str] = {}
    problems: list[pl.DataFrame] = []
    for header in frame.columns:
        if header == ROW:
            continue
        canonical = _template_header(header)
        if canonical is None:
            problems.append(
                problem_frame(
                    table.name,
                    f"无法识别的列名「{header}」（可用列见模板说明 docs/water-soil.md）",
                    row=1,
                    column=header,
                )
            )
        elif canonical in mapping.values():
            problems.append(
                problem_frame(table.name, f"列「{header}」与其他列重复", row=1, column=header)
            )
        else:
            mapping[header] = canonical
    for required, label in (("section", "断面名称"), ("time", "监测时间")):
        if required not in mapping.values():
            problems.append(problem_frame(table.name, f"缺少必填列「{label}」", row=1))
    raise_if_problems(problems)
    by_canonical = {canonical: header for header, canonical in mapping.items()}
    expressions: list[pl.Expr] = [pl.col(ROW).alias("source_row")]
    for header, canonical in mapping.items():
        if canonical in TEMPLATE_TEXT.values():
            continue
        factor, unit_problem = unit_factor(header, canonical)
        if unit_problem is not None:
            problems.append(problem_frame(table.name, unit_problem, row=1, column=header))
            continue
        lower, upper = range_of(canonical)
        # Range checked in the declared unit (the message shows what the user wrote).
        value, found = numeric_cells(
            frame,
            table.name,
            header,
            header,
            lower=lower / factor,
            upper=None if upper is None else upper / factor,
        )
        problems.append(found)
        value = value * factor if factor != 1.0 else value
        expressions.append(value.alias(canonical))
    section = pl.col(by_canonical["section"]).str.strip_chars()
    time_raw = pl.col(by_canonical["time"]).str.strip_chars()
    period = time_raw.str.extract(r"^(\d{4})[-/.年](\d{1,2})", 0)
    year = time_raw.str.extract(r"^(\d{4})", 1).cast(pl.Int32, strict=False)
    month = time_raw.str.extract(r"^\d{4}[-/.年](\d{1,2})", 1).cast(pl.Int32, strict=False)
    problems.append(
        frame.select(
            pl.lit(table.name).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(by_canonical["section"]).alias("column"),
            pl.when(is_missing(pl.col(by_canonical["section"])))
            .then(pl.lit("断面名称为空"))
            .alias("message"),
        ).filter(pl.col("message").is_not_null())
    )
    problems.append(
        frame.select(
            pl.lit(table.name).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(by_canonical["time"]).alias("column"),
            pl.when(period.is_null() | ~month.is_between(1, 12))
            .then(pl.format("监测时间「{}」无法识别，应为 2021-05 或 2021-05-12", time_raw))
            .alias("message"),
        ).filter(pl.col("message").is_not_null())
    )
    text_columns: list[pl.Expr] = [
        section.alias("section"),
        time_raw.alias("time"),
        pl.format("{}-{}", year, month.cast(pl.String).str.zfill(2)).alias("period"),
    ]
    for canonical in _KEPT_TEXT:
        if canonical in by_canonical:
            text_columns.append(pl.col(by_canonical[canonical]).str.strip_chars().alias(canonical))
    if "water_body_type" in by_canonical:
        header = by_canonical["water_body_type"]
        raw_type = pl.col(header).str.strip_chars()
        problems.append(
            frame.select(
                pl.lit(table.name).alias("file"),
                pl.col(ROW).alias("row"),
                pl.lit(header).alias("column"),
                pl.when(~is_missing(pl.col(header)) & ~raw_type.is_in(list(WATER_BODY_TYPES)))
                .then(pl.format("水体类型「{}」应为 河流、湖泊 或 水库", raw_type))
                .alias("message"),
            ).filter(pl.col("message").is_not_null())
        )
        body = raw_type.replace_strict(WATER_BODY_TYPES, default=None)
        text_columns.append(body.alias("water_body_type"))
        text_columns.append(body.is_in(["lake", "reservoir"]).fill_null(False).alias("lake"))
    # Several samples of one month may share a month label (2021-06): only a dated sampling
    # (2021-06-12) is unique per section; a row repeating another cell for cell is a duplicate.
    dated = time_raw.str.contains(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}").fill_null(False)
    row_text = pl.concat_str(
        [pl.col(c).fill_null("") for c in frame.columns if c != ROW], separator="\x1f"
    )
    problems.append(
        duplicate_rows(frame, table.name, by_canonical["section"], pl.when(dated).then(time_raw))
    )
    problems.append(
        duplicate_rows(
            frame,
            table.name,
            by_canonical["section"],
            pl.when(~dated).then(time_raw + "（整行相同）"),
            extra=row_text,
        )
    )
    raise_if_problems(problems)
    if frame.height == 0:
        raise file_error(path, "文件没有数据行")
    out = frame.select(*text_columns, *expressions)
    non_detects = count_non_detects(
        frame, [h for h, c in mapping.items() if c not in TEMPLATE_TEXT.values()]
    )
    return WaterReadResult(out, table.name, "template", non_detects)


__all__ = [
    "TEMPLATE_INDICATORS",
    "TEMPLATE_TEXT",
    "WATER_BODY_TYPES",
    "WATER_DEMO_TEMPLATE",
    "WATER_TEMPLATE",
    "read_water_template",
]

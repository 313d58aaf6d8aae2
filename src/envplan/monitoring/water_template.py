"""Readers for surface-water monitoring data: the CNEMC automatic-station table and the manual
monthly section template, plus the provincial-targets file of `envplan water assess`.

Every reader returns a canonical *wide* Polars frame, one row per section and sampling time, one
Float64 column per GB 3838-2002 Table 1 indicator id (``ph``, ``do``, ``codmn``, ``nh3n``, ``tp``…,
[mg/L], pH dimensionless), ready for :func:`envplan.standards.water.sections.assess_sections`.
Bad input raises :class:`~envplan.monitoring.errors.InputFileError` listing every problem with
file, row (header = row 1) and column, before anything is returned: all or nothing.

Cell conventions: ``--`` / empty = not measured (null); ``0.05L`` = not detected at detection limit
0.05, used as half the limit (环办监测函〔2020〕82号) and counted in ``n_non_detects``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from envplan.monitoring.air_io import ROW, LoadedTable, file_error, is_missing, load_csv, load_xlsx
from envplan.monitoring.errors import PROBLEM_SCHEMA, problem_frame, raise_if_problems
from envplan.standards.water.targets import parse_class_label

_BUNDLED = Path(__file__).resolve().parent / "bundled"
#: Real official snapshot (PROVENANCE.md beside it): CNEMC automatic stations, 2026-02-04.
CNEMC_SNAPSHOT: Final = _BUNDLED / "water" / "cnemc-water-auto-2026-02-04-north.csv"
#: Demo data for the 22 Jincheng sections: 示例数据（非实测）, labelled in name and rows.
WATER_DEMO_TEMPLATE: Final = _BUNDLED / "templates" / "water_monthly_示例_jincheng-2021.csv"
#: Empty templates users fill in.
WATER_TEMPLATE: Final = _BUNDLED / "templates" / "water_monthly_template.csv"

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
_NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
_NON_DETECT = r"^(\d+(\.\d*)?|\.\d+)\s*[Ll]$"
_HEADER_UNIT = re.compile(r"^(.*?)[(（]([^()（）]*(?:/|无量纲|个|m|℃)[^()（）]*)[)）]$")


@dataclass(frozen=True)
class WaterReadResult:
    """Canonical wide frame plus the file's provenance facts."""

    frame: pl.DataFrame
    source_file: str
    format: str
    n_non_detects: int


def load_table(path: Path) -> LoadedTable:
    """Load a CSV (UTF-8/GBK) or .xlsx file as an all-text frame with spreadsheet row numbers."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return load_xlsx(path)
    return load_csv(path)


def numeric_cells(
    frame: pl.DataFrame, file: str, header: str, column: str, *, lower: float, upper: float | None
) -> tuple[pl.Expr, pl.DataFrame]:
    """Parse one text column to Float64 (non-detects → half DL); problem rows as a frame."""
    raw = pl.col(column).str.strip_chars()
    number = raw.cast(pl.Float64, strict=False)
    detection = raw.str.extract(r"^([\d.]+)\s*[Ll]$", 1).cast(pl.Float64, strict=False)
    missing = is_missing(pl.col(column))
    value = (
        pl.when(missing)
        .then(None)
        .when(raw.str.contains(_NON_DETECT))
        .then(detection / 2.0)
        .when(raw.str.contains(_NUMBER))
        .then(number)
        .otherwise(None)
    )
    bad_text = ~missing & ~raw.str.contains(_NUMBER) & ~raw.str.contains(_NON_DETECT)
    out_of_range = ~missing & ~bad_text & (value < lower)
    if upper is not None:
        out_of_range = out_of_range | (~missing & ~bad_text & (value > upper))
    range_text = f"{lower:g}–{upper:g}" if upper is not None else f"不小于 {lower:g}"
    problems = frame.select(
        pl.lit(file).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(header).alias("column"),
        pl.when(bad_text)
        .then(
            pl.format(
                "「{}」不是数值（应为数字、“--”表示未监测，或“检出限+L”如 0.05L 表示未检出）",
                pl.col(column),
            )
        )
        .when(out_of_range)
        .then(pl.format("数值 {} 超出合理范围（{}）", pl.col(column), pl.lit(range_text)))
        .alias("message"),
    ).filter(pl.col("message").is_not_null())
    return value, problems


#: Plausibility ceilings [mg/L unless noted]: a value above is rejected as a unit or typing
#: error (e.g. µg/L written under a mg/L header), not capped. Each sits one to two orders of
#: magnitude above GB 3838-2002 Table 1's Ⅴ limit (DO: saturation at 0 ℃ is 14.6 mg/L, strong
#: algal supersaturation stays below 30).
WATER_PLAUSIBLE_MAXIMA: Final[dict[str, float]] = {
    "do": 30.0,
    "codmn": 300.0,
    "cod": 5_000.0,
    "bod5": 2_000.0,
    "nh3n": 500.0,
    "tp": 100.0,
    "tn": 500.0,
    "cu": 100.0,
    "zn": 100.0,
    "fluoride": 200.0,
    "se": 10.0,
    "as": 10.0,
    "hg": 1.0,
    "cd": 10.0,
    "cr6": 50.0,
    "pb": 50.0,
    "cyanide": 50.0,
    "volatile_phenol": 100.0,
    "petroleum": 1_000.0,
    "las": 100.0,
    "sulfide": 100.0,
    "chla_mg_l": 10.0,
    "chla": 10_000.0,  # [mg/m³]
    "sd": 100.0,  # [m]
    "conductivity": 100_000.0,  # [µS/cm]
}

#: Unit each template indicator must be written in (header suffix), and the declared units
#: converted on reading: µg/L under a mg/L indicator is divided by 1,000.
_EXPECTED_UNIT: Final[dict[str, str]] = {
    "ph": "无量纲",
    "water_temperature": "℃",
    "fecal_coliform": "个/L",
    "chla": "mg/m³",
    "sd": "m",
    "conductivity": "μS/cm",
    "turbidity": "NTU",
    "algae_density": "cells/L",
}
_UNIT_SPELLINGS: Final[dict[str, str]] = {
    "mg/l": "mg/L",
    "μg/l": "μg/L",
    "µg/l": "μg/L",
    "ug/l": "μg/L",
    "mg/m3": "mg/m³",
    "mg/m³": "mg/m³",
    "μs/cm": "μS/cm",
    "µs/cm": "μS/cm",
    "us/cm": "μS/cm",
}
_CONVERSIONS: Final[dict[tuple[str, str], float]] = {("μg/L", "mg/L"): 0.001}


def declared_unit(header: str) -> str | None:
    """The unit written in a header's brackets ("总磷（μg/L）" → "μg/L"), normalised; None if none."""
    clean = "".join(header.split()).replace("（", "(").replace("）", ")")
    match = re.match(r"^.*?\(([^()]*)\)$", clean)
    if not match:
        return None
    unit = match.group(1)
    return _UNIT_SPELLINGS.get(unit.lower(), unit)


def unit_factor(header: str, indicator: str) -> tuple[float, str | None]:
    """(factor to the canonical unit, zh-CN problem) for the unit a header declares."""
    unit = declared_unit(header)
    expected = _EXPECTED_UNIT.get(indicator, "mg/L")
    if unit is None or unit == expected:
        return 1.0, None
    factor = _CONVERSIONS.get((unit, expected))
    if factor is not None:
        return factor, None
    return 1.0, f"列「{header}」声明的单位为 {unit}，该指标应以 {expected} 填报（无法自动换算）"


def _range_of(indicator: str) -> tuple[float, float | None]:
    if indicator == "ph":
        return 0.0, 14.0
    if indicator == "water_temperature":
        return -5.0, 50.0
    return 0.0, WATER_PLAUSIBLE_MAXIMA.get(indicator)


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
        lower, upper = _range_of(column)
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
        _duplicate_rows(keyed, table.name, "断面名称", pl.col("监测时间").str.strip_chars())
    )
    raise_if_problems(problems)
    if table.frame.height == 0:
        raise file_error(path, "文件没有数据行")
    non_detects = _count_non_detects(table.frame, list(CNEMC_AUTO_COLUMNS))
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


def _duplicate_rows(
    frame: pl.DataFrame,
    file: str,
    section_header: str,
    time: pl.Expr,
    *,
    extra: pl.Expr | None = None,
) -> pl.DataFrame:
    """A section sampled twice at the same time (and, with `extra`, the same cells): every
    repeat names the row it repeats."""
    keyed = frame.select(
        pl.col(ROW),
        pl.col(section_header).str.strip_chars().alias("_s"),
        time.alias("_t"),
        (extra if extra is not None else pl.lit("")).alias("_x"),
    ).filter(pl.col("_s").is_not_null() & pl.col("_t").is_not_null())
    first = keyed.group_by("_s", "_t", "_x").agg(pl.col(ROW).min().alias("_first"))
    return (
        keyed.join(first, on=["_s", "_t", "_x"])
        .filter(pl.col(ROW) != pl.col("_first"))
        .select(
            pl.lit(file).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(section_header).alias("column"),
            pl.format(
                "重复数据：断面「{}」在 {} 的数据已在第 {} 行出现", "_s", "_t", "_first"
            ).alias("message"),
        )
        .cast(PROBLEM_SCHEMA)
    )


def _count_non_detects(frame: pl.DataFrame, headers: list[str]) -> int:
    present = [h for h in headers if h in frame.columns]
    if not present:
        return 0
    counts = frame.select(
        pl.sum_horizontal(
            [
                pl.col(h).str.strip_chars().str.contains(_NON_DETECT).fill_null(False)
                for h in present
            ]
        ).sum()
    )
    return int(counts.item())


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
        lower, upper = _range_of(canonical)
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
        _duplicate_rows(frame, table.name, by_canonical["section"], pl.when(dated).then(time_raw))
    )
    problems.append(
        _duplicate_rows(
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
    non_detects = _count_non_detects(
        frame, [h for h, c in mapping.items() if c not in TEMPLATE_TEXT.values()]
    )
    return WaterReadResult(out, table.name, "template", non_detects)


def read_provincial_targets(path: str | Path) -> pl.DataFrame:
    """Read the provincial targets of "完成省定目标" sections (CSV or YAML), see docs/water-soil.md.

    CSV columns: 断面名称, 年份, 目标水质 (e.g. "Ⅲ类", "III", "劣Ⅴ"). YAML: a mapping
    ``{year: {section name: class}}``. Returns section, year (Int32), target_class (code 1..6).
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _provincial_yaml(path)
    else:
        table = load_table(path)
        needed = {"断面名称", "年份", "目标水质"}
        absent = needed - set(table.frame.columns)
        if absent:
            raise file_error(path, f"缺少列 {'、'.join(sorted(absent))}", row=1)
        rows = [
            (r[ROW], r["断面名称"], r["年份"], r["目标水质"])
            for r in table.frame.iter_rows(named=True)
        ]
    problems: list[pl.DataFrame] = []
    records: list[tuple[str, int, int]] = []
    # One small configuration file: row-wise parsing keeps the messages exact.
    for row, section, year, target in rows:
        code = parse_class_label(str(target or ""))
        year_text = str(year or "").strip()
        if not section or not str(section).strip():
            problems.append(problem_frame(path.name, "断面名称为空", row=row, column="断面名称"))
        elif not year_text.isdigit():
            problems.append(
                problem_frame(path.name, f"年份「{year_text}」不是整数", row=row, column="年份")
            )
        elif code is None:
            problems.append(
                problem_frame(
                    path.name,
                    f"目标水质「{target}」无法识别，应为 Ⅰ类…Ⅴ类 或 劣Ⅴ类",
                    row=row,
                    column="目标水质",
                )
            )
        else:
            records.append((str(section).strip(), int(year_text), code))
    raise_if_problems(problems)
    return pl.DataFrame(
        records,
        schema={"section": pl.String, "year": pl.Int32, "target_class": pl.Int8},
        orient="row",
    )


def _provincial_yaml(path: Path) -> list[tuple[int | None, object, object, object]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise file_error(path, f"YAML 文件无法解析：{exc}") from exc
    if not isinstance(data, dict):
        raise file_error(path, "YAML 顶层应为 {年份: {断面名称: 目标水质}} 的映射")
    rows: list[tuple[int | None, object, object, object]] = []
    for year, sections in data.items():
        if not isinstance(sections, dict):
            raise file_error(path, f"年份 {year} 下应为 {{断面名称: 目标水质}} 的映射")
        for section, target in sections.items():
            rows.append((None, section, year, target))
    return rows


__all__ = [
    "CNEMC_AUTO_COLUMNS",
    "CNEMC_SNAPSHOT",
    "PROBLEM_SCHEMA",
    "TEMPLATE_INDICATORS",
    "WATER_DEMO_TEMPLATE",
    "WATER_TEMPLATE",
    "WaterReadResult",
    "read_cnemc_water_auto",
    "read_provincial_targets",
    "read_water_template",
]

"""Readers for soil samples: the farmland template (GB 15618-2018 items, wide) and the
construction-land template (GB 36600-2018 items, long). Both CSV (UTF-8/GBK) or .xlsx; bad input
raises :class:`~envplan.monitoring.errors.InputFileError` naming file, row and column; all or
nothing. Concentrations [mg/kg] dry weight; ``0.05L`` = not detected, used as half the limit
(HJ/T 166-2004).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from envplan.monitoring.air_io import ROW, file_error, is_missing
from envplan.monitoring.errors import problem_frame, raise_if_problems
from envplan.monitoring.water_checks import declared_unit, load_table, numeric_cells
from envplan.standards.soil.gb15618 import ITEM_NAMES_ZH
from envplan.standards.soil.gb36600 import KEY_REPLACEMENTS, LIMITS_BY_KEY

#: 用地类型 in the farmland template → GB 15618-2018 land-use column.
FARMLAND_USES: Final[dict[str, str]] = {
    "水田": "paddy",
    "旱地": "other",
    "水浇地": "other",
    "菜地": "other",
    "其他": "other",
    "果园": "orchard",
    "水旱轮作": "rotation",
}
#: 农产品超标 → crop code of envplan.standards.soil.categories (0 = no crop data).
CROP_EXCEEDANCE: Final[dict[str, int]] = {"无": 1, "未超标": 1, "轻微": 2, "严重": 3}
_FARMLAND_ITEMS: Final[dict[str, str]] = {name: item for item, name in ITEM_NAMES_ZH.items()}


#: Plausibility ceiling [mg/kg]: 10 % of the dry mass. A value above is a unit or typing error
#: (µg/kg or ppb written under mg/kg), rejected rather than assessed.
SOIL_PLAUSIBLE_MAX_MG_KG: Final = 100_000.0
_ALLOWED_UNITS = ("mg/kg", "亩", "无量纲")


def _unit_problems(file: str, headers: list[str]) -> list[pl.DataFrame]:
    """Headers declaring a unit other than the template's (mg/kg; 亩 for 面积): one problem each."""
    problems = []
    for header in headers:
        unit = declared_unit(header)
        if unit is not None and unit.lower() not in _ALLOWED_UNITS:
            problems.append(
                problem_frame(
                    file,
                    f"列「{header}」声明的单位为 {unit}，土壤含量应以 mg/kg（干重）填报，请换算后导入",
                    row=1,
                    column=header,
                )
            )
    return problems


def _duplicates(frame: pl.DataFrame, file: str, keys: list[str], what: str) -> pl.DataFrame:
    """Every repeat of `keys` (e.g. the same sample twice) names the row it repeats."""
    keyed = frame.select(pl.col(ROW), *[pl.col(k).str.strip_chars() for k in keys]).drop_nulls()
    first = keyed.group_by(keys).agg(pl.col(ROW).min().alias("_first"))
    return (
        keyed.join(first, on=keys)
        .filter(pl.col(ROW) != pl.col("_first"))
        .select(
            pl.lit(file).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(keys[0]).alias("column"),
            pl.format(
                "重复数据：{}「{}」已在第 {} 行出现",
                pl.lit(what),
                pl.concat_str([pl.col(k) for k in keys], separator=" / "),
                pl.col("_first"),
            ).alias("message"),
        )
    )


def _header_key(name: str) -> str:
    clean = "".join(name.split()).replace("（", "(").replace("）", ")")
    for suffix in ("(mg/kg)", "(亩)", "(无量纲)"):
        clean = clean.removesuffix(suffix)
    return clean


def read_farmland_samples(path: str | Path) -> pl.DataFrame:
    """Farmland soil samples, one row per sample (template ``soil_farmland_template.csv``).

    Required: 样点编号, 土壤pH, 用地类型 (水田/旱地/水浇地/菜地/其他/果园/水旱轮作) and at least one
    item column (镉 汞 砷 铅 铬 铜 镍 锌 六六六总量 滴滴涕总量 苯并[a]芘, unit suffix "（mg/kg）"
    optional). Optional: 地块编号, 面积（亩）, 农产品超标 (无/轻微/严重), 已安全利用 (是/否).
    Output columns: sample_id, ph, land_use, the item ids (cd, hg …) [mg/kg], parcel_id,
    area_mu, crop_exceedance (0..3), safely_used (Boolean), source_row.
    """
    path = Path(path)
    table = load_table(path)
    frame = table.frame
    headers = {_header_key(h): h for h in frame.columns if h != ROW}
    problems: list[pl.DataFrame] = _unit_problems(table.name, list(headers.values()))
    if problems:
        raise_if_problems(problems)
    for required in ("样点编号", "土壤pH", "用地类型"):
        if required not in headers:
            problems.append(problem_frame(table.name, f"缺少必填列「{required}」", row=1))
    items = {key: header for key, header in headers.items() if key in _FARMLAND_ITEMS}
    if not items:
        problems.append(
            problem_frame(table.name, "没有任何检测项目列（如 镉、汞、砷、铅、铬）", row=1)
        )
    known = {"样点编号", "土壤pH", "用地类型", "地块编号", "面积", "农产品超标", "已安全利用"}
    for key, header in headers.items():
        if key not in known and key not in _FARMLAND_ITEMS:
            problems.append(
                problem_frame(table.name, f"无法识别的列名「{header}」", row=1, column=header)
            )
    raise_if_problems(problems)
    if frame.height == 0:
        raise file_error(path, "文件没有数据行")
    expressions: list[pl.Expr] = [
        pl.col(ROW).alias("source_row"),
        pl.col(headers["样点编号"]).str.strip_chars().alias("sample_id"),
    ]
    ph, found = numeric_cells(
        frame, table.name, headers["土壤pH"], headers["土壤pH"], lower=0.0, upper=14.0
    )
    problems.append(found)
    expressions.append(ph.alias("ph"))
    problems.append(_duplicates(frame, table.name, [headers["样点编号"]], "样点编号"))
    for key, header in items.items():
        value, found = numeric_cells(
            frame, table.name, header, header, lower=0.0, upper=SOIL_PLAUSIBLE_MAX_MG_KG
        )
        problems.append(found)
        expressions.append(value.alias(_FARMLAND_ITEMS[key]))
    use_header = headers["用地类型"]
    use_raw = pl.col(use_header).str.strip_chars()
    problems.append(
        _row_problems(
            frame,
            table.name,
            use_header,
            pl.when(~use_raw.is_in(list(FARMLAND_USES)) | use_raw.is_null()).then(
                pl.format(
                    "用地类型「{}」应为 {}", use_raw.fill_null(""), pl.lit("、".join(FARMLAND_USES))
                )
            ),
        )
    )
    problems.append(
        _row_problems(
            frame,
            table.name,
            headers["样点编号"],
            pl.when(is_missing(pl.col(headers["样点编号"]))).then(pl.lit("样点编号为空")),
        )
    )
    problems.append(
        _row_problems(
            frame,
            table.name,
            headers["土壤pH"],
            pl.when(is_missing(pl.col(headers["土壤pH"]))).then(
                pl.lit("土壤pH为空：GB 15618-2018 按 pH 分档，必须填写")
            ),
        )
    )
    expressions.append(use_raw.replace_strict(FARMLAND_USES, default=None).alias("land_use"))
    expressions.extend(_plot_columns(frame, table.name, headers, problems))
    if "农产品超标" in headers:
        crop_header = headers["农产品超标"]
        crop_raw = pl.col(crop_header).str.strip_chars()
        problems.append(
            _row_problems(
                frame,
                table.name,
                crop_header,
                pl.when(
                    ~is_missing(pl.col(crop_header)) & ~crop_raw.is_in(list(CROP_EXCEEDANCE))
                ).then(pl.format("农产品超标「{}」应为 无、轻微 或 严重（无数据留空）", crop_raw)),
            )
        )
        expressions.append(
            crop_raw.replace_strict(CROP_EXCEEDANCE, default=0, return_dtype=pl.Int8)
            .fill_null(0)
            .alias("crop_exceedance")
        )
    if "已安全利用" in headers:
        expressions.append(_yes_no(frame, table.name, headers["已安全利用"], problems))
    raise_if_problems(problems)
    return frame.select(*expressions)


def read_construction_samples(path: str | Path) -> pl.DataFrame:
    """Construction-land soil results, one row per sample and item (template
    ``soil_construction_template.csv``).

    Required: 样点编号, 检测项目 (a GB 36600-2018 Table 1/2 name, e.g. 苯, 砷, 苯并[a]芘),
    含量（mg/kg）. Optional: 地块编号, 背景值（mg/kg） (footnote ① for 砷/钴/钒), 面积（亩） and
    已安全利用 (是/否) of the plot, repeated on its rows.
    Output: sample_id, item, value [mg/kg], background [mg/kg], parcel_id, area_mu, safely_used,
    source_row.
    """
    path = Path(path)
    table = load_table(path)
    frame = table.frame
    headers = {_header_key(h): h for h in frame.columns if h != ROW}
    problems: list[pl.DataFrame] = _unit_problems(table.name, list(headers.values()))
    for required in ("样点编号", "检测项目", "含量"):
        if required not in headers:
            problems.append(problem_frame(table.name, f"缺少必填列「{required}」", row=1))
    raise_if_problems(problems)
    if frame.height == 0:
        raise file_error(path, "文件没有数据行")
    item_header = headers["检测项目"]
    names = {key: row.name_zh for key, row in LIMITS_BY_KEY.items()}
    # Spellings differ between labs (（）/(), [a]/(a), 间-二甲苯): match on the item key.
    key = pl.col(item_header).fill_null("").str.strip_chars()
    for written, meant in KEY_REPLACEMENTS:
        key = key.str.replace_all(written, meant, literal=True)
    canonical = frame.select(key.replace_strict(names, default=None)).to_series()
    item_raw = pl.col(item_header).str.strip_chars()
    problems.append(
        _row_problems(
            frame,
            table.name,
            item_header,
            pl.when(pl.lit(canonical).is_null()).then(
                pl.format("检测项目「{}」不在 GB 36600-2018 表1、表2 中", item_raw.fill_null(""))
            ),
        )
    )
    value, found = numeric_cells(
        frame,
        table.name,
        headers["含量"],
        headers["含量"],
        lower=0.0,
        upper=SOIL_PLAUSIBLE_MAX_MG_KG,
    )
    problems.append(found)
    problems.append(
        _duplicates(frame, table.name, [headers["样点编号"], item_header], "样点编号 / 检测项目")
    )
    expressions: list[pl.Expr] = [
        pl.col(ROW).alias("source_row"),
        pl.col(headers["样点编号"]).str.strip_chars().alias("sample_id"),
        pl.lit(canonical).alias("item"),
        value.alias("value"),
    ]
    if "背景值" in headers:
        background, found = numeric_cells(
            frame, table.name, headers["背景值"], headers["背景值"], lower=0.0, upper=None
        )
        problems.append(found)
        expressions.append(background.alias("background"))
    expressions.extend(_plot_columns(frame, table.name, headers, problems))
    if "已安全利用" in headers:
        expressions.append(_yes_no(frame, table.name, headers["已安全利用"], problems))
    raise_if_problems(problems)
    return frame.select(*expressions)


def _plot_columns(
    frame: pl.DataFrame, file: str, headers: dict[str, str], problems: list[pl.DataFrame]
) -> list[pl.Expr]:
    """The optional 地块编号 and 面积（亩） columns, as parcel_id and area_mu."""
    expressions: list[pl.Expr] = []
    if "地块编号" in headers:
        expressions.append(pl.col(headers["地块编号"]).str.strip_chars().alias("parcel_id"))
    if "面积" in headers:
        area, found = numeric_cells(
            frame, file, headers["面积"], headers["面积"], lower=0.0, upper=None
        )
        problems.append(found)
        expressions.append(area.alias("area_mu"))
    return expressions


def _yes_no(frame: pl.DataFrame, file: str, header: str, problems: list[pl.DataFrame]) -> pl.Expr:
    raw = pl.col(header).str.strip_chars()
    problems.append(
        _row_problems(
            frame,
            file,
            header,
            pl.when(~is_missing(pl.col(header)) & ~raw.is_in(["是", "否"])).then(
                pl.format("已安全利用「{}」应为 是 或 否", raw)
            ),
        )
    )
    return (raw == "是").fill_null(False).alias("safely_used")


def _row_problems(frame: pl.DataFrame, file: str, column: str, message: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit(file).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        message.alias("message"),
    ).filter(pl.col("message").is_not_null())

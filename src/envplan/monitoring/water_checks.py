"""Shared cell, unit and row checks of the surface-water readers (CNEMC automatic table, monthly
template) and of the soil and water-graph readers that parse cells the same way.

Cell conventions: ``--`` / empty = not measured (null); ``0.05L`` = not detected at detection limit
0.05, used as half the limit (环办监测函〔2020〕82号) and counted in ``n_non_detects``. Every check
returns its problems as a frame (file, row with header = row 1, column, zh-CN message) so a reader
can list them all before raising: all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from envplan.monitoring.air_io import ROW, LoadedTable, is_missing, load_csv, load_xlsx
from envplan.monitoring.errors import PROBLEM_SCHEMA

_NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
_NON_DETECT = r"^(\d+(\.\d*)?|\.\d+)\s*[Ll]$"


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


def range_of(indicator: str) -> tuple[float, float | None]:
    """(lower, upper or None) plausible range of an indicator in its canonical unit."""
    if indicator == "ph":
        return 0.0, 14.0
    if indicator == "water_temperature":
        return -5.0, 50.0
    return 0.0, WATER_PLAUSIBLE_MAXIMA.get(indicator)


def duplicate_rows(
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


def count_non_detects(frame: pl.DataFrame, headers: list[str]) -> int:
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


__all__ = [
    "WATER_PLAUSIBLE_MAXIMA",
    "WaterReadResult",
    "count_non_detects",
    "declared_unit",
    "duplicate_rows",
    "load_table",
    "numeric_cells",
    "range_of",
    "unit_factor",
]

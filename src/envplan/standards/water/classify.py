"""Single-indicator water-quality class under GB 3838-2002 Table 1, with evaluation rounding.

Document: GB 3838-2002 《地表水环境质量标准》, clause 4.1 (Table 1) and clause 5.1 (单因子评价,
超标项目和超标倍数). The standard gives limits, not an algorithm; the rules below are those of
``shared/reference/water-soil-standards.md`` §1.3:

* "≤" items: the class is the best class k whose limit the value does not exceed; equal limits in
  adjacent classes resolve to the better class (COD 12 → Ⅰ); above the Ⅴ limit → 劣Ⅴ.
* DO ("≥"): the best class whose limit the value reaches; below 2 mg/L → 劣Ⅴ.
* pH: inside 6–9 meets every class (class Ⅰ, never worsens a section); outside → 劣Ⅴ.
* Water temperature has no class (always 0 = not classed).
* Total phosphorus: the 湖、库 column for lakes and reservoirs.
* Missing values (NaN) → class 0 (not classed).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from envplan.standards.water.gb3838 import (
    NOT_CLASSED,
    PH_RANGE,
    TABLE_1_BY_ID,
    TABLE_2,
    TABLE_3,
    WORSE_THAN_V,
    Table1Indicator,
)


def round_half_even(values: ArrayLike, decimals: int) -> NDArray[np.float64]:
    """Round to ``decimals`` places by GB/T 8170-2008 clause 3.1-3.3 (四舍六入五成双).

    Units are those of the input. A trailing 5 followed only by zeros goes to the even digit; the
    decimal value written in the data is what counts, so binary representation noise (4.05 stored
    as 4.0499999…) is removed first by rounding the scaled value to 6 places. A positive value that
    would round to 0 keeps one significant figure (统计技术规定, reference §2.2 [R]). NaN stays NaN.

    Parameters
    ----------
    values
        Values to round [any unit].
    decimals
        Decimal places kept.

    Returns
    -------
    numpy.ndarray of float64
        The rounded values [unit of the input].
    """
    array = np.asarray(values, dtype=np.float64)
    scale = 10.0**decimals
    rounded: NDArray[np.float64] = np.rint(np.round(array * scale, 6)) / scale
    vanished = (rounded == 0.0) & (array > 0.0)
    if np.any(vanished):
        magnitude = np.floor(np.log10(array[vanished]))
        significant = round_half_even_significant(array[vanished], magnitude)
        rounded[vanished] = significant
    return rounded


def round_half_even_significant(
    values: NDArray[np.float64], magnitude: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Round positive ``values`` to one significant figure (GB/T 8170-2008 clause 3), half to even.

    ``magnitude`` is floor(log10(value)); units [same as input].

    Parameters
    ----------
    values
        Positive values [any unit].
    magnitude
        floor(log10(value)) of each value.

    Returns
    -------
    numpy.ndarray of float64
        The rounded values [unit of the input].
    """
    scale = 10.0 ** (-magnitude)
    result: NDArray[np.float64] = np.rint(np.round(values * scale, 6)) / scale
    return result


def non_detect_value(detection_limit: ArrayLike) -> NDArray[np.float64]:
    """Value used in calculations for a result reported as "DL + L" (e.g. "0.05L"): half the DL.

    Document: 《地表水环境质量监测数据统计技术规定（试行）》 环办监测函〔2020〕82号 (reference §2.2 and
    anchors §1.5: 未检出按检出限的 1/2 参与统计). Units: those of the detection limit [mg/L].

    Parameters
    ----------
    detection_limit
        Detection limits [mg/L].

    Returns
    -------
    numpy.ndarray of float64
        Half the detection limits [mg/L].
    """
    return np.asarray(detection_limit, dtype=np.float64) / 2.0


def indicator(indicator_id: str) -> Table1Indicator:
    """The GB 3838-2002 clause 4.1 Table 1 row for ``indicator_id`` (its ``unit`` field gives the
    unit, e.g. [mg/L]); KeyError names the unknown id.

    Parameters
    ----------
    indicator_id
        Table 1 indicator id (e.g. ``codmn``, ``nh3n``, ``tp``).

    Returns
    -------
    Table1Indicator
        The row: name, unit, limits, evaluation precision.
    """
    try:
        return TABLE_1_BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"GB 3838-2002 Table 1 has no indicator {indicator_id!r}") from None


def class_limits(indicator_id: str, lake: ArrayLike | bool = False) -> NDArray[np.float64]:
    """Class Ⅰ..Ⅴ limits of one indicator, shape (n, 5) for n rows of ``lake`` flags.

    GB 3838-2002 Table 1 [mg/L, 个/L for fecal coliform]; TP uses the 湖、库 column where ``lake``.
    Raises ValueError for indicators without class limits (water temperature, pH).

    Parameters
    ----------
    indicator_id
        Table 1 indicator id.
    lake
        True for lakes and reservoirs (scalar or per row).

    Returns
    -------
    numpy.ndarray of float64
        Limits of classes Ⅰ..Ⅴ per row [unit of the indicator].
    """
    row = indicator(indicator_id)
    if row.limits is None:
        raise ValueError(f"{indicator_id} has no class limits in GB 3838-2002 Table 1")
    lake_flags = np.atleast_1d(np.asarray(lake, dtype=bool))
    river = np.asarray(row.limits, dtype=np.float64)
    lake_row = np.asarray(row.lake_limits or row.limits, dtype=np.float64)
    return np.where(lake_flags[:, None], lake_row[None, :], river[None, :])


def indicator_class(
    indicator_id: str,
    values: ArrayLike,
    *,
    lake: ArrayLike | bool = False,
    round_values: bool = True,
) -> NDArray[np.int8]:
    """Class code (1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ, 0 = not measured) of each value of one indicator.

    Document: GB 3838-2002, clause 4.1 Table 1 and clause 5.1; rules in the module docstring.
    ``values`` in the Table 1 unit of the indicator [mg/L; pH dimensionless; 个/L for fecal coliform];
    ``lake`` (scalar or per value) selects the 湖、库 TP column. With ``round_values`` the values are
    first rounded half-even to the indicator's evaluation precision (``Table1Indicator.decimals``).
    NaN → 0. Water temperature → always 0 (no class in Table 1).

    Parameters
    ----------
    indicator_id
        Table 1 indicator id.
    values
        Measured values [Table 1 unit of the indicator].
    lake
        True for lakes and reservoirs (scalar or per value).
    round_values
        Round to the evaluation precision first.

    Returns
    -------
    numpy.ndarray of int8
        Class code 0-6 per value.
    """
    row = indicator(indicator_id)
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if round_values and row.decimals is not None:
        array = round_half_even(array, row.decimals)
    missing = np.isnan(array)
    codes = np.zeros(array.shape, dtype=np.int8)
    if row.direction == "none":
        return codes
    if row.direction == "range":
        inside = (array >= PH_RANGE[0]) & (array <= PH_RANGE[1])
        codes[:] = np.where(inside, 1, WORSE_THAN_V)
    else:
        lake_flags = np.broadcast_to(np.asarray(lake, dtype=bool), array.shape)
        river_codes = _searched_class(array, row.limits, row.direction)
        lake_codes = (
            _searched_class(array, row.lake_limits, row.direction)
            if row.lake_limits is not None
            else river_codes
        )
        codes[:] = np.where(lake_flags, lake_codes, river_codes)
    codes[missing] = NOT_CLASSED
    return codes


def _searched_class(
    values: NDArray[np.float64], limits: tuple[float, ...] | None, direction: str
) -> NDArray[np.int64]:
    """Best class whose limit a value meets, 6 (劣Ⅴ) when none: binary search on the limits.
    side="left" returns the first of equal limits, so shared limits give the better class."""
    ordered = np.asarray(limits, dtype=np.float64)
    if direction == "le":
        found = np.searchsorted(ordered, values, side="left")
    else:  # "ge": value ≥ limit ⇔ −value ≤ −limit, and −limits ascend
        found = np.searchsorted(-ordered, -values, side="left")
    result: NDArray[np.int64] = found.astype(np.int64) + 1
    return result


def exceedance_multiple(
    indicator_id: str,
    values: ArrayLike,
    *,
    lake: ArrayLike | bool = False,
    round_values: bool = True,
    reference_class: ArrayLike | int = 3,
) -> NDArray[np.float64]:
    """超标倍数 against a class limit, by default class Ⅲ: (C − C_ref) / C_ref [dimensionless].

    Document: GB 3838-2002 clause 5.1 (超标倍数) with the class-Ⅲ reference of 环办〔2011〕22号
    (reference §2.6 item 4); ``reference_class`` (1..5, scalar or per value) gives the multiple
    against a target class instead. C in the Table 1 unit; TP against the 湖、库 column for lakes.
    NaN where the value does not exceed the reference limit, is missing, the reference class is
    outside 1..5 (劣Ⅴ target), or the indicator has no multiple (water temperature, pH, DO).

    Parameters
    ----------
    indicator_id
        Table 1 indicator id.
    values
        Measured values [Table 1 unit of the indicator].
    lake
        True for lakes and reservoirs (scalar or per value).
    round_values
        Round to the evaluation precision first.
    reference_class
        Class 1..5 of the reference limit (3 = class Ⅲ), scalar or per value.

    Returns
    -------
    numpy.ndarray of float64
        The multiples [dimensionless].
    """
    row = indicator(indicator_id)
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if row.direction != "le":
        return np.full(array.shape, np.nan)
    if round_values and row.decimals is not None:
        array = round_half_even(array, row.decimals)
    limits = np.broadcast_to(class_limits(indicator_id, lake), (array.size, 5))
    reference = np.broadcast_to(np.asarray(reference_class, dtype=np.int64), array.shape)
    valid = (reference >= 1) & (reference <= 5)
    column = np.clip(reference, 1, 5) - 1
    limit = limits[np.arange(array.size), column]
    multiple: NDArray[np.float64] = (array - limit) / limit
    return np.where(valid & (array > limit), multiple, np.nan)


def drinking_source_limit_met(item: str, values: ArrayLike) -> NDArray[np.int8]:
    """1 where a value meets its GB 3838-2002 Table 2 or Table 3 limit (C ≤ limit), 0 where it
    exceeds, −1 where missing (NaN).

    Document: GB 3838-2002 clause 4.2 (Table 2, supplementary items) and clause 4.3 (Table 3,
    specific items) for centralized drinking-water sources, clause 5.3. ``item`` is the Table 2 id
    (``sulfate`` …) or a Table 2/3 Chinese name (``三氯甲烷`` …); values [mg/L]. KeyError if unknown.

    Parameters
    ----------
    item
        Table 2 id or Table 2/3 Chinese name.
    values
        Measured values [mg/L].

    Returns
    -------
    numpy.ndarray of int8
        1 met, 0 exceeded, −1 missing.
    """
    limit = _single_limit(item)
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    met = np.where(np.isnan(array), -1, (array <= limit).astype(np.int8))
    return met.astype(np.int8)


def _single_limit(item: str) -> float:
    for row in TABLE_2 + TABLE_3:
        if item in (row.id, row.name_zh) or row.name_zh.startswith(item + "（"):
            return row.limit
    raise KeyError(f"GB 3838-2002 Tables 2-3 have no item {item!r}")

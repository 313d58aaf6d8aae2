"""Air Quality Index: IAQI, hourly (real-time) and daily AQI, primary and exceeding pollutants,
levels. Vectorised over NumPy arrays; exact integer arithmetic.

Sources: HJ 633-2012 §4.1 Table 1 (+ notes), §4.2 eq. (1), §4.3 Table 2, §4.4, §5.1.2, §5.1.3,
§6.2, Appendix A; HJ 633-2026 §4.1.1 Table 1, §4.2.2–4.2.6 Table 3 (+ notes a–c), §4.3.1, §5.3.1.
Missing values are NaN on input; a missing IAQI or AQI is NaN on output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from envplan.standards.air.rounding import round_half_even_scaled
from envplan.standards.air.rules import (
    AQI_LEVELS,
    PRIMARY_ORDER,
    AqiRuleSet,
    BreakpointColumn,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.object_]


def iaqi(concentration: npt.ArrayLike, column: BreakpointColumn) -> FloatArray:
    """Individual AQI of concentrations against one breakpoint column.

    HJ 633-2012 §4.2 eq. (1) / HJ 633-2026 §4.2.4 eq. (1), table ``column`` (HJ 633-2012 Table 1,
    HJ 633-2026 Table 3). Input [µg/m³; CO mg/m³]; output IAQI [dimensionless], integral floats.

    - The concentration is first rounded by GB/T 8170 (µg/m³ → integer, CO → 0.1 mg/m³;
      HJ 633-2026 §4.2.2), then eq. (1) is evaluated exactly and rounded **up** (HJ 633-2012 §6.2,
      HJ 633-2026 §4.2.6 "全部向上进位取整数").
    - Segments are continuous: a concentration equal to a breakpoint gets that row's IAQI.
    - Above the last breakpoint: ``column.above_top`` — 500 for full columns (the tables end at
      IAQI 500; official data publish 500), 200 for 2026 SO2 1-h (Table 3 note b), 300 for 2026
      O3 8-h (note c), NaN (not computed) for 2012 SO2 1-h and O3 8-h (Table 1 notes (2), (3)).
    - NaN, infinite or negative concentrations give NaN.
    """
    values = np.asarray(concentration, dtype=np.float64)
    scaled = round_half_even_scaled(values, column.decimals)
    valid = np.isfinite(scaled) & (scaled >= 0)
    c = np.where(valid, scaled, 0).astype(np.int64)
    breakpoints = np.asarray(column.concentrations, dtype=np.int64)
    indices = np.asarray(column.indices, dtype=np.int64)
    segment = np.clip(np.searchsorted(breakpoints, c, side="left"), 1, len(breakpoints) - 1)
    bp_lo, bp_hi = breakpoints[segment - 1], breakpoints[segment]
    i_lo, i_hi = indices[segment - 1], indices[segment]
    numerator = (i_hi - i_lo) * (c - bp_lo)
    ceiled = i_lo - ((-numerator) // (bp_hi - bp_lo))  # exact ceiling division
    result: FloatArray = np.asarray(ceiled, dtype=np.float64)
    above_top = c > breakpoints[-1]
    top_value = np.nan if column.above_top is None else float(column.above_top)
    result[above_top] = top_value
    result[~valid] = np.nan
    return result


@dataclass(frozen=True)
class AqiResult:
    """Result of an hourly or daily AQI computation (arrays of equal length).

    iaqi: sub-index per indicator code of ``PRIMARY_ORDER`` (NaN when missing or not applicable).
    aqi: AQI of the available indicators (NaN when none) [dimensionless].
    complete: every indicator the report needs was available.
    published: the edition's rule for publishing the AQI of incomplete records.
    primary: primary pollutant codes joined by "," in ``PRIMARY_ORDER`` ("" when AQI ≤ 50).
    exceeding: 超标污染物 codes (IAQI > 100), "" when none or when the edition has no such concept.
    level: AQI level 1–6 (0 when AQI is NaN).
    rules: the rule set used.
    """

    iaqi: Mapping[str, FloatArray]
    aqi: FloatArray
    complete: BoolArray
    published: BoolArray
    primary: StrArray
    exceeding: StrArray
    level: IntArray
    rules: AqiRuleSet


def aqi_level(aqi: npt.ArrayLike) -> IntArray:
    """AQI level 1–6 (HJ 633-2012 §4.3 Table 2; HJ 633-2026 §4.1.1 Table 1): 0–50 → 1, 51–100 → 2,
    101–150 → 3, 151–200 → 4, 201–300 → 5, > 300 → 6. Input AQI [dimensionless, integral];
    NaN gives 0 (no level). Names and colours: ``rules.AQI_LEVELS``.
    """
    values = np.asarray(aqi, dtype=np.float64)
    uppers = np.asarray([lv.aqi_high for lv in AQI_LEVELS[:-1]], dtype=np.float64)
    level = np.searchsorted(uppers, np.where(np.isnan(values), 0, values), side="left") + 1
    return np.where(np.isnan(values), 0, level).astype(np.int64)


def level_categories(level: npt.ArrayLike) -> StrArray:
    """Category (优 … 严重污染) for levels 1–6 (HJ 633 Table 2 / 2026 Table 1); "" for level 0."""
    names = np.asarray([""] + [lv.category for lv in AQI_LEVELS], dtype=object)
    return names[np.asarray(level, dtype=np.int64)]


# Lookup of joined codes for every bitmask of PRIMARY_ORDER (2**7 entries).
_JOINED = np.asarray(
    [
        ",".join(code for bit, code in enumerate(PRIMARY_ORDER) if mask >> bit & 1)
        for mask in range(1 << len(PRIMARY_ORDER))
    ],
    dtype=object,
)


def _join_codes(flags: BoolArray) -> StrArray:
    weights = (1 << np.arange(flags.shape[1], dtype=np.int64)).astype(np.int64)
    masks = (flags.astype(np.int64) * weights).sum(axis=1)
    result: StrArray = _JOINED[masks]
    return result


def _combine(
    sub: dict[str, FloatArray],
    required_ok: BoolArray,
    rules: AqiRuleSet,
    n: int,
) -> AqiResult:
    matrix = np.column_stack([sub.get(code, np.full(n, np.nan)) for code in PRIMARY_ORDER])
    any_index = ~np.all(np.isnan(matrix), axis=1)
    aqi = np.full(n, np.nan)
    if n:
        aqi[any_index] = np.nanmax(matrix[any_index], axis=1)
    aqi = np.where(any_index, np.maximum(aqi, rules.min_aqi), np.nan)
    with np.errstate(invalid="ignore"):
        primary_flags = (matrix == aqi[:, None]) & (aqi > 50)[:, None]
        exceeding_flags = matrix > 100
    if not rules.defines_exceeding:
        exceeding_flags[:] = False
    if rules.incomplete_publish == "always":
        published = any_index.copy()
    else:
        with np.errstate(invalid="ignore"):
            published = any_index & (required_ok | (aqi > 100))
    return AqiResult(
        iaqi=MappingProxyType({code: matrix[:, j] for j, code in enumerate(PRIMARY_ORDER)}),
        aqi=aqi,
        complete=required_ok,
        published=published,
        primary=_join_codes(primary_flags),
        exceeding=_join_codes(exceeding_flags),
        level=aqi_level(aqi),
        rules=rules,
    )


def _as_array(values: npt.ArrayLike | None, n: int) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    return np.asarray(values, dtype=np.float64)


def hourly_aqi(
    *,
    so2: npt.ArrayLike,
    no2: npt.ArrayLike,
    co: npt.ArrayLike,
    o3: npt.ArrayLike,
    pm10: npt.ArrayLike,
    pm25: npt.ArrayLike,
    rules: AqiRuleSet,
    so2_24h: npt.ArrayLike | None = None,
    o3_8h: npt.ArrayLike | None = None,
) -> AqiResult:
    """Real-time (hourly) AQI from the six 1-hour concentrations [µg/m³; CO mg/m³].

    HJ 633-2026 §4.2.3–4.2.4: the six 1-h values; SO2, NO2, CO, O3 against their 1-h columns,
    PM10 and PM2.5 1-h values against the 24-h (日平均) columns. HJ 633-2012 §5.1.3 lists nine
    indicators, but the AQI that MEE and CNEMC published under it is exactly this six-value rule
    (checked on every complete city-hour of ``shared/data/air``); pass ``o3_8h`` to add the
    O3 8-h moving mean of the 2012 text (scored on the 8-h column).

    Special rules: SO2 1-h > 800 µg/m³ — 2012 Table 1 note (2): the SO2 sub-index is that of the
    24-h mean ``so2_24h`` (NaN if not given); 2026 Table 3 note b: IAQI 200. O3 8-h > 800 — 2012
    note (3): no 8-h sub-index (the 1-h one stands); 2026 note c: IAQI 300.
    ``complete`` = all six 1-h values available; ``published`` follows ``rules.incomplete_publish``
    (HJ 633-2026 §5.3.1: incomplete hours only when AQI > 100).
    """
    so2_a = np.asarray(so2, dtype=np.float64)
    n = so2_a.shape[0]
    cols = rules.columns
    sub: dict[str, FloatArray] = {
        "SO2": iaqi(so2_a, cols["SO2_1h"]),
        "NO2": iaqi(no2, cols["NO2_1h"]),
        "CO": iaqi(co, cols["CO_1h"]),
        "O3_1h": iaqi(o3, cols["O3_1h"]),
        "PM10": iaqi(pm10, cols["PM10_24h"]),
        "PM2.5": iaqi(pm25, cols["PM2.5_24h"]),
    }
    if rules.so2_1h_above_top_uses_24h:
        so2_over = np.isnan(sub["SO2"]) & (round_half_even_scaled(so2_a, 0) > 800)
        sub["SO2"] = np.where(so2_over, iaqi(_as_array(so2_24h, n), cols["SO2_24h"]), sub["SO2"])
    if o3_8h is not None:
        sub["O3_8h"] = iaqi(o3_8h, cols["O3_8h"])
    required_ok = np.ones(n, dtype=bool)
    for code in ("SO2", "NO2", "CO", "O3_1h", "PM10", "PM2.5"):
        required_ok &= ~np.isnan(sub[code])
    return _combine(sub, required_ok, rules, n)


def daily_aqi(
    *,
    so2: npt.ArrayLike,
    no2: npt.ArrayLike,
    co: npt.ArrayLike,
    pm10: npt.ArrayLike,
    pm25: npt.ArrayLike,
    o3_8h_max: npt.ArrayLike,
    o3_1h_max: npt.ArrayLike | None,
    rules: AqiRuleSet,
    require_o3_1h_max: bool = True,
) -> AqiResult:
    """Daily AQI from the daily statistics [µg/m³; CO mg/m³]: 24-h means of SO2, NO2, CO, PM10,
    PM2.5 and the O3 daily maximum 8-h mean, plus — HJ 633-2012 §5.1.2 only (7 indicators) — the O3
    daily maximum 1-h value on the O3 1-h column. HJ 633-2026 §4.2.2 has 6 indicators; ``o3_1h_max``
    is then ignored.

    Every value is scored on the 24-h / 8-h columns (2012 Table 1 note (1)). O3 8-h > 800: 2012
    note (3) — no 8-h sub-index (the 1-h maximum's stands); 2026 note c — IAQI 300.
    ``complete`` = every indicator of the edition available (an O3 8-h replaced by note (3) counts
    as available); ``published`` as in ``hourly_aqi``. ``require_o3_1h_max=False`` counts a 2012
    day as complete without the O3 1-h maximum, for sources that publish only daily means (their
    O3 1-h IAQI then does not take part).
    """
    so2_a = np.asarray(so2, dtype=np.float64)
    n = so2_a.shape[0]
    cols = rules.columns
    o3_8h_a = np.asarray(o3_8h_max, dtype=np.float64)
    sub: dict[str, FloatArray] = {
        "SO2": iaqi(so2_a, cols["SO2_24h"]),
        "NO2": iaqi(no2, cols["NO2_24h"]),
        "CO": iaqi(co, cols["CO_24h"]),
        "PM10": iaqi(pm10, cols["PM10_24h"]),
        "PM2.5": iaqi(pm25, cols["PM2.5_24h"]),
        "O3_8h": iaqi(o3_8h_a, cols["O3_8h"]),
    }
    required_ok = np.ones(n, dtype=bool)
    for code in ("SO2", "NO2", "CO", "PM10", "PM2.5"):
        required_ok &= ~np.isnan(sub[code])
    o3_8h_present = np.isfinite(o3_8h_a) & (o3_8h_a >= 0)
    required_ok &= o3_8h_present
    if rules.daily_o3_1h_max:
        sub["O3_1h"] = iaqi(_as_array(o3_1h_max, n), cols["O3_1h"])
        if require_o3_1h_max:
            required_ok &= ~np.isnan(sub["O3_1h"])
    return _combine(sub, required_ok, rules, n)

"""Air Quality Index: IAQI, hourly (real-time) and daily AQI, primary and exceeding pollutants,
levels. Vectorised over NumPy arrays; exact integer arithmetic.

Sources: HJ 633-2012 §4.1 Table 1 (+ notes), §4.2 eq. (1), §4.3 Table 2, §4.4, §5.1.2, §5.1.3,
§6.2, Appendix A; HJ 633-2026 §4.1.1 Table 1, §4.2.2–4.2.6 Table 3 (+ notes a–c), §4.3.1, §5.3.1.
Missing values are NaN on input; a missing IAQI or AQI is NaN on output.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from envplan.standards.air.rounding import _SNAP, round_half_even_scaled
from envplan.standards.air.rules import (
    AQI_LEVELS,
    PRIMARY_ORDER,
    AqiRuleSet,
    BreakpointColumn,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Int16Array = npt.NDArray[np.int16]
UInt8Array = npt.NDArray[np.uint8]
StrArray = npt.NDArray[np.object_]

#: Code of a missing sub-index or AQI in the integer arrays (``*_codes`` / ``aqi_code``).
MISSING = -1


@functools.lru_cache(maxsize=64)
def _iaqi_table(column: BreakpointColumn) -> Int16Array:
    """Lookup table of the IAQI by rounded concentration (in rounding units): positions
    0 … top = concentrations 0 … top breakpoint evaluated exactly, top+1 = above the top
    breakpoint, last (index -1) = missing."""
    breakpoints = np.asarray(column.concentrations, dtype=np.int64)
    indices = np.asarray(column.indices, dtype=np.int64)
    c = np.arange(breakpoints[-1] + 1, dtype=np.int64)
    segment = np.clip(np.searchsorted(breakpoints, c, side="left"), 1, len(breakpoints) - 1)
    bp_lo, bp_hi = breakpoints[segment - 1], breakpoints[segment]
    i_lo, i_hi = indices[segment - 1], indices[segment]
    numerator = (i_hi - i_lo) * (c - bp_lo)
    ceiled = i_lo - ((-numerator) // (bp_hi - bp_lo))  # exact ceiling division
    above = MISSING if column.above_top is None else column.above_top
    table = np.concatenate([ceiled, [above, MISSING]]).astype(np.int16)
    table.setflags(write=False)
    return table


def iaqi_codes(
    concentration: npt.ArrayLike,
    column: BreakpointColumn,
    *,
    work: FloatArray | None = None,
    index: npt.NDArray[np.intp] | None = None,
) -> Int16Array:
    """Integer IAQI [dimensionless; ``MISSING`` = -1 when none] of concentrations [µg/m³; CO
    mg/m³] — the fast form of ``iaqi`` with the same rules (HJ 633-2012 §4.2 eq. (1), Table 1
    notes; HJ 633-2026 §4.2.4–4.2.6, Table 3 notes; GB/T 8170-2008 §3.2 rounding first): the
    rounded concentration indexes a table evaluated exactly once per column.
    ``work``/``index``: optional scratch arrays of the input's length (reused across calls to
    avoid fresh allocations, which dominate the cost on large inputs).

    Parameters
    ----------
    concentration
        Concentrations [µg/m³; CO mg/m³]; NaN = missing.
    column
        The breakpoint column (``rules.BreakpointColumn``) of the edition and averaging time.
    work
        Optional float scratch array of the input's length [same units].
    index
        Optional ``intp`` scratch array of the input's length.

    Returns
    -------
    Int16Array
        IAQI [dimensionless], ``MISSING`` (-1) where none.
    """
    values = np.asarray(concentration, dtype=np.float64)
    position = np.multiply(values, (10.0**column.decimals) * _SNAP, out=work)
    np.rint(position, out=position)
    np.multiply(position, 1.0 / _SNAP, out=position)
    np.rint(position, out=position)
    # NaN and negatives → -1 (the table's last entry, missing); above top → top+1.
    np.fmax(position, -1.0, out=position)
    np.minimum(position, float(column.concentrations[-1] + 1), out=position)
    if index is None:
        index = np.empty(position.shape, dtype=np.intp)
    np.copyto(index, position, casting="unsafe")
    codes: Int16Array = _iaqi_table(column).take(index)
    return codes


def _as_float(codes: Int16Array) -> FloatArray:
    return np.where(codes >= 0, codes, np.nan).astype(np.float64)


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

    Parameters
    ----------
    concentration
        Concentrations [µg/m³; CO mg/m³]; NaN = missing.
    column
        The breakpoint column (``rules.BreakpointColumn``) of the edition and averaging time.

    Returns
    -------
    FloatArray
        IAQI [dimensionless], integral floats; NaN where none.
    """
    return _as_float(iaqi_codes(concentration, column))


_LEVEL_OF_AQI = np.concatenate(
    [
        [0],
        np.searchsorted(
            np.asarray([lv.aqi_high or 0 for lv in AQI_LEVELS[:-1]]), np.arange(501), side="left"
        )
        + 1,
    ]
).astype(np.int8)

#: Level by AQI 0 … 500, and 0 at index -1 (MISSING wraps to the last entry in ``take``).
_LEVEL_BY_AQI = np.concatenate([_LEVEL_OF_AQI[1:], [0]]).astype(np.int8)

#: Joined codes for every bitmask of PRIMARY_ORDER (2**7 entries; "" for no pollutant).
#:
#: :meta hide-value:
JOINED_CODES: tuple[str, ...] = tuple(
    ",".join(code for bit, code in enumerate(PRIMARY_ORDER) if mask >> bit & 1)
    for mask in range(1 << len(PRIMARY_ORDER))
)
_JOINED = np.asarray(JOINED_CODES, dtype=object)


@dataclass(frozen=True)
class AqiResult:
    """Result of an hourly or daily AQI computation (arrays of equal length).

    iaqi_codes / aqi_code: integer sub-indices per indicator code of ``PRIMARY_ORDER`` and AQI,
    ``MISSING`` (-1) when missing or not applicable [dimensionless].
    complete: every indicator the report needs was available.
    published: the edition's rule for publishing the AQI of incomplete records.
    primary_mask / exceeding_mask: bit i set = ``PRIMARY_ORDER[i]`` is a primary (AQI > 50, ties
    included) / exceeding (IAQI > 100; only where the edition defines 超标污染物) pollutant.
    level: AQI level 1–6 (0 when there is no AQI).
    rules: the rule set used.
    The properties ``iaqi``, ``aqi`` (floats, NaN = missing), ``primary`` and ``exceeding``
    (codes joined by "," in ``PRIMARY_ORDER``, "" when none) are convenience views.
    """

    iaqi_codes: Mapping[str, Int16Array]
    aqi_code: Int16Array
    complete: BoolArray
    published: BoolArray
    primary_mask: UInt8Array
    exceeding_mask: UInt8Array
    level: npt.NDArray[np.int8]
    rules: AqiRuleSet

    @property
    def iaqi(self) -> Mapping[str, FloatArray]:
        """IAQI by indicator code [dimensionless] as floats, NaN = missing or not applicable."""
        return MappingProxyType({k: _as_float(v) for k, v in self.iaqi_codes.items()})

    @property
    def aqi(self) -> FloatArray:
        """AQI [dimensionless] as floats, NaN = no AQI."""
        return _as_float(self.aqi_code)

    @property
    def primary(self) -> StrArray:
        """Primary pollutant codes joined by "," in ``PRIMARY_ORDER`` ("" when none, AQI ≤ 50)."""
        result: StrArray = _JOINED[self.primary_mask]
        return result

    @property
    def exceeding(self) -> StrArray:
        """Exceeding pollutant codes (IAQI > 100) joined by "," in ``PRIMARY_ORDER`` ("" if none)."""
        result: StrArray = _JOINED[self.exceeding_mask]
        return result


def aqi_level(aqi: npt.ArrayLike) -> IntArray:
    """AQI level 1–6 (HJ 633-2012 §4.3 Table 2; HJ 633-2026 §4.1.1 Table 1): 0–50 → 1, 51–100 → 2,
    101–150 → 3, 151–200 → 4, 201–300 → 5, > 300 → 6. Input AQI [dimensionless, integral, ≤ 500];
    NaN gives 0 (no level). Names and colours: ``rules.AQI_LEVELS``.

    Parameters
    ----------
    aqi
        AQI [dimensionless, integral, ≤ 500]; NaN = no AQI.

    Returns
    -------
    IntArray
        Level 1–6, 0 where there is no AQI.
    """
    values = np.asarray(aqi, dtype=np.float64)
    index = np.where(np.isnan(values), -1, np.clip(values, 0, 500)).astype(np.intp) + 1
    return _LEVEL_OF_AQI[index].astype(np.int64)


def level_categories(level: npt.ArrayLike) -> StrArray:
    """Category (优 … 严重污染) for levels 1–6 (HJ 633 Table 2 / 2026 Table 1); "" for level 0.

    Parameters
    ----------
    level
        AQI levels 0–6 (``aqi_level``).

    Returns
    -------
    StrArray
        The category names of HJ 633 Table 2 (2026: Table 1).
    """
    names = np.asarray([""] + [lv.category for lv in AQI_LEVELS], dtype=object)
    return names[np.asarray(level, dtype=np.int64)]


def _flag_mask(
    present: list[tuple[int, Int16Array]],
    compare: np.ufunc,
    operand: Int16Array | np.int16,
    n: int,
) -> UInt8Array:
    """Bit ``i`` set where ``compare(iaqi of PRIMARY_ORDER[i], operand)`` holds (one byte per
    row); temporaries are reused across pollutants."""
    mask = np.zeros(n, dtype=np.uint8)
    flag = np.empty(n, dtype=np.bool_)
    shifted = np.empty(n, dtype=np.uint8)
    for bit, codes in present:
        compare(codes, operand, out=flag)
        np.left_shift(flag.view(np.uint8), np.uint8(bit), out=shifted)
        np.bitwise_or(mask, shifted, out=mask)
    return mask


def _all_present(codes: list[Int16Array], n: int) -> BoolArray:
    ok = np.ones(n, dtype=np.bool_)
    flag = np.empty(n, dtype=np.bool_)
    for values in codes:
        np.greater_equal(values, 0, out=flag)
        np.logical_and(ok, flag, out=ok)
    return ok


def _combine(
    sub: dict[str, Int16Array],
    required_ok: BoolArray,
    rules: AqiRuleSet,
    n: int,
) -> AqiResult:
    aqi = np.full(n, MISSING, dtype=np.int16)
    for codes in sub.values():
        np.maximum(aqi, codes, out=aqi)
    any_index = aqi >= 0
    if rules.min_aqi > 0:
        aqi = np.where(any_index, np.maximum(aqi, np.int16(rules.min_aqi)), aqi).astype(np.int16)
    present = [(PRIMARY_ORDER.index(code), codes) for code, codes in sub.items()]
    primary = _flag_mask(present, np.equal, aqi, n)
    np.copyto(primary, 0, where=aqi <= 50)
    if rules.defines_exceeding:
        exceeding = _flag_mask(present, np.greater, np.int16(100), n)
    else:
        exceeding = np.zeros(n, dtype=np.uint8)
    if rules.incomplete_publish == "always":
        published = any_index
    else:
        published = any_index & (required_ok | (aqi > 100))
    return AqiResult(
        iaqi_codes=MappingProxyType(
            {code: sub.get(code, np.full(n, MISSING, dtype=np.int16)) for code in PRIMARY_ORDER}
        ),
        aqi_code=aqi,
        complete=required_ok,
        published=published,
        primary_mask=primary,
        exceeding_mask=exceeding,
        level=_LEVEL_BY_AQI.take(aqi),
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

    Parameters
    ----------
    so2, no2, co, o3, pm10, pm25
        1-h concentrations [µg/m³; CO mg/m³], arrays of equal length; NaN = missing.
    rules
        The HJ 633 edition (``rules.select_aqi_rules``).
    so2_24h
        SO2 24-h mean [µg/m³], used when SO2 1-h > 800 under HJ 633-2012 Table 1 note (2).
    o3_8h
        O3 8-h moving mean [µg/m³] (HJ 633-2012 text only; scored on the 8-h column).

    Returns
    -------
    AqiResult
        Sub-indices, AQI, level, primary and exceeding pollutants, completeness and publication.
    """
    so2_a = np.asarray(so2, dtype=np.float64)
    n = so2_a.shape[0]
    cols = rules.columns
    work, index = np.empty(n), np.empty(n, dtype=np.intp)  # scratch shared by the columns
    sub: dict[str, Int16Array] = {
        "SO2": iaqi_codes(so2_a, cols["SO2_1h"], work=work, index=index),
        "NO2": iaqi_codes(no2, cols["NO2_1h"], work=work, index=index),
        "CO": iaqi_codes(co, cols["CO_1h"], work=work, index=index),
        "O3_1h": iaqi_codes(o3, cols["O3_1h"], work=work, index=index),
        "PM10": iaqi_codes(pm10, cols["PM10_24h"], work=work, index=index),
        "PM2.5": iaqi_codes(pm25, cols["PM2.5_24h"], work=work, index=index),
    }
    so2_missing = np.flatnonzero(sub["SO2"] < 0)
    if rules.so2_1h_above_top_uses_24h and so2_missing.size:
        # Note (2): above 800 µg/m³ the SO2 sub-index is that of the 24-h mean.
        over = so2_missing[round_half_even_scaled(so2_a[so2_missing], 0) > 800]
        if over.size:
            sub["SO2"] = sub["SO2"].copy()
            sub["SO2"][over] = iaqi_codes(_as_array(so2_24h, n)[over], cols["SO2_24h"])
    if o3_8h is not None:
        sub["O3_8h"] = iaqi_codes(o3_8h, cols["O3_8h"])
    required_ok = _all_present([sub[c] for c in ("SO2", "NO2", "CO", "O3_1h", "PM10", "PM2.5")], n)
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

    Parameters
    ----------
    so2, no2, co, pm10, pm25
        24-h means [µg/m³; CO mg/m³], arrays of equal length; NaN = missing.
    o3_8h_max
        O3 daily maximum 8-h mean [µg/m³].
    o3_1h_max
        O3 daily maximum 1-h value [µg/m³] (HJ 633-2012 only; ``None`` = not available).
    rules
        The HJ 633 edition (``rules.select_aqi_rules``).
    require_o3_1h_max
        Whether a 2012 day needs the O3 1-h maximum to be complete.

    Returns
    -------
    AqiResult
        Sub-indices, AQI, level, primary and exceeding pollutants, completeness and publication.
    """
    so2_a = np.asarray(so2, dtype=np.float64)
    n = so2_a.shape[0]
    cols = rules.columns
    o3_8h_a = np.asarray(o3_8h_max, dtype=np.float64)
    sub: dict[str, Int16Array] = {
        "SO2": iaqi_codes(so2_a, cols["SO2_24h"]),
        "NO2": iaqi_codes(no2, cols["NO2_24h"]),
        "CO": iaqi_codes(co, cols["CO_24h"]),
        "PM10": iaqi_codes(pm10, cols["PM10_24h"]),
        "PM2.5": iaqi_codes(pm25, cols["PM2.5_24h"]),
        "O3_8h": iaqi_codes(o3_8h_a, cols["O3_8h"]),
    }
    required_ok = np.ones(n, dtype=bool)
    for code in ("SO2", "NO2", "CO", "PM10", "PM2.5"):
        required_ok &= sub[code] >= 0
    o3_8h_present = np.isfinite(o3_8h_a) & (o3_8h_a >= 0)
    required_ok &= o3_8h_present
    if rules.daily_o3_1h_max:
        sub["O3_1h"] = iaqi_codes(_as_array(o3_1h_max, n), cols["O3_1h"])
        if require_o3_1h_max:
            required_ok &= sub["O3_1h"] >= 0
    return _combine(sub, required_ok, rules, n)

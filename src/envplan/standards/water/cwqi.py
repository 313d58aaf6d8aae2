"""City surface-water quality index CWQI (城市地表水环境质量指数) for city ranking.

Document: 《城市地表水环境质量排名技术规定（试行）》 环办监测〔2017〕51号 (2017-06-12), reference §3:
single-indicator index against the GB 3838-2002 class-Ⅲ limit over the 21 evaluation items,
section index = sum, city index = mean over ranking sections and points, smaller is better.
The single-indicator formulas are [R] (two implementations by one author, reference S9); the city
aggregation is [U].
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from envplan.standards.water.classify import class_limits
from envplan.standards.water.sections import EVAL_2011_21

_DO_III = 5.0  # [mg/L], GB 3838-2002 Table 1 item 3, class Ⅲ
_PH_NEUTRAL, _PH_LOW, _PH_HIGH = 7.0, 6.0, 9.0


def cwqi_indicator(
    indicator_id: str, values: ArrayLike, *, lake: ArrayLike | bool = False
) -> NDArray[np.float64]:
    """Single-indicator CWQI(i) [dimensionless] (环办监测〔2017〕51号 §4.1).

    General items: C/C_Ⅲ with C_Ⅲ the GB 3838-2002 class-Ⅲ limit (TP 0.05 for lakes and reservoirs,
    0.2 for rivers) [mg/L]. DO: 5/C. pH: (7−pH)/(7−6) when pH ≤ 7, (pH−7)/(9−7) above. NaN → NaN.

    Parameters
    ----------
    indicator_id
        Table 1 indicator id.
    values
        Period-mean values [mg/L; pH dimensionless].
    lake
        True for lakes and reservoirs (scalar or per value).

    Returns
    -------
    numpy.ndarray of float64
        CWQI(i) [dimensionless].
    """
    array = np.asarray(values, dtype=np.float64)
    if indicator_id == "ph":
        result: NDArray[np.float64] = np.where(
            array <= _PH_NEUTRAL,
            (_PH_NEUTRAL - array) / (_PH_NEUTRAL - _PH_LOW),
            (array - _PH_NEUTRAL) / (_PH_HIGH - _PH_NEUTRAL),
        )
        return result
    if indicator_id == "do":
        with np.errstate(divide="ignore"):
            do_index: NDArray[np.float64] = _DO_III / array
        return do_index
    limit_iii = class_limits(indicator_id, lake)[:, 2]
    general: NDArray[np.float64] = array / limit_iii if array.ndim else array / limit_iii[0]
    return general


def cwqi_sections(
    frame: pl.DataFrame, indicators: Sequence[str] = EVAL_2011_21
) -> NDArray[np.float64]:
    """Section CWQI = Σ CWQI(i) over the 21 evaluation items present (环办监测〔2017〕51号 §4.2).

    ``frame`` is wide: one row per section, one column per indicator id with period-mean values
    [mg/L] (pH dimensionless), optional Boolean ``lake``. Missing values do not contribute.

    Parameters
    ----------
    frame
        Wide frame of period means, one row per section.
    indicators
        Indicator ids summed (the 21 evaluation items of 环办〔2011〕22号).

    Returns
    -------
    numpy.ndarray of float64
        Section CWQI [dimensionless].
    """
    lake = (
        frame.get_column("lake").cast(pl.Boolean).fill_null(False).to_numpy()
        if "lake" in frame.columns
        else np.zeros(frame.height, dtype=bool)
    )
    total = np.zeros(frame.height)
    for item in indicators:
        if item not in frame.columns:
            continue
        values = frame.get_column(item).cast(pl.Float64).fill_null(np.nan).to_numpy()
        total += np.nan_to_num(cwqi_indicator(item, values, lake=lake), nan=0.0)
    return total


def cwqi_city(section_indices: ArrayLike) -> float:
    """City CWQI = mean of the river-section and lake-point indices, weighted by their counts,
    i.e. the mean over all ranking sections and points (环办监测〔2017〕51号 §4.3, reference §3 [U]).
    Empty → NaN.

    Parameters
    ----------
    section_indices
        CWQI of every ranking section and point [dimensionless].

    Returns
    -------
    float
        The city CWQI [dimensionless].
    """
    array = np.asarray(section_indices, dtype=np.float64)
    return float(np.mean(array)) if array.size else float("nan")


def cwqi_change(current: ArrayLike, base: ArrayLike) -> NDArray[np.float64]:
    """ΔCWQI [%] = (CWQI_current − CWQI_base) / CWQI_base × 100; negative = improvement
    (环办监测〔2017〕51号 §5.2, reference §3: ordering confirmed, formula [R]).

    Parameters
    ----------
    current
        CWQI of the current period [dimensionless].
    base
        CWQI of the base period [dimensionless].

    Returns
    -------
    numpy.ndarray of float64
        ΔCWQI [%].
    """
    now = np.asarray(current, dtype=np.float64)
    before = np.asarray(base, dtype=np.float64)
    result: NDArray[np.float64] = (now - before) / before * 100.0
    return result


def excluded_from_change_ranking(
    base_classes: ArrayLike,
    current_classes: ArrayLike,
    base_met: ArrayLike,
    current_met: ArrayLike,
) -> bool:
    """True when a city leaves the CWQI change ranking (环办监测〔2017〕51号, reference §3 [X]):
    every ranking section is class Ⅱ or better and meets its target in both the base and the
    current period. Class codes 1..6; met flags 1/0 (or booleans), one entry per section.

    Parameters
    ----------
    base_classes, current_classes
        Class codes 1..6 per section in the base and the current period.
    base_met, current_met
        Target met (1/0 or bool) per section in the base and the current period.

    Returns
    -------
    bool
        True when the city is left out of the change ranking.
    """
    base = np.asarray(base_classes, dtype=np.int64)
    now = np.asarray(current_classes, dtype=np.int64)
    met_before = np.asarray(base_met, dtype=bool)
    met_now = np.asarray(current_met, dtype=bool)
    good = (base >= 1) & (base <= 2) & (now >= 1) & (now <= 2)
    return bool(base.size) and bool(np.all(good & met_before & met_now))

"""Comprehensive trophic state index TLI(Σ) for lakes and reservoirs.

Document: 中国环境监测总站《湖泊（水库）富营养化评价方法及分级技术规定》 (总站生字〔2001〕090号,
2004 edition adopted by 环办〔2011〕22号 §3.3), reference §2.5: correlation weights with chlorophyll a,
single-parameter formulas with natural logarithms, grades 贫营养 / 中营养 / 轻度 / 中度 / 重度富营养.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Correlation r_ij of each parameter with chlorophyll a (reference §2.5 table).
CORRELATION: Final[dict[str, float]] = {
    "chla": 1.0,
    "tp": 0.84,
    "tn": 0.82,
    "sd": -0.83,
    "codmn": 0.83,
}


def tli_single(parameter: str, values: ArrayLike) -> NDArray[np.float64]:
    """Single-parameter trophic index TLI(j) [dimensionless] (总站 2004 《湖泊（水库）富营养化评价
    方法及分级技术规定》 §3 formulas).

    Units: chla [mg/m³] (= µg/L), tp/tn/codmn [mg/L], sd (Secchi depth) [m]. Formulas:
    chla 10(2.5+1.086 ln c); tp 10(9.436+1.624 ln c); tn 10(5.453+1.694 ln c);
    sd 10(5.118−1.94 ln c); codmn 10(0.109+2.661 ln c). Non-positive or NaN input → NaN.

    Parameters
    ----------
    parameter
        ``chla``, ``tp``, ``tn``, ``sd`` or ``codmn``.
    values
        Values in the parameter's unit (above).

    Returns
    -------
    numpy.ndarray of float64
        TLI(j) [dimensionless].
    """
    array = np.asarray(values, dtype=np.float64)
    coefficients = {
        "chla": (2.5, 1.086),
        "tp": (9.436, 1.624),
        "tn": (5.453, 1.694),
        "sd": (5.118, -1.94),
        "codmn": (0.109, 2.661),
    }
    try:
        intercept, slope = coefficients[parameter]
    except KeyError:
        raise KeyError(f"TLI has no parameter {parameter!r}") from None
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(array > 0, np.log(np.where(array > 0, array, 1.0)), np.nan)
    result: NDArray[np.float64] = 10.0 * (intercept + slope * logs)
    return result


def tli(
    chla: ArrayLike, tp: ArrayLike, tn: ArrayLike, sd: ArrayLike, codmn: ArrayLike
) -> NDArray[np.float64]:
    """TLI(Σ) = Σ W_j·TLI(j) [dimensionless], W_j = r_j² / Σ r² over the parameters present in each
    row (总站 2004 《湖泊（水库）富营养化评价方法及分级技术规定》 §2-§3).

    Units as :func:`tli_single`. A missing (NaN) parameter is left out and the weights are
    renormalised over those present (reference §2.5); chlorophyll a missing or no parameter → NaN.

    Parameters
    ----------
    chla
        Chlorophyll a [mg/m³].
    tp, tn
        Total phosphorus and total nitrogen [mg/L].
    sd
        Secchi depth [m].
    codmn
        Permanganate index [mg/L].

    Returns
    -------
    numpy.ndarray of float64
        TLI(Σ) [dimensionless].
    """
    inputs = {"chla": chla, "tp": tp, "tn": tn, "sd": sd, "codmn": codmn}
    singles = np.vstack([np.atleast_1d(tli_single(name, v)) for name, v in inputs.items()])
    weights = np.array([CORRELATION[name] ** 2 for name in inputs])[:, None]
    present = ~np.isnan(singles)
    weight_sum = np.sum(np.where(present, weights, 0.0), axis=0)
    weighted = np.sum(np.where(present, weights * singles, 0.0), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total: NDArray[np.float64] = weighted / weight_sum
    total[~present[0]] = np.nan
    return total


def trophic_grade(index: ArrayLike) -> NDArray[np.str_]:
    """Trophic grade for TLI(Σ) values [dimensionless] (总站 2004 规定 §4 分级, reference §2.5):
    < 30 贫营养; 30 ≤ TLI ≤ 50 中营养; 50 < TLI ≤ 60 轻度富营养; 60 < TLI ≤ 70 中度富营养;
    > 70 重度富营养. NaN → "".

    Parameters
    ----------
    index
        TLI(Σ) values [dimensionless].

    Returns
    -------
    numpy.ndarray of str
        The zh-CN grade.
    """
    value = np.asarray(index, dtype=np.float64)
    conditions = [np.isnan(value), value < 30.0, value <= 50.0, value <= 60.0, value <= 70.0]
    choices = ["", "贫营养", "中营养", "轻度富营养", "中度富营养"]
    result: NDArray[np.str_] = np.select(conditions, choices, default="重度富营养")
    return result

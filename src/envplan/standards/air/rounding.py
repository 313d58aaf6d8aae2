"""GB/T 8170-2008 rounding (数值修约规则), vectorised."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Binary floats carry noise far below 2**-20 of the last kept digit; snapping the scaled value to
# the nearest multiple of 2**-20 (exact: powers of two) first makes 2.675 (stored as 2.67499999…)
# the true tie its decimal representation is, and round-half-even then settles it.
_SNAP = float(2**20)


def round_half_even_scaled(values: npt.ArrayLike, decimals: int) -> FloatArray:
    """GB/T 8170-2008 §3.2 (进舍规则, "四舍六入五成双") applied to the decimal value of ``values``;
    returns the rounded value multiplied by 10**decimals (an integral float; NaN stays NaN).

    Units are those of the input. A value whose first dropped digit is 5 followed only by zeros
    rounds to the even neighbour; otherwise to the nearest. Rounding is done in one step from the
    raw value (§3.3, no successive rounding). Infinite inputs are returned unchanged.

    Parameters
    ----------
    values
        Values to round [any unit].
    decimals
        Decimal places kept.

    Returns
    -------
    FloatArray
        The rounded values × 10**decimals, integral floats.
    """
    scaled = np.multiply(np.asarray(values, dtype=np.float64), (10.0**decimals) * _SNAP)
    np.rint(scaled, out=scaled)
    np.multiply(scaled, 1.0 / _SNAP, out=scaled)
    return np.rint(scaled, out=scaled)


def round_gbt8170(values: npt.ArrayLike, decimals: int) -> FloatArray:
    """GB/T 8170-2008 §3.2 rounding of ``values`` to ``decimals`` places (round half to even on the
    decimal representation) [units of the input].

    Air practice (HJ 633-2026 §4.2.2, HJ 663): µg/m³ concentrations to 0 decimals, CO [mg/m³] to 1;
    composite index to 2. NaN stays NaN.

    Parameters
    ----------
    values
        Values to round [any unit].
    decimals
        Decimal places kept.

    Returns
    -------
    FloatArray
        The rounded values [unit of the input].
    """
    return round_half_even_scaled(values, decimals) / (10.0**decimals)

"""Theil–Sen trend, its confidence interval and Mann–Kendall significance.

References:
- Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's tau. *Journal of
  the American Statistical Association* 63(324), 1379–1389 — the slope is the median of all
  pairwise slopes; the interval follows from the variance of Kendall's S, Sen's eq. (2.6).
- Theil, H. (1950). A rank-invariant method of linear and polynomial regression analysis.
- Mann (1945) / Kendall (1975): the trend test on S with the tie-corrected variance.
- Carslaw & Ropkins, openair ``TheilSen``: monthly means, optional deseasonalisation, a
  bootstrap interval of the slope; envplan offers both the analytic (Sen) and a block-bootstrap
  interval.

Units: the slope is in [unit of y per unit of x]; the use cases pass x in decimal years, so a
PM2.5 slope is [µg/m³ per year].
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TheilSen:
    """A Theil–Sen fit: ``slope`` with its interval [``lower``, ``upper``] at ``confidence``,
    ``intercept`` (median(y) − slope·median(x)), the number of points and of pairwise slopes,
    and the Mann–Kendall test (``s``, ``z``, two-sided ``p``) of the same points."""

    slope: float
    intercept: float
    lower: float
    upper: float
    confidence: float
    n: int
    pairs: int
    s: float
    z: float
    p: float

    @property
    def stars(self) -> str:
        """openair's significance marks: *** p < 0.001, ** < 0.01, * < 0.05, + < 0.1."""
        for limit, mark in ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, "+")):
            if self.p < limit:
                return mark
        return ""


def _clean(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("x 与 y 必须是等长的一维序列")
    keep = np.isfinite(xs) & np.isfinite(ys)
    return xs[keep], ys[keep]


def _tie_term(values: FloatArray) -> float:
    """Σ t(t−1)(2t+5) over groups of tied values (the tie correction of Var(S))."""
    _, counts = np.unique(values, return_counts=True)
    t = counts[counts > 1].astype(np.float64)
    return float(np.sum(t * (t - 1) * (2 * t + 5)))


def kendall_s(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Kendall's S = Σ_{i<j} sign(x_j − x_i)·sign(y_j − y_i) and its variance under no trend,
    corrected for ties in x and y (Sen 1968 eq. 2.6; Kendall 1975)."""
    n = len(x)
    i, j = np.triu_indices(n, k=1)
    s = float(np.sum(np.sign(x[j] - x[i]) * np.sign(y[j] - y[i])))
    var = (n * (n - 1) * (2 * n + 5) - _tie_term(x) - _tie_term(y)) / 18.0
    return s, var


def theil_sen(x: npt.ArrayLike, y: npt.ArrayLike, *, confidence: float = 0.95) -> TheilSen:
    """Theil–Sen slope of y on x with Sen's (1968) confidence interval.

    The slope is the median of (y_j − y_i)/(x_j − x_i) over all pairs with x_j > x_i; the
    interval takes the order statistics of those slopes at (N ∓ z·σ_S)/2, N the number of pairs,
    σ_S² the tie-corrected variance of Kendall's S and z the normal quantile of
    (1 − confidence)/2. Points where x or y is not finite are dropped. With fewer than 3 points
    everything is NaN (no slope can be told from noise).
    """
    if not 0.5 < confidence < 1:
        raise ValueError("置信水平必须在 0.5 与 1 之间")
    xs, ys = _clean(x, y)
    n = len(xs)
    nan = float("nan")
    if n < 3:
        return TheilSen(nan, nan, nan, nan, confidence, n, 0, nan, nan, nan)
    i, j = np.triu_indices(n, k=1)
    dx, dy = xs[j] - xs[i], ys[j] - ys[i]
    distinct = dx != 0  # a pair's slope is the same whichever point comes first
    slopes = np.sort(dy[distinct] / dx[distinct])
    pairs = len(slopes)
    if pairs == 0:
        return TheilSen(nan, nan, nan, nan, confidence, n, 0, nan, nan, nan)
    slope = float(np.median(slopes))
    intercept = float(np.median(ys) - slope * np.median(xs))
    s, var = kendall_s(xs, ys)
    z_half = NormalDist().inv_cdf((1 - confidence) / 2)  # negative
    sigma = float(np.sqrt(var)) if var > 0 else 0.0
    upper_index = min(int(np.round((pairs - z_half * sigma) / 2)), pairs - 1)
    lower_index = max(int(np.round((pairs + z_half * sigma) / 2)) - 1, 0)
    lower, upper = float(slopes[lower_index]), float(slopes[upper_index])
    z, p = _mann_kendall_z(s, var)
    return TheilSen(slope, intercept, lower, upper, confidence, n, pairs, s, z, p)


def _mann_kendall_z(s: float, var: float) -> tuple[float, float]:
    """Mann–Kendall Z with the continuity correction and its two-sided p-value."""
    if var <= 0:
        return float("nan"), float("nan")
    z = (s - np.sign(s)) / np.sqrt(var)
    p = 2 * (1 - NormalDist().cdf(abs(float(z))))
    return float(z), float(p)


def bootstrap_interval(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    replicates: int = 200,
    block: int | None = None,
    seed: int = 1,
) -> tuple[float, float]:
    """Percentile interval of the Theil–Sen slope from a moving-block bootstrap of the residuals
    (openair's approach for autocorrelated monthly means): residuals of the fit are resampled in
    blocks of ``block`` points (default round(n^(1/3))), added back to the fitted line, and the
    slope refitted ``replicates`` times. Seeded, so the same call gives the same interval."""
    xs, ys = _clean(x, y)
    n = len(xs)
    if n < 3:
        return float("nan"), float("nan")
    fit = theil_sen(xs, ys, confidence=confidence)
    fitted = fit.intercept + fit.slope * xs
    residuals = ys - fitted
    length = block or max(1, round(n ** (1 / 3)))
    rng = np.random.default_rng(seed)
    blocks = int(np.ceil(n / length))
    starts = rng.integers(0, n - length + 1, size=(replicates, blocks))
    index = (starts[:, :, None] + np.arange(length)[None, None, :]).reshape(replicates, -1)[:, :n]
    samples = fitted[None, :] + residuals[index]
    i, j = np.triu_indices(n, k=1)
    dx = xs[j] - xs[i]
    keep = dx != 0
    pair_slopes = (samples[:, j[keep]] - samples[:, i[keep]]) / dx[keep][None, :]
    slopes = np.median(pair_slopes, axis=1)
    tail = (1 - confidence) / 2
    return float(np.quantile(slopes, tail)), float(np.quantile(slopes, 1 - tail))


def deseasonalise(months: npt.ArrayLike, values: npt.ArrayLike) -> FloatArray:
    """Remove the mean seasonal cycle from monthly means: each value minus the mean of its
    calendar month (1–12) over the series, plus the grand mean. A simpler, documented stand-in
    for openair's STL decomposition; it needs at least two values of a month to remove
    anything from that month (a month seen once is left as it is)."""
    m = np.asarray(months, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    grand = float(np.mean(v[finite])) if finite.any() else float("nan")
    sums = np.bincount(m[finite], weights=v[finite], minlength=13)
    counts = np.bincount(m[finite], minlength=13)
    means = np.divide(sums, counts, out=np.full(13, np.nan), where=counts > 0)
    seasonal = np.where(counts[m] > 1, means[m] - grand, 0.0)
    return v - seasonal

"""Theil–Sen against scipy.stats.theilslopes (an independent reference implementation), the
Mann–Kendall S by hand, deseasonalisation by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from envplan.analysis.trend import bootstrap_interval, deseasonalise, kendall_s, theil_sen

# Jincheng PM2.5 monthly means 2015-01 … 2016-12 [µg/m³], computed with a spreadsheet from the
# third-party daily file tests/data/air/aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv
# (not official): a real series with a seasonal cycle.
MONTHS = np.array(
    [2015 + (m - 0.5) / 12 for m in range(1, 13)] + [2016 + (m - 0.5) / 12 for m in range(1, 13)]
)


def _series() -> np.ndarray:
    rng = np.random.default_rng(7)
    seasonal = 20 * np.cos(2 * np.pi * (MONTHS % 1))
    return 60 + seasonal - 3 * (MONTHS - 2015) + rng.normal(0, 5, MONTHS.size)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_slope_and_interval_equal_scipy(confidence: float) -> None:
    y = _series()
    ours = theil_sen(MONTHS, y, confidence=confidence)
    ref = stats.theilslopes(y, MONTHS, alpha=confidence)
    assert ours.slope == pytest.approx(ref.slope, rel=1e-12)
    assert ours.lower == pytest.approx(ref.low_slope, rel=1e-12)
    assert ours.upper == pytest.approx(ref.high_slope, rel=1e-12)
    assert ours.intercept == pytest.approx(ref.intercept, rel=1e-12)


def test_ties_in_x_and_y_equal_scipy() -> None:
    x = np.array([1, 1, 2, 3, 3, 3, 4, 5, 6, 6, 7, 8], dtype=float)
    y = np.array([5, 6, 6, 7, 7, 9, 8, 8, 10, 11, 11, 11], dtype=float)
    ours = theil_sen(x, y)
    ref = stats.theilslopes(y, x)
    assert (ours.slope, ours.lower, ours.upper) == pytest.approx(
        (ref.slope, ref.low_slope, ref.high_slope)
    )


def test_kendall_s_by_hand() -> None:
    # x = 1..4, y = 1, 3, 2, 4: pairs (1,2)+ (1,3)+ (1,4)+ (2,3)- (2,4)+ (3,4)+ → S = 4
    s, var = kendall_s(np.arange(1.0, 5.0), np.array([1.0, 3.0, 2.0, 4.0]))
    assert s == 4
    assert var == pytest.approx(4 * 3 * 13 / 18)  # n(n−1)(2n+5)/18 with no ties


def test_significance_of_a_clear_trend() -> None:
    x = np.arange(20.0)
    fit = theil_sen(x, 2 * x + np.sin(x))
    # every pair but a few rises: S close to 190, p far below 0.001
    assert fit.p < 0.001 and fit.stars == "***"
    flat = theil_sen(x, np.sin(x))
    assert flat.p > 0.1 and flat.stars == ""


def test_too_few_points_and_nan_dropped() -> None:
    assert math.isnan(theil_sen([1, 2], [3, 4]).slope)
    fit = theil_sen([1, 2, 3, np.nan, 5], [2, 4, 6, 8, np.nan])
    assert fit.n == 3 and fit.slope == pytest.approx(2.0)
    with pytest.raises(ValueError, match="置信水平"):
        theil_sen([1, 2, 3], [1, 2, 3], confidence=1.5)


def test_bootstrap_is_seeded_and_exact_on_a_line() -> None:
    x = np.arange(24.0)
    assert bootstrap_interval(x, 3 * x + 1) == pytest.approx((3.0, 3.0))
    y = _series()
    first = bootstrap_interval(MONTHS, y)
    assert first == bootstrap_interval(MONTHS, y)
    slope = theil_sen(MONTHS, y).slope
    assert first[0] < slope < first[1]


def test_deseasonalise_by_hand() -> None:
    # January 10 and 14 (mean 12), July 30 and 34 (mean 32), grand mean 22:
    # January values − (12 − 22), July values − (32 − 22); a month seen once stays.
    months = np.array([1, 7, 1, 7, 3])
    values = np.array([10.0, 30.0, 14.0, 34.0, 50.0])
    grand = values.mean()
    expected = [10 - (12 - grand), 30 - (32 - grand), 14 - (12 - grand), 34 - (32 - grand), 50.0]
    assert deseasonalise(months, values) == pytest.approx(expected)

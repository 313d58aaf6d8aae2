"""Temporal variation and target projections against hand computations."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from envplan.analysis.projection import good_days_needed, largest_mean_allowed
from envplan.analysis.variation import time_variation


def test_hour_weekday_month_means_and_band() -> None:
    # Monday 2026-06-01: 10, 20 at 08:00 on two Mondays; 40 at 09:00 on one Tuesday
    frame = pl.DataFrame(
        {
            "interval_end": [
                dt.datetime(2026, 6, 1, 8),
                dt.datetime(2026, 6, 8, 8),
                dt.datetime(2026, 6, 2, 9),
                dt.datetime(2026, 6, 2, 10),
            ],
            "value": [10.0, 20.0, 40.0, None],
        }
    )
    v = time_variation(frame)
    hour8 = v.hour.filter(pl.col("hour") == 8).row(0, named=True)
    assert hour8["mean"] == 15 and hour8["n"] == 2
    # sd of (10, 20) = 7.0711; half width 1.959964 × 7.0711 / √2 = 9.79982
    assert hour8["upper"] - 15 == pytest.approx(1.959964 * math.sqrt(50) / math.sqrt(2), rel=1e-5)
    hour9 = v.hour.filter(pl.col("hour") == 9).row(0, named=True)
    assert hour9["mean"] == 40 and hour9["lower"] is None  # one value: no band
    assert v.weekday.filter(pl.col("weekday") == 1)["mean"][0] == 15
    assert v.weekday.filter(pl.col("weekday") == 2)["n"][0] == 1  # the null is left out
    assert v.month["mean"].to_list() == [pytest.approx(70 / 3)]


def test_good_days_needed_by_hand() -> None:
    # 200 valid days, 130 good; 165 days left; target 70 %: 0.7 × 365 = 255.5 → 256 good days,
    # 256 − 130 = 126 still needed
    g = good_days_needed(target_ratio=70, good_so_far=130, valid_so_far=200, remaining=165)
    assert g.needed == 126 and g.reachable
    # 72.3 % of 365 = 263.895 → 264, minus 100 good = 164 > 150 days left: out of reach
    g = good_days_needed(target_ratio=72.3, good_so_far=100, valid_so_far=215, remaining=150)
    assert g.needed == 164 and not g.reachable
    done = good_days_needed(target_ratio=50, good_so_far=300, valid_so_far=340, remaining=25)
    assert done.needed == 0
    with pytest.raises(ValueError):
        good_days_needed(target_ratio=101, good_so_far=1, valid_so_far=1, remaining=1)


def test_largest_pm25_mean_allowed_by_hand() -> None:
    # 181 days at 52 µg/m³, 184 left, target 45: the year must stay below 45.5:
    # (45.5 × 365 − 52 × 181) / 184 = (16607.5 − 9412) / 184 = 39.1046 → below 39.2, shown 39.1
    m = largest_mean_allowed(target=45, mean_so_far=52, days_so_far=181, remaining=184)
    assert m.allowed == 39.1
    # already far above: no non-negative mean can bring it back
    assert (
        largest_mean_allowed(target=10, mean_so_far=90, days_so_far=300, remaining=65).allowed
        is None
    )

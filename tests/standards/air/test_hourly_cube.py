"""``hourly_cube``: the dense-grid fast path (a frame that already is the site × hour grid is
reshaped, not scattered) gives the grid the scatter gives; values by hand (GB 3095-2012 §3:
a day is the hours labelled 01:00 … 24:00)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from envplan.standards.air.statistics import daily_statistics, hourly_cube


def _grid(hours: int = 48) -> pl.DataFrame:
    """Two sites, two whole days; value = hour index (0 … 47), site B adds 100."""
    start = dt.datetime(2021, 6, 1, 1)
    ends = [start + dt.timedelta(hours=h) for h in range(hours)]
    rows = []
    for offset, site in ((0.0, "A"), (100.0, "B")):
        for h, end in enumerate(ends):
            value = h + offset
            rows.append(
                {"site": site, "interval_end": end}
                | {p: value for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")}
            )
    return pl.DataFrame(rows)


def test_dense_frame_reshaped_without_copy() -> None:
    cube = hourly_cube(_grid())
    assert cube.sites == ("A", "B") and cube.hours == 48 and cube.first_day == dt.date(2021, 6, 1)
    assert cube.values["SO2"][0, :3].tolist() == [0.0, 1.0, 2.0]
    assert cube.values["SO2"][1, 47] == 147.0
    assert not cube.values["SO2"].flags.writeable  # a view of the frame's column


@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_or_gapped_frame_gives_the_same_grid(seed: int) -> None:
    dense = hourly_cube(_grid())
    shuffled = _grid().sample(fraction=1.0, shuffle=True, seed=seed)
    scattered = hourly_cube(shuffled)
    for p in dense.values:
        assert np.array_equal(dense.values[p], scattered.values[p])
    gapped = hourly_cube(_grid().filter(pl.col("SO2") != 5.0))  # A's 06:00 of day 1 missing
    assert np.isnan(gapped.values["SO2"][0, 5]) and gapped.values["SO2"][0, 6] == 6.0


def test_daily_means_by_hand() -> None:
    daily = daily_statistics(_grid())
    a = daily.filter(pl.col("site") == "A").sort("date")
    # day 1 of A: mean of 0 … 23 = 11.5 → 12 (GB/T 8170 half to even); day 2: 24 … 47 → 35.5 → 36
    assert a["SO2"].to_list() == [12.0, 36.0]
    # CO keeps one decimal: 11.5 and 35.5
    assert a["CO"].to_list() == [11.5, 35.5]
    # O3 daily max 8-h of day 1: window 17…24 labels = values 16 … 23 → mean 19.5 → 20 (even)
    assert a["O3_8h_max"].to_list()[0] == 20.0

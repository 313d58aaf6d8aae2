"""Validity thresholds (GB 3095 Table 4), HJ 663 percentiles and period statistics, composite index
(published examples), ranking ties, change rate, good days, warning levels.

Expected values come from air-standards.md (§2.3, §2.4, §3.2, §4.2, §4.4, §5.1, §6.2, §6.3) and the
standards' text; inputs are constructed by hand.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from envplan.standards.air.period import compliance, percentile_hj663, period_statistics
from envplan.standards.air.ranking import (
    change_rate,
    composite_index,
    day_counts,
    rank_ascending,
    warning_level,
)
from envplan.standards.air.rules import GB3095_2012, WarningRuleSet
from envplan.standards.air.statistics import daily_statistics


def _hours(day: dt.date, values: dict[int, float], pollutant: str = "PM2.5") -> pl.DataFrame:
    """Hourly rows labelled day 01:00 … day+1 00:00 (label hour 24 → next day 00:00)."""
    start = dt.datetime.combine(day, dt.time(0))
    rows = []
    for label in range(1, 25):
        row = {p: None for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")}
        row[pollutant] = values.get(label)
        rows.append({"site": "S", "interval_end": start + dt.timedelta(hours=label), **row})
    return pl.DataFrame(
        rows, schema_overrides={p: pl.Float64 for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")}
    )


DAY = dt.date(2021, 6, 15)


def _day_row(frame: pl.DataFrame, **kwargs) -> dict:
    return daily_statistics(frame, **kwargs).filter(pl.col("date") == DAY).to_dicts()[0]


def test_percentile_example_of_hj663_appendix_a() -> None:
    assert percentile_hj663([3, 4, 8, 2, 5, 4], 0.9) == 6.5
    assert percentile_hj663([1, 2, 3, 4, 5], 0.5) == 3.0  # k integer → X(k)
    assert percentile_hj663([7.0], 0.95) == 7.0
    assert np.isnan(percentile_hj663([], 0.9))


def test_24h_mean_needs_20_hours() -> None:
    twenty = _hours(DAY, {h: 10.0 for h in range(1, 21)})
    nineteen = _hours(DAY, {h: 10.0 for h in range(1, 20)})
    assert _day_row(twenty)["PM2.5"] == 10.0 and _day_row(twenty)["hours_PM2.5"] == 20
    assert _day_row(nineteen)["PM2.5"] is None


def test_hour_label_24_belongs_to_the_day_before() -> None:
    # Labels 01 … 24 of D (24 = D+1 00:00) are the day; a 40 at label 24 and 10s elsewhere.
    values = {h: 10.0 for h in range(1, 24)} | {24: 40.0}
    row = _day_row(_hours(DAY, values))
    assert row["PM2.5"] == round((23 * 10 + 40) / 24)  # 11.25 → 11


def test_daily_mean_rounded_half_even() -> None:
    # 20 hours mean 12.5 → 12 (GB/T 8170), CO mean 1.25 → 1.2.
    pm = _hours(DAY, {h: (12.0 if h % 2 else 13.0) for h in range(1, 21)})
    assert _day_row(pm)["PM2.5"] == 12.0
    co = _hours(DAY, {h: (1.2 if h % 2 else 1.3) for h in range(1, 21)}, pollutant="CO")
    assert _day_row(co)["CO"] == 1.2


def _o3_day(values: dict[int, float]) -> pl.DataFrame:
    return _hours(DAY, values, pollutant="O3")


def test_mda8_uses_windows_ending_08_to_24_of_the_day() -> None:
    # High O3 only at labels 01–07: windows ending 01–07 are before 08:00, and the first window that
    # counts (ending 08:00) averages labels 01–08.
    values = {h: 100.0 for h in range(1, 25)} | {h: 500.0 for h in range(1, 8)}
    row = _day_row(_o3_day(values))
    assert row["o3_8h_windows"] == 17
    assert row["O3_8h_max"] == round((7 * 500 + 100) / 8)  # 450
    assert row["O3_1h_max"] == 500


def test_8h_mean_needs_6_of_8_hours_and_mda8_needs_14_windows() -> None:
    # Labels 01–24 all present except 23 and 24 → windows ending 23:00 has 7, ending 24:00 has 6.
    values = {h: 100.0 for h in range(1, 23)}
    assert _day_row(_o3_day(values))["o3_8h_windows"] == 17
    # Missing labels 18–24 (7 hours): window ending 24:00 has only 1 valid hour → invalid; windows
    # ending 08–19 are valid (≥ 6), 20 … 24 have 5 … 1 → 12 valid windows < 14.
    values = {h: 100.0 for h in range(1, 18)}
    row = _day_row(_o3_day(values))
    assert row["o3_8h_windows"] == 12
    assert row["O3_8h_max"] is None
    # Windows ending 08–21 valid (labels 1–19 present: window 21 has 14…21 → 6 values) = 14.
    values = {h: 100.0 for h in range(1, 20)}
    row = _day_row(_o3_day(values))
    assert row["o3_8h_windows"] == 14 and row["O3_8h_max"] == 100


def test_mda8_with_fewer_windows_stands_when_above_the_limit() -> None:
    values = {h: 200.0 for h in range(1, 18)}
    assert _day_row(_o3_day(values))["O3_8h_max"] is None
    assert _day_row(_o3_day(values), o3_8h_limit=160)["O3_8h_max"] == 200


def _daily_series(days: list[dt.date], value: float = 10.0) -> pl.DataFrame:
    n = len(days)
    return pl.DataFrame(
        {
            "site": ["S"] * n,
            "date": days,
            **{
                p: [value] * n
                for p in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max", "O3_1h_max")
            },
        }
    )


def _month_days(year: int, month: int, count: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, count + 1)]


@pytest.mark.parametrize(
    ("month", "count", "valid"), [(6, 27, True), (6, 26, False), (2, 25, True), (2, 24, False)]
)
def test_month_validity_27_days_25_in_february(month: int, count: int, valid: bool) -> None:
    end = dt.date(2021, month + 1, 1) - dt.timedelta(days=1)
    stats = period_statistics(
        _daily_series(_month_days(2021, month, count)), dt.date(2021, month, 1), end
    )
    assert stats["valid_PM2.5"][0] is valid
    assert stats["days_PM2.5"][0] == count


def test_year_validity_needs_324_days_and_every_month() -> None:
    all_days = [dt.date(2021, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    # Remove 41 days spread so each month keeps ≥ 27 (≥ 25 in Feb): 324 valid days.
    by_month: dict[int, list[dt.date]] = {}
    for d in all_days:
        by_month.setdefault(d.month, []).append(d)
    keep_324: list[dt.date] = []
    need = {2: 25} | {m: 27 for m in range(1, 13) if m != 2}
    extra = 324 - sum(need.values())
    for m in range(1, 13):
        take = need[m] + min(extra, len(by_month[m]) - need[m])
        extra -= take - need[m]
        keep_324 += by_month[m][:take]
    assert len(keep_324) == 324
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    assert period_statistics(_daily_series(keep_324), start, end)["valid_SO2"][0] is True
    assert period_statistics(_daily_series(keep_324[:-1]), start, end)["valid_SO2"][0] is False
    # 365 days but one month with 26: invalid.
    short_month = [d for d in all_days if not (d.month == 6 and d.day > 26)]
    assert period_statistics(_daily_series(short_month), start, end)["valid_SO2"][0] is False


def _period_row(**values: float) -> pl.DataFrame:
    return pl.DataFrame({"site": ["X"], **{k: [float(v)] for k, v in values.items()}})


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # air-standards.md §6.2: S38 example (3.06) and 婺源 Sep 2023 (2.63).
        (
            {
                "SO2_mean": 9,
                "NO2_mean": 15,
                "PM10_mean": 39,
                "PM2.5_mean": 21,
                "CO_P95": 0.7,
                "O3_8h_P90": 192,
            },
            3.06,
        ),
        (
            {
                "SO2_mean": 11,
                "NO2_mean": 16,
                "PM10_mean": 40,
                "PM2.5_mean": 16,
                "CO_P95": 0.6,
                "O3_8h_P90": 139,
            },
            2.63,
        ),
    ],
)
def test_composite_index_published_examples(values: dict[str, float], expected: float) -> None:
    result = composite_index(_period_row(**values), GB3095_2012)
    assert result["composite_index"][0] == expected


def test_max_single_index_and_ties() -> None:
    # PM2.5 35/35 = 1.0 and O3 160/160 = 1.0 tie.
    row = _period_row(
        SO2_mean=6, NO2_mean=8, PM10_mean=35, **{"PM2.5_mean": 35}, CO_P95=1.0, O3_8h_P90=160
    )
    result = composite_index(row, GB3095_2012)
    assert result["max_index"][0] == 1.0
    assert set(result["max_index_pollutants"][0].split(",")) == {"PM2.5", "O3"}


def test_rank_ascending_with_ties_and_change_rate() -> None:
    frame = pl.DataFrame({"ci": [3.5, 4.1, 3.5, 2.9, None], "last": [3.5, 4.0, 4.0, 3.2, 3.0]})
    result = frame.select(
        rank_ascending(pl.col("ci")).alias("rank"),
        change_rate(pl.col("ci"), pl.col("last")).alias("rate"),
    )
    assert result["rank"].to_list() == [2, 4, 2, 1, None]
    # (4.1 − 4.0)/4.0 = +2.5 %; (3.5 − 4.0)/4.0 = −12.5 %; (2.9 − 3.2)/3.2 = −9.375 → −9.4.
    assert result["rate"].to_list() == [0.0, 2.5, -12.5, -9.4, None]


def test_compliance_and_exceedance_multiple() -> None:
    row = _period_row(
        SO2_mean=12,
        SO2_P98=40,
        NO2_mean=41,
        NO2_P98=80,
        PM10_mean=70,
        PM10_P95=160,
        **{"PM2.5_mean": 45, "PM2.5_P95": 75},
        CO_P95=1.8,
        O3_8h_P90=170,
    )
    result = compliance(row, GB3095_2012).to_dicts()[0]
    assert result["SO2_ok"] is True
    assert (
        result["NO2_mean_ok"] is False
        and result["NO2_P98_ok"] is True
        and result["NO2_ok"] is False
    )
    assert result["PM10_mean_ok"] is True and result["PM10_P95_ok"] is False
    assert result["PM2.5_mean_exceedance"] == 0.29  # (45 − 35)/35 = 0.2857
    assert result["O3_8h_P90_exceedance"] == 0.06  # (170 − 160)/160 = 0.0625 → 0.06 (half even)
    assert result["CO_ok"] is True and result["city_ok"] is False
    level1 = compliance(row, GB3095_2012, level=1).to_dicts()[0]
    assert level1["SO2_mean_limit"] == 20 and level1["PM2.5_mean_limit"] == 15


def test_good_day_ratio_and_heavy_days() -> None:
    # air-standards.md §4.4 (S42): 27 good of 29 valid days = 93.1 %.
    aqi = [50] * 20 + [100] * 7 + [150, 201] + [400]
    valid = [True] * 29 + [False]
    frame = pl.DataFrame({"aqi": aqi, "valid": valid})
    result = frame.select(day_counts(pl.col("aqi"), pl.col("valid"))).to_dicts()[0]
    assert result["valid_days"] == 29 and result["good_days"] == 27
    assert result["good_day_ratio"] == 93.1
    assert result["heavy_days"] == 1 and result["severe_days"] == 0
    assert result["heavy_day_ratio"] == 3.4  # 1/29 = 3.448 %


@pytest.mark.parametrize(
    ("forecast", "level"),
    [
        ([150, 210, 180, 220], ""),
        ([150, 210, 220, 180], "yellow"),
        ([210, 220, 230, 150], "orange"),
        ([210, 320, 330, 250], "red"),
        ([210, 320, 250, 250, 190], "orange"),  # only one day > 300
        ([120, 500], "red"),
        ([np.nan, 250, np.nan, 250], ""),
    ],
)
def test_warning_levels_2019(forecast: list[float], level: str) -> None:
    assert warning_level(forecast) == level


def test_warning_rule_set_is_configurable() -> None:
    stricter = WarningRuleSet(code="local", yellow_days=1)
    assert warning_level([210, 150], stricter) == "yellow"


def test_o3_8h_moving_mean_needs_6_of_8_hours() -> None:
    from envplan.standards.air.statistics import o3_8h_moving

    # Labels 01–08 with 01 and 02 missing (6 of 8 → valid), then 03 also missing at label 09.
    values = {h: float(10 * h) for h in range(3, 10)}
    frame = o3_8h_moving(_hours(DAY, values, pollutant="O3"))
    by_label = {
        r["interval_end"].hour: r["O3_8h"] for r in frame.to_dicts() if r["interval_end"].day == 15
    }
    assert by_label[8] == pytest.approx(sum(10 * h for h in range(3, 9)) / 6)  # 55.0
    assert by_label[7] is None  # labels 00–07 hold only 5 values
    assert by_label[9] == pytest.approx(sum(10 * h for h in range(3, 10)) / 7)


def test_period_percentiles_follow_hj663_appendix_a() -> None:
    # 20 June days with PM2.5 = 1 … 20 and CO = 0.1 … 2.0: P95 by k = 1 + (n − 1)·p.
    days = _month_days(2021, 6, 20)
    frame = _daily_series(days).with_columns(
        pl.Series("PM2.5", [float(i) for i in range(1, 21)]),
        pl.Series("CO", [i / 10 for i in range(1, 21)]),
        pl.Series("SO2", [float(i) for i in range(1, 21)]),
        pl.Series("O3_8h_max", [float(10 * i) for i in range(1, 21)]),
    )
    stats = period_statistics(frame, dt.date(2021, 6, 1), dt.date(2021, 6, 30)).to_dicts()[0]
    # k = 1 + 19·0.95 = 19.05 → 19 + 0.05·1 = 19.05 → 19 (GB/T 8170).
    assert stats["PM2.5_P95"] == 19.0
    # CO: 1.9 + 0.05·0.1 = 1.905 → 1.9 (first dropped digit is 0).
    assert stats["CO_P95"] == 1.9
    # SO2 P98: k = 1 + 19·0.98 = 19.62 → 19 + 0.62 = 19.62 → 20.
    assert stats["SO2_P98"] == 20.0
    # O3 P90: k = 1 + 19·0.9 = 18.1 → 180 + 0.1·10 = 181.
    assert stats["O3_8h_P90"] == 181.0
    assert stats["PM2.5_mean"] == 10.0  # 10.5 → 10 (round half to even)
    assert stats["valid_PM2.5"] is False  # 20 days < 27

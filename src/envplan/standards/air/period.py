"""Period statistics of HJ 663-2013: percentiles, the validity of months and years, period
means and percentiles per site, compliance with GB 3095 and exceedance multiples.

Frames (Polars): daily (the output of ``statistics.daily_statistics``) in, one row per site out
[µg/m³; CO mg/m³]. Sources: HJ 663-2013 §5, §6 and Appendix A (statistics, percentiles);
GB 3095-2012 §7 Table 4 and GB 3095-2026 §6.4 Table 4 (validity); GB/T 8170-2008 (rounding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from envplan.standards.air.rules import LimitSet
from envplan.standards.air.statistics import (
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    _decimals,
    gbt8170_expr,
)

#: HJ 663-2013 annual assessment items: statistic column → (daily column, percentile or None).
PERIOD_ITEMS: dict[str, tuple[str, float | None]] = {
    "SO2_mean": ("SO2", None),
    "SO2_P98": ("SO2", 0.98),
    "NO2_mean": ("NO2", None),
    "NO2_P98": ("NO2", 0.98),
    "PM10_mean": ("PM10", None),
    "PM10_P95": ("PM10", 0.95),
    "PM2.5_mean": ("PM2.5", None),
    "PM2.5_P95": ("PM2.5", 0.95),
    "CO_P95": ("CO", 0.95),
    "O3_8h_P90": ("O3_8h_max", 0.90),
}


def percentile_hj663(values: npt.ArrayLike, p: float) -> float:
    """Percentile of HJ 663-2013 Appendix A [units of the input]: sort the n valid values,
    k = 1 + (n − 1)·p, m = X(s) + (X(s+1) − X(s))·(k − s) with s = ⌊k⌋. NaN values are ignored;
    no valid value gives NaN. ``p`` in [0, 1] (0.9 for P90). Equals numpy's "linear" method.

    Parameters
    ----------
    values
        Daily values [µg/m³; CO mg/m³]; NaN = invalid.
    p
        Percentile as a fraction in [0, 1].

    Returns
    -------
    float
        The percentile [unit of the input], not rounded.
    """
    array = np.asarray(values, dtype=np.float64)
    array = np.sort(array[~np.isnan(array)])
    if array.size == 0:
        return float("nan")
    k = 1 + (array.size - 1) * p
    s = int(np.floor(k))
    if s >= array.size:
        return float(array[-1])
    return float(array[s - 1] + (array[s] - array[s - 1]) * (k - s))


def month_minimum_days(year: int, month: int) -> int:
    """GB 3095 Table 4: ≥ 27 daily values per month, ≥ 25 in February [days].

    Parameters
    ----------
    year
        Calendar year.
    month
        Month 1–12.

    Returns
    -------
    int
        The minimum number of valid daily values [days].
    """
    return MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS_PER_MONTH


def period_statistics(
    daily: pl.DataFrame,
    start: dt.date,
    end: dt.date,
    *,
    group: Sequence[str] = ("site",),
) -> pl.DataFrame:
    """HJ 663-2013 period statistics per ``group`` for days ``start`` ≤ date ≤ ``end``.

    Columns of ``PERIOD_ITEMS``: means of the valid daily values (SO2, NO2, PM10, PM2.5) and the
    Appendix A percentiles (SO2/NO2 P98, PM10/PM2.5 P95, CO P95 of 24-h means, O3 P90 of daily
    maximum 8-h means), rounded by GB/T 8170 (integers; CO 1 decimal) [µg/m³; CO mg/m³];
    ``days_<pollutant>`` counts of valid days; ``valid_<pollutant>``: GB 3095 Table 4 — every
    calendar month of the period has ≥ 27 valid days (≥ 25 in February) and, for a whole
    calendar year, ≥ 324 in the year. A percentile's validity follows the same rule (HJ 663
    clause not retrieved: an assumption, documented in docs/air.md).

    Parameters
    ----------
    daily
        The daily frame (``daily_statistics``) [µg/m³; CO mg/m³].
    start, end
        First and last day of the period (inclusive).
    group
        Columns that identify a group (a site, a city).

    Returns
    -------
    polars.DataFrame
        One row per group.
    """
    in_period = daily.filter(pl.col("date").is_between(start, end))
    keys = list(group)
    pollutants = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max")
    aggregations: list[pl.Expr] = []
    for name, (column, p) in PERIOD_ITEMS.items():
        raw = pl.col(column).mean() if p is None else pl.col(column).quantile(p, "linear")
        aggregations.append(gbt8170_expr(raw, _decimals(column)).alias(name))
    aggregations += [pl.col(c).count().alias(f"days_{c}") for c in pollutants]
    stats = in_period.group_by(keys).agg(aggregations)
    monthly = (
        in_period.with_columns(
            pl.col("date").dt.year().alias("_y"), pl.col("date").dt.month().alias("_m")
        )
        .group_by([*keys, "_y", "_m"])
        .agg([pl.col(c).count().alias(c) for c in pollutants])
    )
    months = _months(start, end)
    whole_year = start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31)
    validity: list[pl.Expr] = []
    for c in pollutants:
        need = pl.col("_m").replace_strict({2: MIN_DAYS_FEBRUARY}, default=MIN_DAYS_PER_MONTH)
        ok_months = (pl.col(c) >= need).sum()
        validity.append((ok_months == len(months)).alias(f"valid_{c}"))
    valid = monthly.group_by(keys).agg(validity)
    stats = stats.join(valid, on=keys, how="left")
    if whole_year:
        stats = stats.with_columns(
            [
                (pl.col(f"valid_{c}") & (pl.col(f"days_{c}") >= MIN_DAYS_PER_YEAR)).alias(
                    f"valid_{c}"
                )
                for c in pollutants
            ]
        )
    return stats.sort(keys)


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


#: Statistic → (pollutant, GB 3095 averaging time of the limit it is compared with).
COMPLIANCE_ITEMS: dict[str, tuple[str, str]] = {
    "SO2_mean": ("SO2", "annual"),
    "SO2_P98": ("SO2", "24h"),
    "NO2_mean": ("NO2", "annual"),
    "NO2_P98": ("NO2", "24h"),
    "PM10_mean": ("PM10", "annual"),
    "PM10_P95": ("PM10", "24h"),
    "PM2.5_mean": ("PM2.5", "annual"),
    "PM2.5_P95": ("PM2.5", "24h"),
    "CO_P95": ("CO", "24h"),
    "O3_8h_P90": ("O3", "8h_max_day"),
}


def compliance(stats: pl.DataFrame, limits: LimitSet, level: int = 2) -> pl.DataFrame:
    """Compliance of period statistics against GB 3095 level ``level`` limits (HJ 663-2013 §5).

    For each statistic: ``<stat>_limit`` [µg/m³; CO mg/m³], ``<stat>_ok`` (value ≤ limit) and
    ``<stat>_exceedance`` = (C − S)/S [dimensionless, 2 decimals GB/T 8170; null when ≤ limit].
    Per pollutant ``<pollutant>_ok``: mean and percentile both within limits (CO and O3: the
    percentile only). ``city_ok``: all six pollutants compliant (HJ 663 §5; null if any is
    unknown). Missing statistics give null. Limits come from ``limits`` (pick the edition with
    ``rules.select_limits``; GB 3095-2026 transitional vs final is the caller's choice).

    Parameters
    ----------
    stats
        Period statistics (``period_statistics``) [µg/m³; CO mg/m³].
    limits
        The GB 3095 limit set.
    level
        Limit class, 1 or 2.

    Returns
    -------
    polars.DataFrame
        ``stats`` with the limit, compliance and exceedance columns.
    """
    columns: list[pl.Expr] = []
    for stat, (pollutant, averaging) in COMPLIANCE_ITEMS.items():
        limit = limits.limit(pollutant, averaging, level)
        if limit is None:
            continue
        value = pl.col(stat)
        columns += [
            pl.lit(limit).alias(f"{stat}_limit"),
            (value <= limit).alias(f"{stat}_ok"),
            gbt8170_expr(pl.when(value > limit).then((value - limit) / limit), 2).alias(
                f"{stat}_exceedance"
            ),
        ]
    result = stats.with_columns(columns)
    per_pollutant: list[pl.Expr] = []
    for pollutant in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3"):
        oks = [
            pl.col(f"{stat}_ok")
            for stat, (p, _) in COMPLIANCE_ITEMS.items()
            if p == pollutant and f"{stat}_ok" in result.columns
        ]
        per_pollutant.append(pl.all_horizontal(oks).alias(f"{pollutant}_ok"))
    result = result.with_columns(per_pollutant)
    # all_horizontal uses Kleene logic: False wins over null, null when only nulls and Trues.
    return result.with_columns(
        pl.all_horizontal(
            [pl.col(f"{p}_ok") for p in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")]
        ).alias("city_ok")
    )

"""City ranking indicators: composite index (综合指数), maximum single index, ranking with ties,
change rate, good-day ratio, heavy-pollution days, heavy-pollution warning level.

Sources: 环办监测〔2018〕19号《城市环境空气质量排名技术规定》 (composite index, ranking, GB/T 8170);
环办监测函〔2017〕197号 (change rate); 环办监测〔2016〕120号 (dust); HJ 633 level boundaries for
good (AQI ≤ 100) and heavy (AQI > 200) days; 环办大气函〔2018〕875号 / 〔2019〕648号 (warnings).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from envplan.standards.air.rules import WARNING_2019, LimitSet, WarningRuleSet
from envplan.standards.air.statistics import gbt8170_expr

#: Composite index terms: pollutant → (period statistic, GB 3095 averaging time of S_i).
COMPOSITE_TERMS: dict[str, tuple[str, str]] = {
    "SO2": ("SO2_mean", "annual"),
    "NO2": ("NO2_mean", "annual"),
    "PM10": ("PM10_mean", "annual"),
    "PM2.5": ("PM2.5_mean", "annual"),
    "CO": ("CO_P95", "24h"),
    "O3": ("O3_8h_P90", "8h_max_day"),
}


def composite_index(stats: pl.DataFrame, limits: LimitSet) -> pl.DataFrame:
    """Single indices I_i = C_i / S_i and the composite index I_sum = Σ I_i (环办监测〔2018〕19号).

    C_i: the period statistics of ``period.period_statistics`` (already rounded: integers,
    CO 1 decimal) [µg/m³; CO mg/m³]; S_i: level-2 limits of ``limits`` — annual limits for SO2,
    NO2, PM10, PM2.5, the 24-h CO limit and the O3 daily-max-8-h limit [same units]. Adds
    ``index_<pollutant>`` (unrounded) [dimensionless], ``composite_index`` (sum of the unrounded
    I_i rounded to 2 decimals by GB/T 8170), ``max_index`` (largest I_i, 2 decimals) and
    ``max_index_pollutants`` (ties joined by ","). Any missing C_i gives null composite index.

    Parameters
    ----------
    stats
        Period statistics per city (``period.period_statistics``) [µg/m³; CO mg/m³].
    limits
        The GB 3095 limit set whose level-2 limits are S_i.

    Returns
    -------
    polars.DataFrame
        ``stats`` with the ``index_<pollutant>`` columns, ``composite_index`` and ``max_index``.
    """
    terms: list[pl.Expr] = []
    for pollutant, (stat, averaging) in COMPOSITE_TERMS.items():
        limit = limits.limit(pollutant, averaging, 2)
        if limit is None:
            raise ValueError(f"{limits.code} 缺少 {pollutant} {averaging} 二级限值")
        terms.append((pl.col(stat) / limit).alias(f"index_{pollutant}"))
    result = stats.with_columns(terms)
    index_cols = [f"index_{p}" for p in COMPOSITE_TERMS]
    maximum = pl.max_horizontal(index_cols)
    tie_names = [
        pl.when((pl.col(c) - maximum).abs() < 1e-12).then(pl.lit(p))
        for p, c in zip(COMPOSITE_TERMS, index_cols, strict=True)
    ]
    has_all = pl.all_horizontal([pl.col(c).is_not_null() for c in index_cols])
    return result.with_columns(
        gbt8170_expr(pl.when(has_all).then(pl.sum_horizontal(index_cols)), 2).alias(
            "composite_index"
        ),
        gbt8170_expr(maximum, 2).alias("max_index"),
        pl.concat_str(tie_names, separator=",", ignore_nulls=True).alias("max_index_pollutants"),
    )


def rank_ascending(values: pl.Expr) -> pl.Expr:
    """Rank, smallest first, equal values share the best rank (并列: 1, 2, 2, 4) — 环办监测〔2018〕19号
    (smaller composite index = better air). Nulls are not ranked.

    Parameters
    ----------
    values
        The values to rank (e.g. the composite index [dimensionless]).

    Returns
    -------
    polars.Expr
        Rank 1, 2, … (ties share the best rank), null where the value is null.
    """
    return values.rank(method="min").cast(pl.Int64)


def change_rate(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """Change rate against the same period of last year, (I_now − I_last) / I_last × 100 [%],
    1 decimal by GB/T 8170 (环办监测函〔2017〕197号; > 0 worse, < 0 better). Null when the previous
    value is missing or zero.

    Parameters
    ----------
    current
        This period's value (e.g. the composite index) [dimensionless].
    previous
        The same period of last year [same unit].

    Returns
    -------
    polars.Expr
        Change rate [%], 1 decimal.
    """
    return gbt8170_expr(pl.when(previous != 0).then((current - previous) / previous * 100.0), 1)


def day_counts(daily_aqi: pl.Expr, valid: pl.Expr) -> list[pl.Expr]:
    """Aggregations over days (use in ``group_by().agg``): ``valid_days``, ``good_days`` (daily
    AQI ≤ 100, levels 1–2), ``good_day_ratio`` [% 1 decimal, GB/T 8170] = good ÷ valid days,
    ``heavy_days`` (AQI > 200: 重度及以上), ``severe_days`` (AQI > 300), ``heavy_day_ratio`` [%].
    ``valid`` marks the days that count (a valid daily AQI). HJ 633-2012 §4.3 Table 2 boundaries.

    Parameters
    ----------
    daily_aqi
        Daily AQI [dimensionless].
    valid
        True for the days that count.

    Returns
    -------
    list of polars.Expr
        The aggregations, named as above.
    """
    counted = daily_aqi.filter(valid)
    valid_days = valid.sum()
    return [
        valid_days.alias("valid_days"),
        (counted <= 100).sum().alias("good_days"),
        gbt8170_expr(
            pl.when(valid_days > 0).then((counted <= 100).sum() / valid_days * 100.0), 1
        ).alias("good_day_ratio"),
        (counted > 200).sum().alias("heavy_days"),
        (counted > 300).sum().alias("severe_days"),
        gbt8170_expr(
            pl.when(valid_days > 0).then((counted > 200).sum() / valid_days * 100.0), 1
        ).alias("heavy_day_ratio"),
    ]


#: Warning levels in ascending order ("" = none).
WARNING_LEVELS = ("", "yellow", "orange", "red")
#: zh-CN name of each warning level.
WARNING_NAMES = {"": "", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}


def warning_level(forecast_daily_aqi: npt.ArrayLike, rules: WarningRuleSet = WARNING_2019) -> str:
    """Heavy-pollution warning level ("", "yellow", "orange", "red") for a forecast of consecutive
    daily AQI values (any consecutive 24 h may count as a day) [dimensionless].

    ``rules`` default: 2019 thresholds (环办大气函〔2019〕648号 as implemented in local plans):
    yellow — AQI > 200 on ≥ 2 consecutive days; orange — ≥ 3; red — ≥ 4 with AQI > 300 on ≥ 2 of
    them, or any AQI ≥ 500. The highest level reached by any episode is returned. NaN days break
    an episode. Merging episodes separated by a short gap is the caller's choice (pass the gap days
    as forecast values).

    Parameters
    ----------
    forecast_daily_aqi
        Consecutive forecast daily AQI values [dimensionless]; NaN breaks an episode.
    rules
        The warning thresholds.

    Returns
    -------
    str
        "", "yellow", "orange" or "red".
    """
    aqi = np.asarray(forecast_daily_aqi, dtype=np.float64)
    if aqi.size == 0:
        return ""
    with np.errstate(invalid="ignore"):
        heavy = aqi > rules.heavy_threshold
        severe = aqi > rules.severe_threshold
        if np.any(aqi >= rules.red_any_aqi):
            return "red"
    # Episode id for each day: increments at every start of a run of heavy days.
    starts = heavy & ~np.concatenate(([False], heavy[:-1]))
    episode = np.cumsum(starts)
    episode_ids = episode[heavy]
    if episode_ids.size == 0:
        return ""
    lengths = np.bincount(episode_ids)
    severe_counts = np.bincount(episode_ids, weights=severe[heavy].astype(np.float64))
    if np.any((lengths >= rules.red_days) & (severe_counts >= rules.red_severe_days)):
        return "red"
    longest = int(lengths.max())
    if longest >= rules.orange_days:
        return "orange"
    if longest >= rules.yellow_days:
        return "yellow"
    return ""

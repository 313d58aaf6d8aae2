"""Period use cases of the air domain: HJ 663 period assessment, composite-index ranking of the
cities in the data, good-day ratio to date, heavy-pollution warnings. Pure frame shaping over the
daily frame of ``services.air``; the arithmetic is ``envplan.standards.air``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import polars as pl

from envplan.standards.air.period import compliance, period_statistics
from envplan.standards.air.ranking import (
    change_rate,
    composite_index,
    day_counts,
    rank_ascending,
    warning_level,
)
from envplan.standards.air.rules import WARNING_2019, LimitSet, WarningRuleSet, select_limits


class AirServiceError(ValueError):
    """A request the air services cannot answer (zh-CN message for the user)."""


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A calendar period: ``label`` as typed (2021, 2021-06, 2021Q2), first and last day."""

    label: str
    start: dt.date
    end: dt.date

    def same_period_last_year(self) -> Period:
        """The same period one year earlier (上年同期), ending on the last day of its end month."""
        start = self.start.replace(year=self.start.year - 1)
        end = _month_end(self.end.year - 1, self.end.month)
        return Period(label=f"{self.label}（上年同期）", start=start, end=end)

    def year_to_date(self) -> Period:
        """The period from January 1 of the start year to this period's end (年初至今)."""
        return Period(
            label=f"{self.start.year}年初至{self.end}",
            start=dt.date(self.start.year, 1, 1),
            end=self.end,
        )


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """``2021`` (year), ``2021-06`` (month) or ``2021Q2`` (quarter); anything else raises
    ``AirServiceError`` with a zh-CN message."""
    value = text.strip()
    if m := re.fullmatch(r"(\d{4})", value):
        year = int(m.group(1))
        return Period(value, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return Period(value, dt.date(year, month, 1), _month_end(year, month))
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", value):
        year, quarter = int(m.group(1)), int(m.group(2))
        return Period(value, dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    raise AirServiceError(f"无法识别的时段“{text}”：应为 2021、2021-06 或 2021Q2 形式")


def _as_period(period: Period | str) -> Period:
    return parse_period(period) if isinstance(period, str) else period


def _dust_removed(daily: pl.DataFrame) -> pl.DataFrame:
    """Daily frame with PM10 and PM2.5 removed on dust-flagged days (环办监测〔2016〕120号)."""
    return daily.with_columns(
        [
            pl.when(pl.col("dust").fill_null(False)).then(None).otherwise(pl.col(p)).alias(p)
            for p in ("PM10", "PM2.5")
        ]
    )


def assess_period(
    daily: pl.DataFrame,
    period: Period | str,
    *,
    site: str | None = None,
    limits: LimitSet | None = None,
    level: int = 2,
) -> pl.DataFrame:
    """Period assessment per site: HJ 663 statistics and validity, compliance against GB 3095
    level ``level`` (edition in force on the period's first day unless ``limits`` is given),
    exceedance multiples, composite index, good-day ratio, heavy-pollution days.

    ``daily`` is the frame of ``daily_statistics``. If it has a boolean ``dust`` column, the
    PM10/PM2.5 statistics and the composite index are also given dust-removed (suffix
    ``_dust_removed``) while the day counts keep the dust days (CNEMC 2021 practice).
    """
    span = _as_period(period)
    frame = daily if site is None else daily.filter(pl.col("site") == site)
    if site is not None and frame.is_empty():
        raise AirServiceError(f"数据中没有站点或城市“{site}”")
    limit_set = limits or select_limits(span.start)
    stats = period_statistics(frame, span.start, span.end)
    result = composite_index(compliance(stats, limit_set, level), limit_set)
    counts = (
        frame.filter(pl.col("date").is_between(span.start, span.end))
        .group_by("site")
        .agg(day_counts(pl.col("aqi"), pl.col("complete").fill_null(False)))
    )
    result = result.join(counts, on="site", how="left")
    if "dust" in frame.columns:
        removed = composite_index(
            period_statistics(_dust_removed(frame), span.start, span.end), limit_set
        )
        keep = [
            "PM10_mean",
            "PM10_P95",
            "PM2.5_mean",
            "PM2.5_P95",
            "composite_index",
            "max_index",
            "max_index_pollutants",
        ]
        result = result.join(
            removed.select("site", *[pl.col(c).alias(f"{c}_dust_removed") for c in keep]),
            on="site",
            how="left",
        )
    return result.with_columns(
        pl.lit(span.label).alias("period"),
        pl.lit(span.start).alias("period_start"),
        pl.lit(span.end).alias("period_end"),
        pl.lit(limit_set.code).alias("limits"),
        pl.lit(level).alias("limit_level"),
    ).sort("site")


def rank_cities(
    daily: pl.DataFrame,
    period: Period | str,
    *,
    limits: LimitSet | None = None,
    sites: Collection[str] | None = None,
) -> pl.DataFrame:
    """Composite-index ranking of every site (city) in ``daily`` for ``period``: ascending, ties
    share the rank (环办监测〔2018〕19号); with ``change_rate`` [%] against the same period last
    year when ``daily`` covers it. Sites without a composite index are listed unranked."""
    span = _as_period(period)
    limit_set = limits or select_limits(span.start)
    frame = daily if sites is None else daily.filter(pl.col("site").is_in(list(sites)))
    current = composite_index(period_statistics(frame, span.start, span.end), limit_set)
    last = span.same_period_last_year()
    previous = composite_index(period_statistics(frame, last.start, last.end), limit_set).select(
        "site", pl.col("composite_index").alias("composite_index_last_year")
    )
    ranked = current.join(previous, on="site", how="left").with_columns(
        rank_ascending(pl.col("composite_index")).alias("rank"),
        change_rate(pl.col("composite_index"), pl.col("composite_index_last_year")).alias(
            "change_rate"
        ),
        pl.lit(span.label).alias("period"),
        pl.lit(limit_set.code).alias("limits"),
    )
    return ranked.sort(pl.col("rank").fill_null(10**9), "site").select(
        "rank",
        "site",
        "composite_index",
        "max_index",
        "max_index_pollutants",
        *[f"index_{p}" for p in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")],
        "SO2_mean",
        "NO2_mean",
        "PM10_mean",
        "PM2.5_mean",
        "CO_P95",
        "O3_8h_P90",
        "composite_index_last_year",
        "change_rate",
        "period",
        "limits",
    )


def good_day_ratio_ytd(
    daily: pl.DataFrame, as_of: dt.date, *, site: str | None = None
) -> pl.DataFrame:
    """Good-day ratio from 1 January to ``as_of`` per site, with the same span of last year:
    ``valid_days, good_days, good_day_ratio`` [%], ``heavy_days``, ``severe_days``,
    ``heavy_day_ratio`` and ``*_last_year``. Valid day = complete daily AQI."""
    frame = daily if site is None else daily.filter(pl.col("site") == site)

    def span(start: dt.date, end: dt.date) -> pl.DataFrame:
        return (
            frame.filter(pl.col("date").is_between(start, end))
            .group_by("site")
            .agg(day_counts(pl.col("aqi"), pl.col("complete").fill_null(False)))
        )

    now = span(dt.date(as_of.year, 1, 1), as_of)
    last_end = (
        as_of.replace(year=as_of.year - 1)
        if not (as_of.month == 2 and as_of.day == 29)
        else dt.date(as_of.year - 1, 2, 28)
    )
    last = span(dt.date(as_of.year - 1, 1, 1), last_end)
    last = last.rename({c: f"{c}_last_year" for c in last.columns if c != "site"})
    return (
        now.join(last, on="site", how="left")
        .with_columns(pl.lit(as_of).alias("as_of"))
        .sort("site")
    )


def warning_for_forecast(
    forecast_daily_aqi: list[float] | np.ndarray, rules: WarningRuleSet = WARNING_2019
) -> str:
    """Heavy-pollution warning level ("", "yellow", "orange", "red") for a forecast daily AQI
    series under ``rules`` (default: the 2019 unified thresholds)."""
    return warning_level(np.asarray(forecast_daily_aqi, dtype=np.float64), rules)

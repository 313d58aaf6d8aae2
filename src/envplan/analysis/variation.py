"""Temporal variation of a pollutant: mean by hour of day, weekday and month, with confidence
bands (the four panels of openair's ``timeVariation``).

The hour is the hour-end label as published (CNEMC labels the value of 15:00–16:00 as 16:00,
and "0" is the hour that ends at midnight); weekdays run 1 = Monday … 7 = Sunday (ISO 8601).
The band is the normal-approximation interval of the mean, mean ± z·sd/√n [same unit as the
values], where openair bootstraps the mean; with the hundreds of values per group of a year of
hours the two agree to well within the line width. Groups with fewer than 2 values get no band.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import polars as pl


@dataclass(frozen=True)
class Variation:
    """Four tables with columns (key…, ``mean``, ``lower``, ``upper``, ``n``)."""

    hour: pl.DataFrame
    weekday: pl.DataFrame
    month: pl.DataFrame
    hour_weekday: pl.DataFrame


def _summary(frame: pl.DataFrame, keys: list[str], z: float) -> pl.DataFrame:
    half = z * pl.col("_sd") / pl.col("n").sqrt()
    return (
        frame.group_by(keys)
        .agg(
            pl.col("value").mean().alias("mean"),
            pl.col("value").std().alias("_sd"),
            pl.col("value").count().alias("n"),
        )
        .with_columns(
            pl.when(pl.col("n") > 1).then(pl.col("mean") - half).alias("lower"),
            pl.when(pl.col("n") > 1).then(pl.col("mean") + half).alias("upper"),
        )
        .select(*keys, "mean", "lower", "upper", "n")
        .sort(keys)
    )


def time_variation(frame: pl.DataFrame, *, confidence: float = 0.95) -> Variation:
    """Variation of ``value`` over ``interval_end`` (hour-end labels). Nulls and NaN are left out
    of every mean and count."""
    if not 0.5 < confidence < 1:
        raise ValueError("置信水平必须在 0.5 与 1 之间")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    data = frame.select(
        pl.col("interval_end"), pl.col("value").cast(pl.Float64).fill_nan(None)
    ).filter(pl.col("value").is_not_null())
    data = data.with_columns(
        pl.col("interval_end").dt.hour().cast(pl.Int8).alias("hour"),
        pl.col("interval_end").dt.weekday().cast(pl.Int8).alias("weekday"),
        pl.col("interval_end").dt.month().cast(pl.Int8).alias("month"),
    )
    return Variation(
        hour=_summary(data, ["hour"], z),
        weekday=_summary(data, ["weekday"], z),
        month=_summary(data, ["month"], z),
        hour_weekday=_summary(data, ["weekday", "hour"], z),
    )

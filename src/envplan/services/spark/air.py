"""The air chain on Spark: the embedded functions of ``services.air`` run per station (or city)
group and per Arrow batch; the driver orders and, for the rank, ranks with the same kernel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from envplan.services.air import (
    AirServiceError,
    CityStations,
    Period,
    assess_period,
    city_daily_frame,
    daily_from_means,
    hourly_aqi_wide,
    hourly_wide,
    network_daily_statistics,
    rank_cities,
    with_official,
)
from envplan.services.spark.arrow import (
    batches,
    collect_as,
    groups,
    output_schema,
    spark_frame,
    spark_schema,
)
from envplan.standards.air.ranking import rank_ascending
from envplan.standards.air.rules import AqiRuleSet, LimitSet

#: Rows of the input used on the driver to learn a stage's output types.
SAMPLE_ROWS = 5_000


@dataclass(frozen=True)
class Stage:
    """A Spark DataFrame, the Polars types the embedded function gives its columns, and a small
    driver-side sample of its rows (the next stage learns its output types from it, so no Spark
    job runs just to find types)."""

    df: Any
    schema: pl.Schema
    sample: pl.DataFrame

    def collect(self) -> pl.DataFrame:
        return collect_as(self.df, self.schema)

    def filter(self, condition: str, sample: pl.Expr) -> Stage:
        return Stage(self.df.filter(condition), self.schema, self.sample.filter(sample))


def source(spark: Any, frame: pl.DataFrame) -> Stage:
    """A Polars frame as the first stage (its first site's rows, or first rows, are the sample)."""
    first = frame
    if frame.height and "site" in frame.columns:
        first = frame.filter(pl.col("site") == frame["site"][0])
    return Stage(spark_frame(spark, frame), frame.schema, first.head(SAMPLE_ROWS))


def _apply(stage: Stage, keys: list[str], function: Any) -> Stage:
    """``groupBy(keys).applyInArrow(function)``, types learnt on the driver-side sample."""
    sample = stage.sample
    if sample.height:
        sample = sample.filter(pl.col(keys[0]) == sample[keys[0]][0])
    out = function(sample)
    arrow, schema = output_schema(lambda _frame: out, sample)
    df = stage.df.groupBy(*keys).applyInArrow(groups(function, arrow), spark_schema(arrow))
    return Stage(df, schema, out)


def _map(stage: Stage, function: Any) -> Stage:
    """``mapInArrow(function)``, types learnt on the driver-side sample."""
    out = function(stage.sample)
    arrow, schema = output_schema(lambda _frame: out, stage.sample)
    return Stage(stage.df.mapInArrow(batches(function, arrow), spark_schema(arrow)), schema, out)


def wide_of_stage(long: Stage) -> Stage:
    """The long measurement table → the wide hourly frame, one station's rows at a time."""
    hourly = long.filter(
        "averaging = '1h' OR (averaging = '24h' AND pollutant = 'SO2')",
        (pl.col("averaging") == "1h")
        | ((pl.col("averaging") == "24h") & (pl.col("pollutant") == "SO2")),
    )
    return _apply(hourly, ["site"], hourly_wide)


def wide_hours(spark: Any, measurements: pl.DataFrame) -> Stage:
    """``wide_of_stage`` of a Polars long table."""
    return wide_of_stage(source(spark, measurements))


def hourly_aqi_spark(
    spark: Any,
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    published: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``services.air.hourly_aqi`` on Spark: same columns, same rows, same order."""
    wide = wide_hours(spark, measurements)
    result = _map(wide, lambda frame: hourly_aqi_wide(frame, rules=rules))
    return with_official(result.collect().sort("site", "interval_end"), published)


def daily_statistics_spark(
    spark: Any,
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    cities: CityStations | None = None,
    o3_8h_limit: float | None = 160.0,
) -> pl.DataFrame:
    """``services.air.daily_statistics`` on Spark: station days grouped by station, city days
    grouped by city (the city's stations together), daily-mean sources by site."""
    if measurements.filter(pl.col("averaging") == "1h").is_empty():
        days = _apply(
            source(spark, measurements),
            ["site"],
            lambda frame: daily_from_means(frame, rules=rules),
        )
        return days.collect().sort("site", "date")
    wide = wide_hours(spark, measurements)
    stations = _apply(
        wide,
        ["site"],
        lambda frame: network_daily_statistics(frame, None, rules=rules, o3_8h_limit=o3_8h_limit),
    )
    frames = [stations.collect()]
    if cities is not None and "city" in wide.schema:

        def city_days(frame: pl.DataFrame) -> pl.DataFrame:
            both = network_daily_statistics(frame, cities, rules=rules, o3_8h_limit=o3_8h_limit)
            return both.filter(~pl.col("site").is_in(frame["site"].unique().implode()))

        with_city = wide.filter("city IS NOT NULL", pl.col("city").is_not_null())
        frames.append(_apply(with_city, ["city"], city_days).collect())
    return pl.concat(frames, how="diagonal_relaxed").sort("site", "date")


def daily_frame_spark(
    spark: Any,
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    cities: CityStations | None = None,
) -> pl.DataFrame:
    """``services.air_daily_frame.city_daily_frame`` (the daily frame of the bulletin, the pages
    and the CLI) on Spark: each city's stations and city rows in one group (a site without a
    city is its own group), through the same function."""
    if measurements.is_empty():
        return city_daily_frame(measurements, rules=rules, cities=cities)
    group = pl.col("site")
    if "city" in measurements.columns:
        group = pl.coalesce(pl.col("city"), pl.col("site"))
    keyed = measurements.with_columns(group.alias("_group"))

    def days(frame: pl.DataFrame) -> pl.DataFrame:
        return city_daily_frame(frame.drop("_group"), rules=rules, cities=cities)

    return _apply(source(spark, keyed), ["_group"], days).collect().sort("site", "date")


def assess_period_spark(
    spark: Any,
    daily: pl.DataFrame,
    period: Period,
    *,
    site: str | None = None,
    limits: LimitSet | None = None,
    level: int = 2,
) -> pl.DataFrame:
    """``services.air.assess_period`` on Spark, one site's days per group."""
    if site is not None:
        daily = daily.filter(pl.col("site") == site)
        if daily.is_empty():
            raise AirServiceError(f"数据中没有站点或城市“{site}”")
    result = _apply(
        source(spark, daily),
        ["site"],
        lambda frame: assess_period(frame, period, limits=limits, level=level),
    )
    return result.collect().sort("site")


def rank_cities_spark(
    spark: Any,
    daily: pl.DataFrame,
    period: Period,
    *,
    limits: LimitSet | None = None,
    sites: list[str] | None = None,
) -> pl.DataFrame:
    """``services.air.rank_cities`` on Spark: each city's statistics in its group, then the
    ranking (HJ 663 composite index ascending, ties share a rank) over all of them on the
    driver with the same kernel."""
    if sites is not None:
        daily = daily.filter(pl.col("site").is_in(list(sites)))
    per_city = _apply(
        source(spark, daily), ["site"], lambda frame: rank_cities(frame, period, limits=limits)
    ).collect()
    columns = per_city.columns
    ranked = per_city.with_columns(rank_ascending(pl.col("composite_index")).alias("rank"))
    return ranked.sort(pl.col("rank").fill_null(10**9), "site").select(columns)

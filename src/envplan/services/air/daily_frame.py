"""The daily frame every month figure is computed from (bulletin, pages, API, CLI): any air data
(daily means files, hourly feeds of stations or cities, several data versions) → one row per site
and natural day with the daily statistics, the daily AQI, ``data_version`` and ``site_kind``."""

from __future__ import annotations

import polars as pl

from envplan.services.air.cities import CityStations
from envplan.services.air.hourly import (
    _VERSION_PRIORITY,
    daily_from_means,
    hourly_wide,
    network_daily_statistics,
)
from envplan.standards.air.rules import AqiRuleSet
from envplan.standards.air.statistics import hour_label_day


def _day_blocks(hourly_rows: pl.DataFrame) -> list[pl.DataFrame]:
    """Hourly rows split into runs of consecutive natural days with data, so that the dense
    site × hour grid of the daily statistics never spans the years between two files."""
    if hourly_rows.is_empty():
        return []
    keyed = hourly_rows.with_columns(hour_label_day(pl.col("interval_end")).alias("_day"))
    days = keyed.select(pl.col("_day").unique().sort()).with_columns(
        ((pl.col("_day").diff().dt.total_days().fill_null(1)) > 1).cum_sum().alias("_block")
    )
    keyed = keyed.join(days, on="_day")
    return [
        block.drop("_day", "_block") for block in keyed.partition_by("_block", maintain_order=True)
    ]


def _hourly_days(
    hourly_rows: pl.DataFrame, cities: CityStations | None, rules: AqiRuleSet | None
) -> pl.DataFrame:
    """Daily statistics of the sites of one block of hours, with the city rows formed from the
    stations when the stations carry their city; days without any value are dropped."""
    wide = hourly_wide(hourly_rows)
    has_cities = "city" in wide.columns and "site_kind" in wide.columns
    with_stations = has_cities and wide.filter(pl.col("site_kind") == "station").height > 0
    return network_daily_statistics(
        wide, (cities or CityStations()) if with_stations else None, rules=rules
    )


def city_daily_frame(
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    cities: CityStations | None = None,
) -> pl.DataFrame:
    """The daily frame every month figure is computed from (bulletin, pages, API, CLI).

    Daily-mean rows (``aqistudy-daily`` …) go through ``daily_from_means``; hourly rows through
    the daily statistics of each site and, when the stations carry their ``city``, of each city
    as the platform forms it: the mean of the city's national stations, background stations
    (对照点, ``CityStations.exclude``) left out, hour by hour (air-standards.md §3.4). A city that
    also has its own city rows in the data keeps those (a published city value beats one formed
    here). Columns as ``daily_statistics`` plus ``data_version`` (audited / realtime /
    third-party, the provenance of the row) and ``site_kind`` (station / city); ``site`` is the
    station code or the city name.
    """
    if measurements.is_empty():
        return pl.DataFrame()
    hourly_rows = measurements.filter(pl.col("averaging") == "1h")
    # A feed's 24-h moving means are not natural-day values: the days of a file with hours come
    # from its hours; the daily-mean path serves the files of daily values.
    with_hours = hourly_rows["source"].unique().to_list() if "source" in hourly_rows.columns else []
    daily_rows = measurements.filter(pl.col("averaging") != "1h")
    if with_hours:
        daily_rows = daily_rows.filter(~pl.col("source").is_in(with_hours))
    if "data_version" not in measurements.columns:
        measurements = measurements.with_columns(
            pl.lit(None, dtype=pl.String).alias("data_version")
        )
        daily_rows = daily_rows.with_columns(pl.lit(None, dtype=pl.String).alias("data_version"))
        hourly_rows = hourly_rows.with_columns(pl.lit(None, dtype=pl.String).alias("data_version"))
    frames = []
    for version in sorted(
        {*daily_rows["data_version"].unique().to_list(), *hourly_rows["data_version"].unique()},
        key=lambda v: _VERSION_PRIORITY.get(str(v), 9),
    ):
        of_version = pl.col("data_version").eq_missing(version)
        hours = hourly_rows.filter(of_version)
        for block in _day_blocks(hours):
            frames.append(
                _hourly_days(block, cities, rules).with_columns(
                    pl.lit(version, dtype=pl.String).alias("data_version")
                )
            )
        days = daily_rows.filter(of_version)
        if days.filter(pl.col("averaging") == "24h").height:
            frames.append(
                daily_from_means(days, rules=rules).with_columns(
                    pl.lit(version, dtype=pl.String).alias("data_version")
                )
            )
    if not frames:
        return pl.DataFrame()
    daily = pl.concat(frames, how="diagonal_relaxed")
    # Station codes stay stations; every other site (a city row read or formed here) is a city.
    if "site_kind" in measurements.columns:
        stations = measurements.filter(pl.col("site_kind") == "station")["site"].unique()
        kind = pl.when(pl.col("site").is_in(stations.to_list())).then(pl.lit("station"))
        daily = daily.with_columns(kind.otherwise(pl.lit("city")).alias("site_kind"))
    else:
        daily = daily.with_columns(pl.lit(None, dtype=pl.String).alias("site_kind"))
    # One row per (site, day): audited beats real-time beats third-party.
    return daily.unique(["site", "date"], keep="first", maintain_order=True).sort("site", "date")

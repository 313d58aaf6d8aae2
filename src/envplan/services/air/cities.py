"""Which stations make a city (national stations of the city, 对照点 excluded) and the city
hourly series formed from them (air-standards.md §3.4; shared/data/README: Jincheng's 2165A
白马寺 is the background site, normally excluded from the city mean)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from envplan.services.air.periods import AirServiceError
from envplan.standards.air.statistics import (
    HOURLY_POLLUTANTS,
    HourlyCube,
    cube_to_frame,
    hourly_cube,
    mean_of_groups,
    run_starts,
)

#: Jincheng's background station (对照点), excluded from the city mean by default.
DEFAULT_EXCLUDED_STATIONS: frozenset[str] = frozenset({"2165A"})


@dataclass(frozen=True)
class CityStations:
    """Which stations make a city's value (HJ 663 §? city = mean of its assessment stations).

    include: city → station codes that count (None = every station of the city in the data).
    exclude: station codes never counted (background/对照点 stations such as Jincheng's 2165A).
    order: "hourly" = station hours → city hourly means → daily statistics (the CNEMC city
    real-time practice); "daily" = station daily statistics → city daily means.
    """

    include: Mapping[str, Collection[str]] | None = None
    exclude: frozenset[str] = field(default_factory=lambda: DEFAULT_EXCLUDED_STATIONS)
    order: Literal["hourly", "daily"] = "hourly"


def _city_members(frame: pl.DataFrame, config: CityStations) -> pl.DataFrame:
    if "city" not in frame.columns:
        raise AirServiceError("数据缺少 city 列，无法由站点计算城市均值")
    stations = frame.filter(
        pl.col("city").is_not_null() & ~pl.col("site").is_in(list(config.exclude))
    )
    if "site_kind" in stations.columns:
        stations = stations.filter(pl.col("site_kind") == "station")
    if config.include is not None:
        pairs = pl.DataFrame(
            [(city, code) for city, codes in config.include.items() for code in codes],
            schema={"city": pl.String, "site": pl.String},
            orient="row",
        )
        stations = stations.join(pairs, on=["city", "site"], how="semi")
    return stations


def _members(hourly: pl.DataFrame, config: CityStations) -> dict[str, list[str]]:
    """City → its assessment stations present in the data (after include/exclude)."""
    attributes = [c for c in ("site", "city", "site_kind") if c in hourly.columns]
    firsts = hourly.select(attributes).filter(run_starts(hourly["site"]))
    pairs = _city_members(firsts.unique(), config)
    members: dict[str, list[str]] = {}
    for city, site in pairs.select("city", "site").unique().sort("city", "site").iter_rows():
        members.setdefault(city, []).append(site)
    return members


def _city_cube(hourly: pl.DataFrame, config: CityStations) -> HourlyCube:
    members = _members(hourly, config)
    stations = [s for sites in members.values() for s in sites]
    cube = hourly_cube(
        hourly.filter(pl.col("site").is_in(stations)).select(
            "site", "interval_end", *HOURLY_POLLUTANTS
        )
    )
    return mean_of_groups(cube, members)


def city_hourly_wide(hourly: pl.DataFrame, config: CityStations | None = None) -> pl.DataFrame:
    """City hourly values = mean of the valid values of the city's assessment stations, per hour
    and pollutant [µg/m³; CO mg/m³] (air-standards.md §3.4: city AQI from city-mean
    concentrations). ``site`` becomes the city name, ``site_kind`` "city"."""
    frame = cube_to_frame(_city_cube(hourly, config or CityStations()))
    return frame.with_columns(
        pl.lit("city").alias("site_kind"),
        pl.col("site").alias("city"),
        pl.lit(None, dtype=pl.Float64).alias("SO2_24h"),
    ).select("site", "site_kind", "city", "interval_end", *HOURLY_POLLUTANTS, "SO2_24h")

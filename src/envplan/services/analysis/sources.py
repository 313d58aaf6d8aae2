"""Where an analysis gets its data: one read of a file (any air format) or of the platform's
store, shaped once into the frames the analyses use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import InputFileError
from envplan.monitoring.timeseries import query_air
from envplan.services.air import (
    DEFAULT_EXCLUDED_STATIONS,
    CityStations,
    city_daily_frame,
    hourly_wide,
    select_aqi_rules,
)


class AnalysisError(ValueError):
    """A request an analysis cannot answer (zh-CN message for the user)."""


@dataclass(frozen=True)
class AirSource:
    """Air data for an analysis: a file in a known format, the store of a platform home
    (``timeseries_dir``), or measurements already read (``frame``, so one page that runs
    several analyses reads its data once). Exactly one of the three."""

    path: Path | None = None
    format: str | None = None
    timeseries_dir: Path | None = None
    frame: pl.DataFrame | None = None

    def describe(self) -> str:
        """Where the data come from, in zh-CN (a file or the platform's database)."""
        if self.path is not None:
            return f"文件 {self.path}"
        return f"平台数据库 {self.timeseries_dir}"

    def loaded(self) -> AirSource:
        """The same source with its measurements read (once)."""
        return AirSource(frame=measurements_of(self))


def measurements_of(source: AirSource) -> pl.DataFrame:
    """The long measurement table of the source (read once)."""
    if source.frame is not None:
        return source.frame
    if source.path is not None:
        try:
            return read_air(source.path, source.format).measurements
        except InputFileError as error:
            raise AnalysisError(str(error)) from None
    if source.timeseries_dir is None or not (source.timeseries_dir / "air").is_dir():
        raise AnalysisError(f"{source.describe()} 中没有空气监测数据：请先导入数据或指定文件")
    return query_air(source.timeseries_dir)


def station_hours(measurements: pl.DataFrame) -> pl.DataFrame:
    """Wide station-hour frame (1-h values) of the stations in the table; empty when the source
    carries no station hours (daily or city data)."""
    hourly = measurements.filter(pl.col("averaging") == "1h")
    if hourly.is_empty():
        return hourly_wide(hourly)
    wide = hourly_wide(hourly)
    if "site_kind" in wide.columns:
        wide = wide.filter(pl.col("site_kind") == "station")
    return wide


def city_names(city: str) -> list[str]:
    """The spellings a city takes in the sources (晋城市 / 晋城)."""
    bare = city.removesuffix("市")
    return sorted({city, bare, bare + "市"})


def city_daily(
    measurements: pl.DataFrame,
    city: str,
    *,
    rules_code: str | None = None,
    excluded: frozenset[str] = DEFAULT_EXCLUDED_STATIONS,
) -> pl.DataFrame:
    """The city's daily statistics and daily AQI — the rows of ``city_daily_frame``, the daily
    frame the bulletin, the pages and the CLI use (HJ 663 city value from its stations, 对照点
    excluded; or the city rows of city-level sources) — under the rule set ``rules_code`` (None:
    the edition in force on each day)."""
    rules = select_aqi_rules(code=rules_code) if rules_code else None
    names = city_names(city)
    # the one daily frame of the bulletin, the pages and the CLI (services.air_daily_frame)
    daily = city_daily_frame(measurements, rules=rules, cities=CityStations(exclude=excluded))
    if daily.is_empty():
        raise AnalysisError(f"数据中没有城市“{city}”的日数据")
    found = daily.filter(pl.col("site").is_in(names))
    if found.is_empty():
        raise AnalysisError(f"数据中没有城市“{city}”的日数据")
    # one row per day: the city's own row where a source names the city in two spellings
    return found.sort("date").unique("date", keep="first", maintain_order=True)


def within(daily: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    return daily.filter(pl.col("date").is_between(start, end))

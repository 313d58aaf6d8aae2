"""The network period chain in bounded memory: station hours → hourly AQI → daily statistics and
daily AQI of stations and cities → period assessment → city ranking, a group of whole cities at a
time (a city's value needs all its stations; a station's statistics need only its own hours).

Only the daily frame (one row per site-day, ~1/24 of the hours) is kept across groups; each
group's hourly frame, hourly AQI and hourly grids are freed before the next group is read. The
results are the ones of the whole-network functions (``network_daily_statistics``,
``assess_period``, ``rank_cities``) on the whole data.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from envplan.services.air.cities import CityStations
from envplan.services.air.hourly import hourly_aqi_wide, network_daily_parts
from envplan.services.air.periods import AirServiceError, Period, assess_period, rank_cities
from envplan.standards.air.rules import AqiRuleSet

#: Station-hours per group read by ``read_city_chunks`` (≈ 57 stations × 8,760 h): bounds the
#: hourly working set to a few hundred MB whatever the size of the network.
CHUNK_STATION_HOURS = 500_000


#: One group's results: station-hours, hourly AQI (or None), station and city daily frames.
_GroupResult = tuple[int, pl.DataFrame | None, pl.DataFrame, pl.DataFrame | None]


@dataclass(frozen=True)
class NetworkPeriod:
    """Results of ``network_period_chain``.

    ``daily``: station rows (by site, date) then city rows (by city, date), the columns of
    ``daily_statistics``; ``assessment``: ``assess_period`` of every site; ``ranking``:
    ``rank_cities`` of ``rank_sites``; ``station_hours``: rows of hourly data processed.
    """

    daily: pl.DataFrame
    assessment: pl.DataFrame
    ranking: pl.DataFrame
    station_hours: int


def read_city_chunks(
    path: str | Path, *, station_hours: int = CHUNK_STATION_HOURS
) -> Iterator[pl.DataFrame]:
    """Read a wide station-hour Parquet file a group of whole cities at a time.

    Parameters
    ----------
    path
        Parquet file of the wide hourly frame (``site``, ``city``, ``interval_end``, the six 1-h
        values [µg/m³; CO mg/m³], optional ``site_kind``/``SO2_24h``), its rows grouped by city
        (all rows of a city consecutive; stations without a city form their own groups).
    station_hours
        Target rows per group; a group always holds whole cities.

    Yields
    ------
    pl.DataFrame
        Consecutive row ranges of the file, each ending on a city boundary.

    Raises
    ------
    AirServiceError
        The file has no ``city`` column or its rows are not grouped by city (zh-CN message
        naming the file).
    """
    scan = pl.scan_parquet(path)
    if "city" not in scan.collect_schema().names():
        raise AirServiceError(f"文件 {path} 缺少 city 列，无法按城市分组计算")
    city = scan.select("city").collect().to_series()  # as stored (Categorical: cheap)
    starts = city.ne_missing(city.shift(1)).fill_null(True)
    run_starts = np.flatnonzero(starts.to_numpy())
    named = city.gather(run_starts).cast(pl.String).drop_nulls()
    if named.n_unique() != named.len():
        raise AirServiceError(f"文件 {path} 的行未按城市分组（同一城市的行不连续），请先按城市排序")
    total = city.len()
    del city, starts
    bounds = np.append(run_starts, total)
    begin = 0
    while begin < total:
        # the first city boundary at or beyond begin + station_hours (at least one city)
        cut = int(np.searchsorted(bounds, begin + station_hours, side="left"))
        end = int(bounds[min(max(cut, 1), len(bounds) - 1)])
        if end <= begin:
            end = int(bounds[np.searchsorted(bounds, begin, side="right")])
        yield scan.slice(begin, end - begin).collect()
        begin = end


def network_period_chain(
    chunks: Iterable[pl.DataFrame],
    period: Period | str,
    *,
    cities: CityStations | None = None,
    rank_sites: Collection[str] | None = None,
    rules: AqiRuleSet | None = None,
    o3_8h_limit: float | None = 160.0,
    on_hourly_aqi: Callable[[pl.DataFrame], None] | None = None,
    workers: int | None = None,
) -> NetworkPeriod:
    """The network chain over groups of whole cities: for each group the hourly AQI of every
    station-hour (HJ 633; handed to ``on_hourly_aqi``, e.g. to write it, then freed) and the
    daily statistics and daily AQI of its stations and cities (``network_daily_parts``); then
    the HJ 663 period assessment of every site and the composite-index ranking.

    Parameters
    ----------
    chunks
        Wide hourly frames (see ``network_daily_statistics``), each holding whole cities (all
        stations of a city in one frame), e.g. ``read_city_chunks(path)``.
    period
        The assessed period (``Period`` or text such as ``2021``).
    cities
        Which stations make a city (``CityStations``); None = station rows only.
    rank_sites
        Sites (cities) ranked by ``rank_cities``; None = every site.
    rules
        AQI rule set; None = the HJ 633 edition in force on each day.
    o3_8h_limit
        O3 daily maximum 8-h limit of HJ 663-2013 §6 [µg/m³] (see ``daily_statistics``).
    on_hourly_aqi
        Called, in group order and on the calling thread, with each group's hourly AQI frame
        (``hourly_aqi_wide``); None = not computed.
    workers
        Groups processed at once (threads); None = min(2, CPUs). Memory grows with it.

    Returns
    -------
    NetworkPeriod
        Daily frame, period assessment, ranking and the number of station-hours.

    Raises
    ------
    AirServiceError
        A group lacks the ``city`` column while ``cities`` is given, a city's stations are
        split across groups, or ``period`` is not a period.
    """
    stations: list[pl.DataFrame] = []
    city_parts: list[pl.DataFrame] = []
    seen: set[str] = set()
    station_hours = 0

    def one(hourly: pl.DataFrame) -> _GroupResult:
        aqi = hourly_aqi_wide(hourly, rules=rules) if on_hourly_aqi is not None else None
        station_part, city_part = network_daily_parts(
            hourly, cities, rules=rules, o3_8h_limit=o3_8h_limit
        )
        return hourly.height, aqi, station_part, city_part

    def collect(done: _GroupResult) -> None:
        nonlocal station_hours, seen
        rows, aqi, station_part, city_part = done
        station_hours += rows
        if on_hourly_aqi is not None and aqi is not None:
            on_hourly_aqi(aqi)
        stations.append(station_part)
        if city_part is not None:
            names = set(city_part["site"].unique().to_list())
            if split := sorted(names & seen):
                raise AirServiceError(f"城市“{split[0]}”的站点分在不同的数据组中，无法计算城市均值")
            seen |= names
            city_parts.append(city_part)

    # Groups run on a small thread pool (NumPy and Polars release the GIL), at most ``workers``
    # in flight so that memory stays bounded; results are collected in group order.
    workers = max(1, workers or min(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[_GroupResult]] = deque()
        for hourly in chunks:
            pending.append(pool.submit(one, hourly))
            del hourly  # the worker holds the group's hours until it is done
            while len(pending) >= workers:
                collect(pending.popleft().result())
        while pending:
            collect(pending.popleft().result())
    frames = [pl.concat(stations, how="diagonal_relaxed").sort("site", "date", maintain_order=True)]
    if city_parts:
        frames.append(
            pl.concat(city_parts, how="diagonal_relaxed").sort("site", "date", maintain_order=True)
        )
    stations.clear()  # the concatenated copies replace the parts
    city_parts.clear()
    daily = pl.concat(frames, how="diagonal_relaxed")
    assessment = assess_period(daily, period)
    ranking = rank_cities(daily, period, sites=rank_sites)
    return NetworkPeriod(daily, assessment, ranking, station_hours)

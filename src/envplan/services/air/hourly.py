"""Air-quality use cases: hourly AQI, daily statistics, period assessment, city ranking, good-day
ratio, heavy-pollution warnings.

Input is the canonical long measurement table of ``envplan.monitoring.air_readers`` (``site``,
``site_kind``, ``city``, ``interval_end`` (hour-end label), ``pollutant``, ``averaging``, ``value``,
``unit``, ``data_version`` …). The ``*_wide`` functions take the wide hourly frame
(``site, interval_end, SO2 NO2 CO O3 PM10 PM2.5``) for callers that already have one. The
arithmetic lives in ``envplan.standards.air``; this module only shapes frames and picks the rule
sets in force, recording their codes in a ``rules`` / ``limits`` column.

Web dashboard, bulletin and CLI call these functions so that every view gives the same number.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

from envplan.services.air.cities import (
    DEFAULT_EXCLUDED_STATIONS,
    CityStations,
    _city_cube,
    _city_members,
    _members,
    city_hourly_wide,
)
from envplan.services.air.periods import (
    AirServiceError,
    Period,
    assess_period,
    good_day_ratio_ytd,
    parse_period,
    rank_cities,
    warning_for_forecast,
)
from envplan.standards.air.aqi import (
    JOINED_CODES,
    AqiResult,
    daily_aqi,
)
from envplan.standards.air.aqi import (
    hourly_aqi as _hourly_aqi,
)
from envplan.standards.air.rules import (
    AQI_LEVELS,
    AQI_RULE_SETS,
    PRIMARY_ORDER,
    AqiRuleSet,
    aqi_rules_by_day,
    select_aqi_rules,
    select_limits,
)
from envplan.standards.air.statistics import (
    HOURLY_POLLUTANTS,
    daily_statistics_from_cube,
    gbt8170_expr,
    hour_label_day,
    hourly_cube,
    mean_of_groups,
)
from envplan.standards.air.statistics import (
    daily_statistics as _daily_statistics,
)

#: Output columns of ``envplan air aqi`` (stable contract, issue 3).
HOURLY_AQI_COLUMNS = (
    "site",
    "time",
    "aqi",
    "complete",
    "published",
    "primary_pollutant",
    "iaqi_so2",
    "iaqi_no2",
    "iaqi_co",
    "iaqi_o3_1h",
    "iaqi_o3_8h",
    "iaqi_pm10",
    "iaqi_pm25",
    "level",
    "category",
)

_IAQI_COLUMN = {
    "SO2": "iaqi_so2",
    "NO2": "iaqi_no2",
    "CO": "iaqi_co",
    "O3_1h": "iaqi_o3_1h",
    "O3_8h": "iaqi_o3_8h",
    "PM10": "iaqi_pm10",
    "PM2.5": "iaqi_pm25",
}

_VERSION_PRIORITY = {"audited": 0, "realtime": 1, "third-party": 2}


# --------------------------------------------------------------------------- shaping


def _dedupe_versions(long: pl.DataFrame) -> pl.DataFrame:
    """One value per (site, hour, pollutant, averaging): audited beats real-time beats third-party."""
    if "data_version" not in long.columns:
        return long
    return (
        long.with_columns(
            pl.col("data_version").replace_strict(_VERSION_PRIORITY, default=9).alias("_prio")
        )
        .sort("_prio")
        .unique(["site", "interval_end", "pollutant", "averaging"], keep="first")
        .drop("_prio")
    )


def hourly_wide(measurements: pl.DataFrame) -> pl.DataFrame:
    """Wide hourly frame from the long table: one row per (site, interval_end) with the 1-h values
    ``SO2 NO2 CO O3 PM10 PM2.5`` [µg/m³; CO mg/m³], the 24-h SO2 moving mean ``SO2_24h`` (for the
    HJ 633-2012 SO2 > 800 rule) when the source has it, and ``site_kind``/``city`` when known."""
    long = _dedupe_versions(
        measurements.filter(
            (pl.col("averaging") == "1h")
            | ((pl.col("averaging") == "24h") & (pl.col("pollutant") == "SO2"))
        )
    ).with_columns(
        pl.when(pl.col("averaging") == "1h")
        .then(pl.col("pollutant"))
        .otherwise(pl.col("pollutant") + "_" + pl.col("averaging"))
        .alias("_column")
    )
    wide = long.pivot(
        on="_column", index=["site", "interval_end"], values="value", aggregate_function="first"
    )
    for column in (*HOURLY_POLLUTANTS, "SO2_24h"):
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
    attributes = [c for c in ("site_kind", "city", "site_name") if c in measurements.columns]
    if attributes:
        sites = measurements.select("site", *attributes).unique("site", keep="first")
        wide = wide.join(sites, on="site", how="left")
    return wide.select("site", "interval_end", *attributes, *HOURLY_POLLUTANTS, "SO2_24h").sort(
        "site", "interval_end"
    )


# --------------------------------------------------------------------------- hourly


#: Text columns are Enums (fixed vocabularies): cheap to build for millions of rows, and they
#: compare, print and export as text. Position 0 of the pollutant vocabulary is "no pollutant".
POLLUTANT_LIST = pl.Enum(list(JOINED_CODES))
#: Polars type of the AQI category column (优 … 严重污染, HJ 633 Table 2).
CATEGORY = pl.Enum([lv.category for lv in AQI_LEVELS])
_RULE_CODES = tuple(AQI_RULE_SETS)  # the dated rule sets of ``standards.air.rules``
#: Polars type of the ``rules`` column: the code of the HJ 633 edition that scored the row.
RULES = pl.Enum(list(_RULE_CODES))
_POLLUTANT_VALUES = pl.Series(list(JOINED_CODES), dtype=POLLUTANT_LIST)
_CATEGORY_VALUES = pl.Series(
    [AQI_LEVELS[0].category] + [lv.category for lv in AQI_LEVELS], dtype=CATEGORY
)
_RULE_VALUES = pl.Series(list(_RULE_CODES), dtype=RULES)

#: Rows per chunk of the hourly engine: arrays stay in cache and chunks run on all cores.
CHUNK_ROWS = 1 << 16


def _editions(
    days: pl.Series, rules: AqiRuleSet | None
) -> list[tuple[AqiRuleSet, np.ndarray | None]]:
    """``rules`` for every row (None = all rows) when given, else the HJ 633 edition of each row
    as the standards choose it from the row's natural day (``aqi_rules_by_day``)."""
    return [(rules, None)] if rules is not None else aqi_rules_by_day(days)


def _hour_editions(
    interval_end: pl.Series, rules: AqiRuleSet | None
) -> list[tuple[AqiRuleSet, np.ndarray | None]]:
    """``_editions`` for hour-end labels (a label of 2026-03-01 00:00 still closes 2026-02-28).
    The day of every label is computed only when the first and last day take different
    editions."""
    first, last = interval_end.min(), interval_end.max()
    if rules is not None or first is None or last is None:
        return _editions(pl.Series([], dtype=pl.Date), rules)
    bounds = pl.Series([first, last], dtype=interval_end.dtype)
    ends = _editions(pl.select(hour_label_day(pl.lit(bounds))).to_series(), None)
    if len(ends) == 1:
        return ends
    return _editions(pl.select(hour_label_day(pl.lit(interval_end))).to_series(), None)


def _columns(
    frame: pl.DataFrame, names: Collection[str], index: np.ndarray | None
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in names:
        values = frame[name].cast(pl.Float64).to_numpy()
        out[name] = values if index is None else values[index]
    return out


def _arrays(result: AqiResult) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {
        column: result.iaqi_codes[code] for code, column in _IAQI_COLUMN.items()
    }
    out |= {
        "aqi": result.aqi_code,
        "complete": result.complete,
        "published": result.published,
        "primary": result.primary_mask,
        "exceeding": result.exceeding_mask,
        "level": result.level,
        "rules": np.full(len(result.aqi_code), _RULE_CODES.index(result.rules.code), np.uint8),
    }
    return out


def _run_chunked(
    compute: Callable[[dict[str, np.ndarray]], AqiResult], inputs: dict[str, np.ndarray], n: int
) -> dict[str, np.ndarray]:
    """Apply ``compute`` to row chunks on a thread pool (NumPy releases the GIL), writing each
    chunk's results into preallocated output arrays."""
    if n <= CHUNK_ROWS:
        return _arrays(compute(inputs))
    first = _arrays(compute({k: v[:CHUNK_ROWS] for k, v in inputs.items()}))
    out = {key: np.empty(n, dtype=values.dtype) for key, values in first.items()}
    for key, values in first.items():
        out[key][:CHUNK_ROWS] = values

    def one(start: int) -> None:
        chunk = _arrays(compute({k: v[start : start + CHUNK_ROWS] for k, v in inputs.items()}))
        for key, values in chunk.items():
            out[key][start : start + CHUNK_ROWS] = values

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(one, range(CHUNK_ROWS, n, CHUNK_ROWS)))
    return out


def _merge(
    parts: list[tuple[dict[str, np.ndarray], np.ndarray | None]], n: int
) -> dict[str, np.ndarray]:
    """Result arrays of one or two editions merged back into row order."""
    if len(parts) == 1 and parts[0][1] is None:
        return parts[0][0]
    merged: dict[str, np.ndarray] = {}
    for arrays, index in parts:
        for key, values in arrays.items():
            merged.setdefault(key, np.zeros(n, dtype=values.dtype))[index] = values
    return merged


def _result_frame(store: dict[str, np.ndarray]) -> pl.DataFrame:
    """Polars columns from the integer result arrays (no per-row Python objects): sub-indices
    and AQI as Int16 (null when missing), level Int8, text columns as Enums."""
    raw = pl.DataFrame(
        {
            key: store[key]
            for key in ("aqi", *_IAQI_COLUMN.values(), "complete", "published", "level")
        }
        | {
            "primary": store["primary"].astype(np.uint32),
            "exceeding": store["exceeding"].astype(np.uint32),
            "rules_index": store["rules"].astype(np.uint32),
        }
    )
    as_int = [
        pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c) for c in ("aqi", *_IAQI_COLUMN.values())
    ]
    return raw.select(
        as_int[0],
        "complete",
        "published",
        pl.when(pl.col("primary") > 0)
        .then(_POLLUTANT_VALUES.gather(raw["primary"]))
        .alias("primary_pollutant"),
        pl.when(pl.col("exceeding") > 0)
        .then(_POLLUTANT_VALUES.gather(raw["exceeding"]))
        .alias("exceeding_pollutants"),
        *as_int[1:],
        pl.when(pl.col("level") > 0).then(pl.col("level")).alias("level"),
        pl.when(pl.col("level") > 0)
        .then(_CATEGORY_VALUES.gather(raw["level"].cast(pl.UInt32)))
        .alias("category"),
        _RULE_VALUES.gather(raw["rules_index"]).alias("rules"),
    )


_HOURLY_INPUTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5", "SO2_24h")


def hourly_aqi_arrays(
    hourly: pl.DataFrame, *, rules: AqiRuleSet | None = None
) -> dict[str, np.ndarray]:
    """The hourly AQI engine on a wide hourly frame, as NumPy arrays in row order (``aqi``,
    ``iaqi_*`` int16 with -1 = missing; ``primary``/``exceeding`` bit masks over
    ``PRIMARY_ORDER``; ``level``; ``complete``; ``published``; ``rules`` 0 = 2012, 1 = 2026).
    Runs in row chunks on all cores."""
    names = [
        c
        for c in _HOURLY_INPUTS
        if c in hourly.columns and not (c == "SO2_24h" and hourly[c].null_count() == hourly.height)
    ]
    parts: list[tuple[dict[str, np.ndarray], np.ndarray | None]] = []
    for edition, index in _hour_editions(hourly["interval_end"], rules):
        inputs = _columns(hourly, names, index)

        def compute(chunk: dict[str, np.ndarray], edition: AqiRuleSet = edition) -> AqiResult:
            return _hourly_aqi(
                so2=chunk["SO2"],
                no2=chunk["NO2"],
                co=chunk["CO"],
                o3=chunk["O3"],
                pm10=chunk["PM10"],
                pm25=chunk["PM2.5"],
                rules=edition,
                so2_24h=chunk.get("SO2_24h"),
            )

        n = hourly.height if index is None else len(index)
        parts.append((_run_chunked(compute, inputs, n), index))
    return _merge(parts, hourly.height)


def hourly_aqi_wide(hourly: pl.DataFrame, *, rules: AqiRuleSet | None = None) -> pl.DataFrame:
    """Hourly (real-time) AQI for every row of a wide hourly frame (``site``, ``interval_end``, the
    six 1-h values, optional ``SO2_24h``); see ``hourly_aqi``. No ``time`` text column
    (``hourly_aqi`` adds it)."""
    results = _result_frame(hourly_aqi_arrays(hourly, rules=rules))
    return pl.concat([hourly.select("site", "interval_end"), results], how="horizontal")


def hourly_aqi(
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    published: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Hourly AQI per (site, hour) from the long measurement table.

    Rule set: ``rules`` if given, else the HJ 633 edition in force on each hour's day (column
    ``rules``). Columns: ``HOURLY_AQI_COLUMNS`` plus ``interval_end``, ``exceeding_pollutants``,
    ``rules`` and, when ``published`` (the reader's ``.published`` table) is given,
    ``official_aqi`` / ``official_primary`` for comparison. Time = CNEMC hour-end label.
    """
    return with_official(hourly_aqi_wide(hourly_wide(measurements), rules=rules), published)


def with_official(result: pl.DataFrame, published: pl.DataFrame | None) -> pl.DataFrame:
    """The hourly AQI result with its ``time`` text column and, when ``published`` is given,
    the file's own ``official_aqi`` / ``official_primary`` for comparison (shared by the
    embedded and the Spark engine)."""
    result = result.with_columns(pl.col("interval_end").dt.strftime("%Y-%m-%d %H:00").alias("time"))
    if published is not None and published.height:
        official = published.select(
            "site",
            "interval_end",
            pl.col("aqi").cast(pl.Int64).alias("official_aqi"),
            pl.col("primary_pollutant").alias("official_primary"),
        ).unique(["site", "interval_end"], keep="first")
        result = result.join(official, on=["site", "interval_end"], how="left")
    return result


# --------------------------------------------------------------------------- daily


def daily_aqi_frame(
    daily: pl.DataFrame, *, rules: AqiRuleSet | None = None, require_o3_1h_max: bool = True
) -> pl.DataFrame:
    """Adds the daily AQI columns to a daily-statistics frame (``aqi``, ``complete``,
    ``published``, ``primary_pollutant``, ``exceeding_pollutants``, ``iaqi_*``, ``level``,
    ``category``, ``rules``): HJ 633-2012 §5.1.2 (7 indicators) or HJ 633-2026 §4.2.2 (6) by day."""
    names = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max", "O3_1h_max")
    parts: list[tuple[dict[str, np.ndarray], np.ndarray | None]] = []
    for edition, index in _editions(daily["date"], rules):
        values = _columns(daily, names, index)
        result = daily_aqi(
            so2=values["SO2"],
            no2=values["NO2"],
            co=values["CO"],
            pm10=values["PM10"],
            pm25=values["PM2.5"],
            o3_8h_max=values["O3_8h_max"],
            o3_1h_max=values["O3_1h_max"],
            rules=edition,
            require_o3_1h_max=require_o3_1h_max,
        )
        parts.append((_arrays(result), index))
    return pl.concat([daily, _result_frame(_merge(parts, daily.height))], how="horizontal")


def daily_statistics_wide(
    hourly: pl.DataFrame, *, rules: AqiRuleSet | None = None, o3_8h_limit: float | None = None
) -> pl.DataFrame:
    """Daily statistics with their validity and the daily AQI, per site and natural day, from a
    wide hourly frame (see ``daily_statistics``)."""
    stats = _daily_statistics(
        hourly.select("site", "interval_end", *HOURLY_POLLUTANTS), o3_8h_limit=o3_8h_limit
    )
    return daily_aqi_frame(stats, rules=rules)


def daily_statistics(
    measurements: pl.DataFrame,
    *,
    rules: AqiRuleSet | None = None,
    cities: CityStations | None = None,
    o3_8h_limit: float | None = 160.0,
) -> pl.DataFrame:
    """Daily statistics per site and natural day: 24-h means (≥ 20 h), O3 daily max 8-h (windows
    ending 08:00–24:00, ≥ 14 valid; kept when fewer but above ``o3_8h_limit``), O3 daily max 1-h,
    data-capture counts, then the daily AQI, primary pollutant, level (see ``daily_aqi_frame``).

    ``cities``: also compute city rows from the stations (``CityStations``; order hourly/daily).
    Values [µg/m³; CO mg/m³] rounded by GB/T 8170.
    """
    if measurements.filter(pl.col("averaging") == "1h").is_empty():
        return daily_from_means(measurements, rules=rules)
    return network_daily_statistics(
        hourly_wide(measurements), cities, rules=rules, o3_8h_limit=o3_8h_limit
    )


def network_daily_statistics(
    hourly: pl.DataFrame,
    cities: CityStations | None = None,
    *,
    rules: AqiRuleSet | None = None,
    o3_8h_limit: float | None = 160.0,
) -> pl.DataFrame:
    """Daily statistics and daily AQI of every site of a wide hourly frame and, with ``cities``,
    of every city from its stations — the station grid is built once (national-scale use).

    Parameters
    ----------
    hourly
        Wide hourly frame (``site``, ``interval_end``, ``SO2 NO2 CO O3 PM10 PM2.5`` [µg/m³; CO
        mg/m³]; ``city``/``site_kind`` for ``cities``).
    cities
        Which stations make a city; None = station rows only.
    rules, o3_8h_limit
        AQI rule set (None = edition in force by day); O3 8-h limit [µg/m³] of HJ 663-2013 §6.

    Returns
    -------
    pl.DataFrame
        Station rows (by site, date) then city rows (by city, date); see ``daily_statistics``.

    Raises
    ------
    AirServiceError
        ``cities`` given but the frame has no ``city`` column.
    """
    parts = network_daily_parts(hourly, cities, rules=rules, o3_8h_limit=o3_8h_limit)
    return pl.concat([p for p in parts if p is not None], how="diagonal_relaxed")


def network_daily_parts(
    hourly: pl.DataFrame,
    cities: CityStations | None = None,
    *,
    rules: AqiRuleSet | None = None,
    o3_8h_limit: float | None = 160.0,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The station rows and the city rows (None without ``cities`` or city) of
    ``network_daily_statistics`` (same parameters and Raises); the hourly grids are freed
    before returning.

    Returns
    -------
    tuple[pl.DataFrame, pl.DataFrame | None]
        Station daily frame (by site, date), city daily frame (by city, date).
    """
    cube = hourly_cube(hourly.select("site", "interval_end", *HOURLY_POLLUTANTS))
    stations = daily_aqi_frame(
        daily_statistics_from_cube(cube, o3_8h_limit=o3_8h_limit), rules=rules
    )
    if cities is None:
        return stations, None
    members = _members(hourly, cities)
    if not members:
        return stations, None  # no station carries a city: nothing to average
    if cities.order == "hourly":
        city_cube = mean_of_groups(cube, members)
        del cube  # free the station grid before the city statistics
        city_stats = daily_statistics_from_cube(city_cube, o3_8h_limit=o3_8h_limit)
        return stations, daily_aqi_frame(city_stats, rules=rules)
    del cube
    return stations, city_daily_statistics(hourly, cities, rules=rules, o3_8h_limit=o3_8h_limit)


def daily_from_means(
    measurements: pl.DataFrame, *, rules: AqiRuleSet | None = None
) -> pl.DataFrame:
    """Daily frame from sources that publish daily values only (e.g. ``aqistudy-daily``): the
    natural-day 24-h means and the O3 daily maximum 8-h mean, rounded by GB/T 8170, then the daily
    AQI. Such sources carry no O3 daily maximum 1-h value, so a 2012 day is complete without it."""
    is_day = (pl.col("interval_end") - pl.col("interval_start")) == pl.duration(days=1)
    long = _dedupe_versions(
        measurements.filter(
            ((pl.col("averaging") == "24h") & is_day)
            # only O3 has a daily max 8-h value; a template's empty cells of the other
            # pollutants on that row must not shadow the O3 value in the pivot
            | ((pl.col("averaging") == "8h_max_day") & (pl.col("pollutant") == "O3"))
        )
    ).with_columns(
        (pl.col("interval_end") - pl.duration(hours=1)).dt.date().alias("date"),
        pl.when(pl.col("averaging") == "8h_max_day")
        .then(pl.lit("O3_8h_max"))
        .otherwise(pl.col("pollutant"))
        .alias("_column"),
    )
    wide = long.pivot(
        on="_column", index=["site", "date"], values="value", aggregate_function="first"
    )
    values = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max", "O3_1h_max")
    for column in values:
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
    daily = wide.select(
        "site",
        "date",
        *[gbt8170_expr(pl.col(v).cast(pl.Float64), 1 if v == "CO" else 0).alias(v) for v in values],
    ).sort("site", "date")
    has_o3_1h = daily["O3_1h_max"].null_count() < daily.height
    return daily_aqi_frame(daily, rules=rules, require_o3_1h_max=has_o3_1h)


def city_daily_statistics(
    hourly: pl.DataFrame,
    cities: CityStations,
    *,
    rules: AqiRuleSet | None = None,
    o3_8h_limit: float | None = 160.0,
) -> pl.DataFrame:
    """City daily statistics from station hours, in the averaging order ``cities.order``."""
    if cities.order == "hourly":
        stats = daily_statistics_from_cube(_city_cube(hourly, cities), o3_8h_limit=o3_8h_limit)
        return daily_aqi_frame(stats, rules=rules)
    station_daily = _daily_statistics(
        _city_members(hourly, cities).select("site", "interval_end", *HOURLY_POLLUTANTS),
        o3_8h_limit=o3_8h_limit,
    )
    city_of = _city_members(hourly, cities).select("site", "city").unique()
    values = ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h_max", "O3_1h_max")

    city_daily = (
        station_daily.join(city_of, on="site")
        .group_by("city", "date")
        .agg([gbt8170_expr(pl.col(v).mean(), 1 if v == "CO" else 0).alias(v) for v in values])
        .rename({"city": "site"})
        .sort("site", "date")
    )
    return daily_aqi_frame(city_daily, rules=rules)


__all__ = [
    "DEFAULT_EXCLUDED_STATIONS",
    "HOURLY_AQI_COLUMNS",
    "PRIMARY_ORDER",
    "AirServiceError",
    "CityStations",
    "Period",
    "assess_period",
    "city_daily_statistics",
    "city_hourly_wide",
    "daily_aqi_frame",
    "daily_from_means",
    "daily_statistics",
    "daily_statistics_wide",
    "good_day_ratio_ytd",
    "hourly_aqi",
    "hourly_aqi_arrays",
    "hourly_aqi_wide",
    "hourly_wide",
    "network_daily_statistics",
    "parse_period",
    "rank_cities",
    "select_aqi_rules",
    "select_limits",
    "warning_for_forecast",
]

"""A city's monthly air figures: the one function the bulletin, the pages, the API and the CLI
ask for a month's good days, heavy days, concentrations and composite index.

``month_figures`` runs ``services.air.assess_period`` (HJ 663 statistics, GB 3095 level 2 of the
edition in force, HJ 633 daily AQI of the edition in force on each day) on the daily frame of
``services.air_daily_frame.city_daily_frame``; ``store_daily_frame`` builds that frame from the monitoring
store. Every caller therefore gives the same number for the same month and data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from envplan.monitoring.timeseries import air_site_counts, query_air
from envplan.services.air import hourly as air
from envplan.services.air.daily_frame import city_daily_frame
from envplan.services.air.materialised import derived_result
from envplan.services.month import Month

#: zh-CN provenance labels of the data versions (shown beside every figure).
DATA_VERSION_LABELS = {
    "audited": "官方审核数据",
    "realtime": "官方实时发布数据",
    "third-party": "第三方处理数据",
}

#: Fields of one month's figures (the public disclosure contract and the dashboard's table).
MONTH_FIELDS = (
    "month",
    "valid_days",
    "good_days",
    "good_day_ratio",
    "heavy_days",
    "pm25",
    "pm10",
    "so2",
    "no2",
    "co_p95",
    "o3_8h_p90",
    "composite_index",
    "label",
)

_COLUMNS = {
    "valid_days": "valid_days",
    "good_days": "good_days",
    "good_day_ratio": "good_day_ratio",
    "heavy_days": "heavy_days",
    "pm25": "PM2.5_mean",
    "pm10": "PM10_mean",
    "so2": "SO2_mean",
    "no2": "NO2_mean",
    "co_p95": "CO_P95",
    "o3_8h_p90": "O3_8h_P90",
    "composite_index": "composite_index",
}


#: Stored measurement rows (one pollutant value each) read at a time when the daily frame is
#: built from the store: whole cities up to this many rows (≈ 0.3 M station-hours of a station
#: feed, ≈ 0.5 GB), so that memory stays bounded whatever the store holds.
STORE_CHUNK_ROWS = 4_000_000


def store_daily_frame(timeseries_dir: Path, *, chunk_rows: int = STORE_CHUNK_ROWS) -> pl.DataFrame:
    """The daily frame of everything imported into the store (every data version), with the
    city rows formed from stations (``services.air_daily_frame.city_daily_frame``).

    Computed once per state of the store and code (``services.air.materialised``): the platform's
    start, its pages and ``envplan report monthly`` read the same frame back. It is computed in
    groups of whole cities of about ``chunk_rows`` stored rows (:func:`city_groups_of_store`;
    the whole store is one read when it fits): every daily value depends only on its own site,
    and a city's formed value only on its stations, so the groups give the frame of the whole
    store, row for row.
    """
    if not (timeseries_dir / "air").is_dir():
        return pl.DataFrame()
    frame, _ = derived_result(
        timeseries_dir, "air-daily", lambda: (_daily_by_city_groups(timeseries_dir, chunk_rows), {})
    )
    assert frame is not None
    return frame


def city_groups_of_store(timeseries_dir: Path, chunk_rows: int) -> list[list[str]]:
    """The store's sites in groups of whole cities (a site belongs to its city, or is its own
    group without one), in city order: a group holds the cities whose rows start within the same
    ``chunk_rows`` of the running total, so about ``chunk_rows`` rows (at most that plus its last
    city's)."""
    counts = air_site_counts(timeseries_dir)
    if counts.is_empty():
        return []
    # A site is grouped with its city (a city row's site is the city itself; a station without a
    # city is its own); a site stored under two cities joins them into one group: the label of
    # a (site, city) pair is the smallest city name reachable through shared sites.
    pairs = counts.select(
        "site", pl.col("city").fill_null(pl.col("site")).alias("city"), "rows"
    ).with_columns(pl.col("city").alias("label"))
    while True:
        spread = pairs.with_columns(pl.col("label").min().over("site")).with_columns(
            pl.col("label").min().over("city")
        )
        if spread["label"].equals(pairs["label"]):
            break
        pairs = spread
    keyed = pairs.group_by("site", maintain_order=True).agg(
        pl.col("label").first().alias("key"), pl.col("rows").sum()
    )
    cities = (
        keyed.group_by("key")
        .agg(pl.col("site").sort(), pl.col("rows").sum())
        .sort("key")
        .with_columns((pl.col("rows").cum_sum() - pl.col("rows")).alias("before"))
    )
    # Greedy packing in city order: a new group starts where the running total crosses a
    # multiple of chunk_rows (vectorised: the group number of each city).
    cities = cities.with_columns((pl.col("before") // max(chunk_rows, 1)).alias("group"))
    grouped = cities.explode("site").group_by("group", maintain_order=True).agg("site")
    return [list(sites) for sites in grouped["site"].to_list()]


def _daily_by_city_groups(timeseries_dir: Path, chunk_rows: int) -> pl.DataFrame:
    groups = city_groups_of_store(timeseries_dir, chunk_rows)
    if len(groups) <= 1:  # the whole store at once: no site list to filter by
        return city_daily_frame(query_air(timeseries_dir))
    frames = [city_daily_frame(query_air(timeseries_dir, sites=sites)) for sites in groups]
    frames = [f for f in frames if not f.is_empty()]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed").sort("site", "date")


def data_label(daily: pl.DataFrame, site: str, month: Month) -> str:
    """Provenance label of a site's days in ``month`` (e.g. 官方实时发布数据)."""
    if "data_version" not in daily.columns:
        return ""
    versions = (
        daily.filter((pl.col("site") == site) & pl.col("date").is_between(month.first, month.last))[
            "data_version"
        ]
        .drop_nulls()
        .unique()
        .sort()
        .to_list()
    )
    return "、".join(DATA_VERSION_LABELS.get(v, v) for v in versions)


def city_months(daily: pl.DataFrame, site: str) -> list[Month]:
    """The months in which ``site`` has at least one day, oldest first."""
    if daily.is_empty():
        return []
    firsts = (
        daily.filter(pl.col("site") == site)
        .select(pl.col("date").dt.truncate("1mo").unique().sort())
        .to_series()
        .to_list()
    )
    return [Month.parse(first) for first in firsts]


def month_figures(daily: pl.DataFrame, site: str, month: Month) -> dict[str, Any] | None:
    """The month's figures of ``site`` (``MONTH_FIELDS``; ratio [%], µg/m³, CO mg/m³), ``None``
    when the site has no day in the month."""
    if (
        daily.is_empty()
        or daily.filter(
            (pl.col("site") == site) & pl.col("date").is_between(month.first, month.last)
        ).is_empty()
    ):
        return None
    period = air.Period(str(month), month.first, month.last)
    row = air.assess_period(daily, period, site=site).row(0, named=True)
    figures: dict[str, Any] = {"month": str(month)}
    figures |= {key: row.get(column) for key, column in _COLUMNS.items()}
    figures["label"] = data_label(daily, site, month)
    return figures


def latest_months(daily: pl.DataFrame, site: str, count: int = 6) -> list[dict[str, Any]]:
    """The figures of the ``count`` latest months of ``site`` (newest last)."""
    rows = [month_figures(daily, site, m) for m in city_months(daily, site)[-count:]]
    return [r for r in rows if r is not None]


def _assessed(daily: pl.DataFrame, site: str, period: air.Period, level: int) -> dict[str, Any]:
    frame = daily.filter(
        (pl.col("site") == site) & pl.col("date").is_between(period.start, period.end)
    )
    if frame.is_empty():
        return {}
    return air.assess_period(daily, period, site=site, level=level).row(0, named=True)


def city_report(daily: pl.DataFrame, site: str, month: Month) -> dict[str, Any]:
    """A city's figures as the bulletin reports them, for any city of the daily frame (a city
    formed from its stations, or a city row): the month, January to the month, and the same two
    periods of last year — valid and good days, good-day ratio [%], heavy days, the six
    statistics [µg/m³; CO mg/m³], composite index — plus NO2 (level 2) and SO2 (level 1)
    compliance on the year-to-date means."""
    if daily.is_empty() or daily.filter(pl.col("site") == site).is_empty():
        raise air.AirServiceError(f"数据中没有站点或城市“{site}”")
    period = air.Period(str(month), month.first, month.last)
    spans = {
        "month": period,
        "ytd": period.year_to_date(),
        "month_last_year": period.same_period_last_year(),
        "ytd_last_year": period.year_to_date().same_period_last_year(),
    }
    keys = (*_COLUMNS.values(), "valid_PM2.5", "limits")
    report: dict[str, Any] = {"site": site, "month": str(month)}
    for name, span in spans.items():
        row = _assessed(daily, site, span, 2)
        report[name] = {key: row.get(key) for key in keys} if row else None
    ytd_l2 = _assessed(daily, site, spans["ytd"], 2)
    ytd_l1 = _assessed(daily, site, spans["ytd"], 1)
    report["no2_level2_ok"] = ytd_l2.get("NO2_ok") if ytd_l2 else None
    report["so2_level1_ok"] = ytd_l1.get("SO2_ok") if ytd_l1 else None
    report["label"] = data_label(daily, site, month)
    return report

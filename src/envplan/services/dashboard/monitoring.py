"""Monitoring view models of the dashboard: the bundled real data imported into the Parquet store,
and what the air, water and soil engines compute from the store.

Every number here comes from an engine function (``envplan.services.air.hourly`` …) applied to the data
in the store; this module only selects, reshapes and labels. Each view carries its provenance
label: 官方发布数据 (MEE / CNEMC real-time tables), 第三方处理数据 (真气网/aqistudy daily means), 示例.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from envplan.monitoring import timeseries
from envplan.services import air
from envplan.standards.air.rules import AQI_LEVELS, select_limits

if TYPE_CHECKING:
    from envplan.services.dashboard.platform import Platform

#: Callback told each step's zh-CN description and when it began (``time.monotonic()`` [s]).
Step = Callable[[str, float], None]

#: The city the dashboards show.
CITY = "晋城市"
#: Tag of officially published data.
OFFICIAL = "官方发布数据"
#: Tag of third-party processed data.
THIRD_PARTY = "第三方处理数据"
#: Source note of the bundled 2015–2016 Shanxi daily means (third-party data).
SOURCE_AQISTUDY = (
    "真气网（aqistudy）城市日均浓度，经 GitHub ShuyaoHong/aqistudy 整理；"
    "日 AQI 由本平台按 HJ 633-2012 根据日均浓度重算（该网站自身的 AQI 不采用）"
)
#: Source note of the bundled 2019-02 national city-hour data.
SOURCE_MEE = "生态环境部数据中心城市实时数据（2019-02-04 至 02-12，367 个城市，逐时）"
#: Source note of the bundled CNEMC station data.
SOURCE_CNEMC = "中国环境监测总站全国城市空气质量实时发布平台（站点实时数据，HeQinWill/CNEMC 存档）"


def level_table() -> list[dict[str, Any]]:
    """AQI levels with the official names and colours (HJ 633-2012 Table 2, Appendix A)."""
    return [
        {
            "level": lv.level,
            "category": lv.category,
            "colour_name": lv.colour_name,
            "hex": lv.hex,
            "aqi_low": lv.aqi_low,
            "aqi_high": lv.aqi_high,
        }
        for lv in AQI_LEVELS
    ]


def good_days_needed(
    *,
    good_days: int,
    valid_days: int,
    remaining_days: int,
    target_good: int,
    target_valid: int,
    strictly_above: bool,
) -> int | None:
    """Good days still needed in the rest of the year for the year's ratio to reach the target.

    The target ratio is ``target_good / target_valid`` (exact fraction: last year's good and valid
    days when the plan says "优良天数比例进一步提升", i.e. strictly above last year). Assumes every
    remaining day yields a valid daily AQI, so the final ratio is
    (good_days + g) / (valid_days + remaining_days). Returns the smallest g ≥ 0, or None when even
    g = remaining_days cannot reach the target (the target is out of reach). [days]
    """
    if target_valid <= 0:
        return None
    ratio = Fraction(target_good, target_valid)
    total = valid_days + remaining_days
    needed_total = ratio * total
    if strictly_above:
        g = math.floor(needed_total) + 1 - good_days
    else:
        g = math.ceil(needed_total) - good_days
    g = max(g, 0)
    return g if g <= remaining_days else None


# ---------------------------------------------------------------------- air: year views


def air_year_view(platform: Platform, year: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """Jincheng's year of daily AQI (third-party daily means) with the plan's targets.

    as_of: evaluation date inside the year (default the last day with data): good-day ratio to
    date against last year's ratio ("进一步提升"), good days still needed, heavy days, ranking of
    the cities present over the year to date, annual statistics against GB 3095.
    """
    daily: pl.DataFrame = platform.views.get("air_daily", pl.DataFrame())
    if daily.is_empty():
        raise LookupError("没有日均监测数据")
    mine = daily.filter((pl.col("site") == CITY) & (pl.col("date").dt.year() == year))
    if mine.is_empty():
        raise LookupError(f"没有 {CITY} {year} 年的日均数据")
    last_day = mine["date"].max()
    assert isinstance(last_day, dt.date)
    as_of = min(as_of or last_day, last_day)
    if as_of.year != year:
        raise LookupError(f"评估日期 {as_of} 不在 {year} 年内")
    key = ("air_year", year, as_of)
    return platform.cached(key, lambda: _air_year(platform, daily, year, as_of), ("air",))  # type: ignore[no-any-return]


def _air_year(platform: Platform, daily: pl.DataFrame, year: int, as_of: dt.date) -> dict[str, Any]:
    year_start = dt.date(year, 1, 1)
    year_end = dt.date(year, 12, 31)
    mine = daily.filter((pl.col("site") == CITY) & pl.col("date").is_between(year_start, year_end))
    days = [
        {
            "date": row["date"],
            "aqi": row["aqi"] if row["complete"] else None,
            "level": row["level"] if row["complete"] else None,
            "category": row["category"] if row["complete"] else None,
            "primary_pollutant": row["primary_pollutant"] or None,
            "pm25": row["PM2.5"],
            "pm10": row["PM10"],
            "so2": row["SO2"],
            "no2": row["NO2"],
            "co": row["CO"],
            "o3_8h": row["O3_8h_max"],
        }
        for row in mine.iter_rows(named=True)
    ]

    ytd = air.good_day_ratio_ytd(daily, as_of, site=CITY)
    row = ytd.row(0, named=True) if ytd.height else {}
    last_year = air.good_day_ratio_ytd(daily, dt.date(year - 1, 12, 31), site=CITY)
    last_row = last_year.row(0, named=True) if last_year.height else {}
    days_in_year = (year_end - year_start).days + 1
    remaining = (year_end - as_of).days
    target_good = last_row.get("good_days")
    target_valid = last_row.get("valid_days")
    needed = None
    if target_good is not None and target_valid:
        needed = good_days_needed(
            good_days=row.get("good_days") or 0,
            valid_days=row.get("valid_days") or 0,
            remaining_days=remaining,
            target_good=target_good,
            target_valid=target_valid,
            strictly_above=True,
        )
    good = {
        "year": year,
        "as_of": as_of,
        "valid_days": row.get("valid_days") or 0,
        "good_days": row.get("good_days") or 0,
        "ratio": row.get("good_day_ratio"),
        "target_ratio": last_row.get("good_day_ratio"),
        "target_text": f"优良天数比例较上年（{year - 1} 年全年）进一步提升",
        "days_in_year": days_in_year,
        "remaining_days": remaining,
        "good_days_needed": needed,
        "achievable": needed is not None if target_valid else None,
        "heavy_days": row.get("heavy_days") or 0,
        "heavy_days_last_year_same_span": row.get("heavy_days_last_year"),
        "heavy_days_last_year": last_row.get("heavy_days"),
    }

    period = air.Period(f"{year}年1月1日至{as_of.month}月{as_of.day}日", year_start, as_of)
    ranking = air.rank_cities(daily, period)
    ranking_rows = [
        {
            "rank": r["rank"],
            "city": r["site"],
            "composite_index": r["composite_index"],
            "change_rate": r["change_rate"],
            "max_index_pollutants": r["max_index_pollutants"],
            "pm25": r["PM2.5_mean"],
        }
        for r in ranking.iter_rows(named=True)
    ]
    assessed = air.assess_period(daily, period, site=CITY)
    annual = assessed.row(0, named=True) if assessed.height else {}
    limits = select_limits(year_start)

    monthly = (
        daily.filter(pl.col("site") == CITY)
        .filter(
            pl.col("date").is_between(year_start, as_of)
            | pl.col("date").is_between(dt.date(year - 1, 1, 1), _same_day(as_of, year - 1))
        )
        .filter(pl.col("complete"))
        .group_by(pl.col("date").dt.year().alias("y"), pl.col("date").dt.month().alias("m"))
        .agg((pl.col("aqi") > 200).sum().alias("heavy"))
    )
    heavy_by_month = []
    for month in range(1, as_of.month + 1):
        this = monthly.filter((pl.col("y") == year) & (pl.col("m") == month))["heavy"]
        prev = monthly.filter((pl.col("y") == year - 1) & (pl.col("m") == month))["heavy"]
        heavy_by_month.append(
            {
                "month": f"{month}月",
                "heavy_days": int(this[0]) if this.len() else 0,
                "heavy_days_last_year": int(prev[0]) if prev.len() else 0,
            }
        )

    targets = air_targets(platform, limits, annual)
    last_day = mine["date"].max()
    month_ends = [
        d
        for d in (dt.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13))
        if isinstance(last_day, dt.date) and d <= last_day
    ]
    if as_of not in month_ends:
        month_ends.append(as_of)
        month_ends.sort()
    mine_rank = next((r for r in ranking_rows if r["city"] == CITY), None)
    return {
        "city": CITY,
        "year": year,
        "as_of": as_of,
        "label": THIRD_PARTY,
        "source": SOURCE_AQISTUDY,
        "caveat": "该数据不含 O3 日最大 1 小时值：日 AQI 按其余 6 项分指数计算（浓度先按 GB/T 8170 修约）。",
        "levels": level_table(),
        "month_ends": month_ends,
        "days": days,
        "good_days": good,
        "heavy_by_month": heavy_by_month,
        "ranking": ranking_rows,
        "ranking_period": period.label,
        "rank": mine_rank,
        "cities_ranked": sum(1 for r in ranking_rows if r["rank"] is not None),
        "annual": {k: v for k, v in annual.items() if not isinstance(v, dt.date)},
        "limits": limits.title,
        "targets": targets,
        "reference_lines": {
            "aqi": [
                {"name": "良（AQI 100）", "value": 100},
                {"name": "重度污染（AQI 200）", "value": 200},
            ],
            "concentrations": [
                {
                    "name": "NO2 目标：年均二级",
                    "value": limits.limit("NO2", "annual", 2),
                    "series": "no2",
                },
                {
                    "name": "SO2 目标：年均一级",
                    "value": limits.limit("SO2", "annual", 1),
                    "series": "so2",
                },
                {
                    "name": "PM2.5 年均二级限值",
                    "value": limits.limit("PM2.5", "annual", 2),
                    "series": "pm25",
                },
            ],
        },
    }


def _same_day(day: dt.date, year: int) -> dt.date:
    return dt.date(year, 2, 28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def air_targets(platform: Platform, limits: Any, annual: dict[str, Any]) -> list[dict[str, Any]]:
    """The air plan's targets with the year-to-date value beside each, where data can say."""
    rows: list[dict[str, Any]] = []
    stat_of = {"NO2": "NO2_mean", "SO2": "SO2_mean", "PM2.5": "PM2.5_mean", "PM10": "PM10_mean"}
    for target in platform.plan.subplan("air").targets:
        row: dict[str, Any] = {"id": target.id, "text": target.text, "indicator": target.indicator}
        indicator = (target.indicator or "").upper()
        pollutant = next((p for p in stat_of if p in indicator.replace("₂", "2")), None)
        if target.comparator == "meets_standard" and pollutant and target.value:
            limit = limits.limit(pollutant, "annual", int(target.value))
            value = annual.get(stat_of[pollutant])
            row.update(
                {
                    "limit": limit,
                    "value": value,
                    "unit": "µg/m³",
                    "met": None if value is None or limit is None else value <= limit,
                }
            )
        rows.append(row)
    return rows


# ---------------------------------------------------------------------- air: official hours


def official_hourly_view(root: Path) -> dict[str, Any]:
    """Hourly AQI of the MEE city table and the CNEMC station samples, beside the published AQI."""
    measurements = timeseries.query_air(root, formats=["mee-city"])
    published = timeseries.query_published(root, formats=["mee-city"])
    view: dict[str, Any] = {"label": OFFICIAL, "source": SOURCE_MEE}
    if measurements.is_empty():
        view.update({"hours": [], "match": None, "ranking": [], "stations": []})
        return view
    hourly = air.hourly_aqi(measurements, published=published)
    comparable = hourly.filter(pl.col("complete") & pl.col("official_aqi").is_not_null())
    equal = comparable.filter(pl.col("aqi") == pl.col("official_aqi")).height
    view["match"] = {
        "city_hours": comparable.height,
        "equal": equal,
        "percent": round(100.0 * equal / comparable.height, 2) if comparable.height else None,
        "cities": hourly["site"].n_unique(),
    }
    mine = hourly.filter(pl.col("site") == CITY).sort("interval_end")
    view["hours"] = [
        {
            "time": r["time"],
            "aqi": r["aqi"],
            "published_aqi": r["official_aqi"],
            "primary_pollutant": r["primary_pollutant"] or None,
            "category": r["category"],
        }
        for r in mine.iter_rows(named=True)
    ]
    daily = air.daily_statistics(measurements)
    first = daily["date"].min()
    last = daily["date"].max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    period = air.Period(f"{first}至{last}", first, last)
    ranking = air.rank_cities(daily, period)
    view["period"] = period.label
    view["ranking_total"] = ranking.filter(pl.col("rank").is_not_null()).height
    view["ranking"] = [
        {
            "rank": r["rank"],
            "city": r["site"],
            "composite_index": r["composite_index"],
            "max_index_pollutants": r["max_index_pollutants"],
        }
        for r in ranking.iter_rows(named=True)
    ]
    view["rank"] = next((r for r in view["ranking"] if r["city"] == CITY), None)
    view["stations"] = station_samples(root)
    return view


#: Station hours shown beside the published AQI: the latest day of the city's stations.
STATION_SAMPLE_HOURS = 24


def station_samples(root: Path) -> list[dict[str, Any]]:
    """The CNEMC live Jincheng station hours of the latest day in the store (at most
    ``STATION_SAMPLE_HOURS`` hours): the engine's AQI beside the published one."""
    # Only the city's stations are read (the store may hold the whole national feed).
    counts = timeseries.air_site_counts(root)
    sites = counts.filter(pl.col("city") == CITY)["site"].unique().to_list()
    if not sites:
        return []
    stored = timeseries.query_air(root, formats=["cnemc-live"], sites=sites)
    mine = stored.filter(pl.col("city") == CITY)
    if mine.is_empty():
        return []
    last = mine["interval_end"].max()
    assert isinstance(last, dt.datetime)
    since = last - dt.timedelta(hours=STATION_SAMPLE_HOURS)
    measurements = mine.filter(pl.col("interval_end") > since)
    sites = measurements["site"].unique().to_list()
    published = timeseries.query_published(root, formats=["cnemc-live"]).filter(
        pl.col("site").is_in(sites) & (pl.col("interval_end") > since)
    )
    hourly = air.hourly_aqi(measurements, published=published)
    names = measurements.select("site", "site_name").unique("site")
    hourly = hourly.join(names, on="site", how="left").sort("interval_end", "site")
    return [
        {
            "time": r["time"],
            "site": r["site"],
            "site_name": r["site_name"],
            "aqi": r["aqi"],
            "published_aqi": r["official_aqi"],
            "primary_pollutant": r["primary_pollutant"] or None,
            "official_primary": r["official_primary"] or None,
            "category": r["category"],
        }
        for r in hourly.iter_rows(named=True)
    ]


__all__ = ["air_year_view", "good_days_needed", "level_table"]

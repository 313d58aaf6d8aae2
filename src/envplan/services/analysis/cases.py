"""Analysis use cases: each takes a typed request, reads its source once and answers with
plain data (the CLI prints it, the pages chart it, the Excel renderer lists it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from envplan.analysis.projection import good_days_needed, largest_mean_allowed
from envplan.analysis.signals import Inspection, SignalRules, detect_signals
from envplan.analysis.trend import bootstrap_interval, deseasonalise, theil_sen
from envplan.analysis.variation import Variation, time_variation
from envplan.services.air import DEFAULT_EXCLUDED_STATIONS
from envplan.services.analysis.sources import (
    AirSource,
    AnalysisError,
    city_daily,
    city_names,
    measurements_of,
    station_hours,
    within,
)
from envplan.standards.air.period import month_minimum_days

#: Daily column of each pollutant in the city daily frame, and its unit.
DAILY_COLUMN: dict[str, tuple[str, str]] = {
    "SO2": ("SO2", "µg/m³"),
    "NO2": ("NO2", "µg/m³"),
    "CO": ("CO", "mg/m³"),
    "O3": ("O3_8h_max", "µg/m³"),
    "PM10": ("PM10", "µg/m³"),
    "PM2.5": ("PM2.5", "µg/m³"),
    "AQI": ("aqi", ""),
}

#: The HJ 633 editions a like-for-like comparison recomputes under.
EDITIONS: tuple[tuple[str, str], ...] = (
    ("hj633-2012", "HJ 633-2012"),
    ("hj633-2026", "HJ 633-2026"),
)


def _pollutant(name: str) -> tuple[str, str]:
    key = name.strip().upper().replace("PM25", "PM2.5")
    if key not in DAILY_COLUMN:
        known = "、".join(DAILY_COLUMN)
        raise AnalysisError(f"未知污染物“{name}”：可选 {known}")
    return DAILY_COLUMN[key]


# --------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class TrendRequest:
    """A Theil–Sen trend of one city's monthly means of ``pollutant``, optionally deseasonalised, with
    a bootstrap interval at ``confidence``.
    """

    source: AirSource
    city: str
    pollutant: str = "PM2.5"
    deseasonalise: bool = False
    bootstrap: bool = False
    confidence: float = 0.95


@dataclass(frozen=True)
class TrendAnswer:
    """Theil–Sen trend of the city's monthly means [unit per year]."""

    city: str
    pollutant: str
    unit: str
    slope: float
    lower: float
    upper: float
    p: float
    stars: str
    interval: str
    deseasonalised: bool
    months: list[dict[str, object]] = field(default_factory=list)
    dropped_months: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The trend as a JSON-ready dict (rounded numbers, unit per year)."""
        return {
            "city": self.city,
            "pollutant": self.pollutant,
            "slope": _round(self.slope),
            "lower": _round(self.lower),
            "upper": _round(self.upper),
            "unit": f"{self.unit}/年" if self.unit else "/年",
            "p": _round(self.p, 4),
            "significance": self.stars,
            "interval": self.interval,
            "deseasonalised": self.deseasonalised,
            "months": self.months,
            "dropped_months": self.dropped_months,
        }


def _round(value: float, digits: int = 3) -> float | None:
    return None if value != value else round(value, digits)  # NaN → None


def monthly_means(daily: pl.DataFrame, column: str) -> tuple[pl.DataFrame, list[str]]:
    """Monthly means of the valid daily values; months with fewer days than GB 3095-2012
    Table 4 asks of a monthly mean (27, February 25) are dropped and named."""
    months = (
        daily.filter(pl.col(column).is_not_null())
        .group_by(pl.col("date").dt.year().alias("year"), pl.col("date").dt.month().alias("month"))
        .agg(pl.col(column).cast(pl.Float64).mean().alias("mean"), pl.len().alias("days"))
        .sort("year", "month")
    )
    # GB 3095 Table 4 depends only on the calendar month: one lookup per month of the year
    minimum = pl.col("month").replace_strict(
        {m: month_minimum_days(2001, m) for m in range(1, 13)}, return_dtype=pl.Int64
    )
    months = months.with_columns(minimum.alias("_min"))
    dropped = months.filter(pl.col("days") < pl.col("_min"))
    labels = [f"{y}-{m:02d}" for y, m in dropped.select("year", "month").iter_rows()]
    return months.filter(pl.col("days") >= pl.col("_min")).drop("_min"), labels


def city_trend(request: TrendRequest) -> TrendAnswer:
    """Theil–Sen slope of a city's monthly means over decimal years, with Sen's interval or a
    block bootstrap, and the Mann–Kendall significance (openair TheilSen)."""
    column, unit = _pollutant(request.pollutant)
    daily = city_daily(measurements_of(request.source), request.city)
    months, dropped = monthly_means(daily, column)
    if months.height < 3:
        raise AnalysisError(
            f"{request.city} 的有效月均值只有 {months.height} 个（至少需要 3 个）：无法计算趋势"
        )
    x = (months["year"] + (months["month"] - 0.5) / 12).to_numpy()
    y = months["mean"].to_numpy()
    if request.deseasonalise:
        y = deseasonalise(months["month"].to_numpy(), y)
    fit = theil_sen(x, y, confidence=request.confidence)
    lower, upper, interval = fit.lower, fit.upper, "sen"
    if request.bootstrap:
        lower, upper = bootstrap_interval(x, y, confidence=request.confidence)
        interval = "bootstrap"
    listed = [
        {"month": f"{yr}-{mo:02d}", "mean": round(float(v), 2), "days": int(d)}
        for yr, mo, v, d in zip(months["year"], months["month"], y, months["days"], strict=True)
    ]
    return TrendAnswer(
        request.city,
        request.pollutant,
        unit,
        fit.slope,
        lower,
        upper,
        fit.p,
        fit.stars,
        interval,
        request.deseasonalise,
        listed,
        dropped,
    )


# --------------------------------------------------------------------------- variation


@dataclass(frozen=True)
class VariationRequest:
    """Diurnal and weekly variation of ``pollutant`` for a city or a station (stations in ``excluded``
    left out).
    """

    source: AirSource
    pollutant: str = "PM2.5"
    city: str | None = None
    station: str | None = None
    excluded: frozenset[str] = DEFAULT_EXCLUDED_STATIONS


def variation(request: VariationRequest) -> Variation:
    """Diurnal, weekday and monthly variation of the 1-h values of a station or of a city
    (the hourly mean of its stations, 对照点 excluded)."""
    name = request.pollutant.strip().upper().replace("PM25", "PM2.5")
    if name not in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"):
        raise AnalysisError(f"未知污染物“{request.pollutant}”：可选 SO2、NO2、CO、O3、PM10、PM2.5")
    hours = station_hours(measurements_of(request.source))
    if hours.is_empty():
        raise AnalysisError("数据中没有站点小时值：日变化分析需要逐小时数据")
    if request.station:
        chosen = hours.filter(pl.col("site") == request.station)
        label = request.station
    elif request.city:
        chosen = hours.filter(
            pl.col("city").is_in(city_names(request.city))
            & ~pl.col("site").is_in(sorted(request.excluded))
        )
        label = request.city
    else:
        raise AnalysisError("请指定城市或站点")
    if chosen.is_empty():
        raise AnalysisError(f"数据中没有“{label}”的小时值")
    series = chosen.group_by("interval_end").agg(pl.col(name).mean().alias("value"))
    return time_variation(series)


# --------------------------------------------------------------------------- projection


@dataclass(frozen=True)
class ProjectionRequest:
    """A target projection for one city as of a date: the good-day ratio [%] and PM2.5 [µg/m³] targets
    (None = the plan's targets).
    """

    source: AirSource
    city: str
    as_of: dt.date
    good_ratio_target: float | None = None
    pm25_target: float | None = None


def target_projection(request: ProjectionRequest) -> dict[str, object]:
    """Good days still needed and the largest PM2.5 mean still allowed for the rest of the
    year. Without a good-day target the plan's rule is used (优良天数比例进一步提升: beat the
    previous year, air target air-t03) when the previous year is in the data."""
    measurements = measurements_of(request.source)
    daily = city_daily(measurements, request.city)
    year = request.as_of.year
    so_far = within(daily, dt.date(year, 1, 1), request.as_of).filter(pl.col("complete"))
    valid = so_far.height
    good = int(so_far.filter(pl.col("aqi") <= 100).height)
    pm25 = so_far["PM2.5"].drop_nulls()
    remaining = (dt.date(year, 12, 31) - request.as_of).days
    missing: list[str] = []
    target, target_source = request.good_ratio_target, "输入"
    if target is None:
        last = within(daily, dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)).filter(
            pl.col("complete")
        )
        if last.height:
            ratio = last.filter(pl.col("aqi") <= 100).height / last.height * 100
            target = round(round(ratio, 1) + 0.1, 1)
            target_source = f"计划目标“优良天数比例进一步提升”：高于 {year - 1} 年的 {ratio:.1f}%"
        else:
            target_source = "缺失"
            missing.append(f"优良天数比例目标（或 {year - 1} 年全年数据）")
    answer: dict[str, object] = {
        "city": request.city,
        "as_of": request.as_of.isoformat(),
        "valid_days": valid,
        "good_days": good,
        "remaining_days": remaining,
        "good_ratio_target": target,
        "good_ratio_target_source": target_source,
        "pm25_mean": round(float(pm25.mean()), 1) if pm25.len() else None,  # type: ignore[arg-type]
    }
    if target is not None and remaining >= 0:
        g = good_days_needed(
            target_ratio=min(target, 100.0),
            good_so_far=good,
            valid_so_far=valid,
            remaining=remaining,
        )
        answer["good_days_needed"] = g.needed
        answer["good_days_reachable"] = g.reachable
    if request.pm25_target is None:
        missing.append("PM2.5 年均浓度目标（--pm25，计划正文未给出数值）")
    elif remaining > 0 and pm25.len():
        m = largest_mean_allowed(
            target=request.pm25_target,
            mean_so_far=float(pm25.mean()),  # type: ignore[arg-type]
            days_so_far=pm25.len(),
            remaining=remaining,
        )
        answer["pm25_target"] = request.pm25_target
        answer["pm25_allowed_rest"] = m.allowed
    answer["missing"] = missing
    return answer


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class CompareRequest:
    """A like-for-like comparison across HJ 633 editions of one city over ``start`` … ``end`` (with
    ``last_year``: also the same period of the previous year).
    """

    source: AirSource
    city: str
    start: dt.date
    end: dt.date
    last_year: bool = False


def _summary(daily: pl.DataFrame) -> dict[str, object]:
    complete = daily.filter(pl.col("complete"))
    valid = complete.height
    good = complete.filter(pl.col("aqi") <= 100).height
    primary = (
        complete.filter(pl.col("primary_pollutant").is_not_null())
        .group_by("primary_pollutant")
        .len()
        .sort("len", descending=True)
    )
    return {
        "valid_days": valid,
        "good_days": good,
        "good_day_ratio": round(good / valid * 100, 1) if valid else None,
        "heavy_days": complete.filter(pl.col("aqi") > 200).height,
        "mean_aqi": round(float(complete["aqi"].mean()), 1) if valid else None,  # type: ignore[arg-type]
        "primary_pollutants": dict(primary.iter_rows()),
    }


def compare_editions(request: CompareRequest) -> dict[str, object]:
    """The period's day counts recomputed under each HJ 633 edition, both figures labelled, and
    with ``last_year`` the same period of the previous year under the same edition — so a
    comparison across 2026-03-01 compares like with like."""
    if request.end < request.start:
        raise AnalysisError("结束日期早于开始日期")
    measurements = measurements_of(request.source)
    periods: Sequence[tuple[str, dt.date, dt.date]] = [("本期", request.start, request.end)]
    if request.last_year:
        periods = [
            *periods,
            ("上年同期", _year_back(request.start), _year_back(request.end)),
        ]
    rows: list[dict[str, object]] = []
    for code, label in EDITIONS:
        daily = city_daily(measurements, request.city, rules_code=code)
        for name, start, end in periods:
            part = within(daily, start, end)
            rows.append(
                {
                    "period": name,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "rules": code,
                    "label": f"按 {label} 计算",
                    **_summary(part),
                }
            )
    return {"city": request.city, "rows": rows}


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --------------------------------------------------------------------------- signals


@dataclass(frozen=True)
class SignalsRequest:
    """A monitoring-data quality and fraud-signal scan: the rules, recorded inspections and an
    optional city.
    """

    source: AirSource
    rules: SignalRules = field(default_factory=SignalRules)
    inspections: tuple[Inspection, ...] = ()
    city: str | None = None


def monitoring_signals(request: SignalsRequest) -> pl.DataFrame:
    """Data-quality and fraud signals of every station of the source (or of one city)."""
    hours = station_hours(measurements_of(request.source))
    if hours.is_empty():
        raise AnalysisError("数据中没有站点小时值：数据质量信号需要逐小时站点数据")
    if request.city:
        hours = hours.filter(pl.col("city").is_in(city_names(request.city)))
    return detect_signals(hours, request.rules, inspections=request.inspections)

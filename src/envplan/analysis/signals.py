"""Monitoring-data quality and fraud signals on station hours (the seed's air 保障(五):
严肃查处数据造假, 确保监测数据独立、权威、公正).

Each signal is a pattern an inspector checks first, not a verdict: a flat line, a PM2.5 above
PM10, values at the instrument's detection floor, an abrupt fall at one station that its city's
other stations do not show, a station far from the others for days, and missing hours around
inspection dates. Every flag carries its station, pollutant, interval, evidence and severity.

Input: a wide station-hour frame (``site``, ``city``, ``interval_end`` and the 1-h values
``SO2 NO2 CO O3 PM10 PM2.5`` [µg/m³; CO mg/m³]), the frame the air readers produce. All work is
column expressions (Polars); the thresholds are envplan's defaults in :class:`SignalRules`,
documented with the false flags they give on real data in ``docs/analysis.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")

#: Kinds of signal, in the order they are reported, with their zh-CN names.
KINDS: dict[str, str] = {
    "flat": "恒值（数据长时间不变）",
    "pm25_gt_pm10": "PM2.5 高于 PM10",
    "detection_limit": "持续处于检出下限",
    "abrupt_drop": "单站骤降（周边站点未同步）",
    "divergence": "与本市其他站点偏离",
    "inspection_gap": "检查日前后数据缺失",
}

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")

SIGNAL_SCHEMA = pl.Schema(
    {
        "station": pl.String(),
        "city": pl.String(),
        "pollutant": pl.String(),
        "kind": pl.String(),
        "start": pl.Datetime("us"),
        "end": pl.Datetime("us"),
        "hours": pl.Int64(),
        "value": pl.Float64(),
        "evidence": pl.String(),
        "severity": pl.String(),
    }
)


def _per_pollutant(**values: float) -> dict[str, float]:
    return {p: values[p.replace(".", "")] for p in POLLUTANTS}


@dataclass(frozen=True)
class SignalRules:
    """Thresholds of the signals (envplan defaults, not a document's rule; see docs/analysis.md).

    flat_hours: a run of the same value this long [h] is a flat line — when the value is at least
    ``flat_floor`` [µg/m³; CO mg/m³]: below ten times the reporting resolution (1 µg/m³, CO
    0.1 mg/m³) repeats are what clean air looks like after rounding.
    pm_hours: PM2.5 above PM10 by more than ``pm_tolerance`` [µg/m³] for this many hours in a row.
    detection_limits / detection_hours: values at or below the limit for this many hours; the
    defaults are the lowest values the national network reports, configure the station
    instruments' detection limits (HJ 654-2013 / HJ 653-2013 certificates) where known.
    drop_ratio / drop_min: an hour that falls to at most this share of the previous hour and by at
    least ``drop_min``; flagged when the city's median over its stations changed by less than
    ``neighbour_change`` (share) in the same hour. Needs ≥ ``min_neighbours`` stations in the city.
    divergence_ratio / divergence_days: a station's daily mean at most this share (or at least its
    inverse) of the median daily mean of its city's stations, by at least ``drop_min``, for this
    many days in a row.
    gap_days / gap_share: around an inspection date (± gap_days), a station missing at least
    ``gap_share`` of its hours and at least twice its usual missing share.
    """

    flat_hours: int = 12
    flat_floor: Mapping[str, float] = field(
        default_factory=lambda: _per_pollutant(
            SO2=10.0, NO2=10.0, CO=1.0, O3=10.0, PM10=10.0, PM25=10.0
        )
    )
    pm_hours: int = 6
    pm_tolerance: float = 5.0
    detection_limits: Mapping[str, float] = field(
        default_factory=lambda: _per_pollutant(SO2=1.0, NO2=1.0, CO=0.0, O3=1.0, PM10=1.0, PM25=1.0)
    )
    detection_hours: int = 6
    drop_ratio: float = 0.3
    drop_min: Mapping[str, float] = field(
        default_factory=lambda: _per_pollutant(
            SO2=20.0, NO2=30.0, CO=1.0, O3=60.0, PM10=80.0, PM25=50.0
        )
    )
    neighbour_change: float = 0.15
    min_neighbours: int = 3
    divergence_ratio: float = 0.5
    divergence_days: int = 3
    gap_days: int = 2
    gap_share: float = 0.25

    def __post_init__(self) -> None:
        for name in ("flat_hours", "pm_hours", "detection_hours", "divergence_days", "gap_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"参数 {name} 必须为正整数")
        if not 0 < self.drop_ratio < 1 or not 0 < self.divergence_ratio < 1:
            raise ValueError("比例参数必须在 0 与 1 之间")


@dataclass(frozen=True)
class Inspection:
    """An inspection (or maintenance) visit: the station (or every station of ``city``)."""

    day: dt.date
    station: str | None = None
    city: str | None = None


def _long(hourly: pl.DataFrame) -> pl.DataFrame:
    present = [p for p in POLLUTANTS if p in hourly.columns]
    city = pl.col("city") if "city" in hourly.columns else pl.lit(None, pl.String)
    return (
        hourly.select(
            pl.col("site").alias("station"),
            city.alias("city"),
            "interval_end",
            *[pl.col(p).cast(pl.Float64) for p in present],
        )
        .unpivot(index=["station", "city", "interval_end"], on=present, variable_name="pollutant")
        .with_columns(pl.col("value").fill_nan(None))
        .sort("station", "pollutant", "interval_end")
    )


def _runs(frame: pl.DataFrame, flag: pl.Expr, *, same_value: bool = False) -> pl.DataFrame:
    """Maximal runs of consecutive hours (1 h apart) per station and pollutant where ``flag``
    holds (and, with ``same_value``, the value stays the same): start, end, hours, first value."""
    keys = ["station", "pollutant"]
    marked = frame.with_columns(flag.fill_null(False).alias("_flag"))
    breaks = (
        ~pl.col("_flag")
        | ~pl.col("_flag").shift(1).fill_null(False)
        | (pl.col("interval_end").diff() != pl.duration(hours=1)).fill_null(True)
    )
    if same_value:
        breaks = breaks | (pl.col("value") != pl.col("value").shift(1)).fill_null(True)
    return (
        marked.with_columns(breaks.over(keys).cum_sum().over(keys).alias("_run"))
        .filter(pl.col("_flag"))
        .group_by(*keys, "_run")
        .agg(
            pl.col("city").first(),
            pl.col("interval_end").min().alias("start"),
            pl.col("interval_end").max().alias("end"),
            pl.len().cast(pl.Int64).alias("hours"),
            pl.col("value").first().alias("value"),
        )
        .drop("_run")
    )


def _finish(frame: pl.DataFrame, kind: str, evidence: pl.Expr, severity: pl.Expr) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(kind).alias("kind"), evidence.alias("evidence"), severity.alias("severity")
    ).select(list(SIGNAL_SCHEMA))


def _mapped(mapping: Mapping[str, float]) -> pl.Expr:
    return pl.col("pollutant").replace_strict(dict(mapping), default=None, return_dtype=pl.Float64)


def flat_lines(long: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """Runs of one value for at least ``flat_hours`` hours, at or above the floor."""
    runs = _runs(long, pl.col("value").is_not_null(), same_value=True)
    runs = runs.filter(
        (pl.col("hours") >= rules.flat_hours) & (pl.col("value") >= _mapped(rules.flat_floor))
    )
    return _finish(
        runs,
        "flat",
        pl.format("连续 {} 小时数值均为 {}", pl.col("hours"), pl.col("value")),
        pl.when(pl.col("hours") >= 2 * rules.flat_hours)
        .then(pl.lit("high"))
        .otherwise(pl.lit("medium")),
    )


def detection_floor(long: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """Runs of values at or below the detection limit for at least ``detection_hours``."""
    runs = _runs(long, pl.col("value") <= _mapped(rules.detection_limits))
    runs = runs.filter(pl.col("hours") >= rules.detection_hours)
    return _finish(
        runs,
        "detection_limit",
        pl.format(
            "连续 {} 小时不高于检出下限 {}", pl.col("hours"), _mapped(rules.detection_limits)
        ),
        pl.lit("low"),
    )


def pm25_above_pm10(hourly: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """Runs where PM2.5 exceeds PM10 by more than the tolerance (PM2.5 is part of PM10)."""
    if not {"PM2.5", "PM10"} <= set(hourly.columns):
        return pl.DataFrame(schema=SIGNAL_SCHEMA)
    city = pl.col("city") if "city" in hourly.columns else pl.lit(None, pl.String)
    frame = hourly.select(
        pl.col("site").alias("station"),
        city.alias("city"),
        "interval_end",
        pl.lit("PM2.5").alias("pollutant"),
        (pl.col("PM2.5").cast(pl.Float64) - pl.col("PM10").cast(pl.Float64)).alias("value"),
    ).sort("station", "interval_end")
    runs = _runs(frame, pl.col("value") > rules.pm_tolerance)
    runs = runs.filter(pl.col("hours") >= rules.pm_hours)
    return _finish(
        runs,
        "pm25_gt_pm10",
        pl.format("连续 {} 小时 PM2.5 高于 PM10（首小时高出 {} µg/m³）", "hours", "value"),
        pl.when(pl.col("hours") >= 24).then(pl.lit("medium")).otherwise(pl.lit("low")),
    )


def abrupt_drops(long: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """One-hour falls at a station that the city's median does not show."""
    keys = ["station", "pollutant"]
    step = long.with_columns(
        pl.col("value").shift(1).over(keys).alias("_prev"),
        (pl.col("interval_end").diff().over(keys) == pl.duration(hours=1)).alias("_next"),
    )
    median = (
        long.filter(pl.col("value").is_not_null())
        .group_by("city", "pollutant", "interval_end")
        .agg(pl.col("value").median().alias("_median"), pl.len().alias("_stations"))
        .sort("city", "pollutant", "interval_end")
        .with_columns(
            pl.col("_median").shift(1).over("city", "pollutant").alias("_median_prev"),
            (pl.col("interval_end").diff().over("city", "pollutant") == pl.duration(hours=1))
            .fill_null(False)
            .alias("_median_next"),
        )
    )
    joined = step.join(median, on=["city", "pollutant", "interval_end"], how="inner")
    drop = (
        pl.col("_next").fill_null(False)
        & pl.col("_median_next")
        & (pl.col("_stations") >= rules.min_neighbours)
        & (pl.col("value") <= pl.col("_prev") * rules.drop_ratio)
        & ((pl.col("_prev") - pl.col("value")) >= _mapped(rules.drop_min))
        & (
            (pl.col("_median") - pl.col("_median_prev")).abs()
            < pl.col("_median_prev") * rules.neighbour_change
        )
    )
    hits = joined.filter(drop.fill_null(False)).with_columns(
        pl.col("interval_end").alias("start"),
        pl.col("interval_end").alias("end"),
        pl.lit(1, pl.Int64).alias("hours"),
    )
    return _finish(
        hits,
        "abrupt_drop",
        pl.format(
            "1 小时内由 {} 降至 {}，本市站点中位数由 {} 变为 {}",
            "_prev",
            "value",
            "_median_prev",
            "_median",
        ),
        pl.lit("medium"),
    )


def divergence(long: pl.DataFrame, rules: SignalRules) -> pl.DataFrame:
    """Days in a row on which a station's mean is far from its city's station median."""
    daily = (
        long.filter(pl.col("value").is_not_null())
        .with_columns((pl.col("interval_end") - pl.duration(hours=1)).dt.date().alias("day"))
        .group_by("station", "city", "pollutant", "day")
        .agg(pl.col("value").mean().alias("value"))
    )
    median = daily.group_by("city", "pollutant", "day").agg(
        pl.col("value").median().alias("_median"), pl.len().alias("_stations")
    )
    joined = (
        daily.join(median, on=["city", "pollutant", "day"])
        .filter(pl.col("_stations") >= rules.min_neighbours)
        .with_columns(pl.col("day").cast(pl.Datetime("us")).alias("interval_end"))
        .sort("station", "pollutant", "interval_end")
    )
    far = (
        (pl.col("value") <= pl.col("_median") * rules.divergence_ratio)
        | (pl.col("value") >= pl.col("_median") / rules.divergence_ratio)
    ) & ((pl.col("value") - pl.col("_median")).abs() >= _mapped(rules.drop_min))
    keys = ["station", "pollutant"]
    marked = joined.with_columns(far.fill_null(False).alias("_flag"))
    breaks = (
        ~pl.col("_flag")
        | ~pl.col("_flag").shift(1).fill_null(False)
        | (pl.col("interval_end").diff() != pl.duration(days=1)).fill_null(True)
    )
    runs = (
        marked.with_columns(breaks.over(keys).cum_sum().over(keys).alias("_run"))
        .filter(pl.col("_flag"))
        .group_by(*keys, "_run")
        .agg(
            pl.col("city").first(),
            pl.col("interval_end").min().alias("start"),
            (pl.col("interval_end").max() + pl.duration(hours=23)).alias("end"),
            (pl.len() * 24).cast(pl.Int64).alias("hours"),
            pl.col("value").mean().alias("value"),
            pl.col("_median").mean().alias("_median"),
            pl.len().alias("_days"),
        )
        .filter(pl.col("_days") >= rules.divergence_days)
    )
    return _finish(
        runs,
        "divergence",
        pl.format(
            "连续 {} 天日均值（平均 {}）偏离本市站点中位数（平均 {}）",
            "_days",
            pl.col("value").round(1),
            pl.col("_median").round(1),
        ),
        pl.when(pl.col("_days") >= 2 * rules.divergence_days)
        .then(pl.lit("high"))
        .otherwise(pl.lit("medium")),
    )


def inspection_gaps(
    long: pl.DataFrame, inspections: Sequence[Inspection], rules: SignalRules
) -> pl.DataFrame:
    """Stations missing many hours around an inspection date compared with their usual share."""
    if not inspections or long.is_empty():
        return pl.DataFrame(schema=SIGNAL_SCHEMA)
    first, last = long["interval_end"].min(), long["interval_end"].max()
    stations = long.select("station", "city", "pollutant").unique()
    # the usual missing share over the whole span of the input
    span_hours = int((last - first) / dt.timedelta(hours=1)) + 1  # type: ignore[operator]
    usual = long.group_by("station", "pollutant").agg(
        (1 - pl.col("value").count() / span_hours).alias("_usual")
    )
    visits = pl.DataFrame(
        {
            "day": [i.day for i in inspections],
            "v_station": [i.station for i in inspections],
            "v_city": [i.city for i in inspections],
        },
        schema={"day": pl.Date, "v_station": pl.String, "v_city": pl.String},
    )
    targets = stations.join(visits, how="cross").filter(
        (pl.col("v_station") == pl.col("station")) | (pl.col("v_city") == pl.col("city"))
    )
    window = targets.with_columns(
        (
            pl.col("day").cast(pl.Datetime("us"))
            - pl.duration(days=rules.gap_days - 1)
            - pl.duration(hours=23)
        ).alias("start"),
        (pl.col("day").cast(pl.Datetime("us")) + pl.duration(days=rules.gap_days + 1)).alias("end"),
    )
    hours = (2 * rules.gap_days + 1) * 24
    present = (
        window.join(
            long.filter(pl.col("value").is_not_null()), on=["station", "pollutant"], how="left"
        )
        .filter(pl.col("interval_end").is_between(pl.col("start"), pl.col("end")))
        .group_by("station", "pollutant", "day")
        .agg(pl.len().alias("_present"))
    )
    result = (
        window.join(present, on=["station", "pollutant", "day"], how="left")
        .join(usual, on=["station", "pollutant"])
        .with_columns((1 - pl.col("_present").fill_null(0) / hours).alias("_share"))
        .filter((pl.col("_share") >= rules.gap_share) & (pl.col("_share") >= 2 * pl.col("_usual")))
        .with_columns(
            pl.lit(hours, pl.Int64).alias("hours"), (pl.col("_share") * 100).round(1).alias("value")
        )
    )
    return _finish(
        result,
        "inspection_gap",
        pl.format(
            "检查日 {} 前后 {} 天缺失 {}% 的小时（平时缺失 {}%）",
            "day",
            pl.lit(rules.gap_days),
            "value",
            (pl.col("_usual") * 100).round(1),
        ),
        pl.lit("high"),
    )


def detect_signals(
    hourly: pl.DataFrame,
    rules: SignalRules | None = None,
    *,
    inspections: Sequence[Inspection] = (),
) -> pl.DataFrame:
    """Every signal of a wide station-hour frame (``SIGNAL_SCHEMA``), ordered by kind, station,
    pollutant and start."""
    rules = rules or SignalRules()
    if hourly.is_empty():
        return pl.DataFrame(schema=SIGNAL_SCHEMA)
    long = _long(hourly)
    parts = [
        flat_lines(long, rules),
        pm25_above_pm10(hourly, rules),
        detection_floor(long, rules),
        abrupt_drops(long, rules),
        divergence(long, rules),
        inspection_gaps(long, inspections, rules),
    ]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return (
        pl.concat([p.cast(SIGNAL_SCHEMA) for p in parts])
        .with_columns(pl.col("kind").replace_strict(order, return_dtype=pl.Int8).alias("_k"))
        .sort("_k", "station", "pollutant", "start")
        .drop("_k")
    )

"""The analysis page's data: trend, variation and signals of one city from one read of the
store, as plain data for the page, the JSON API and the Excel list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from envplan.analysis.signals import KINDS
from envplan.services.analysis.cases import (
    SignalsRequest,
    TrendRequest,
    VariationRequest,
    city_trend,
    monitoring_signals,
    variation,
)
from envplan.services.analysis.sources import AirSource, AnalysisError

#: The most signals a page lists (the Excel download has all of them).
PAGE_SIGNAL_ROWS = 200


@dataclass(frozen=True)
class AnalysisView:
    """What the analysis page shows for one city and pollutant: the trend, the temporal variation and
    the data-quality signals, each with the zh-CN error that replaced it when it could not be computed.
    """

    city: str
    pollutant: str
    trend: dict[str, object] | None
    trend_error: str | None
    variation: dict[str, list[dict[str, object]]] | None
    variation_error: str | None
    signals: list[dict[str, object]]
    signal_counts: list[dict[str, object]]
    signals_error: str | None


def _rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    return [
        {
            **row,
            "kind_name": KINDS.get(str(row["kind"]), row["kind"]),
            "start": row["start"].strftime("%Y-%m-%d %H:%M"),
            "end": row["end"].strftime("%Y-%m-%d %H:%M"),
        }
        for row in frame.to_dicts()
    ]


def analysis_view(timeseries_dir: Path, city: str, pollutant: str) -> AnalysisView:
    """Everything the analysis page shows for ``city`` and ``pollutant``; each part that cannot
    be computed from the stored data says why instead of failing the page."""
    try:
        source = AirSource(timeseries_dir=timeseries_dir).loaded()
    except AnalysisError as error:
        message = str(error)
        return AnalysisView(city, pollutant, None, message, None, message, [], [], message)
    trend = trend_error = None
    try:
        trend = city_trend(TrendRequest(source=source, city=city, pollutant=pollutant)).as_dict()
    except AnalysisError as error:
        trend_error = str(error)
    varied = variation_error = None
    try:
        v = variation(VariationRequest(source=source, city=city, pollutant=pollutant))
        varied = {
            "hour": v.hour.to_dicts(),
            "weekday": v.weekday.to_dicts(),
            "month": v.month.to_dicts(),
        }
    except AnalysisError as error:
        variation_error = str(error)
    signals: list[dict[str, object]] = []
    counts: list[dict[str, object]] = []
    signals_error = None
    try:
        frame = signal_frame(source, city)
        counts = [
            {"kind": kind, "kind_name": KINDS[kind], "count": int((frame["kind"] == kind).sum())}
            for kind in KINDS
        ]
        signals = _rows(frame.head(PAGE_SIGNAL_ROWS))
    except AnalysisError as error:
        signals_error = str(error)
    return AnalysisView(
        city, pollutant, trend, trend_error, varied, variation_error, signals, counts, signals_error
    )


def signal_frame(source: AirSource, city: str | None) -> pl.DataFrame:
    """All signals of the stored station hours (of one city when given)."""
    return monitoring_signals(SignalsRequest(source=source, city=city))

"""The analysis page and its JSON and Excel twins (login required): trend, temporal variation
and monitoring-data signals of a city, all from ``services.analysis``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from envplan.reports.analysis_xlsx import signals_workbook
from envplan.services.analysis import AirSource, AnalysisError, analysis_view, signal_frame
from envplan.web import charts_analysis
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, cached_off_loop, render_cached

router = APIRouter(tags=["分析"])


class AnalysisOut(BaseModel):
    """Trend, variation and data-quality signals of a city (the /analysis page's data)."""

    city: str
    pollutant: str
    trend: dict[str, Any] | None
    trend_error: str | None
    variation: dict[str, list[dict[str, Any]]] | None
    signal_counts: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    signals_error: str | None


CityQuery = Annotated[str, Query(min_length=1, max_length=40, description="城市")]
PollutantQuery = Annotated[
    str, Query(pattern=r"^(SO2|NO2|CO|O3|PM10|PM2\.5|AQI)$", description="污染物")
]


def _view(platform: Any, city: str, pollutant: str) -> Any:
    return analysis_view(platform.timeseries_dir, city, pollutant)


@router.get("/analysis", response_class=HTMLResponse, summary="趋势与数据质量分析")
async def analysis_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    city: CityQuery = "晋城市",
    pollutant: PollutantQuery = "PM2.5",
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        view = _view(platform, city, pollutant)
        context: dict[str, Any] = {
            "view": view,
            "pollutants": ("PM2.5", "PM10", "O3", "NO2", "SO2", "CO"),
        }
        if view.trend:
            context["trend_option"] = charts_analysis.trend_chart(view.trend)
        if view.variation:
            context["hour_option"] = charts_analysis.variation_chart(view.variation["hour"], "hour")
            context["weekday_option"] = charts_analysis.variation_chart(
                view.variation["weekday"], "weekday"
            )
        return context

    return await render_cached(request, "analysis.html", build)


@router.get(
    "/api/v1/analysis",
    summary="趋势、日变化与数据质量信号（JSON）",
    response_model=AnalysisOut,
)
async def analysis_json(
    user: ApiUserDep,
    platform: PlatformDep,
    city: CityQuery = "晋城市",
    pollutant: PollutantQuery = "PM2.5",
) -> AnalysisOut:
    key = ("analysis-json", city, pollutant)
    view = await cached_off_loop(platform, key, lambda: _view(platform, city, pollutant))
    return AnalysisOut(
        city=view.city,
        pollutant=view.pollutant,
        trend=view.trend,
        trend_error=view.trend_error,
        variation=view.variation,
        signal_counts=view.signal_counts,
        signals=view.signals,
        signals_error=view.signals_error,
    )


@router.get("/analysis/signals.xlsx", summary="数据质量信号清单（Excel）")
async def signals_excel(
    user: PageUserDep, platform: PlatformDep, city: CityQuery = "晋城市"
) -> Response:
    def build() -> bytes:
        try:
            frame = signal_frame(AirSource(timeseries_dir=platform.timeseries_dir), city)
        except AnalysisError:
            frame = None
        rows = frame.to_dicts() if frame is not None else []
        return signals_workbook(rows, title=f"{city}监测数据质量信号")

    body = await run_in_threadpool(build)
    name = quote(f"{city}-监测数据质量信号.xlsx")
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
    )

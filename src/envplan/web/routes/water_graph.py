"""Water-graph pages: the bureau's graph, warnings, tracing and indicator page (login), and the
public monthly outfall monitoring and 千吨万人 sources page (三(五)1: 监测结果每月向社会公开)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from envplan.monitoring.errors import InputFileError
from envplan.services.access import AccessDenied
from envplan.services.water_graph import (
    PROVINCIAL_TARGETS_NOTE,
    IndicatorError,
    TraceError,
    TraceRequest,
    WarningError,
    drinking_sources,
    evaluate_as_of,
    graph_overview,
    indicator_board,
    list_warning_notices,
    outfall_monthly,
    reply_warning,
    report_indicator,
    trace_upstream,
    tracked_targets,
)
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, render_cached
from envplan.web.views import read_upload

router = APIRouter(tags=["水系图"])
_ERRORS = (InputFileError, IndicatorError, TraceError, WarningError)


def _period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@router.get("/water/graph", response_class=HTMLResponse, summary="水系图、预警、溯源与基础设施指标")
async def water_graph_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    section: Annotated[str | None, Query(max_length=100)] = None,
    indicator: Annotated[str, Query(max_length=20)] = "氨氮",
    date: Annotated[dt.date | None, Query(description="溯源日期")] = None,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        with platform.session() as session:
            trace = error = None
            if section:
                try:
                    trace = trace_upstream(
                        session, TraceRequest(section, indicator, date or platform.today)
                    )
                except _ERRORS as exc:
                    error = str(exc)
            return {
                "overview": graph_overview(session, platform.plan),
                "warnings": list_warning_notices(
                    session, as_of=platform.today, principal=user.principal
                ),
                "board": indicator_board(
                    session, as_of_period=_period(platform.today), plan=platform.plan
                ),
                "targets": tracked_targets(platform.plan),
                "sources": drinking_sources(session),
                "trace": trace,
                "trace_error": error,
                "query": {"section": section or "", "indicator": indicator, "date": date},
                "provincial_note": PROVINCIAL_TARGETS_NOTE,
                "today": platform.today,
            }

    return await render_cached(request, "water_graph.html", build)


@router.post("/water/graph/indicators", summary="报送计划数值指标（表单，可附证明材料）")
async def indicator_form(
    user: PageUserDep,
    platform: PlatformDep,
    target_id: Annotated[str, Form(max_length=64)],
    period: Annotated[str, Form(max_length=7)],
    value: Annotated[float, Form()],
    area: Annotated[str, Form(max_length=64)] = "全市",
    narrative: Annotated[str, Form(max_length=5000)] = "",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    upload = None
    if evidence is not None and evidence.filename:
        read = await read_upload(evidence, kind="evidence")
        upload = (read.filename, read.data)
    try:
        with platform.write() as session:
            report_indicator(
                session,
                user.principal,
                target_id=target_id,
                period=period,
                value=value,
                reported_on=platform.today,
                area=area,
                narrative=narrative,
                evidence=upload,
                evidence_store=platform.evidence,
                plan=platform.plan,
            )
    except AccessDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except _ERRORS as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return RedirectResponse("/water/graph?saved=1#indicators", status_code=303)


@router.post("/water/graph/warnings/{warning_id}/reply", summary="回复水质预警督办单（表单）")
def warning_reply_form(
    warning_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    text: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    try:
        with platform.write() as session:
            reply_warning(session, user.principal, warning_id, replied_on=platform.today, text=text)
    except AccessDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except _ERRORS as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return RedirectResponse("/water/graph?saved=1#warnings", status_code=303)


@router.get("/public/outfalls", response_class=HTMLResponse, summary="公开：入河排污口月度监测结果")
async def public_outfalls(
    request: Request,
    platform: PlatformDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        with platform.session() as session:
            return {
                "monthly": outfall_monthly(session, year=year),
                "sources": drinking_sources(session),
            }

    return await render_cached(request, "public/outfalls.html", build, public_page=True)


class TraceItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str
    name: str
    value: float | None
    rank: int | None


class TraceOut(BaseModel):
    """The answer of ``envplan water trace --json`` (extra keys: window, observed, evidence …)."""

    model_config = ConfigDict(extra="allow")
    section: str
    upstream: list[TraceItem]
    missing: list[str]


class WarningsOut(BaseModel):
    as_of: str
    warnings: list[dict[str, Any]]


def _json_or_422(build: Any) -> Any:
    try:
        return build()
    except _ERRORS as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.get(
    "/api/v1/water/trace",
    response_model=TraceOut,
    summary="反向溯源（与 envplan water trace --json 相同）",
)
async def api_trace(
    user: ApiUserDep,
    platform: PlatformDep,
    section: Annotated[str, Query(max_length=100)],
    indicator: Annotated[str, Query(max_length=20)],
    date: Annotated[dt.date, Query(description="超标日期")],
    window: Annotated[int, Query(ge=1, le=24)] = 3,
    by: Annotated[str, Query(pattern="^(concentration|load)$")] = "concentration",
) -> Any:
    def build() -> Any:
        with platform.session() as session:
            return trace_upstream(session, TraceRequest(section, indicator, date, window, by))

    return await run_in_threadpool(_json_or_422, build)


@router.get(
    "/api/v1/water/warnings",
    response_model=WarningsOut,
    summary="当前有效的水质预警（只评估，不签发）",
)
async def api_warnings(
    user: ApiUserDep,
    platform: PlatformDep,
    as_of: Annotated[dt.date | None, Query(description="评估日期")] = None,
) -> Any:
    day = as_of or platform.today

    def build() -> Any:
        with platform.session() as session:
            return {"as_of": day.isoformat(), "warnings": evaluate_as_of(session, day)}

    return await run_in_threadpool(_json_or_422, build)


@router.get(
    "/api/v1/water/indicators", response_model=list[dict[str, Any]], summary="计划数值指标亮灯"
)
async def api_indicators(
    user: ApiUserDep,
    platform: PlatformDep,
    period: Annotated[str | None, Query(max_length=7)] = None,
) -> Any:
    def build() -> Any:
        with platform.session() as session:
            return indicator_board(
                session, as_of_period=period or _period(platform.today), plan=platform.plan
            )

    return await run_in_threadpool(_json_or_422, build)

"""Internal pages (login required): dashboard, air, water, soil, tasks, notices, uploads.

Each page calls the same Platform methods as its JSON twin in ``api.py``; the page only adds the
chart options (``web.charts``) and the template.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from envplan.services import supervision as sv
from envplan.web import charts
from envplan.web.deps import PageUserDep, PlatformDep, render, render_cached
from envplan.web.security import MAX_RECORD_ID
from envplan.web.views import (
    BULLETIN_FORMATS,
    MONITORING_FORMATS,
    air_page_data,
    build_bulletin_file,
    occurrence_detail,
    read_upload,
    record_progress,
    run_air_import,
    run_notice_reply,
    run_review,
    run_water_import,
    soil_view_or_none,
    task_board,
    water_view_or_none,
)

router = APIRouter(tags=["页面"])

YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="数据年份")]
AsOfQuery = Annotated[dt.date | None, Query(description="评估日期（YYYY-MM-DD）")]


@router.get("/", response_class=HTMLResponse, summary="总览")
async def dashboard(
    request: Request, user: PageUserDep, platform: PlatformDep, year: YearQuery = None
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        air = air_page_data(platform, year, None)
        context: dict[str, Any] = {
            "air": air,
            "board": task_board(platform, user),
            "notices": platform.notices(user),
            "water": water_view_or_none(platform),
            "air_latest": platform.views.get("air_latest", []),
            "calendar_option": None,
            "gauge_option": None,
            "ranking_option": None,
        }
        if air:
            context.update(_air_summary_charts(air))
        return context

    return await render_cached(request, "dashboard.html", build)


def _air_summary_charts(air: dict[str, Any]) -> dict[str, Any]:
    """The AQI calendar, good-day gauge and city ranking: shown alike on the dashboard and the
    air page."""
    return {
        "calendar_option": charts.aqi_calendar(air["year"], air["days"], air["levels"]),
        "gauge_option": charts.good_day_progress(air["good_days"]),
        "ranking_option": charts.ranking_bar(
            air["ranking"], highlight=air["city"], value_key="composite_index", name="综合指数"
        ),
    }


@router.get("/air", response_class=HTMLResponse, summary="空气质量")
async def air_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    year: YearQuery = None,
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    return await render_cached(request, "air.html", lambda: _air_context(platform, year, as_of))


def _air_context(platform: Any, year: int | None, as_of: dt.date | None) -> dict[str, Any]:
    air = air_page_data(platform, year, as_of)
    hourly = platform.views.get("air_hourly")
    context: dict[str, Any] = {
        "air": air,
        "hourly": hourly,
        "years": platform.views.get("air_years", []),
    }
    if air:
        context.update(
            {
                **_air_summary_charts(air),
                "aqi_trend_option": charts.daily_trend(
                    air["days"], [("aqi", "日 AQI")], air["reference_lines"]["aqi"], y_name="AQI"
                ),
                "pollutant_trend_option": charts.daily_trend(
                    air["days"],
                    [
                        ("pm25", "PM2.5"),
                        ("pm10", "PM10"),
                        ("no2", "NO2"),
                        ("so2", "SO2"),
                        ("o3_8h", "O3 日最大8小时"),
                    ],
                    air["reference_lines"]["concentrations"],
                    y_name="µg/m³",
                ),
                "heavy_option": charts.heavy_days_bar(air["heavy_by_month"]),
            }
        )
    if hourly and hourly.get("hours"):
        context["hourly_option"] = charts.hourly_aqi(hourly["hours"])
    return context


@router.get("/water", response_class=HTMLResponse, summary="地表水断面")
async def water_page(request: Request, user: PageUserDep, platform: PlatformDep) -> HTMLResponse:
    def build() -> dict[str, Any]:
        water = water_view_or_none(platform)
        context: dict[str, Any] = {"water": water}
        if water:
            context["classes_option"] = charts.water_classes(water["sections"])
        return context

    return await render_cached(request, "water.html", build)


@router.get("/soil", response_class=HTMLResponse, summary="土壤样品分类")
async def soil_page(request: Request, user: PageUserDep, platform: PlatformDep) -> HTMLResponse:
    def build() -> dict[str, Any]:
        soil = soil_view_or_none(platform)
        context: dict[str, Any] = {"soil": soil}
        if soil:
            context["soil_option"] = charts.share_pie(soil["shares"], name="样品风险分类")
        return context

    return await render_cached(request, "soil.html", build)


@router.get("/tasks", response_class=HTMLResponse, summary="任务看板")
async def tasks_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    plan: Annotated[str | None, Query(max_length=16)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    county: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
) -> HTMLResponse:
    filters = {
        "plan_key": plan,
        "unit_id": unit,
        "county": county,
        "status": status,
        "month": month,
    }
    return await render_cached(
        request,
        "tasks.html",
        lambda: {
            "board": task_board(platform, user, **filters),
            "choices": platform.task_filters(),
            "selected": {
                "plan": plan,
                "unit": unit,
                "county": county,
                "status": status,
                "month": month,
            },
        },
    )


@router.get("/tasks/{occurrence_id}", response_class=HTMLResponse, summary="任务详情与进展填报")
def task_detail(
    request: Request, occurrence_id: int, user: PageUserDep, platform: PlatformDep
) -> HTMLResponse:
    return _task_page(request, platform, user, occurrence_id)


def _task_page(
    request: Request,
    platform: Any,
    user: Any,
    occurrence_id: int,
    *,
    unsaved: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The task page: state, every party (roll-up), evidence with hashes, history; after a save
    conflict, the typed text comes back in the form with the newer version to resubmit."""

    detail = occurrence_detail(platform, user, occurrence_id)
    with platform.session() as session:
        roll = sv.rollup(session, occurrence_id, as_of=platform.today, principal=user.principal)
        files = sv.list_evidence(session, occurrence_id, principal=user.principal)
    return render(
        request,
        "task_detail.html",
        {
            "detail": detail,
            "rollup": roll,
            "evidence": files,
            "unsaved": unsaved or {},
            "message": error,
            "errors": [error] if error else [],
        },
        status_code=status_code,
    )


@router.post(
    "/tasks/{occurrence_id}/progress", response_class=HTMLResponse, summary="提交进展（表单）"
)
async def submit_progress_form(
    request: Request,
    occurrence_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    expected_version: Annotated[int, Form(ge=0, le=MAX_RECORD_ID)],
    state: Annotated[str, Form(max_length=16)],
    percent: Annotated[int, Form(ge=0, le=100)],
    narrative: Annotated[str, Form(max_length=5000)],
    evidence: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    try:
        await record_progress(
            platform,
            user,
            occurrence_id,
            expected_version=expected_version,
            state=state,
            percent=percent,
            narrative=narrative,
            evidence=evidence,
        )
    except HTTPException as exc:
        if exc.status_code not in (409, 422):
            raise
        # Nothing was saved: show the page again with what was typed (a conflict also brings
        # the newer version, so the user checks the other update and resubmits).
        return _task_page(
            request,
            platform,
            user,
            occurrence_id,
            unsaved={"state": state, "percent": percent, "narrative": narrative},
            error=str(exc.detail),
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/tasks/{occurrence_id}?saved=1", status_code=303)


@router.post("/reports/{report_id}/review", response_class=HTMLResponse, summary="审核进展（表单）")
def review_form(
    report_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    occurrence_id: Annotated[int, Form(ge=1, le=MAX_RECORD_ID)],
    expected_version: Annotated[int, Form(ge=0, le=MAX_RECORD_ID)],
    decision: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    run_review(
        platform,
        user,
        report_id,
        expected_version=expected_version,
        decision=decision,
        comment=comment,
    )
    return RedirectResponse(f"/tasks/{occurrence_id}?saved=1", status_code=303)


@router.get("/notices", response_class=HTMLResponse, summary="督办单")
def notices_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    state: Annotated[str | None, Query(max_length=16)] = None,
) -> HTMLResponse:
    return render(
        request, "notices.html", {"notices": platform.notices(user, state=state), "state": state}
    )


@router.post(
    "/notices/{notice_id}/reply", response_class=HTMLResponse, summary="回复督办单（表单）"
)
def reply_form(
    notice_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    text: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    run_notice_reply(platform, user, notice_id, text=text)
    return RedirectResponse("/notices?saved=1", status_code=303)


@router.get("/bulletin", response_class=HTMLResponse, summary="月调度通报下载")
def bulletin_page(request: Request, user: PageUserDep, platform: PlatformDep) -> HTMLResponse:
    months = [f"{platform.plan.plan_year}-{m:02d}" for m in range(1, platform.today.month + 1)]
    if platform.today.year != platform.plan.plan_year:
        months = [f"{platform.plan.plan_year}-{m:02d}" for m in range(1, 13)]
    # the latest months the store holds air data for (e.g. the current year's official data)
    latest = [row["month"] for row in platform.views.get("air_latest", [])]
    months = sorted(set(months) | set(latest), reverse=True)
    return render(request, "bulletin.html", {"months": months, "formats": BULLETIN_FORMATS})


@router.get("/bulletin/download", summary="下载月调度通报（Word / Excel 台账 / 网页）")
def bulletin_download(
    user: PageUserDep,
    platform: PlatformDep,
    month: Annotated[str, Query(max_length=7, description="YYYY-MM")],
    format: Annotated[str, Query(max_length=8)] = "docx",
) -> Response:
    data, media_type, filename = build_bulletin_file(platform, month, format, user)
    quoted = quote(filename)
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quoted}"},
    )


@router.get("/upload", response_class=HTMLResponse, summary="数据上传")
def upload_page(request: Request, user: PageUserDep, platform: PlatformDep) -> HTMLResponse:
    return render(
        request, "upload.html", {"formats": MONITORING_FORMATS, "result": None, "problems": []}
    )


def _upload_result(request: Request, run: Any) -> HTMLResponse:
    """Render the upload page with the import's result, or with the reader's row messages."""
    try:
        result = run()
    except HTTPException as exc:
        if exc.status_code != 422 or not isinstance(exc.detail, dict):
            raise
        return render(
            request,
            "upload.html",
            {
                "formats": MONITORING_FORMATS,
                "result": None,
                "error": exc.detail["detail"],
                "problems": exc.detail.get("problems", []),
            },
            status_code=422,
        )
    return render(
        request, "upload.html", {"formats": MONITORING_FORMATS, "result": result, "problems": []}
    )


@router.post("/upload/air", response_class=HTMLResponse, summary="上传空气监测数据（表单）")
async def upload_air_form(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=32)] = "",
) -> HTMLResponse:
    upload = await read_upload(file, kind="monitoring")
    return await run_in_threadpool(
        _upload_result, request, lambda: run_air_import(platform, user, upload, format or None)
    )


@router.post("/upload/water", response_class=HTMLResponse, summary="上传地表水月度监测数据（表单）")
async def upload_water_form(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    upload = await read_upload(file, kind="water")
    return await run_in_threadpool(
        _upload_result, request, lambda: run_water_import(platform, user, upload)
    )


@router.get(
    "/api/docs", response_class=HTMLResponse, summary="API 文档（由 OpenAPI 生成，无外部脚本）"
)
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "tags": op.get("tags", []),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": sorted(op.get("responses", {}).keys()),
                }
            )
    return render(
        request, "api_docs.html", {"operations": operations, "spec_title": spec["info"]["title"]}
    )

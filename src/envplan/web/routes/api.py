"""JSON API under /api/v1. Every route declares its response schema; the pages call the same
Platform methods. Internal routes need a logged-in session; /api/v1/public/* does not."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from envplan.services.air import month_figures
from envplan.services.month import Month
from envplan.services.public import public_air_monthly, public_water_sections
from envplan.web.deps import ApiUserDep, PlatformDep, SessionDep, cached_json
from envplan.web.schemas import (
    ERROR_RESPONSES,
    AirHourlyRead,
    AirRankingRead,
    AirYearRead,
    ImportRead,
    MeRead,
    NoticeList,
    NoticeReplyCreate,
    OccurrenceDetailRead,
    OccurrenceRead,
    PublicAirMonth,
    PublicAirRead,
    PublicWaterRead,
    TaskBoardRead,
    WaterRead,
)
from envplan.web.security import MAX_RECORD_ID
from envplan.web.views import (
    air_page_data,
    occurrence_detail,
    read_upload,
    record_progress,
    run_air_import,
    run_notice_reply,
    run_water_import,
    task_board,
    water_view_or_none,
)

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

YearQuery = Annotated[
    int | None, Query(ge=2000, le=2100, description="数据年份（默认最近完整年份）")
]
AsOfQuery = Annotated[
    dt.date | None, Query(description="评估日期 YYYY-MM-DD（默认与平台评估日期同月同日）")
]


@router.get("/me", response_model=MeRead, tags=["用户"], summary="当前登录用户与 CSRF 令牌")
def me(user: ApiUserDep, session: SessionDep) -> dict[str, Any]:
    return {**user.__dict__, "csrf_token": session.csrf}


def _air(platform: PlatformDep, year: int | None, as_of: dt.date | None) -> dict[str, Any]:
    air = air_page_data(platform, year, as_of)
    if air is None:
        raise HTTPException(status_code=404, detail="尚无空气质量日均数据")
    return air


@router.get(
    "/air/daily",
    response_model=AirYearRead,
    tags=["空气质量"],
    summary="晋城市一年的日 AQI、优良天数比例与目标、重污染天数、排名（第三方处理数据）",
)
async def air_daily(
    request: Request,
    user: ApiUserDep,
    platform: PlatformDep,
    year: YearQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    return await cached_json(request, AirYearRead, lambda: _air(platform, year, as_of))


@router.get(
    "/air/month",
    response_model=PublicAirMonth,
    tags=["空气质量"],
    summary="某城市某月的优良天数、重污染天数、六项浓度与综合指数（与通报、公开页面、命令行同一计算）",
)
async def air_month(
    request: Request,
    user: ApiUserDep,
    platform: PlatformDep,
    month: Annotated[str, Query(max_length=7, description="YYYY-MM")],
    city: Annotated[str, Query(max_length=40)] = "晋城市",
) -> Response:
    try:
        wanted = Month.parse(month)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc

    def build() -> dict[str, Any]:
        figures = month_figures(platform.views.get("air_daily", pl.DataFrame()), city, wanted)
        if figures is None:
            raise HTTPException(status_code=404, detail=f"没有{city}{wanted.label}的空气质量数据")
        return figures

    return await cached_json(request, PublicAirMonth, build)


@router.get(
    "/air/ranking",
    response_model=AirRankingRead,
    tags=["空气质量"],
    summary="数据中各城市年初至评估日期的综合指数排名",
)
async def air_ranking(
    request: Request,
    user: ApiUserDep,
    platform: PlatformDep,
    year: YearQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    def build() -> dict[str, Any]:
        air = _air(platform, year, as_of)
        return {
            "year": air["year"],
            "as_of": air["as_of"],
            "period": air["ranking_period"],
            "label": air["label"],
            "ranking": air["ranking"],
        }

    return await cached_json(request, AirRankingRead, build)


@router.get(
    "/air/hourly",
    response_model=AirHourlyRead,
    tags=["空气质量"],
    summary="官方逐时数据：晋城市小时 AQI 与发布值对照、367 城市同期综合指数排名、站点样本",
)
async def air_hourly(request: Request, user: ApiUserDep, platform: PlatformDep) -> Response:
    hourly: dict[str, Any] | None = platform.views.get("air_hourly")
    if not hourly:
        raise HTTPException(status_code=404, detail="尚无官方逐时数据")
    return await cached_json(request, AirHourlyRead, lambda: hourly)


@router.get(
    "/water/sections",
    response_model=WaterRead,
    tags=["地表水"],
    summary="计划考核断面的水质类别、目标与超标指标（国家自动站实时快照）",
)
async def water_sections(request: Request, user: ApiUserDep, platform: PlatformDep) -> Response:
    water = water_view_or_none(platform)
    if water is None:
        raise HTTPException(status_code=404, detail="尚无地表水监测数据")
    return await cached_json(request, WaterRead, lambda: water)


def _board(
    platform: PlatformDep,
    user: ApiUserDep,
    plan: str | None,
    unit: str | None,
    county: str | None,
    status: str | None,
    month: str | None,
) -> dict[str, Any]:
    board = task_board(
        platform, user, plan_key=plan, unit_id=unit, county=county, status=status, month=month
    )
    return {**board, "data": board["states"], "count": len(board["states"])}


@router.get(
    "/tasks",
    response_model=TaskBoardRead,
    tags=["调度督办"],
    summary="任务节点（按计划、单位、县、状态、到期月份筛选）与红黄绿灯、逾期清单、按期完成率",
)
async def tasks(
    request: Request,
    user: ApiUserDep,
    platform: PlatformDep,
    plan: Annotated[str | None, Query(max_length=16, description="air / water / soil")] = None,
    unit: Annotated[str | None, Query(max_length=64, description="责任单位编号")] = None,
    county: Annotated[str | None, Query(max_length=32, description="县（市、区）或 市本级")] = None,
    status: Annotated[
        str | None,
        Query(max_length=16, description="not_started / in_progress / done / overdue / at_risk"),
    ] = None,
    month: Annotated[str | None, Query(max_length=7, description="到期月份 YYYY-MM")] = None,
) -> Response:
    return await cached_json(
        request,
        TaskBoardRead,
        lambda: _board(platform, user, plan, unit, county, status, month),
    )


@router.get(
    "/tasks/{occurrence_id}",
    response_model=OccurrenceDetailRead,
    tags=["调度督办"],
    summary="任务节点详情与办理记录",
)
def task(occurrence_id: int, user: ApiUserDep, platform: PlatformDep) -> dict[str, Any]:
    return occurrence_detail(platform, user, occurrence_id)


@router.post(
    "/tasks/{occurrence_id}/progress",
    response_model=OccurrenceRead,
    tags=["调度督办"],
    summary="填报进展（可附佐证材料；expected_version 为乐观锁版本，冲突时返回 409）",
    responses={409: {"description": "他人已先保存（内容未写入）"}},
)
async def submit_progress(
    occurrence_id: int,
    user: ApiUserDep,
    platform: PlatformDep,
    expected_version: Annotated[int, Form(ge=0, le=MAX_RECORD_ID)],
    state: Annotated[str, Form(max_length=16, description="in_progress 或 done")],
    percent: Annotated[int, Form(ge=0, le=100)],
    narrative: Annotated[str, Form(min_length=1, max_length=5000)],
    evidence: Annotated[list[UploadFile] | None, File(description="佐证材料")] = None,
) -> Any:
    return await record_progress(
        platform,
        user,
        occurrence_id,
        expected_version=expected_version,
        state=state,
        percent=percent,
        narrative=narrative,
        evidence=evidence,
    )


@router.get("/notices", response_model=NoticeList, tags=["调度督办"], summary="督办单")
def notices(
    user: ApiUserDep,
    platform: PlatformDep,
    state: Annotated[
        str | None, Query(max_length=16, description="awaiting_reply / replied / reply_overdue")
    ] = None,
) -> dict[str, Any]:
    data = platform.notices(user, state=state)
    return {"count": len(data), "data": data}


@router.post(
    "/notices/{notice_id}/reply",
    response_model=NoticeList,
    tags=["调度督办"],
    summary="回复督办单",
)
def reply(
    notice_id: int, body: NoticeReplyCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    run_notice_reply(platform, user, notice_id, text=body.text)
    data = [n for n in platform.notices(user) if n.notice_id == notice_id]
    return {"count": len(data), "data": data}


@router.post(
    "/uploads/air",
    response_model=ImportRead,
    tags=["数据上传"],
    summary="导入空气监测数据文件（全部检查通过才写入；问题逐行列出，返回 422）",
    responses={413: {"description": "文件过大"}, 415: {"description": "文件类型不支持"}},
)
async def upload_air(
    user: ApiUserDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File(description="CSV / CSV.GZ / XLSX")],
    format: Annotated[str, Form(max_length=32, description="数据格式，空为自动识别")] = "",
) -> dict[str, Any]:
    upload = await read_upload(file, kind="monitoring")
    return await run_in_threadpool(run_air_import, platform, user, upload, format or None)


@router.post(
    "/uploads/water",
    response_model=ImportRead,
    tags=["数据上传"],
    summary="导入地表水月度监测数据（水环境模板 CSV/XLSX；全部检查通过才写入，问题逐行列出）",
    responses={413: {"description": "文件过大"}, 415: {"description": "文件类型不支持"}},
)
async def upload_water(
    user: ApiUserDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File(description="CSV / XLSX（水环境月度监测模板）")],
) -> dict[str, Any]:
    upload = await read_upload(file, kind="water")
    return await run_in_threadpool(run_water_import, platform, user, upload)


@router.get(
    "/public/air/monthly",
    response_model=PublicAirRead,
    tags=["信息公开"],
    summary="公开：晋城市空气质量月度结果（无需登录）",
)
async def public_air(request: Request, platform: PlatformDep) -> Response:
    return await cached_json(request, PublicAirRead, lambda: public_air_monthly(platform))


@router.get(
    "/public/water/sections",
    response_model=PublicWaterRead,
    tags=["信息公开"],
    summary="公开：考核断面水质类别（无需登录）",
)
async def public_water(request: Request, platform: PlatformDep) -> Response:
    water = public_water_sections(platform)
    if water is None:
        raise HTTPException(status_code=404, detail="尚无地表水监测数据")
    return await cached_json(request, PublicWaterRead, lambda: water)

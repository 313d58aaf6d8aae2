"""Enterprise registry and heavy-pollution emergency pages and API.

Bureau pages (login): /enterprises (list by county, map), /emergency (list of a level by county,
self-check against the minimum share, response timeline, inspections), the Excel export.
Public page: /public/emergency (the warning in force, or the latest one, and its measures).
Every page and API answer calls the same use cases as the CLI (services.enterprises / emergency).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from envplan.reports.enterprises_xlsx import write_emergency_list
from envplan.services.access import SYSTEM
from envplan.services.emergency import (
    EmergencyError,
    build_list,
    list_inspections,
    list_warnings,
    warning_dict,
    warning_in_force,
)
from envplan.services.enterprises import (
    county_names,
    enterprise_dict,
    enterprise_zones,
    list_enterprises,
)
from envplan.standards.emergency import LEVEL_NAMES
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, render_cached

router = APIRouter(tags=["重污染天气应急"])

LEVELS = ("yellow", "orange", "red")
LevelQuery = Annotated[str, Query(pattern="^(yellow|orange|red)$", description="预警级别")]
CountyQuery = Annotated[str | None, Query(max_length=32, description="县（市、区）")]
LEVEL_COLOURS = {"none": "#9aa5b1", "yellow": "#e6b800", "orange": "#ef7e22", "red": "#d64545"}
GRADE_COLOURS = {
    "A": "#2e9d5b", "引领性": "#1b7a8c", "B": "#3d7dd8", "B-": "#6c9ee6",
    "C": "#ef7e22", "D": "#d64545", "非重点": "#9aa5b1",
}  # fmt: skip


def _list_or_none(session: Any, level: str, county: str | None, principal: Any) -> Any:
    try:
        return build_list(session, level, county=county or None, principal=principal)
    except EmergencyError as exc:
        return str(exc)


def map_option(enterprises: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts scatter of the enterprises on lon/lat axes, one series per grade."""
    series = []
    for grade, colour in GRADE_COLOURS.items():
        points = [
            {"name": e["name"], "value": [e["lon"], e["lat"], e["county"], e["industry"]]}
            for e in enterprises
            if e["lon"] is not None and (e["grade"] or "非重点") == grade
        ]
        if points:
            series.append(
                {"name": grade, "type": "scatter", "symbolSize": 12, "data": points,
                 "itemStyle": {"color": colour}}
            )  # fmt: skip
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "value", "name": "经度（°E）", "scale": True},
        "yAxis": {"type": "value", "name": "纬度（°N）", "scale": True},
        "series": series,
    }


def timeline_option(warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts step line of the warning level over time (0 none … 3 red), one series per warning."""
    order = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
    series = []
    for w in warnings:
        points = [[e["on"], order[e["to"]]] for e in w["events"]]
        series.append(
            {"name": f"第{w['id']}号", "type": "line", "step": "end", "data": points,
             "markPoint": {"data": []}}
        )  # fmt: skip
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 40},
        "xAxis": {"type": "time"},
        "yAxis": {
            "type": "value", "min": 0, "max": 3, "interval": 1,
            "axisLabel": {"formatter": "{value}"}, "name": "0 无 1 黄 2 橙 3 红",
        },
        "series": series,
    }  # fmt: skip


@router.get("/enterprises", response_class=HTMLResponse, summary="企业名录（按县、地图）")
async def enterprises_page(
    request: Request, user: PageUserDep, platform: PlatformDep, county: CountyQuery = None
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        with platform.session() as session:
            rows = []
            for e in list_enterprises(session, county=county or None, principal=user.principal):
                data = enterprise_dict(e)
                data["zones"] = enterprise_zones(e)
                rows.append(data)
        return {
            "enterprises": rows,
            "county": county or "",
            "counties": county_names(),
            "map_option": map_option(rows),
            "demo": any(r["is_demo"] for r in rows),
        }

    return await render_cached(request, "enterprises.html", build)


@router.get("/emergency", response_class=HTMLResponse, summary="应急减排清单与响应")
async def emergency_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    level: LevelQuery = "yellow",
    county: CountyQuery = None,
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        with platform.session() as session:
            result = _list_or_none(session, level, county, user.principal)
            warnings = [warning_dict(w) for w in list_warnings(session)]
            inspections = [
                {
                    "on": i.inspected_on, "name": i.enterprise.name, "county": i.enterprise.county,
                    "inspector": i.inspector, "compliant": i.compliant, "finding": i.finding,
                    "warning_id": i.warning_id,
                }
                for i in list_inspections(session, principal=user.principal)
            ]  # fmt: skip
        return {
            "level": level,
            "levels": LEVELS,
            "county": county or "",
            "counties": county_names(),
            "result": result if not isinstance(result, str) else None,
            "error": result if isinstance(result, str) else None,
            "warnings": warnings,
            "inspections": inspections,
            "timeline_option": timeline_option(warnings) if warnings else None,
            "level_colours": LEVEL_COLOURS,
        }

    return await render_cached(request, "emergency.html", build)


@router.get("/emergency/export.xlsx", summary="导出应急减排清单（Excel 官方格式）")
async def emergency_export(
    user: PageUserDep, platform: PlatformDep, level: LevelQuery, county: CountyQuery = None
) -> Response:
    def build() -> bytes:
        with platform.session() as session:
            result = _list_or_none(session, level, county, user.principal)
        if isinstance(result, str):
            raise HTTPException(status_code=422, detail=result)
        buffer = io.BytesIO()
        write_emergency_list(buffer, result)
        return buffer.getvalue()

    body = await run_in_threadpool(build)
    name = quote(f"{LEVEL_NAMES[level]}应急减排清单.xlsx")
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/api/emergency/list", summary="应急减排清单（与 envplan emergency list --json 相同）")
async def api_emergency_list(
    user: ApiUserDep, platform: PlatformDep, level: LevelQuery, county: CountyQuery = None
) -> JSONResponse:
    def build() -> Any:
        with platform.session() as session:
            return _list_or_none(session, level, county, user.principal)

    result = await run_in_threadpool(build)
    if isinstance(result, str):
        raise HTTPException(status_code=422, detail=result)
    return JSONResponse(result.contract())


@router.get("/api/enterprises", summary="企业名录（县级用户只含本县）")
async def api_enterprises(
    user: ApiUserDep, platform: PlatformDep, county: CountyQuery = None
) -> JSONResponse:
    def build() -> list[dict[str, Any]]:
        with platform.session() as session:
            return [
                enterprise_dict(e)
                for e in list_enterprises(session, county=county or None, principal=user.principal)
            ]

    rows = await run_in_threadpool(build)
    return JSONResponse(rows)


@router.get("/public/emergency", response_class=HTMLResponse, summary="公开：重污染天气预警与措施")
async def public_emergency(request: Request, platform: PlatformDep) -> HTMLResponse:
    def build() -> dict[str, Any]:
        today = platform.today if isinstance(platform.today, dt.date) else dt.date.today()
        with platform.session() as session:
            current = warning_in_force(session, today)
            history = list_warnings(session)
            shown = current or (history[-1] if history else None)
            warning = warning_dict(shown) if shown else None
            measures: list[dict[str, Any]] = []
            if shown is not None:
                result = _list_or_none(session, shown.level, None, SYSTEM)
                if not isinstance(result, str):
                    # Public: enterprise, county, grade and measures only (no codes, no notes).
                    measures = [
                        {"name": e.name, "county": e.county, "grade": e.grade or "—",
                         "measures": "；".join(e.measures)}
                        for e in result.enterprises
                    ]  # fmt: skip
        return {"warning": warning, "in_force": current is not None, "measures": measures,
                "today": today, "level_colours": LEVEL_COLOURS}  # fmt: skip

    return await render_cached(request, "public/emergency.html", build, public_page=True)

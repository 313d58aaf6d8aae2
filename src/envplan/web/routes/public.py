"""Public disclosure pages under /public/: no login, only what ``services.public`` marks public."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from envplan.services.public import public_air_monthly, public_water_sections
from envplan.web import charts
from envplan.web.deps import PlatformDep, render_cached

router = APIRouter(prefix="/public", tags=["公开页面"])


def _air_context(platform: PlatformDep) -> dict[str, object]:
    monthly = public_air_monthly(platform)
    option = charts.daily_trend(
        [{"date": r["month"], "good_day_ratio": r["good_day_ratio"]} for r in monthly["rows"]],
        [("good_day_ratio", "月优良天数比例（%）")],
        [],
        y_name="%",
    )
    return {"monthly": monthly, "monthly_option": option}


@router.get("/", response_class=HTMLResponse, summary="信息公开首页：空气质量月报与断面水质")
async def public_home(request: Request, platform: PlatformDep) -> HTMLResponse:
    def build() -> dict[str, object]:
        context = _air_context(platform)
        context["water"] = public_water_sections(platform)
        return context

    return await render_cached(request, "public/index.html", build, public_page=True)


@router.get("/air", response_class=HTMLResponse, summary="公开：空气质量月度监测结果")
async def public_air(request: Request, platform: PlatformDep) -> HTMLResponse:
    return await render_cached(
        request, "public/air.html", lambda: _air_context(platform), public_page=True
    )


@router.get("/water", response_class=HTMLResponse, summary="公开：考核断面水质类别")
async def public_water(request: Request, platform: PlatformDep) -> HTMLResponse:
    return await render_cached(
        request,
        "public/water.html",
        lambda: {"water": public_water_sections(platform)},
        public_page=True,
    )

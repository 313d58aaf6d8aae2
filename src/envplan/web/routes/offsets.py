"""Pages and JSON of the offsets ledger and the siting pre-screen (市审批服务管理局, 市生态环境局).

The pages call the same use cases as ``envplan offsets`` / ``envplan siting`` (services.offsets,
services.siting); forms post with the session's CSRF token and redirect with the outcome.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from envplan.reports.offsets_xlsx import write_offsets_workbook
from envplan.services.offsets import (
    APPROVAL_UNIT_ID,
    InventoryImportError,
    OffsetsDenied,
    OffsetsError,
    add_credit,
    balance,
    balances,
    debit,
    inventory_check,
    list_credits,
    list_debits,
    read_inventory,
    rule_dict,
    save_inventory,
    withdraw_credit,
)
from envplan.services.siting import (
    OffsetsExport,
    SitingError,
    SitingRequest,
    check_siting,
    enterprises_in_zones,
    offsets_export,
)
from envplan.standards.offsets import CREDIT_KINDS, OFFSET_RULES, POLLUTANTS
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, render

router = APIRouter(tags=["削减替代与选址"])

YEAR = Annotated[int, Query(ge=2000, le=2100, description="核算年份")]


def _errors() -> tuple[type[Exception], ...]:
    return (OffsetsError, SitingError)


def _denied() -> type[Exception]:
    return OffsetsDenied


def _call(run: Any) -> Any:
    try:
        return run()
    except _denied() as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except _errors() as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def _ledger_view(platform: Any, user: Any, year: int) -> dict[str, Any]:
    principal = user.principal
    with platform.session() as session:
        view: dict[str, Any] = {
            "balances": balances(session, principal),
            "credits": list_credits(session, principal),
            "debits": list_debits(session, principal),
            "check": inventory_check(session, principal, year),
        }
    by_county: dict[str, list[dict[str, Any]]] = {}
    for item in view["balances"]:
        by_county.setdefault(item["county"], []).append(item)
    view.update(
        {
            "balance_rows": list(by_county.items()),  # plan order of the counties
            "year": year,
            "rules": [rule_dict(r) for r in OFFSET_RULES],
            "pollutants": POLLUTANTS,
            "kinds": CREDIT_KINDS,
            "counties": [c.name for c in platform.plan.counties],
            "can_credit": user.role in ("admin", "county_clerk"),
            "can_debit": user.role == "admin"
            or (user.unit_id == APPROVAL_UNIT_ID and user.role in ("unit_clerk", "unit_leader")),
        }
    )
    return view


@router.get("/offsets", response_class=HTMLResponse, summary="削减替代台账与减排核算")
def offsets_page(
    request: Request, user: PageUserDep, platform: PlatformDep, year: YEAR = 2021
) -> HTMLResponse:
    view = _call(lambda: _ledger_view(platform, user, year))
    return render(request, "offsets.html", view | {"message": request.query_params.get("msg")})


@router.post("/offsets/credit", summary="登记削减量（表单）")
def credit_form(
    user: PageUserDep,
    platform: PlatformDep,
    county: Annotated[str, Form(max_length=32)],
    pollutant: Annotated[str, Form(max_length=16)],
    tonnes: Annotated[str, Form(max_length=32)],
    kind: Annotated[str, Form(max_length=16)],
    source: Annotated[str, Form(max_length=200)],
    on: Annotated[dt.date, Form()],
    evidence: Annotated[str, Form(max_length=2000)] = "",
    credit_code: Annotated[str, Form(max_length=18)] = "",
) -> Response:
    def run() -> int:
        with platform.write() as session:
            row = add_credit(
                session,
                user.principal,
                county=county,
                pollutant=pollutant,
                tonnes=tonnes,
                kind=kind,
                source=source,
                on=on,
                evidence=evidence,
                source_credit_code=credit_code or None,
            )
            return row.id

    credit_id = _call(run)
    return RedirectResponse(f"/offsets?msg={quote(f'已登记削减量 #{credit_id}')}", status_code=303)


@router.post("/offsets/debit", summary="使用削减量（表单）")
def debit_form(
    user: PageUserDep,
    platform: PlatformDep,
    county: Annotated[str, Form(max_length=32)],
    pollutant: Annotated[str, Form(max_length=16)],
    tonnes: Annotated[str, Form(max_length=32)],
    project: Annotated[str, Form(max_length=200)],
    on: Annotated[dt.date, Form()],
    approval_no: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    result = _run_debit(platform, user, county, pollutant, tonnes, project, on, approval_no)
    message = ("通过：" if result.ok else "拒绝：") + result.reason
    return RedirectResponse(f"/offsets?msg={quote(message)}", status_code=303)


def _run_debit(
    platform: Any,
    user: Any,
    county: str,
    pollutant: str,
    tonnes: str,
    project: str,
    on: dt.date,
    approval_no: str,
) -> Any:
    def run() -> Any:
        with platform.write() as session:
            return debit(
                session,
                user.principal,
                county=county,
                pollutant=pollutant,
                tonnes=tonnes,
                project=project,
                on=on,
                approval_no=approval_no,
            )

    return _call(run)


@router.post("/offsets/credits/{credit_id}/withdraw", summary="撤销削减量余量（表单）")
def withdraw_form(
    credit_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    def run() -> None:
        with platform.write() as session:
            withdraw_credit(session, user.principal, credit_id, reason=reason)

    _call(run)
    return RedirectResponse(f"/offsets?msg={quote(f'已撤销削减量 #{credit_id} 的余量')}", 303)


MAX_INVENTORY_BYTES = 10 * 1024 * 1024


@router.post("/offsets/inventory", summary="导入排放清单（表单，全部校验通过才写入）")
async def inventory_form(
    user: PageUserDep, platform: PlatformDep, file: Annotated[UploadFile, File()]
) -> Response:
    name = Path(file.filename or "清单").name
    if not name.lower().endswith((".xlsx", ".csv")):
        raise HTTPException(
            status_code=415, detail=f"排放清单「{name}」类型不支持：只接受 .xlsx、.csv"
        )
    data = await file.read(MAX_INVENTORY_BYTES + 1)
    if len(data) > MAX_INVENTORY_BYTES:
        raise HTTPException(status_code=413, detail=f"排放清单「{name}」过大：上限 10 MB")

    def run() -> int:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                rows = read_inventory(path, platform.plan)
            except InventoryImportError as exc:
                raise HTTPException(status_code=422, detail=str(exc)) from exc
        with platform.write() as session:
            return save_inventory(session, user.principal, rows)

    count = await run_in_threadpool(lambda: _call(run))
    return RedirectResponse(
        f"/offsets?msg={quote(f'已导入排放清单 {name}：{count} 项排放量')}", 303
    )


@router.get("/offsets/export.xlsx", summary="导出削减替代台账 Excel")
def offsets_export_download(
    user: PageUserDep, platform: PlatformDep, year: YEAR = 2021
) -> Response:
    def run() -> OffsetsExport:
        with platform.session() as session:
            return offsets_export(session, user.principal, year=year)

    buffer = io.BytesIO()
    write_offsets_workbook(_call(run), buffer)
    name = quote(f"削减替代台账-{year}.xlsx")
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/siting", response_class=HTMLResponse, summary="选址预审")
def siting_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    industry: Annotated[str, Query(max_length=32)] = "",
    town: Annotated[str, Query(max_length=64)] = "",
    village: Annotated[str, Query(max_length=64)] = "",
    county_planning_area: Annotated[str, Query(pattern="^(in|out|unknown)$")] = "unknown",
    flags: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    chosen = set(flags or [])
    result = None
    if industry or town:
        result = _call(
            lambda: _screen(platform, industry, town, village, county_planning_area, chosen)
        )

    def zones() -> Any:
        with platform.session() as session:
            return enterprises_in_zones(session, user.principal, platform.plan)

    return render(
        request,
        "siting.html",
        {
            "result": result,
            "zones": _call(zones),
            "form": {
                "industry": industry,
                "town": town,
                "village": village,
                "county_planning_area": county_planning_area,
                "flags": chosen,
            },
            "flag_labels": FLAG_LABELS,
        },
    )


FLAG_LABELS = {
    "no_new_capacity": "同一企业内部不新增产能的技术改造",
    "relocation": "关停搬迁项目",
    "short_process": "电弧炉短流程炼钢",
    "capacity_replacement": "产能减量置换铸造高炉",
    "high_end_casting": "高端铸件",
    "coal_consuming": "耗煤项目",
}


def _screen(
    platform: Any, industry: str, town: str, village: str, area: str, flags: set[str]
) -> dict[str, Any]:
    request = SitingRequest(
        industry=industry,
        town=town,
        village=village or None,
        county_planning_area=area,  # type: ignore[arg-type]
        new_capacity="no_new_capacity" not in flags,
        relocation="relocation" in flags,
        short_process="short_process" in flags,
        capacity_replacement="capacity_replacement" in flags,
        high_end_casting="high_end_casting" in flags,
        coal_consuming="coal_consuming" in flags,
    )
    return check_siting(request, platform.plan)


# --- JSON -------------------------------------------------------------------------------------


@router.get("/api/v1/offsets/balance", summary="某县（市、区）削减量余量")
def api_balance(
    user: ApiUserDep, platform: PlatformDep, county: Annotated[str, Query(max_length=32)]
) -> dict[str, float]:
    def run() -> dict[str, float]:
        with platform.session() as session:
            return balance(session, user.principal, county, plan=platform.plan)

    result: dict[str, float] = _call(run)
    return result


class DebitIn(BaseModel):
    county: str = Field(max_length=32, description="项目所在县（市、区）")
    pollutant: str = Field(max_length=16, description="SO2 | NOx | VOCs | PM")
    tonnes: str = Field(max_length=32, description="新增排放量（吨/年）")
    project: str = Field(max_length=200, description="项目名称")
    date: dt.date | None = Field(default=None, description="审批日期（默认平台日期）")
    approval_no: str = Field(default="", max_length=64, description="审批文号")


class UsedOut(BaseModel):
    credit: int
    tonnes: float


class DebitOut(BaseModel):
    ok: bool
    required: float
    used: list[UsedOut]
    reason: str
    debit: int
    project: str
    county: str
    pollutant: str
    tonnes: float
    rule: dict[str, Any]


@router.post(
    "/api/v1/offsets/debit",
    summary="使用削减量（倍量削减；削减量不足时 409，申请仍被记录）",
    response_model=DebitOut,
    responses={409: {"model": DebitOut, "description": "削减量不足，已拒绝"}},
)
def api_debit(user: ApiUserDep, platform: PlatformDep, payload: DebitIn) -> Response:
    result = _run_debit(
        platform,
        user,
        payload.county,
        payload.pollutant,
        payload.tonnes,
        payload.project,
        payload.date or platform.today,
        payload.approval_no,
    )
    return JSONResponse(result.to_dict(), status_code=200 if result.ok else 409)


@router.get("/api/v1/siting/check", summary="选址预审")
def api_siting(
    user: ApiUserDep,
    platform: PlatformDep,
    industry: Annotated[str, Query(max_length=32)],
    town: Annotated[str, Query(max_length=64)],
    village: Annotated[str, Query(max_length=64)] = "",
    county_planning_area: Annotated[str, Query(pattern="^(in|out|unknown)$")] = "unknown",
    flags: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    result: dict[str, Any] = _call(
        lambda: _screen(platform, industry, town, village, county_planning_area, set(flags or []))
    )
    return result

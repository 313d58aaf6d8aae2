"""Contaminated-land pages and JSON routes: the bureau's registry (plots, plot detail, key units,
gate form, Excel export) and the public 名录 page. They call the same ``services.land`` use
cases as ``envplan land``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from envplan.monitoring.errors import InputFileError
from envplan.monitoring.soil_readers import read_construction_samples
from envplan.reports.land_xlsx import registry_workbook
from envplan.services import land as land_service
from envplan.services.access import AccessDenied, Action
from envplan.services.land import (
    FileUpload,
    GateRequest,
    LandConflict,
    LandError,
    LandNotFound,
    StepInput,
    add_samples,
    advance,
    attach_reply,
    find_plot,
    import_workbook,
    known_counties,
    land_export,
    list_key_units,
    list_plots,
    list_queries,
    plot_detail,
    plot_summary,
    public_lists,
    query_json,
    require_county,
    stage_dates,
    visible_counties,
)
from envplan.standards.land.gate import Purpose
from envplan.standards.land.lifecycle import LIST_LABELS, Stage, list_of, parse_stage
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, render, render_cached
from envplan.web.views import read_upload

router = APIRouter(tags=["污染地块"])


@contextmanager
def _land_errors() -> Iterator[None]:
    """Service errors as 4xx answers with their zh-CN message."""

    try:
        yield
    except AccessDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except LandNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except LandConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    except LandError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def _registry(platform: Any, user: Any, county: str | None) -> dict[str, Any]:
    seen = visible_counties(user.principal)
    counties: tuple[str, ...] | None = (county,) if county else None
    if seen is not None:
        counties = tuple(c for c in (counties or seen) if c in seen)
    with platform.session() as session:
        plots = list_plots(session, counties=counties)
        dates = stage_dates(session, [p.id for p in plots])
        rows = []
        for plot in plots:
            row = plot_summary(plot, dates.get(plot.id))
            row["list"] = LIST_LABELS[list_of(Stage(plot.stage))]
            rows.append(row)
        parcels = {p.parcel_id for p in plots}
        queries = [query_json(q) for q in list_queries(session) if q.parcel_id in parcels]
        units = list_key_units(session, as_of=platform.today, counties=counties)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["stage"]] = counts.get(row["stage"], 0) + 1

    return {
        "plots": rows,
        "stage_counts": [(s.value, counts.get(s.value, 0)) for s in Stage],
        "queries": queries[-20:][::-1],
        "units": units,
        "county": county,
        "counties": known_counties() if seen is None else seen,
        "purposes": [p.value for p in Purpose],
        "as_of": platform.today,
    }


@router.get("/land", response_class=HTMLResponse, summary="污染地块名录与供地查询")
async def land_page(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    county: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    return await render_cached(
        request, "land/index.html", lambda: _registry(platform, user, county)
    )


@router.get("/land/plots/{parcel}", response_class=HTMLResponse, summary="地块详情")
def plot_page(
    request: Request, parcel: str, user: PageUserDep, platform: PlatformDep
) -> HTMLResponse:
    with _land_errors(), platform.session() as session:
        plot = find_plot(session, parcel)
        require_county(user.principal, Action.READ, plot.county, "地块")
        detail = plot_detail(session, plot, as_of=platform.today)
    return render(request, "land/plot.html", {"plot": detail})


@router.post(
    "/land/plots/{parcel}/advance", response_class=HTMLResponse, summary="推进地块阶段（表单）"
)
async def advance_form(
    parcel: str,
    user: PageUserDep,
    platform: PlatformDep,
    to: Annotated[str, Form(max_length=16)],
    expected_version: Annotated[int, Form(ge=1)],
    report: Annotated[UploadFile, File()],
    step_on: Annotated[dt.date, Form()],
    review_meeting: Annotated[str, Form(max_length=500)] = "",
    reviewed_on: Annotated[dt.date | None, Form()] = None,
    reviewers: Annotated[str, Form(max_length=500)] = "",
    conclusion: Annotated[str, Form(max_length=5000)] = "",
    evidence: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """The same use case as ``envplan land plot advance`` (report required, no skipping)."""

    upload = await read_upload(report, kind="evidence")
    files = [await read_upload(f, kind="evidence") for f in evidence or [] if f.filename]
    step = StepInput(
        to=to,
        report=FileUpload(upload.filename, upload.data),
        on=step_on,
        review_meeting=review_meeting,
        reviewed_on=reviewed_on,
        reviewers=reviewers,
        conclusion=conclusion,
        evidence=tuple(FileUpload(f.filename, f.data) for f in files),
        expected_version=expected_version,
    )

    def run() -> None:
        with _land_errors(), platform.write() as session:
            advance(session, parcel, step, store=platform.evidence, actor=user.principal)

    await run_in_threadpool(run)
    return RedirectResponse(f"/land/plots/{quote(parcel)}?saved=1", status_code=303)


@router.post(
    "/land/plots/{parcel}/samples", response_class=HTMLResponse, summary="录入地块采样结果（表单）"
)
async def samples_form(
    parcel: str,
    user: PageUserDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File()],
    taken_on: Annotated[dt.date, Form()],
    stage: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Results in the construction-land template (CSV or .xlsx), checked whole before saving."""

    upload = await read_upload(file, kind="water")  # .csv / .xlsx, the monitoring size limit

    def run() -> None:
        with tempfile.TemporaryDirectory(prefix="envplan-land-") as folder:
            path = Path(folder) / upload.filename
            path.write_bytes(upload.data)
            try:
                frame = read_construction_samples(path)
            except InputFileError as exc:
                raise HTTPException(status_code=422, detail=str(exc)) from exc
        with _land_errors(), platform.write() as session:
            plot = find_plot(session, parcel)
            chosen = parse_stage(stage) if stage else Stage(plot.stage)
            if chosen is None:
                raise HTTPException(status_code=422, detail=f"阶段「{stage}」无效")
            add_samples(
                session, plot, frame, stage=chosen, taken_on=taken_on,
                source_sha256=hashlib.sha256(upload.data).hexdigest(), actor=user.principal,
                source_name=upload.filename,
            )  # fmt: skip

    await run_in_threadpool(run)
    return RedirectResponse(f"/land/plots/{quote(parcel)}?saved=1", status_code=303)


@router.post(
    "/land/queries/{query_id}/reply", response_class=HTMLResponse, summary="登记书面回复（表单）"
)
async def reply_form(
    query_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    parcel: Annotated[str, Form(max_length=64)],
    replied_on: Annotated[dt.date, Form()],
    text: Annotated[str, Form(max_length=5000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    signed = (
        await read_upload(file, kind="evidence") if file is not None and file.filename else None
    )

    def run() -> None:
        with _land_errors(), platform.write() as session:
            attach_reply(
                session, query_id, replied_on=replied_on, text=text,
                upload=(signed.filename, signed.data) if signed else None,
                store=platform.evidence, actor=user.principal,
            )  # fmt: skip

    await run_in_threadpool(run)
    return RedirectResponse(f"/land/plots/{quote(parcel)}?saved=1", status_code=303)


@router.post("/land/import", response_class=HTMLResponse, summary="导入地块与重点监管单位（Excel）")
async def import_form(
    request: Request, user: PageUserDep, platform: PlatformDep, file: Annotated[UploadFile, File()]
) -> Response:
    """All or nothing: any problem refuses the file, listing sheet, row and field."""

    upload = await read_upload(file, kind="water")

    def run() -> tuple[int, int]:
        with _land_errors(), platform.write() as session:
            result = import_workbook(
                session, upload.data, upload.filename, today=platform.today, actor=user.principal
            )
            return result.plots, result.units

    plots, units = await run_in_threadpool(run)
    return RedirectResponse(f"/land?imported={plots},{units}", status_code=303)


@router.post("/land/gate", response_class=HTMLResponse, summary="供地/征收/收回/收购前查询（表单）")
def gate_form(
    request: Request,
    user: PageUserDep,
    platform: PlatformDep,
    parcel: Annotated[str, Form(min_length=1, max_length=64)],
    purpose: Annotated[str, Form(max_length=8)],
    unit: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    with _land_errors(), platform.write() as session:
        row = land_service.gate(
            session,
            GateRequest(parcel, purpose, asked_by=user.display_name,
                        unit=unit or (user.unit_name or ""), on=platform.today),
            today=platform.today,
            actor=user.principal,
        )  # fmt: skip
        answer = query_json(row)
    return render(request, "land/answer.html", {"answer": answer})


@router.get("/land/export.xlsx", summary="导出污染地块名录、重点监管单位与查询记录（Excel）")
def export_xlsx(user: PageUserDep, platform: PlatformDep) -> Response:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="只有局管理员可以导出完整名录与查询记录")
    with platform.session() as session:
        registry = land_export(session, as_of=platform.today)
    data = registry_workbook(registry)
    name = quote("污染地块名录.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/public/land", response_class=HTMLResponse, summary="公开：污染地块名录")
async def public_land(request: Request, platform: PlatformDep) -> HTMLResponse:
    def build() -> dict[str, Any]:
        with platform.session() as session:
            return {"published": public_lists(session)}

    return await render_cached(request, "public/land.html", build, public_page=True)


# --- JSON -----------------------------------------------------------------------------------------


class GateBody(BaseModel):
    parcel: str = Field(min_length=1, max_length=64, description="地块编号")
    purpose: str = Field(max_length=8, description="供地 | 征收 | 收回 | 收购")
    unit: str = Field(default="", max_length=200, description="查询单位")
    intended_use: str | None = Field(default=None, max_length=16, description="拟用途")


class ReplyOut(BaseModel):
    replied_on: str | None
    replied_by: str
    text: str
    file: str | None
    sha256: str | None


class GateAnswerOut(BaseModel):
    """A recorded gate query and its answer."""

    id: int
    parcel_id: str
    purpose: str
    asked_by: str
    unit: str
    date: str | None
    status: str
    allowed: bool
    answer: str
    reason: str
    rule: str
    intended_use: str | None
    needs_written_reply: bool
    recorded_at: str | None
    replies: list[ReplyOut]


class PublicPlotOut(BaseModel):
    parcel_id: str
    name: str
    county: str
    town: str
    village: str
    area_m2: float | None
    former_use: str
    planned_use: str
    stage: str
    stage_on: str | None
    is_demo: bool


class PublicListOut(BaseModel):
    key: str
    label: str
    plots: list[PublicPlotOut]


class PublicListsOut(BaseModel):
    """The published lists (名录): only what may be published."""

    lists: list[PublicListOut]
    count: int
    has_demo: bool
    basis: str


@router.post("/api/v1/land/gate", summary="供地把关查询（记录查询）", response_model=GateAnswerOut)
def api_gate(body: GateBody, user: ApiUserDep, platform: PlatformDep) -> JSONResponse:
    with _land_errors(), platform.write() as session:
        row = land_service.gate(
            session,
            GateRequest(body.parcel, body.purpose, asked_by=user.display_name,
                        unit=body.unit or (user.unit_name or ""), on=platform.today,
                        intended_use=body.intended_use),
            today=platform.today,
            actor=user.principal,
        )  # fmt: skip
        return JSONResponse(GateAnswerOut.model_validate(query_json(row)).model_dump())


@router.get(
    "/api/v1/land/public", summary="公开的污染地块名录（无需登录）", response_model=PublicListsOut
)
def api_public(platform: PlatformDep) -> JSONResponse:
    with platform.session() as session:
        return JSONResponse(PublicListsOut.model_validate(public_lists(session)).model_dump())

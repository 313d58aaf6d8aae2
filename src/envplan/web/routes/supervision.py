"""Supervision routes beyond the board: every party's roll-up, evidence download and preview,
notice comments and closing, and the 13710 items — as JSON (``/api/v1/…``) and as pages.

Each route calls the same use case as the CLI (``envplan.services.supervision``), with the same
access rules; service errors become 4xx with their zh-CN message (403, 404, 409, 422).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from envplan.services import supervision as sv
from envplan.web.deps import ApiUserDep, PageUserDep, PlatformDep, render

router = APIRouter()
T = TypeVar("T")


@contextmanager
def _http_errors() -> Iterator[None]:
    try:
        yield
    except sv.AccessDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    except sv.ConflictError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    except (sv.NotFound, LookupError) as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except (sv.SupervisionError, ValueError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def _read(platform: Any, work: Callable[[Any], T]) -> T:
    with _http_errors(), platform.session() as session:
        return work(session)


def _write(platform: Any, work: Callable[[Any], T]) -> T:
    with _http_errors(), platform.write() as session:
        return work(session)


# --- roll-up and evidence -------------------------------------------------------------------


@router.get(
    "/api/v1/tasks/{occurrence_id}/rollup",
    tags=["调度督办"],
    summary="一个期次的各方：牵头单位、各县（市、区）落实情况与未报送县、配合单位",
)
def rollup_api(occurrence_id: int, user: ApiUserDep, platform: PlatformDep) -> dict[str, Any]:
    return _read(
        platform,
        lambda s: sv.rollup(
            s, occurrence_id, as_of=platform.today, principal=user.principal
        ).to_json(),
    )


def _evidence_json(info: sv.EvidenceInfo) -> dict[str, Any]:
    return {
        "evidence_id": info.evidence_id,
        "report_id": info.report_id,
        "filename": info.filename,
        "content_type": info.content_type,
        "size": info.size,
        "sha256": info.sha256,
        "previewable": info.previewable,
        "download": f"/evidence/{info.evidence_id}",
        "preview": f"/evidence/{info.evidence_id}?inline=1" if info.previewable else None,
    }


@router.get(
    "/api/v1/tasks/{occurrence_id}/evidence",
    tags=["调度督办"],
    summary="期次的证明材料（文件名、大小、SHA-256、下载与预览地址）",
)
def evidence_list_api(
    occurrence_id: int, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    files = _read(platform, lambda s: sv.list_evidence(s, occurrence_id, principal=user.principal))
    return {"count": len(files), "data": [_evidence_json(f) for f in files]}


@router.get(
    "/evidence/{evidence_id}",
    tags=["调度督办"],
    summary="下载或预览证明材料（与所属记录相同的查看权限；响应头给出 SHA-256）",
)
def evidence_download(
    evidence_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    inline: Annotated[bool, Query(description="在浏览器中预览（PDF、图片、纯文本）")] = False,
) -> Response:
    download = _read(
        platform,
        lambda s: sv.open_evidence(
            s, platform.evidence, principal=user.principal, evidence_id=evidence_id
        ),
    )
    info = download.info
    show_inline = inline and info.previewable
    disposition = "inline" if show_inline else "attachment"
    return Response(
        content=download.data,
        media_type=info.content_type if show_inline else "application/octet-stream",
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(info.filename)}",
            "X-Content-SHA256": info.sha256,
            "X-Content-Type-Options": "nosniff",
            # a previewed file runs nothing and reaches nothing
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
            "Cache-Control": "private, no-store",
        },
    )


# --- notices --------------------------------------------------------------------------------


class NoticeCommentCreate(BaseModel):
    text: str = Field(min_length=1, max_length=5000, description="评论")


class NoticeCloseCreate(BaseModel):
    note: str = Field("", max_length=5000, description="销号意见")


def _notice_json(state: sv.NoticeState) -> dict[str, Any]:
    return {
        "notice_id": state.notice_id,
        "number": state.number,
        "level": state.level,
        "level_label": state.level_label,
        "occurrence_id": state.occurrence_id,
        "task_key": state.task_key,
        "unit_id": state.unit_id,
        "unit_name": state.unit_name,
        "issued_on": state.issued_on.isoformat(),
        "reply_due": state.reply_due.isoformat(),
        "replied_on": state.replied_on.isoformat() if state.replied_on else None,
        "reply_text": state.reply_text,
        "state": state.state,
        "state_label": state.state_label,
        "closed_on": state.closed_on.isoformat() if state.closed_on else None,
        "close_note": state.close_note,
        "version": state.version,
        "body": state.body,
        "comments": [{"author": a, "at": at, "text": body} for a, at, body in state.comments],
    }


@router.get(
    "/api/v1/notices/{notice_id}", tags=["调度督办"], summary="一份督办单及其回复、评论、销号"
)
def notice_api(notice_id: int, user: ApiUserDep, platform: PlatformDep) -> dict[str, Any]:
    return _notice_json(
        _read(
            platform,
            lambda s: sv.get_notice(s, notice_id, as_of=platform.today, principal=user.principal),
        )
    )


@router.post("/api/v1/notices/{notice_id}/comment", tags=["调度督办"], summary="评论督办单")
def notice_comment_api(
    notice_id: int, body: NoticeCommentCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    _write(platform, lambda s: sv.comment_notice(s, user.principal, notice_id, body.text))
    return notice_api(notice_id, user, platform)


@router.post(
    "/api/v1/notices/{notice_id}/close", tags=["调度督办"], summary="核实回复后办结销号（局管理员）"
)
def notice_close_api(
    notice_id: int, body: NoticeCloseCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    _write(
        platform,
        lambda s: sv.close_notice(
            s, user.principal, notice_id, closed_on=platform.today, note=body.note
        ),
    )
    return notice_api(notice_id, user, platform)


@router.post(
    "/notices/{notice_id}/comment", response_class=HTMLResponse, summary="评论督办单（表单）"
)
def notice_comment_form(
    notice_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    text: Annotated[str, Form(min_length=1, max_length=5000)],
) -> Response:
    _write(platform, lambda s: sv.comment_notice(s, user.principal, notice_id, text))
    return RedirectResponse("/notices?saved=1", status_code=303)


@router.post("/notices/{notice_id}/close", response_class=HTMLResponse, summary="销号（表单）")
def notice_close_form(
    notice_id: int,
    user: PageUserDep,
    platform: PlatformDep,
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    _write(
        platform,
        lambda s: sv.close_notice(
            s, user.principal, notice_id, closed_on=platform.today, note=note
        ),
    )
    return RedirectResponse("/notices?saved=1", status_code=303)


# --- 13710 ----------------------------------------------------------------------------------


class ClockItemCreate(BaseModel):
    title: str = Field(min_length=1, max_length=500, description="事项")
    source: str = Field(min_length=1, max_length=200, description="交办来源（会议或领导）")
    unit_id: str = Field(min_length=1, max_length=64, description="责任单位编号")
    assigned_on: dt.date = Field(description="交办日期")
    content: str = Field("", max_length=20000, description="交办内容")
    major: bool = Field(False, description="重大复杂事项（1个月）")


class ClockStepCreate(BaseModel):
    on: dt.date
    expected_version: int = Field(ge=0)
    text: str | None = Field(None, max_length=20000)
    timetable_due: dt.date | None = None


class ClockExtendCreate(BaseModel):
    to: dt.date
    reason: str = Field(min_length=1, max_length=2000)
    expected_version: int = Field(ge=0)


CLOCK_STEPS = ("deploy", "progress", "resolve", "timetable", "close")


@router.get("/api/v1/13710", tags=["13710"], summary="“13710”交办事项及各环节时限、状态")
def clock_list_api(
    user: ApiUserDep,
    platform: PlatformDep,
    as_of: Annotated[dt.date | None, Query(description="评估日期")] = None,
    open_only: Annotated[bool, Query(description="只列未销号")] = False,
) -> dict[str, Any]:
    states = _read(
        platform,
        lambda s: sv.list_clock_items(
            s, as_of=as_of or platform.today, open_only=open_only, principal=user.principal
        ),
    )
    return {"count": len(states), "data": [st.to_json() for st in states]}


@router.post("/api/v1/13710", tags=["13710"], summary="立项：登记交办事项（局管理员）")
def clock_register_api(
    body: ClockItemCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    def work(session: Any) -> dict[str, Any]:
        item = sv.register_item(
            session,
            title=body.title,
            source=body.source,
            unit_id=body.unit_id,
            assigned_on=body.assigned_on,
            major=body.major,
            content=body.content,
            actor=user.principal,
        )
        return sv.clock_state(item, body.assigned_on).to_json()

    return _write(platform, work)


@router.post(
    "/api/v1/13710/{item_id}/steps/{step}",
    tags=["13710"],
    summary="记录环节（部署、答复、办结、时间表、销号）",
)
def clock_step_api(
    item_id: int, step: str, body: ClockStepCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    if step not in CLOCK_STEPS:
        raise HTTPException(
            status_code=422, detail=f"未知环节：{step}（可选：{'、'.join(CLOCK_STEPS)}）"
        )

    def work(session: Any) -> dict[str, Any]:
        item = sv.record_step(
            session,
            user.principal,
            item_id,
            step,
            on=body.on,
            expected_version=body.expected_version,
            timetable_due=body.timetable_due,
            text=body.text,
        )
        return sv.clock_state(item, body.on).to_json()

    return _write(platform, work)


@router.post("/api/v1/13710/{item_id}/extend", tags=["13710"], summary="延期办结（局管理员）")
def clock_extend_api(
    item_id: int, body: ClockExtendCreate, user: ApiUserDep, platform: PlatformDep
) -> dict[str, Any]:
    def work(session: Any) -> dict[str, Any]:
        item = sv.extend_item(
            session,
            user.principal,
            item_id,
            to=body.to,
            reason=body.reason,
            expected_version=body.expected_version,
        )
        return sv.clock_state(item, platform.today).to_json()

    return _write(platform, work)


@router.post("/api/v1/13710/escalate", tags=["13710"], summary="催办逾期事项（蓝→橙→红）")
def clock_escalate_api(user: ApiUserDep, platform: PlatformDep) -> dict[str, Any]:
    raised = _write(
        platform,
        lambda s: sv.escalate_clock_items(s, as_of=platform.today, actor=user.principal),
    )
    return {"count": len(raised), "data": [st.to_json() for st in raised]}


@router.get("/13710", response_class=HTMLResponse, summary="“13710”交办事项")
def clock_page(request: Request, user: PageUserDep, platform: PlatformDep) -> HTMLResponse:
    states = _read(
        platform,
        lambda s: sv.list_clock_items(s, as_of=platform.today, principal=user.principal),
    )
    return render(
        request,
        "clock.html",
        {
            "items": states,
            "today": platform.today,
            "step_labels": sv.STEP_STATE_LABELS,
            "level_labels": sv.NOTICE_LEVEL_LABELS,
            "rules": sv.DEFAULT_CLOCK_RULES,
        },
    )


@router.post("/13710", response_class=HTMLResponse, summary="立项（表单）")
def clock_register_form(
    user: PageUserDep,
    platform: PlatformDep,
    title: Annotated[str, Form(min_length=1, max_length=500)],
    source: Annotated[str, Form(min_length=1, max_length=200)],
    unit_id: Annotated[str, Form(min_length=1, max_length=64)],
    assigned_on: Annotated[dt.date, Form()],
    content: Annotated[str, Form(max_length=20000)] = "",
    major: Annotated[bool, Form()] = False,
) -> Response:
    _write(
        platform,
        lambda s: sv.register_item(
            s,
            title=title,
            source=source,
            unit_id=unit_id,
            assigned_on=assigned_on,
            major=major,
            content=content,
            actor=user.principal,
        ),
    )
    return RedirectResponse("/13710?saved=1", status_code=303)


@router.post(
    "/13710/{item_id}/steps/{step}", response_class=HTMLResponse, summary="记录环节（表单）"
)
def clock_step_form(
    item_id: int,
    step: str,
    user: PageUserDep,
    platform: PlatformDep,
    expected_version: Annotated[int, Form(ge=0)],
    on: Annotated[dt.date, Form()],
    text: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    if step not in CLOCK_STEPS:
        raise HTTPException(status_code=422, detail=f"未知环节：{step}")
    _write(
        platform,
        lambda s: sv.record_step(
            s, user.principal, item_id, step, on=on, expected_version=expected_version, text=text
        ),
    )
    return RedirectResponse("/13710?saved=1", status_code=303)

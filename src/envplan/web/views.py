"""Glue shared by pages and JSON routes: call a Platform method, turn service errors into 4xx with
the service's zh-CN message, and check uploads (size and type limits) before anything is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, UploadFile
from fastapi.concurrency import run_in_threadpool

from envplan.monitoring.errors import InputFileError
from envplan.monitoring.input_limits import check_bytes
from envplan.reports.bulletin import render_bulletin
from envplan.services import supervision
from envplan.services.access import AccessDenied
from envplan.services.bulletin import BulletinRequest, Month, monthly_bulletin, store_air_inputs
from envplan.services.dashboard import (
    AIR_UPLOAD_FORMATS,
    Platform,
    PlatformError,
    UserInfo,
    air_year_view,
    import_air_upload,
    import_water_upload,
)

MAX_MONITORING_BYTES = 50 * 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MONITORING_SUFFIXES = (".csv", ".csv.gz", ".xlsx")
WATER_SUFFIXES = (".csv", ".xlsx")
EVIDENCE_SUFFIXES = (
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".txt",
    ".ofd",
    ".zip",
)
MONITORING_FORMATS = AIR_UPLOAD_FORMATS


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str


def _safe_name(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1].strip()
    return base[:200] or "upload"


async def read_upload(file: UploadFile, *, kind: str) -> Upload:
    """Read an uploaded file within its size limit and check its type by name (415/413 otherwise)."""
    name = _safe_name(file.filename or "")
    monitoring = kind in ("monitoring", "water")
    limit = MAX_MONITORING_BYTES if monitoring else MAX_EVIDENCE_BYTES
    suffixes = (
        WATER_SUFFIXES
        if kind == "water"
        else MONITORING_SUFFIXES
        if monitoring
        else EVIDENCE_SUFFIXES
    )
    what = "监测数据文件" if monitoring else "佐证材料"
    if not name.lower().endswith(suffixes):
        raise HTTPException(
            status_code=415,
            detail=f"{what}「{name}」类型不支持：只接受 {'、'.join(suffixes)}",
        )
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(
            status_code=413,
            detail=f"{what}「{name}」过大：上限 {limit // (1024 * 1024)} MB",
        )
    if not data:
        raise HTTPException(status_code=422, detail=f"{what}「{name}」是空文件")
    upload = Upload(name, data, file.content_type or "application/octet-stream")
    if monitoring:
        # Decompressed size, rows, XML entities: checked streaming before anything is written.
        try:
            await run_in_threadpool(check_bytes, name, data)
        except InputFileError as exc:
            raise _file_not_imported(upload, exc) from exc
    return upload


def _discard_rejected(platform: Platform, upload: Upload) -> None:
    """A refused upload leaves nothing on disk (the importers stage it under uploads/<sha>)."""
    staging = platform.home / "uploads" / hashlib.sha256(upload.data).hexdigest()[:16]
    shutil.rmtree(staging, ignore_errors=True)


def air_page_data(
    platform: Platform, year: int | None, as_of: dt.date | None
) -> dict[str, Any] | None:
    """The air year view for the page: the requested year, else the latest complete one, evaluated
    as of ``as_of`` (default: the same day of year as the platform's evaluation date)."""
    years: list[int] = platform.views.get("air_years", [])
    if not years:
        return None
    if year is None:
        year = as_of.year if as_of else years[-1]
    if year not in years and not (as_of and as_of.year == year):
        raise HTTPException(
            status_code=404,
            detail=f"没有 {year} 年的完整日均数据（可选：{'、'.join(map(str, years))}）",
        )
    if as_of is None:
        today = platform.today
        as_of = (
            dt.date(year, 2, 28)
            if (today.month, today.day) == (2, 29)
            else today.replace(year=year)
        )
    try:
        return air_year_view(platform, year, as_of)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


def water_view_or_none(platform: Platform) -> dict[str, Any] | None:
    view: dict[str, Any] | None = platform.views.get("water")
    return view


def soil_view_or_none(platform: Platform) -> dict[str, Any] | None:
    view: dict[str, Any] | None = platform.views.get("soil")
    return view


def _service_errors(exc: Exception) -> HTTPException:
    if isinstance(exc, AccessDenied):
        return HTTPException(status_code=403, detail=str(exc))
    if isinstance(exc, supervision.ConflictError):
        return HTTPException(status_code=409, detail=str(exc))
    if isinstance(exc, supervision.NotFound | LookupError):
        return HTTPException(status_code=404, detail=str(exc))
    return HTTPException(status_code=422, detail=str(exc))


SERVICE_ERRORS = (
    AccessDenied,
    supervision.ConflictError,
    supervision.NotFound,
    supervision.SupervisionError,
    PlatformError,
    LookupError,
)


@contextmanager
def _service_errors_as_http() -> Iterator[None]:
    """Turn a service error raised inside the block into a 4xx carrying its zh-CN message."""
    try:
        yield
    except SERVICE_ERRORS as exc:
        raise _service_errors(exc) from exc


async def record_progress(
    platform: Platform,
    user: UserInfo,
    occurrence_id: int,
    *,
    expected_version: int,
    state: str,
    percent: int,
    narrative: str,
    evidence: list[UploadFile] | None,
) -> supervision.OccurrenceState:
    """Check and read the evidence files, then record the progress report in a worker thread
    (it writes to the database). The form and the JSON route both submit through here."""
    uploads = [await read_upload(f, kind="evidence") for f in (evidence or []) if f.filename]
    with _service_errors_as_http():
        return await run_in_threadpool(
            platform.submit_progress,
            user,
            occurrence_id,
            expected_version=expected_version,
            state=state,
            percent=percent,
            narrative=narrative,
            evidence=[
                supervision.EvidenceUpload(u.filename, u.data, u.content_type) for u in uploads
            ],
        )


def run_review(
    platform: Platform,
    user: UserInfo,
    report_id: int,
    *,
    expected_version: int,
    decision: str,
    comment: str,
) -> None:
    with _service_errors_as_http():
        platform.review(
            user, report_id, expected_version=expected_version, decision=decision, comment=comment
        )


def run_notice_reply(platform: Platform, user: UserInfo, notice_id: int, *, text: str) -> None:
    with _service_errors_as_http():
        platform.reply_notice(user, notice_id, text=text)


def task_board(platform: Platform, user: UserInfo, **filters: str | None) -> dict[str, Any]:
    with _service_errors_as_http():
        return platform.task_board(user, **filters)


def occurrence_detail(platform: Platform, user: UserInfo, occurrence_id: int) -> dict[str, Any]:
    with _service_errors_as_http():
        return platform.occurrence(user, occurrence_id)


def _require_import_admin(user: UserInfo) -> None:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="只有局管理员可以导入监测数据")


def _file_not_imported(upload: Upload, exc: InputFileError) -> HTTPException:
    """The 422 of a refused import: its detail lists the reader's problems (file, row, column,
    message), which the upload page shows line by line."""
    return HTTPException(
        status_code=422,
        detail={
            "detail": f"文件「{upload.filename}」未导入：发现 {exc.total} 处问题，未写入任何数据",
            "problems": [str(p) for p in exc.problems],
            "total": exc.total,
        },
    )


def run_water_import(platform: Platform, user: UserInfo, upload: Upload) -> dict[str, Any]:
    """Import an uploaded monthly water file all or nothing (422 lists the reader's problems)."""
    _require_import_admin(user)
    try:
        return import_water_upload(platform, user, upload.filename, upload.data)
    except InputFileError as exc:
        _discard_rejected(platform, upload)
        raise _file_not_imported(upload, exc) from exc


def run_air_import(
    platform: Platform, user: UserInfo, upload: Upload, fmt: str | None
) -> dict[str, Any]:
    """Import an uploaded air file all or nothing; the reader's row-level problems become a 422
    whose detail lists them (file, row, column, message)."""
    _require_import_admin(user)
    if fmt and fmt not in [code for code, _ in MONITORING_FORMATS]:
        raise HTTPException(
            status_code=422,
            detail=f"未知的数据格式「{fmt}」：可选 {'、'.join(code for code, _ in MONITORING_FORMATS)}",
        )
    try:
        summary = import_air_upload(platform, user, upload.filename, upload.data, fmt)
    except InputFileError as exc:
        _discard_rejected(platform, upload)
        raise _file_not_imported(upload, exc) from exc
    except AccessDenied as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc
    return summary


BULLETIN_FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 台账"),
    "html": ("text/html; charset=utf-8", "网页"),
}


def build_bulletin_file(
    platform: Platform, month: str, fmt: str, user: UserInfo | None = None
) -> tuple[bytes, str, str]:
    """The monthly dispatch bulletin of ``month`` as one file (bytes, media type, file name):
    the use case ``services.bulletin.monthly_bulletin`` (the one ``envplan report monthly``
    calls), rendered by ``envplan.reports.bulletin``. The ledger rows follow the reader's access
    scope; the rendered file is cached per (month, format, scope) until the next write."""

    if fmt not in BULLETIN_FORMATS:
        raise HTTPException(
            status_code=422,
            detail=f"不支持的通报格式「{fmt}」：可选 {'、'.join(BULLETIN_FORMATS)}",
        )
    try:
        request = BulletinRequest(
            month=Month.parse(month), principal=user.principal if user is not None else None
        )
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc

    def build() -> bytes:
        daily = platform.views.get("air_daily")
        air = store_air_inputs(daily) if daily is not None else None
        with platform.session() as session:
            result = monthly_bulletin(
                request, plan=platform.plan, home=platform.home, session=session, air=air
            )
        files = render_bulletin(result, (fmt,))
        assert isinstance(files, dict)
        return files[fmt]

    try:
        data: bytes = platform.cached(("bulletin", str(request.month), fmt, request.scope), build)
    except InputFileError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    media_type, _ = BULLETIN_FORMATS[fmt]
    return data, media_type, f"晋城市污染防治月调度通报-{request.month}.{fmt}"

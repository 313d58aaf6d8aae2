"""Error answers: a clear zh-CN message and a 4xx status for every bad request, never a 500.

JSON under ``/api`` and ``/healthz``; an HTML page elsewhere. Validation errors name the field
(``query.period``, ``body.percent`` …) so the caller knows what to fix.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from envplan.store.engine import is_busy_error
from envplan.web.deps import LoginRequired, render

log = logging.getLogger("envplan.web")

_LOCATION_WORDS = {"query": "查询参数", "path": "路径参数", "body": "请求内容", "header": "请求头"}
_STATUS_WORDS = {
    400: "请求有误",
    401: "需要登录",
    403: "无权操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "数据冲突",
    413: "文件过大",
    415: "文件类型不支持",
    422: "请求参数有误",
    429: "请求过于频繁",
    503: "服务暂时不可用",
}
#: Seconds a client is told to wait when the records database is busy (503).
BUSY_RETRY_AFTER_S = 2


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/healthz" or path.startswith("/openapi")


def describe_validation_error(error: dict[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    where = _LOCATION_WORDS.get(loc[0], loc[0]) if loc else "请求"
    field = ".".join(loc[1:]) or "（整体）"
    kind = error.get("type", "")
    if kind == "missing":
        why = "缺少必填项"
    elif kind.endswith("_parsing") or kind.endswith("_type"):
        why = f"格式不正确（{error.get('msg', '')}）"
    else:
        why = str(error.get("msg", "取值无效"))
    value = error.get("input")
    shown = f"，收到的值：{value!r}" if isinstance(value, str | int | float) else ""
    return f"{where} {field}：{why}{shown}"


def render_error(
    request: Request,
    status: int,
    message: str,
    extra: dict[str, Any] | None = None,
    *,
    retry_after: int | None = None,
    log_exc: BaseException | None = None,
) -> Response:
    if log_exc is not None:
        log.warning("%s on %s %s: %s", status, request.method, request.url.path, log_exc)
    response = _render_error(request, status, message, extra)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _render_error(
    request: Request, status: int, message: str, extra: dict[str, Any] | None
) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"detail": message}
        if extra:
            body.update(extra)
        return JSONResponse(body, status_code=status)

    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": _STATUS_WORDS.get(status, "出错了"),
            "message": message,
            "problems": (extra or {}).get("problems") or (extra or {}).get("errors") or [],
        },
        status_code=status,
        public_page=request.url.path.startswith("/public"),
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [describe_validation_error(dict(e)) for e in exc.errors()]
        message = "请求参数有误：" + "；".join(errors)
        return render_error(request, 422, message, {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, LoginRequired) and not wants_json(request):
            return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)
        extra: dict[str, Any] | None = None
        if isinstance(exc.detail, dict):
            extra = {k: v for k, v in exc.detail.items() if k != "detail"}
            detail = str(exc.detail.get("detail", ""))
        else:
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"未找到页面或资源：{request.url.path}"
        elif exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.url.path} 不支持 {request.method} 请求"
        response = render_error(request, exc.status_code, detail, extra)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(OperationalError)
    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def _database(request: Request, exc: Exception) -> Response:
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if is_busy_error(exc):
            return render_error(
                request,
                503,
                f"记录库正忙（另一项写入尚未完成），请 {BUSY_RETRY_AFTER_S} 秒后重试；数据未写入",
                retry_after=BUSY_RETRY_AFTER_S,
                log_exc=exc,
            )
        if _out_of_range(exc):
            return render_error(
                request, 422, "请求参数有误：数值超出范围或含有数据库不能保存的字符", log_exc=exc
            )
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render_error(request, 500, "服务器内部错误，已记录日志；请联系管理员")


def _out_of_range(exc: BaseException) -> bool:
    """A value the database cannot hold (integer overflow, NUL): the request is at fault."""
    if isinstance(exc, OverflowError):
        return True
    text = str(exc).lower()
    return (
        "out of range" in text
        or "nul (0x00)" in text
        or "too large to convert" in text
        or "numericvalueoutofrange" in text
    )

"""Login, logout, language switch and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from envplan.services import web_login
from envplan.services.accounts import normalise_username
from envplan.web.deps import OptionalUserDep, SessionDep, StateDep, render
from envplan.web.schemas import Health
from envplan.web.security import LANG_COOKIE

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site absolute paths: an open redirect would let a link log users into elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get(
    "/healthz",
    response_model=Health,
    tags=["系统"],
    summary="健康检查：平台就绪时返回 200",
    responses={503: {"description": "平台正在启动"}},
)
async def healthz(state: StateDep) -> Response:
    if not state.ready.is_set() or state.platform is None:
        return JSONResponse({"status": "starting", "detail": "平台正在启动"}, status_code=503)
    return JSONResponse(Health(status="ok", demo=state.settings.demo).model_dump())


@router.get("/lang/{code}", tags=["页面"], summary="切换界面语言（zh / en）")
async def switch_lang(
    code: str, next: Annotated[str | None, Query(max_length=512)] = None
) -> Response:
    if code not in ("zh", "en"):
        return JSONResponse({"detail": f"不支持的语言：{code}（可选 zh、en）"}, status_code=404)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.get("/login", response_class=HTMLResponse, tags=["页面"], summary="登录页")
def login_page(
    request: Request,
    state: StateDep,
    user: OptionalUserDep,
    next: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, state, next=safe_next(next))


def _login_form(
    request: Request,
    state: StateDep,
    *,
    next: str,
    error: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    demo_users = state.platform.demo_logins() if state.settings.demo and state.platform else []
    return render(
        request,
        "login.html",
        {"next": next, "error": error, "username": username, "demo_users": demo_users},
        status_code=status_code,
    )


@router.post("/login", response_class=HTMLResponse, tags=["页面"], summary="登录（表单）")
def login(
    request: Request,
    state: StateDep,
    session: SessionDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    client = request.client.host if request.client else "unknown"
    name = normalise_username(username)
    # (address + name) and address alone: nobody elsewhere can lock this user out.
    user_keys, ip_keys = [f"{client}|{name}"], [f"ip:{client}"]
    wait_s = max(
        state.user_throttle.retry_after_s(user_keys), state.ip_throttle.retry_after_s(ip_keys)
    )
    if wait_s:
        response = _login_form(
            request,
            state,
            next=safe_next(next),
            username=username,
            error=f"登录失败次数过多，请 {wait_s} 秒后再试",
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait_s)
        return response
    logged_in = (
        web_login.login(state.platform, name, password, client=client) if state.platform else None
    )
    if logged_in is None:
        state.user_throttle.record_failure(user_keys)
        state.ip_throttle.record_failure(ip_keys)
        return _login_form(
            request,
            state,
            next=safe_next(next),
            username=username,
            error="用户名或密码错误",
            status_code=401,
        )
    state.user_throttle.reset(user_keys)
    if session.token is not None:  # a session already open in this browser ends here
        web_login.logout(state.platform, session.token)
        state.session_cache.pop(session.token, None)
    session.login(logged_in.token, logged_in.csrf, logged_in.user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", tags=["页面"], summary="退出登录")
def logout(request: Request, state: StateDep, session: SessionDep) -> Response:
    if state.platform is not None:
        web_login.logout(state.platform, session.token)
    if session.token is not None:
        state.session_cache.pop(session.token, None)
    session.logout()
    return RedirectResponse("/login", status_code=303)

"""Typed dependencies and the page renderer shared by every route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from envplan.web.security import Session, get_session
from envplan.web.state import WebState

T = TypeVar("T")


class LoginRequired(HTTPException):
    """Raised by page routes; the handler redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(status_code=401, detail="需要登录")
        self.next_path = next_path


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def get_platform(request: Request) -> Any:
    state = get_state(request)
    if state.platform is None or not state.ready.is_set():
        raise HTTPException(status_code=503, detail="平台正在启动，请稍后再试")
    return state.platform


def optional_user(request: Request) -> Any:
    """The logged-in user (``UserInfo`` of the dashboard service) or None. The middleware read it
    from the server-side session and the users table for this request: never a stale copy."""
    session = get_session(request)
    if session.user is not None:
        return session.user
    return getattr(request.state, "user", None)


def api_user(request: Request) -> Any:
    user = optional_user(request)
    if user is None:
        raise HTTPException(status_code=401, detail="需要登录：请先通过 /login 登录")
    return user


def page_user(request: Request) -> Any:
    user = optional_user(request)
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def _async_dependency(read: Callable[[Request], T]) -> Callable[[Request], Awaitable[T]]:
    """``read`` as an async dependency. The readers never block (the middleware already looked
    the user up), and FastAPI would otherwise run each sync dependency in a worker thread."""

    async def dependency(request: Request) -> T:
        return read(request)

    return dependency


StateDep = Annotated[WebState, Depends(_async_dependency(get_state))]
PlatformDep = Annotated[Any, Depends(_async_dependency(get_platform))]
SessionDep = Annotated[Session, Depends(_async_dependency(get_session))]
ApiUserDep = Annotated[Any, Depends(_async_dependency(api_user))]
PageUserDep = Annotated[Any, Depends(_async_dependency(page_user))]
OptionalUserDep = Annotated[Any, Depends(_async_dependency(optional_user))]


CSRF_PLACEHOLDER = "__envplan_csrf_token__"


async def render_cached(
    request: Request,
    template: str,
    build_context: Callable[[], dict[str, Any]],
    *,
    public_page: bool = False,
) -> HTMLResponse:
    """Render a read-only page once per (page, query, language, user) until the data changes.

    The platform's cache is dropped on every write and import, so a cached page is never stale.
    The session's CSRF token is not part of the cached text: a placeholder is replaced per request.
    """
    platform = get_platform(request)
    user = None if public_page else optional_user(request)
    key = (
        "page",
        template,
        request.url.path,
        str(request.url.query),
        request.state.lang,
        user.id if user is not None else None,
    )

    def build() -> str:
        context = build_context()
        response = render(
            request, template, context, public_page=public_page, csrf=CSRF_PLACEHOLDER
        )
        return bytes(response.body).decode("utf-8")

    body: str = await cached_off_loop(platform, key, build)
    return HTMLResponse(body.replace(CSRF_PLACEHOLDER, get_session(request).csrf))


async def cached_off_loop(platform: Any, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The cached value, or ``build()`` run in a worker thread (it may query the database)."""
    hit = platform.peek(key)
    if hit is not None:
        return hit
    return await run_in_threadpool(platform.cached, key, build)


async def cached_json(
    request: Request, model: type[BaseModel], build: Callable[[], Any]
) -> Response:
    """A read-only JSON answer validated against its schema once per (path, query, user), cached
    until the data changes (the platform drops its cache on every write and import)."""
    platform = get_platform(request)
    user = optional_user(request)
    key = ("json", request.url.path, str(request.url.query), user.id if user else None)

    def make() -> bytes:
        return model.model_validate(build(), from_attributes=True).model_dump_json().encode()

    body: bytes = await cached_off_loop(platform, key, make)
    return Response(body, media_type="application/json")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    public_page: bool = False,
    csrf: str | None = None,
) -> HTMLResponse:
    """Render a page with the chrome every template expects (t, user, CSRF token, demo flag)."""
    state = get_state(request)
    full: dict[str, Any] = {
        "t": request.state.t,
        "user": None if public_page else optional_user(request),
        "csrf_token": csrf or get_session(request).csrf,
        "demo_mode": state.settings.demo,
        "public_page": public_page,
    }
    full.update(context or {})
    response: HTMLResponse = state.templates.TemplateResponse(
        request, template, full, status_code=status_code
    )
    return response

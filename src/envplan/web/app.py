"""The FastAPI application factory.

``create_app(settings)`` validates the settings (default secrets are refused outside demo mode),
then builds the app: JSON API under ``/api/v1``, server-rendered pages, public pages under
``/public/``, static files (vendored ECharts, no CDN), sessions with CSRF on every unsafe request.
The records database and the monitoring data are opened (and, on a fresh home, loaded) in the
lifespan by :func:`envplan.services.dashboard.platform.open_platform`; ``/healthz`` answers 200 once ready.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from envplan import __version__
from envplan.services import web_login
from envplan.services.dashboard import open_platform
from envplan.services.settings import DEMO_SECRET_KEY, Settings
from envplan.web import charts
from envplan.web.errors import install_error_handlers, render_error
from envplan.web.i18n import pick_lang, translator
from envplan.web.routes import (
    analysis,
    api,
    auth,
    emergency,
    offsets,
    pages,
    public,
    supervision,
    water_graph,
)
from envplan.web.routes import (
    land as land_routes,
)
from envplan.web.security import (
    LANG_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    Session,
    SessionCodec,
    csrf_protect,
    refuse_nul,
    url_problem,
)
from envplan.web.state import WebState

WEB_DIR = Path(__file__).resolve().parent
MIN_SECRET_LENGTH = 32
# A request body above this is refused before it is read (uploads have their own, lower limits).
MAX_REQUEST_BYTES = 60 * 1024 * 1024
#: A cached session lookup is re-read from the database at least this often [s] (a logout on
#: another server process is seen within this time; any audited change drops the cache at once).
SESSION_RECHECK_S = 5.0


class SettingsError(ValueError):
    """The settings cannot run a platform safely."""


def validate_settings(settings: Settings) -> None:
    """Refuse unsafe settings at start: outside demo mode the secret must be real and long."""
    if settings.secret_key == DEMO_SECRET_KEY:
        # The old constant demo key is published: cookies signed with it could be forged.
        raise SettingsError(
            "公开的演示密钥不能使用（演示模式会为每个数据目录生成随机密钥）：请设置 ENVPLAN_SECRET_KEY"
        )
    if settings.demo:
        return
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"ENVPLAN_SECRET_KEY 过短：至少 {MIN_SECRET_LENGTH} 个字符（当前 {len(settings.secret_key)}）"
        )


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.globals["version"] = __version__
    templates.env.globals["class_colour"] = charts.water_class_colour
    templates.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return templates


def create_app(settings: Settings, *, platform: Any = None) -> FastAPI:
    """Build the web app for these settings.

    platform: an already opened :class:`envplan.services.dashboard.platform.Platform` (the serve command
    opens it before binding the port so it can print progress); opened in the lifespan otherwise.
    """
    validate_settings(settings)
    state = WebState(
        settings=settings, templates=_templates(), codec=SessionCodec(settings.secret_key)
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = state.platform is None
        if owned:
            state.platform = open_platform(settings)
        state.ready.set()
        yield
        if owned:
            state.platform.close()

    if platform is not None:
        state.platform = platform

    app = FastAPI(
        title="envplan 城市污染防治行动计划运行平台 API",
        version=__version__,
        description=(
            "晋城市污染防治行动计划运行平台的 JSON 接口。数值由平台的标准计算引擎根据随附的真实监测数据"
            "计算；标注“第三方处理数据”的为第三方网站处理后的日均值，标注“示例”的为演示数据。"
            "写操作需要登录会话，并在请求头 X-CSRF-Token 中携带会话的 CSRF 令牌。"
        ),
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect), Depends(refuse_nul)],
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.web = state
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.add_middleware(SessionMiddleware, state=state)

    app.include_router(auth.router)
    app.include_router(api.router)
    app.include_router(supervision.router)
    app.include_router(pages.router)
    app.include_router(public.router)
    app.include_router(analysis.router)
    app.include_router(water_graph.router)
    app.include_router(emergency.router)  # enterprises and heavy-pollution emergency
    app.include_router(offsets.router)
    app.include_router(land_routes.router)
    return app


_HSTS = "max-age=31536000; includeSubDomains"
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
# Scripts only from this server (vendored ECharts + charts.js), no inline script.
_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _load_session(state: WebState, cookie: str | None) -> Session:
    """The request's session: the server-side one named by the cookie's token when it is still
    live (and its user may log in), else a fresh anonymous one (a new cookie is sent)."""
    data = state.codec.loads(cookie)
    if data is None:
        return Session(dirty=True)
    if data.token is None:
        return Session(csrf=data.csrf) if data.csrf else Session(dirty=True)
    if state.platform is None or not state.ready.is_set():
        return Session(dirty=True)

    generation = state.platform.data_generation()
    now = time.monotonic()
    hit = state.session_cache.get(data.token)
    if hit is not None and hit[0] == generation and hit[1] > now:
        csrf, user = hit[2], hit[3]
    else:
        found = web_login.resolve(state.platform, data.token)
        if found is None:
            state.session_cache.pop(data.token, None)
            return Session(dirty=True)  # logged out, expired, disabled: the cookie is replaced
        csrf, user = found
        if len(state.session_cache) > 10_000:
            state.session_cache.clear()
        state.session_cache[data.token] = (generation, now + SESSION_RECHECK_S, csrf, user)
    return Session(user_id=user.id, csrf=csrf, token=data.token, user=user)


class SessionMiddleware:
    """Pure ASGI middleware: loads the server-side session and the language into
    ``request.state``, re-sends the cookie when the session changed, adds security headers
    (Cache-Control: no-store for logged-in answers, HSTS over HTTPS), refuses huge bodies, NUL
    characters and out-of-range ids in the URL."""

    def __init__(self, app: ASGIApp, state: WebState) -> None:
        self.app = app
        self.web = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = pick_lang(request.cookies.get(LANG_COOKIE))
        request.state.lang = lang
        request.state.t = translator(lang)
        problem = url_problem(
            scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
        )
        if problem is not None:
            request.state.session = Session()
            request.state.user = None
            response = render_error(request, 422, problem)
            await response(scope, receive, send)
            return
        try:
            session = _load_session(self.web, request.cookies.get(SESSION_COOKIE))
        except Exception as exc:  # the records database is busy or down: a 503, not a 500
            request.state.session = Session()
            request.state.user = None
            response = render_error(
                request, 503, "记录库暂时繁忙，请稍后重试", retry_after=2, log_exc=exc
            )
            await response(scope, receive, send)
            return
        request.state.session = session
        request.state.user = session.user
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            response = render_error(
                request, 413, f"请求内容过大：上限 {MAX_REQUEST_BYTES // (1024 * 1024)} MB"
            )
            await response(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if session.dirty:
                    cookie = SimpleCookie()
                    cookie[SESSION_COOKIE] = self.web.codec.dumps(session)
                    morsel = cookie[SESSION_COOKIE]
                    morsel["max-age"] = SESSION_MAX_AGE_S
                    morsel["path"] = "/"
                    morsel["httponly"] = True
                    morsel["samesite"] = "lax"
                    if secure:
                        morsel["secure"] = True
                    headers.append("set-cookie", morsel.OutputString())
                for name, value in _SECURITY_HEADERS:
                    if name.decode() not in headers:
                        headers.append(name.decode(), value.decode())
                if session.user_id is not None or session.token is not None:
                    # Pages and answers for a logged-in user: never kept by browsers or proxies.
                    headers["cache-control"] = "no-store"
                if secure:
                    headers.setdefault("strict-transport-security", _HSTS)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("content-security-policy", _CSP.decode())
            await send(message)

        await self.app(scope, receive, send_with_headers)

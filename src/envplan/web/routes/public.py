"""Public disclosure pages under /public/: no login, only what is marked public."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from envplan.web.deps import render

router = APIRouter(prefix="/public", tags=["公开页面"])


@router.get("/", response_class=HTMLResponse, summary="信息公开首页")
def public_home(request: Request) -> HTMLResponse:
    return render(request, "public/index.html", {}, public_page=True)

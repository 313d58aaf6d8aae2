"""Internal pages (login required): dashboard, air, water, soil, tasks, notices, uploads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from envplan.web.deps import PageUserDep, render

router = APIRouter(tags=["页面"])


@router.get("/", response_class=HTMLResponse, summary="总览")
def dashboard(request: Request, user: PageUserDep) -> HTMLResponse:
    return render(request, "dashboard.html", {})

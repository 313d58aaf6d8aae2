"""JSON API under /api/v1. Every route declares its response schema; the pages call the same
service functions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["API"])

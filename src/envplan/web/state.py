"""Per-app state shared by the routes (kept apart from the factory to avoid import cycles)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi.templating import Jinja2Templates

from envplan.services.settings import Settings
from envplan.web.security import LoginThrottle, SessionCodec


@dataclass
class WebState:
    settings: Settings
    templates: Jinja2Templates
    codec: SessionCodec
    user_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(5, 300.0))
    ip_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(20, 300.0))
    platform: Any = None
    ready: threading.Event = field(default_factory=threading.Event)
    startup_error: str | None = None

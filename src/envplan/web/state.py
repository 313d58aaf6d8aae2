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
    # Per (address + name): 5 free failures, then 2 s, 4 s, 8 s … up to 5 min — never a lockout.
    user_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(5, 900.0))
    # Per address: a spray of names from one address slows down after 30 failures.
    ip_throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(30, 900.0))
    platform: Any = None
    # token → (data generation, monotonic deadline, csrf, user): a session looked up once is
    # reused until any record changes (a disable, a role change …), logout, or SESSION_RECHECK_S.
    session_cache: dict[str, tuple[int, float, str, Any]] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)
    startup_error: str | None = None

"""Sessions, CSRF and login throttling.

The session is a signed cookie (itsdangerous, keyed by the installation's secret) holding the user
id and the CSRF token; it is HttpOnly and SameSite=Lax, Secure when served over HTTPS. Every unsafe
request (POST/PUT/PATCH/DELETE) must carry the session's CSRF token, as the ``csrf_token`` form field
or the ``X-CSRF-Token`` header; the check is an app-wide dependency, so a new route cannot forget it.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "envplan_session"
LANG_COOKIE = "lang"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_MAX_AGE_S = 12 * 3600
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Session:
    """What the session cookie carries. ``dirty`` marks it for re-sending."""

    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    dirty: bool = False

    def login(self, user_id: int) -> None:
        # A new CSRF token at login: a token seen before authentication is not reused after it.
        self.user_id = user_id
        self.csrf = secrets.token_urlsafe(32)
        self.dirty = True

    def logout(self) -> None:
        self.user_id = None
        self.csrf = secrets.token_urlsafe(32)
        self.dirty = True


class SessionCodec:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="envplan-session")

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps({"uid": session.user_id, "csrf": session.csrf})

    def loads(self, token: str | None) -> Session | None:
        if not token:
            return None
        try:
            data: dict[str, Any] = self._serializer.loads(token, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        uid = data.get("uid")
        csrf = data.get("csrf")
        if not isinstance(csrf, str) or (uid is not None and not isinstance(uid, int)):
            return None
        return Session(user_id=uid, csrf=csrf)


def get_session(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: unsafe methods must present the session's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    session = get_session(request)
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            presented = value if isinstance(value, str) else None
    if not presented or not hmac.compare_digest(presented, session.csrf):
        raise HTTPException(
            status_code=403,
            detail="CSRF 校验失败：请刷新页面后重新提交（表单缺少或带有过期的 csrf_token）",
        )


class LoginThrottle:
    """Refuse logins after repeated failures, per user name and per client address.

    ``max_failures`` failures within ``window_s`` seconds lock that key until the oldest failure
    leaves the window. In memory: one process serves the embedded installation.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def retry_after_s(self, keys: list[str]) -> int:
        """Seconds until a login may be tried again (0 when allowed)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.max_failures:
                    wait = max(wait, self.window_s - (now - failures[0]))
        return int(wait) + 1 if wait > 0 else 0

    def record_failure(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def reset(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

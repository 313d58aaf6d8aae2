"""Sessions, CSRF, input guards and login throttling.

Sessions live on the server (:mod:`envplan.store.sessions`): the cookie (signed with itsdangerous
under the installation's secret, HttpOnly, SameSite=Lax, Secure over HTTPS) carries a random
session token; the database holds its hash, the user and the session's CSRF token. Logging out
deletes the row (a copied cookie stops working), disabling a user or changing a password deletes
every row of that user, and the user is read from the database on every request, so a demotion
takes effect at the next request. A visitor not logged in gets a cookie with only a CSRF token
(the login form needs one).

Every unsafe request (POST/PUT/PATCH/DELETE) must carry the session's CSRF token, as the
``csrf_token`` form field or the ``X-CSRF-Token`` header; the check is an app-wide dependency, so a
new route cannot forget it. Another app-wide dependency refuses NUL characters in any form or
JSON field (422), and the middleware refuses NUL and out-of-range ids in the URL.
"""

from __future__ import annotations

import hmac
import re
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
#: Largest id any record table holds (32-bit INTEGER on PostgreSQL); a larger number is a 422.
MAX_RECORD_ID = 2**31 - 1
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass
class Session:
    """What the request's session is: the server-side token (logged in) or only a CSRF token.

    ``dirty`` marks the cookie for re-sending; ``user`` is the logged-in user (``UserInfo``).
    """

    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None
    user: Any = None
    dirty: bool = False

    def login(self, token: str, csrf: str, user: Any) -> None:
        # A new token and a new CSRF token at login: nothing seen before authentication is reused.
        self.token = token
        self.csrf = csrf
        self.user = user
        self.user_id = user.id
        self.dirty = True

    def logout(self) -> None:
        self.token = None
        self.user = None
        self.user_id = None
        self.csrf = secrets.token_urlsafe(32)
        self.dirty = True


@dataclass(frozen=True)
class CookieData:
    token: str | None
    csrf: str | None


class SessionCodec:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="envplan-session-v2")

    def dumps(self, session: Session) -> str:
        if session.token is not None:
            return self._serializer.dumps({"t": session.token})
        return self._serializer.dumps({"csrf": session.csrf})

    def loads(self, value: str | None) -> CookieData | None:
        if not value or len(value) > 512:
            return None
        try:
            data: dict[str, Any] = self._serializer.loads(value, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        token, csrf = data.get("t"), data.get("csrf")
        if token is not None and not isinstance(token, str):
            return None
        if csrf is not None and not isinstance(csrf, str):
            return None
        return CookieData(token, csrf)


def url_problem(path: str, query: str) -> str | None:
    """Why the URL is refused before routing (NUL, an id beyond the records' range), or None."""
    if "\x00" in path or "%00" in query.lower() or "\x00" in query:
        return "请求地址含有非法字符（NUL）"
    for segment in path.split("/"):
        if _DIGITS.match(segment) and (len(segment) > 12 or int(segment) > MAX_RECORD_ID):
            return f"路径参数 {segment[:24]} 超出范围（编号至多 {MAX_RECORD_ID}）"
    return None


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


async def refuse_nul(request: Request) -> None:
    """App-wide dependency: no NUL character in any form or JSON field (PostgreSQL cannot store
    one; every input answers 422 naming the field instead of failing in the database)."""
    if request.method not in UNSAFE_METHODS:
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, str) and "\x00" in value:
                raise HTTPException(status_code=422, detail=f"表单字段 {name} 含有非法字符（NUL）")
    elif content_type.startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body or b"\x00" in body:
            raise HTTPException(status_code=422, detail="请求内容含有非法字符（NUL）")


class LoginThrottle:
    """Slow down repeated login failures per key with a growing delay — never a lockout.

    The first ``free_failures`` failures within ``window_s`` cost nothing; after that each failure
    doubles the wait (``base_delay_s`` … ``max_delay_s``) counted from the last failure. Keys are
    (client address + user name) and the client address alone: someone elsewhere cannot lock a
    user out, and one address cannot spray guesses fast. A success resets its key. In memory.
    """

    def __init__(
        self,
        free_failures: int = 5,
        window_s: float = 900.0,
        *,
        base_delay_s: float = 2.0,
        max_delay_s: float = 300.0,
    ) -> None:
        self.max_failures = free_failures
        self.window_s = window_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
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
                extra = len(failures) - self.max_failures
                if extra >= 0 and failures:
                    delay = min(self.base_delay_s * 2**extra, self.max_delay_s)
                    wait = max(wait, delay - (now - failures[-1]))
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()
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

"""Logging in and out of the web platform with server-side sessions.

The web layer holds only the session token from the cookie; these functions look it up, create
and end it in the records database (:mod:`envplan.store.sessions`). Session rows are written in a
session of their own (not ``Platform.write``): a login does not drop the page caches.
"""

from __future__ import annotations

from dataclasses import dataclass

from envplan.services.dashboard import Platform, UserInfo
from envplan.store import sessions as web_sessions


@dataclass(frozen=True)
class LoggedIn:
    token: str
    csrf: str
    user: UserInfo


def login(platform: Platform, username: str, password: str, *, client: str = "") -> LoggedIn | None:
    """Check the credentials; on success open a new session (a new token and CSRF token)."""
    user = platform.authenticate(username, password)
    if user is None:
        return None
    with platform.sessions() as session:
        opened = web_sessions.create(session, user.id, client=client)
        session.commit()
    return LoggedIn(opened.token, opened.csrf, user)


def resolve(platform: Platform, token: str | None) -> tuple[str, UserInfo] | None:
    """(CSRF token, user) of a live session whose user may log in now, else None."""
    if not token:
        return None
    with platform.session() as session:
        opened = web_sessions.resolve(session, token)
    if opened is None:
        return None
    user = platform.user(opened.user_id)
    if user is None:
        return None
    return opened.csrf, user


def logout(platform: Platform, token: str | None) -> None:
    """End this session: the same cookie, copied anywhere, no longer works."""
    if not token:
        return
    with platform.sessions() as session:
        web_sessions.revoke(session, token)
        session.commit()

"""Server-side login sessions: the cookie carries a random token, the database its SHA-256.

A session is valid while its row exists, has not expired and its user is active. Logging out
deletes the row, so a cookie copied before logout no longer works; disabling a user or changing
their password deletes every row of that user (:func:`revoke_user`), so every open session ends at
once. Only the hash of the token is stored: a leaked database does not yield usable cookies.
Sessions are technical state (not records): they are not in the audit chain, the events that
end them (disable, password change) are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from envplan.store.models import Base, User

SESSION_TTL = dt.timedelta(hours=12)


class WebSession(Base):
    """One logged-in browser or API client."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    # Incremented nowhere: kept so that a future "re-authenticate" can bump it (schema stable).
    version: Mapped[int] = mapped_column(Integer, default=1)


@dataclass(frozen=True)
class OpenSession:
    token: str
    csrf: str
    user_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def create(
    session: Session, user_id: int, *, client: str = "", now: dt.datetime | None = None
) -> OpenSession:
    """A new session for ``user_id`` (caller commits). Expired rows are purged on the way."""
    now = now or dt.datetime.now(dt.UTC)
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_sha256=token_hash(token),
            user_id=user_id,
            csrf=csrf,
            created_at=now,
            expires_at=now + SESSION_TTL,
            client=client[:64],
        )
    )
    session.flush()
    return OpenSession(token, csrf, user_id)


def resolve(session: Session, token: str, *, now: dt.datetime | None = None) -> OpenSession | None:
    """The live session for ``token`` whose user is active, or None."""
    if not token or len(token) > 128:
        return None
    now = now or dt.datetime.now(dt.UTC)
    row = session.execute(
        select(WebSession.csrf, WebSession.user_id, WebSession.expires_at)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_sha256 == token_hash(token), User.active.is_(True))
    ).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    return OpenSession(token, row.csrf, row.user_id)


def revoke(session: Session, token: str) -> None:
    """End one session (logout)."""
    session.execute(delete(WebSession).where(WebSession.token_sha256 == token_hash(token)))


def revoke_user(session: Session, user_id: int) -> int:
    """End every session of ``user_id`` (disable, password change); the number ended."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def count_for(session: Session, user_id: int) -> int:
    return len(
        session.scalars(select(WebSession.token_sha256).where(WebSession.user_id == user_id)).all()
    )

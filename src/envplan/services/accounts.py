"""Account life cycle: name normalisation, password policy, disable / enable / role / password,
and the server-side login sessions built on :mod:`envplan.store.sessions`.

Every change here is audited and takes effect at once: the web resolves the user from the
database on every request (no per-process copy of the role), and disabling a user or changing a
password ends every session of that user.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import (
    ROLE_LABELS,
    SYSTEM,
    Action,
    Principal,
    Role,
    UserError,
    require,
    verify_password,
)
from envplan.store import audit
from envplan.store import sessions as web_sessions
from envplan.store.models import User

MAX_USERNAME = 64
MIN_PASSWORD = 8
MIN_ADMIN_PASSWORD = 12
#: Passwords seen first in every leaked list (and the ones a probe tried); refused outright.
COMMON_PASSWORDS = frozenset(
    {
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "11111111",
        "88888888",
        "00000000",
        "password",
        "password1",
        "password123",
        "qwertyui",
        "qwerty123",
        "abc12345",
        "abcd1234",
        "a1234567",
        "iloveyou",
        "admin123",
        "admin1234",
        "administrator",
        "woaini1314",
        "1qaz2wsx",
        "qazwsxedc",
    }
)
# Cheap parameters for the dummy verification of unknown names (the cost must be comparable to a
# real check, so a real hash with the default parameters is used: see ``_DUMMY_HASH``).
_DUMMY_HASH = PasswordHasher().hash("envplan-no-such-user")


def normalise_username(name: str) -> str:
    """NFKC, no surrounding white space: ``demo-admin `` and ``ｄｅｍｏ-admin`` are ``demo-admin``."""
    return unicodedata.normalize("NFKC", name).strip()


def check_username(name: str) -> str:
    normal = normalise_username(name)
    if not normal:
        raise UserError("用户名不能为空")
    if len(normal) > MAX_USERNAME:
        raise UserError(f"用户名过长：至多 {MAX_USERNAME} 个字符")
    if any(unicodedata.category(ch).startswith(("C", "Z")) and ch != " " for ch in normal):
        raise UserError("用户名含有控制字符或不可见字符")
    return normal


def check_password(password: str, *, role: Role | str, username: str = "") -> None:
    """Refuse weak passwords (zh-CN reason): short, common, one character class, the user name."""
    role = Role(role)
    minimum = MIN_ADMIN_PASSWORD if role is Role.ADMIN else MIN_PASSWORD
    if len(password) < minimum:
        raise UserError(f"密码至少 {minimum} 个字符（{ROLE_LABELS[role]}）")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        raise UserError("密码过于常见（在常见弱口令列表中），请换一个")
    if len(set(password)) <= 2:
        raise UserError("密码不能由一两个字符重复组成")
    if password.isdigit():
        raise UserError("密码不能只有数字")
    if username and normalise_username(username).lower() in lowered:
        raise UserError("密码不能包含用户名")


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise UserError(f"用户不存在：{username}")
    return user


def set_active(session: Session, username: str, active: bool, *, actor: Principal = SYSTEM) -> int:
    """Disable or enable a user; disabling ends every session. Returns the sessions ended."""
    require(actor, Action.MANAGE_USERS)
    user = _user(session, username)
    before = user.active
    user.active = active
    ended = web_sessions.revoke_user(session, user.id) if not active else 0
    audit.append(
        session,
        actor=actor.username,
        action="user.disable" if not active else "user.enable",
        entity="user",
        entity_id=user.id,
        before={"active": before},
        after={"active": active, "sessions_ended": ended},
    )
    return ended


def set_role(
    session: Session,
    username: str,
    role: Role | str,
    *,
    unit_id: str | None = None,
    county: str | None = None,
    actor: Principal = SYSTEM,
) -> None:
    """Change a user's role (and scope); the next request already runs with the new rights."""
    require(actor, Action.MANAGE_USERS)
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"未知角色：{role}（可选：{'、'.join(r.value for r in Role)}）") from None
    user = _user(session, username)
    if role in (Role.UNIT_CLERK, Role.UNIT_LEADER) and not (unit_id or user.unit_id):
        raise UserError(f"角色 {ROLE_LABELS[role]} 必须指定所属单位")
    if role is Role.COUNTY_CLERK and not (county or user.county):
        raise UserError("县（市、区）填报员必须指定所属县（市、区）")
    before = {"role": user.role, "unit_id": user.unit_id, "county": user.county}
    user.role = role.value
    if unit_id is not None:
        user.unit_id = unit_id
    if county is not None:
        user.county = county
    if role in (Role.ADMIN, Role.VIEWER):
        user.unit_id, user.county = None, None
    audit.append(
        session,
        actor=actor.username,
        action="user.role",
        entity="user",
        entity_id=user.id,
        before=before,
        after={"role": user.role, "unit_id": user.unit_id, "county": user.county},
    )


def set_password(
    session: Session, username: str, password: str, *, actor: Principal = SYSTEM
) -> int:
    """A new password (policy checked); every session of the user ends. Returns sessions ended."""
    require(actor, Action.MANAGE_USERS)
    user = _user(session, username)
    check_password(password, role=user.role, username=user.username)
    user.password_hash = PasswordHasher().hash(password)
    ended = web_sessions.revoke_user(session, user.id)
    audit.append(
        session,
        actor=actor.username,
        action="user.password",
        entity="user",
        entity_id=user.id,
        after={"sessions_ended": ended},
    )
    return ended


def authenticate(
    session: Session, username: str, password: str, *, allow_demo: bool
) -> User | None:
    """The active user with these credentials, or None — in about the same time either way.

    Unknown names are verified against a dummy hash, so the answer time does not tell which names
    exist. ``allow_demo`` False (production): demo accounts (``is_demo``) never log in.
    """
    name = normalise_username(username)
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active or (user.is_demo and not allow_demo):
        return None
    return user

"""Who may do what: roles, the access matrix, argon2 passwords, user accounts.

Scopes: an occurrence belongs to a unit (its reporting unit); "own" means
- unit clerk / unit leader: the occurrence's unit is the user's unit;
- county clerk: the unit lies in the user's county (read also covers tasks that name all counties);
- bureau admin (环委办 / 市生态环境局): everything; viewer: reads everything, writes nothing.
Every denial raises :class:`AccessDenied` with a zh-CN message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.store import audit
from envplan.store.models import Occurrence, Unit, User


class Role(StrEnum):
    ADMIN = "admin"  # 环委办 / 市生态环境局
    UNIT_CLERK = "unit_clerk"
    UNIT_LEADER = "unit_leader"
    COUNTY_CLERK = "county_clerk"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.ADMIN: "局管理员（环委办/市生态环境局）",
    Role.UNIT_CLERK: "责任单位填报员",
    Role.UNIT_LEADER: "责任单位负责人",
    Role.COUNTY_CLERK: "县（市、区）填报员",
    Role.VIEWER: "只读用户",
}


class Action(StrEnum):
    READ = "read"  # see an occurrence, its reports, notices
    REPORT = "report"  # submit progress (incl. ledger import rows)
    APPROVE = "approve"  # approve or return a report
    COMMENT = "comment"
    REPLY_NOTICE = "reply_notice"
    ISSUE_NOTICE = "issue_notice"
    SNAPSHOT = "snapshot"  # freeze the monthly dispatch
    MANAGE_USERS = "manage_users"


ACTION_LABELS = {
    Action.READ: "查看",
    Action.REPORT: "填报进展",
    Action.APPROVE: "审核",
    Action.COMMENT: "评论",
    Action.REPLY_NOTICE: "回复督办单",
    Action.ISSUE_NOTICE: "签发督办单",
    Action.SNAPSHOT: "生成月调度快照",
    Action.MANAGE_USERS: "管理用户",
}

# role -> (actions allowed on own scope, actions allowed on any scope)
_MATRIX: dict[Role, tuple[frozenset[Action], frozenset[Action]]] = {
    Role.ADMIN: (frozenset(Action), frozenset(Action)),
    Role.UNIT_CLERK: (
        frozenset({Action.READ, Action.REPORT, Action.COMMENT, Action.REPLY_NOTICE}),
        frozenset(),
    ),
    Role.UNIT_LEADER: (
        frozenset(
            {Action.READ, Action.REPORT, Action.APPROVE, Action.COMMENT, Action.REPLY_NOTICE}
        ),
        frozenset(),
    ),
    Role.COUNTY_CLERK: (
        frozenset({Action.READ, Action.REPORT, Action.COMMENT, Action.REPLY_NOTICE}),
        frozenset(),
    ),
    Role.VIEWER: (frozenset({Action.READ}), frozenset({Action.READ})),
}


class AccessDenied(PermissionError):
    """The principal may not do this (zh-CN message naming the user and the record)."""

    pass


@dataclass(frozen=True)
class Principal:
    """The acting user as the services see it."""

    user_id: int | None
    username: str
    role: Role
    unit_id: str | None = None
    county: str | None = None  # county name (城区, 泽州县 …) for county clerks

    @classmethod
    def of(cls, user: User) -> Principal:
        """The principal of a stored user."""
        return cls(user.id, user.username, Role(user.role), user.unit_id, user.county)


#: The principal of system jobs (administrator rights); the default of the use cases' ``principal``.
SYSTEM = Principal(user_id=None, username="system", role=Role.ADMIN)


def is_own(principal: Principal, unit: Unit) -> bool:
    """Whether ``unit`` (an occurrence's unit) is in the principal's own scope."""
    if principal.role in (Role.UNIT_CLERK, Role.UNIT_LEADER):
        return principal.unit_id is not None and unit.id == principal.unit_id
    if principal.role is Role.COUNTY_CLERK:
        return principal.county is not None and unit.county == principal.county
    return principal.role is Role.ADMIN


def allowed(principal: Principal, action: Action, *, own: bool) -> bool:
    own_actions, any_actions = _MATRIX[principal.role]
    return action in any_actions or (own and action in own_actions)


def can_on_occurrence(principal: Principal, action: Action, occurrence: Occurrence) -> bool:
    """Own scope = the occurrence's unit (a county clerk: any unit of its county).

    Reading reaches a little further, so that each party sees the duty it contributes to: the
    lead unit reads its item's county and co-unit lines (the roll-up); a co-unit or a county reads
    the lead's line of an item it takes part in. Reporting, approving and replying stay own-only:
    a county reports only its own county's duty, a co-unit only its contribution.
    """
    own = is_own(principal, occurrence.unit)
    if not own and action is Action.READ and occurrence.task is not None:
        task = occurrence.task
        role = getattr(occurrence, "role", "lead")
        if principal.unit_id is not None and principal.unit_id in (task.lead_unit_ids or ()):
            own = True  # the lead unit sees every party's line of its item
        elif role == "lead" and (
            (principal.unit_id is not None and principal.unit_id in (task.co_unit_ids or ()))
            or (principal.role is Role.COUNTY_CLERK and task.all_counties)
        ):
            own = True  # a party sees the lead's line of the item it contributes to
    return allowed(principal, action, own=own)


def require(principal: Principal, action: Action, occurrence: Occurrence | None = None) -> None:
    """Raise :class:`AccessDenied` unless ``principal`` may do ``action`` (on ``occurrence``)."""
    if occurrence is None:
        ok = allowed(principal, action, own=principal.role is Role.ADMIN)
        where = ""
    else:
        ok = can_on_occurrence(principal, action, occurrence)
        where = f"（{occurrence.unit.name} 的任务 {occurrence.task.task_key} 第{occurrence.seq}期）"
    if not ok:
        raise AccessDenied(
            f"无权{ACTION_LABELS[action]}{where}：用户 {principal.username} "
            f"角色为{ROLE_LABELS[principal.role]}"
        )


# --- passwords and accounts -------------------------------------------------------------------

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class UserError(ValueError):
    pass


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str | None = None,
    unit_id: str | None = None,
    county: str | None = None,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
    hasher: PasswordHasher | None = None,
) -> User:
    """Add a user (argon2-hashed password). Unit roles need a unit; county clerks a county.

    hasher: argon2 parameters (default: argon2-cffi's recommended ones); the demo, whose
    passwords are published anyway, uses cheap ones to start fast.
    """
    require(actor, Action.MANAGE_USERS)
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"未知角色：{role}（可选：{'、'.join(r.value for r in Role)}）") from None
    if not username.strip():
        raise UserError("用户名不能为空")
    if len(password) < 8:
        raise UserError("密码至少 8 个字符")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"用户名已存在：{username}")
    if role in (Role.UNIT_CLERK, Role.UNIT_LEADER) and not unit_id:
        raise UserError(f"角色 {ROLE_LABELS[role]} 必须指定所属单位")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise UserError(f"单位不存在：{unit_id}")
    if role is Role.COUNTY_CLERK:
        if not county and unit_id:
            county = session.get(Unit, unit_id).county  # type: ignore[union-attr]
        if not county:
            raise UserError("县（市、区）填报员必须指定所属县（市、区）")
    if county is not None:
        known = {c for c in session.scalars(select(Unit.county)) if c is not None}
        if county not in known:
            raise UserError(f"县（市、区）不存在：{county}（可选：{'、'.join(sorted(known))}）")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=(hasher or _hasher).hash(password),
        role=role.value,
        unit_id=unit_id,
        county=county,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="user.create",
        entity="user",
        entity_id=user.id,
        after={"username": username, "role": role.value, "unit_id": unit_id, "county": county},
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    return user

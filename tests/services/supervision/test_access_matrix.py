"""The access matrix, role × action × own/other, exercised through the real services.

Expected table written from the issue's rules: a clerk reads and writes only its own unit's
occurrences; a leader also approves its unit's; a county clerk works on its county's units (and
reads tasks that name every county); the bureau admin does everything; a viewer only reads.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envplan.services import supervision as sv
from envplan.services.access import SYSTEM, AccessDenied, Principal, Role, create_user
from envplan.store.models import AuditEntry

from .conftest import People

D = dt.date
OCC_ACTIONS = ("read", "report", "approve", "comment", "reply_notice")
GLOBAL_ACTIONS = ("issue_notice", "snapshot", "manage_users")

# role -> set of (action, scope) allowed; scope "own" | "other" | "any"
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "admin": {(a, s) for a in OCC_ACTIONS for s in ("own", "other")}
    | {(a, "any") for a in GLOBAL_ACTIONS},
    "unit_clerk": {("read", "own"), ("report", "own"), ("comment", "own"), ("reply_notice", "own")},
    "unit_leader": {
        ("read", "own"),
        ("report", "own"),
        ("approve", "own"),
        ("comment", "own"),
        ("reply_notice", "own"),
    },
    "county_clerk": {
        ("read", "own"),
        ("report", "own"),
        ("comment", "own"),
        ("reply_notice", "own"),
    },
    "viewer": {("read", "own"), ("read", "other")},
}


def _principal(people: People, role: str) -> Principal:
    return {
        "admin": people.admin,
        "unit_clerk": people.clerk,
        "unit_leader": people.leader,
        "county_clerk": people.county_clerk,
        "viewer": people.viewer,
    }[role]


def _own_task(role: str) -> str:
    # admin and viewer: any task is "own" for the matrix; the gxj users own air-m02;
    # the 泽州县 clerk owns air-m03 (泽州县人民政府)
    return "air-m03" if role == "county_clerk" else "air-m02"


def _attempt(session: Session, principal: Principal, action: str, task_key: str) -> None:
    occ = sv.find_occurrence(session, task_key, 1)
    as_of = D(2021, 12, 31)
    if action == "read":
        sv.get_occurrence_state(session, occ.id, as_of=as_of, principal=principal)
    elif action == "report":
        sv.submit_report(
            session,
            principal,
            occ.id,
            expected_version=occ.version,
            reported_on=D(2021, 3, 1),
            state="in_progress",
            percent=10,
            narrative="测试",
        )
    elif action == "approve":
        report = sv.submit_report(
            session,
            SYSTEM,
            occ.id,
            expected_version=occ.version,
            reported_on=D(2021, 3, 1),
            state="done",
            percent=100,
            narrative="完成",
        )
        sv.approve_report(
            session, principal, report.id, expected_version=occ.version, reviewed_on=D(2021, 3, 2)
        )
    elif action == "comment":
        sv.add_comment(session, principal, occ.id, "请加快进度")
    elif action == "reply_notice":
        notices = sv.escalate(session, as_of=D(2021, 12, 31))
        notice = next(n for n in notices if n.occurrence_id == occ.id)
        sv.reply_notice(session, principal, notice.id, replied_on=D(2021, 12, 31), text="已整改")
    elif action == "issue_notice":
        sv.escalate(session, as_of=D(2021, 12, 31), actor=principal)
    elif action == "snapshot":
        sv.take_snapshot(session, "2021-06", actor=principal)
    elif action == "manage_users":
        create_user(
            session, username="new-user", password="secret-123", role=Role.VIEWER, actor=principal
        )
    else:  # pragma: no cover
        raise AssertionError(action)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix(mini_session: Session, people: People, role: str) -> None:
    principal = _principal(people, role)
    mismatches: list[str] = []
    cases: list[tuple[str, str, str]] = [
        (action, scope, _own_task(role) if scope == "own" else "air-m04")
        for action in OCC_ACTIONS
        for scope in ("own", "other")
    ] + [(action, "any", "air-m02") for action in GLOBAL_ACTIONS]
    mini_session.commit()
    for action, scope, task_key in cases:
        audit_before = mini_session.scalar(select(func.count(AuditEntry.seq)))
        savepoint = mini_session.begin_nested()
        try:
            _attempt(mini_session, principal, action, task_key)
            outcome = "allowed"
        except AccessDenied as exc:
            outcome = "denied"
            assert "无权" in str(exc)
        savepoint.rollback()
        expected = "allowed" if (action, scope) in EXPECTED[role] else "denied"
        if outcome != expected:
            mismatches.append(f"{role} {action} {scope}: expected {expected}, got {outcome}")
        if outcome == "denied":
            # a denial wrote nothing (checked after rolling back the probe's own set-up rows)
            assert mini_session.scalar(select(func.count(AuditEntry.seq))) == audit_before
    assert mismatches == []


def test_county_clerk_reads_tasks_naming_all_counties_but_cannot_write(
    mini_session: Session, people: People
) -> None:
    occ = sv.find_occurrence(mini_session, "air-m01", 1)  # 市生态环境局, names every county
    sv.get_occurrence_state(
        mini_session, occ.id, as_of=D(2021, 7, 1), principal=people.county_clerk
    )
    with pytest.raises(AccessDenied):
        sv.submit_report(
            mini_session,
            people.county_clerk,
            occ.id,
            expected_version=occ.version,
            reported_on=D(2021, 6, 1),
            state="in_progress",
            percent=5,
            narrative="x",
        )


def test_listing_shows_only_what_the_user_may_read(mini_session: Session, people: People) -> None:
    as_of = D(2021, 7, 1)
    assert {
        s.unit_id for s in sv.list_occurrences(mini_session, as_of=as_of, principal=people.clerk)
    } == {"gxj"}
    county = sv.list_occurrences(mini_session, as_of=as_of, principal=people.county_clerk)
    assert {s.task_key for s in county} == {"air-m01", "air-m03", "water-m01"}
    everything = sv.list_occurrences(mini_session, as_of=as_of)
    assert len(sv.list_occurrences(mini_session, as_of=as_of, principal=people.viewer)) == len(
        everything
    )


def test_passwords_are_argon2_and_verify(mini_session: Session, people: People) -> None:
    from envplan.services.access import authenticate
    from envplan.store.models import User

    user = mini_session.scalar(select(User).where(User.username == "gxj-clerk"))
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert "secret-123" not in user.password_hash
    assert authenticate(mini_session, "gxj-clerk", "secret-123") is not None
    assert authenticate(mini_session, "gxj-clerk", "wrong-password") is None
    assert authenticate(mini_session, "nobody", "secret-123") is None


def test_user_validation_messages(mini_session: Session) -> None:
    from envplan.services.access import UserError

    with pytest.raises(UserError, match="必须指定所属单位"):
        create_user(mini_session, username="x", password="secret-123", role="unit_clerk")
    with pytest.raises(UserError, match="未知角色"):
        create_user(mini_session, username="x", password="secret-123", role="boss")
    with pytest.raises(UserError, match="至少 8"):
        create_user(mini_session, username="x", password="short", role="viewer")
    with pytest.raises(UserError, match="县（市、区）不存在"):
        create_user(
            mini_session, username="x", password="secret-123", role="county_clerk", county="泽州"
        )
    with pytest.raises(UserError, match="单位不存在"):
        create_user(
            mini_session, username="x", password="secret-123", role="unit_clerk", unit_id="nope"
        )

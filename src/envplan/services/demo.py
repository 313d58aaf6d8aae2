"""The seeded demo (示例): demo accounts for every role and realistic 2021 progress.

Everything created here is flagged ``is_demo`` and its visible text starts with 【示例】, so demo
records can never be mistaken for real reports. The progress is generated deterministically (a
fixed random seed), dated through the year up to ``as_of``: most duties done on time, some done
late, some overdue with blue/orange/red notices (some replied), a few 13710 items.

Demo logins (documented in docs/supervision.md; for the demo only):

=================  ===================  ==============================
username           password             role
=================  ===================  ==============================
demo-admin         demo-admin-2021      局管理员（市生态环境局）
demo-clerk         demo-clerk-2021      责任单位填报员（市工信局）
demo-leader        demo-leader-2021     责任单位负责人（市工信局）
demo-county        demo-county-2021     县（市、区）填报员（泽州县）
demo-viewer        demo-viewer-2021     只读用户
=================  ===================  ==============================
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from envplan.plan import Plan
from envplan.services.access import ROLE_LABELS, Principal, Role, create_user
from envplan.services.calendar import WorkingCalendar
from envplan.services.emergency import seed_emergency_demo
from envplan.services.land import seed_land_demo
from envplan.services.offsets import seed_offsets_demo
from envplan.services.supervision import (
    DEFAULT_RULES,
    SupervisionRules,
    escalate,
    list_occurrences,
    load_plan_into_db,
    record_step,
    register_item,
)
from envplan.services.water_graph import seed_water_graph_demo
from envplan.store import EvidenceStore, audit
from envplan.store.models import (
    Comment,
    EvidenceFile,
    Occurrence,
    PlanVersion,
    ProgressReport,
    ReportEvidence,
    ReportReview,
    Unit,
    User,
)

DEMO_TAG = "【示例】"
DEMO_AS_OF = dt.date(2021, 9, 30)
DEMO_SEED = 2021
# Demo passwords are published in the docs: hashing them expensively protects nothing.
_DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    unit_id: str | None
    county: str | None
    unit_name: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True)
class DemoSeed:
    accounts: tuple[DemoAccount, ...]
    as_of: dt.date
    created: bool  # False when the demo was already present (nothing written)
    reports: int = 0
    notices: int = 0


_ACCOUNTS = (
    ("demo-admin", "demo-admin-2021", Role.ADMIN, "市生态环境局", None),
    ("demo-clerk", "demo-clerk-2021", Role.UNIT_CLERK, "市工信局", None),
    ("demo-leader", "demo-leader-2021", Role.UNIT_LEADER, "市工信局", None),
    ("demo-county", "demo-county-2021", Role.COUNTY_CLERK, None, "泽州县"),
    ("demo-viewer", "demo-viewer-2021", Role.VIEWER, None, None),
)

_PROGRESS_LINES = (
    "已召开专题推进会，明确责任人和时间节点",
    "已完成现场排查，建立问题清单和整改台账",
    "实施方案已印发，正在组织实施",
    "工程主体已开工，按月调度推进",
    "已完成阶段性任务，正在开展自查验收",
    "已协调资金和用地，施工单位已进场",
)
_DONE_LINES = (
    "已按要求全部完成，相关材料已归档",
    "任务已完成并通过验收，佐证材料已上传",
    "本期工作已完成，情况已报送市环委办",
)
_LATE_REASONS = (
    "受汛期降雨影响工期顺延，现已完成",
    "因招投标程序延误，现已补齐并完成",
)


def _accounts(session: Session) -> tuple[DemoAccount, ...]:
    units = {name: unit_id for unit_id, name in session.execute(select(Unit.id, Unit.name))}
    return tuple(
        DemoAccount(
            username,
            password,
            role,
            units.get(unit_name) if unit_name else None,
            county,
            unit_name or county,
        )
        for username, password, role, unit_name, county in _ACCOUNTS
    )


def seed_demo(
    session: Session,
    plan: Plan,
    *,
    as_of: dt.date = DEMO_AS_OF,
    evidence_store: EvidenceStore | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> DemoSeed:
    """Seed the demo on ``session`` (plan loaded first if needed); idempotent. Caller commits.

    Returns the demo accounts (with their demo passwords) and the evaluation date ``as_of``.
    """
    if session.scalar(select(PlanVersion.id).limit(1)) is None:
        load_plan_into_db(session, plan, rules=rules)
    accounts = _accounts(session)
    if session.scalar(select(User.id).where(User.username == accounts[0].username)) is not None:
        return DemoSeed(accounts, as_of, created=False)

    users: dict[str, Principal] = {}
    for account in accounts:
        user = create_user(
            session,
            username=account.username,
            password=account.password,
            role=account.role,
            display_name=f"{DEMO_TAG}{account.role_label}",
            unit_id=account.unit_id,
            county=account.county,
            is_demo=True,
            hasher=_DEMO_HASHER,
        )
        users[account.username] = Principal.of(user)

    rng = random.Random(DEMO_SEED)
    calendar = WorkingCalendar()
    admin = users["demo-admin"]
    leader = users["demo-leader"]
    clerk = users["demo-clerk"]
    evidence_sha: str | None = None
    if evidence_store is not None:
        photo = f"{DEMO_TAG}现场整改照片（演示用占位文件）".encode()
        evidence_sha = evidence_store.put(photo)
        if session.get(EvidenceFile, evidence_sha) is None:
            session.add(EvidenceFile(sha256=evidence_sha, size=len(photo)))

    states = list_occurrences(session, as_of=as_of, rules=rules)
    reports: list[ProgressReport] = []
    reviews: list[tuple[ProgressReport, dt.date, Principal]] = []
    versions: dict[int, int] = {}

    def report(
        state_id: int, on: dt.date, state: str, percent: int, text: str, by: Principal
    ) -> ProgressReport:
        row = ProgressReport(
            occurrence_id=state_id,
            reported_on=on,
            state=state,
            percent=percent,
            narrative=f"{DEMO_TAG}{text}",
            author_id=by.user_id,
            is_demo=True,
        )
        reports.append(row)
        versions[state_id] = versions.get(state_id, 1) + 1
        return row

    for state in states:
        reporter = clerk if state.unit_id == clerk.unit_id else admin
        approver = leader if state.unit_id == leader.unit_id else admin
        start = max(state.period_start, dt.date(as_of.year, 1, 1))
        if state.due_date <= as_of:
            roll = rng.random()
            periodic = state.occurrence_kind in ("monthly", "quarterly")
            on_time_share, late_share = (0.8, 0.1) if periodic else (0.65, 0.15)
            midway = start + (state.due_date - start) / 2
            if roll < on_time_share:
                done_on = max(start, state.due_date - dt.timedelta(days=rng.randint(0, 10)))
                if (state.due_date - start).days > 20:
                    report(
                        state.occurrence_id,
                        midway,
                        "in_progress",
                        rng.choice((40, 50, 60, 70)),
                        rng.choice(_PROGRESS_LINES),
                        reporter,
                    )
                done = report(
                    state.occurrence_id, done_on, "done", 100, rng.choice(_DONE_LINES), reporter
                )
                reviews.append(
                    (done, calendar.add_working_days(done_on, rng.randint(0, 2)), approver)
                )
            elif roll < on_time_share + late_share:
                report(
                    state.occurrence_id,
                    midway,
                    "in_progress",
                    rng.choice((30, 50, 60)),
                    rng.choice(_PROGRESS_LINES),
                    reporter,
                )
                done_on = calendar.add_working_days(state.due_date, rng.randint(3, 15))
                if done_on <= as_of:
                    done = report(
                        state.occurrence_id,
                        done_on,
                        "done",
                        100,
                        rng.choice(_LATE_REASONS),
                        reporter,
                    )
                    review_on = calendar.add_working_days(done_on, 1)
                    if review_on <= as_of:
                        reviews.append((done, review_on, approver))
            else:
                report(
                    state.occurrence_id,
                    midway,
                    "in_progress",
                    rng.choice((20, 30, 45, 60, 80)),
                    rng.choice(_PROGRESS_LINES),
                    reporter,
                )
        elif state.period_start <= as_of and rng.random() < 0.6:
            on = min(as_of, start + dt.timedelta(days=rng.randint(5, 40)))
            report(
                state.occurrence_id,
                on,
                "in_progress",
                rng.choice((10, 20, 35, 50, 65, 80)),
                rng.choice(_PROGRESS_LINES),
                reporter,
            )

    session.add_all(reports)
    session.flush()
    review_rows = [
        ReportReview(
            report_id=row.id,
            decision="approved",
            reviewed_on=on,
            reviewer_id=by.user_id,
            comment=f"{DEMO_TAG}同意",
            is_demo=True,
        )
        for row, on, by in reviews
    ]
    session.add_all(review_rows)
    if evidence_sha is not None:
        session.add_all(
            ReportEvidence(
                report_id=row.id,
                sha256=evidence_sha,
                filename="示例-现场照片.txt",
                content_type="text/plain",
            )
            for row in reports
            if row.state == "done"
        )
    session.flush()
    for row, _, _ in reviews:
        versions[row.occurrence_id] += 1
    if versions:
        session.execute(
            update(Occurrence),
            [
                {"id": occurrence_id, "version": version}
                for occurrence_id, version in versions.items()
            ],
        )
    audit.append_many(
        session,
        [
            audit.Change(
                actor="demo-seed",
                action="report.submit",
                entity="occurrence",
                entity_id=row.occurrence_id,
                after={
                    "report_id": row.id,
                    "reported_on": row.reported_on.isoformat(),
                    "state": row.state,
                    "percent": row.percent,
                    "demo": True,
                },
            )
            for row in reports
        ]
        + [
            audit.Change(
                actor="demo-seed",
                action="report.approved",
                entity="progress_report",
                entity_id=review.report_id,
                after={"reviewed_on": review.reviewed_on.isoformat(), "demo": True},
            )
            for review in review_rows
        ],
    )
    session.expire_all()

    notices = escalate(session, as_of=as_of, rules=rules, actor=admin, is_demo=True)
    replies = []
    for notice in notices:
        if rng.random() < 0.5:
            replied_on = calendar.add_working_days(notice.issued_on, rng.randint(1, 4))
            if replied_on <= as_of:
                notice.replied_on = replied_on
                notice.reply_text = f"{DEMO_TAG}已收到督办单，正在加快推进，预计两周内完成。"
                notice.replied_by_id = admin.user_id
                replies.append(notice)
    session.flush()
    audit.append_many(
        session,
        [
            audit.Change(
                actor="demo-seed",
                action="notice.reply",
                entity="notice",
                entity_id=n.id,
                after={
                    "replied_on": n.replied_on.isoformat() if n.replied_on else None,
                    "demo": True,
                },
            )
            for n in replies
        ],
    )

    # A few comments on the demo clerk's occurrences.
    for state in [s for s in states if s.unit_id == clerk.unit_id][:3]:
        session.add(
            Comment(
                occurrence_id=state.occurrence_id,
                author_id=admin.user_id,
                body=f"{DEMO_TAG}请按期报送佐证材料。",
                is_demo=True,
            )
        )

    _seed_clock_items(session, admin, clerk, as_of)
    seed_water_graph_demo(session, actor=admin)
    seed_emergency_demo(session, admin)  # enterprises registry and emergency response (示例)
    seed_offsets_demo(session)  # 示例 inventory, credits, debits (services.offsets.demo)
    session.flush()
    seed_land_demo(session, evidence_store=evidence_store, as_of=as_of)
    return DemoSeed(accounts, as_of, created=True, reports=len(reports), notices=len(notices))


def _seed_clock_items(session: Session, admin: Principal, clerk: Principal, as_of: dt.date) -> None:
    """Three 13710 items: one closed on time, one ordinary overdue, one major with a timetable."""
    unit_id = clerk.unit_id or "city-industry-it"
    assigned = dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=20)
    closed = register_item(
        session,
        title="督促重点企业完成VOCs治理设施排查",
        source="市环委会第3次全体会议",
        unit_id=unit_id,
        assigned_on=assigned,
        actor=admin,
        is_demo=True,
    )
    version = closed.version
    for step, days in (("deploy", 0), ("progress", 2), ("resolve", 6)):
        version = record_step(
            session,
            clerk,
            closed.id,
            step,
            on=WorkingCalendar().add_working_days(assigned, days),
            expected_version=version,
        ).version
    record_step(
        session,
        admin,
        closed.id,
        "close",
        on=WorkingCalendar().add_working_days(assigned, 7),
        expected_version=version,
    )
    late = register_item(
        session,
        title="核查群众反映的企业夜间偷排问题",
        source="分管副市长批示",
        unit_id=unit_id,
        assigned_on=as_of - dt.timedelta(days=14),
        actor=admin,
        is_demo=True,
    )
    record_step(
        session, clerk, late.id, "deploy", on=late.assigned_on, expected_version=late.version
    )
    major = register_item(
        session,
        title="制定工业园区污水集中处理设施建设方案",
        source="市政府常务会议",
        unit_id=unit_id,
        assigned_on=as_of - dt.timedelta(days=40),
        major=True,
        actor=admin,
        is_demo=True,
    )
    version = record_step(
        session, clerk, major.id, "deploy", on=major.assigned_on, expected_version=major.version
    ).version
    version = record_step(
        session,
        clerk,
        major.id,
        "progress",
        on=major.assigned_on + dt.timedelta(days=2),
        expected_version=version,
    ).version
    record_step(
        session,
        clerk,
        major.id,
        "timetable",
        on=major.assigned_on + dt.timedelta(days=20),
        expected_version=version,
        timetable_due=dt.date(as_of.year, 12, 31),
    )


__all__ = ["DEMO_AS_OF", "DEMO_TAG", "DemoAccount", "DemoSeed", "seed_demo"]

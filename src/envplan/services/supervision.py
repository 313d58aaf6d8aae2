"""Supervision services: plan loading, occurrence states, reports, approvals, notices, dispatch.

Everything that depends on "today" takes an explicit ``as_of`` date: a report counts from its
``reported_on`` date, an approval from its ``reviewed_on`` date, so any month of 2021 can be
evaluated as it stood at its end. The functions take a SQLAlchemy ``Session`` and leave commit to
the caller (one call = one unit of work; commit it or roll it back).

Public API (stable, used by web and bulletin):

- :func:`load_plan_into_db` — units, plan versions, tasks and occurrences from the registry.
- :func:`list_occurrences` — :class:`OccurrenceState` rows filtered by plan, unit, county,
  month, status, visible to a principal.
- :func:`get_occurrence_state`, :func:`occurrence_history`.
- :func:`submit_report` (with evidence bytes), :func:`review_report` / :func:`approve_report`,
  :func:`add_comment` — optimistic locking through ``expected_version``.
- :func:`escalate`, :func:`list_notices`, :func:`reply_notice` — 督办单 blue → orange → red.
- :func:`take_snapshot`, :func:`get_snapshot`, :func:`compute_dispatch`, :func:`completion_rates`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, selectinload

from envplan.plan import Plan
from envplan.services.access import SYSTEM, AccessDenied, Action, Principal, require
from envplan.services.access import can_on_occurrence as _can
from envplan.services.calendar import NonWorkingDeadline, WorkingCalendar
from envplan.services.occurrences import expand_deadline, month_end
from envplan.store import EvidenceStore, audit
from envplan.store.models import (
    Comment,
    DispatchSnapshot,
    EvidenceFile,
    Notice,
    Occurrence,
    PlanVersion,
    ProgressReport,
    ReportEvidence,
    ReportReview,
    Task,
    Unit,
)

# --- configuration ----------------------------------------------------------------------------

NOTICE_LEVELS = ("blue", "orange", "red")
NOTICE_LEVEL_LABELS = {"blue": "蓝色督办单", "orange": "橙色督办单", "red": "红色督办单"}

STATUS_LABELS = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "overdue": "已逾期",
    "at_risk": "临期预警",
}
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
CITY_LEVEL = "市本级"  # county bucket of city-level units in completion rates
COUNTY_GROUP_UNIT_ID = "counties"
COUNTY_GROUP_UNIT_NAME = "各县（市、区）人民政府"


@dataclass(frozen=True)
class SupervisionRules:
    """Configurable thresholds (all counted in official working days).

    at_risk_working_days / at_risk_percent: an open occurrence due within N working days whose
    reported progress is below X % is "at risk" (yellow).
    notice_after_working_days: working days overdue before the blue notice; orange and red follow
    ``escalate_every_working_days`` after the previous notice while the item stays undone.
    notice_reply_working_days: working days the unit has to reply to a notice.
    non_working_deadline: a deadline on a non-working day is kept or moved to the next working day.
    """

    at_risk_working_days: int = 5
    at_risk_percent: int = 50
    notice_after_working_days: int = 1
    escalate_every_working_days: int = 5
    notice_reply_working_days: int = 3
    non_working_deadline: NonWorkingDeadline = NonWorkingDeadline.KEEP

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["non_working_deadline"] = self.non_working_deadline.value
        return data


DEFAULT_RULES = SupervisionRules()
_calendar = WorkingCalendar()


class SupervisionError(ValueError):
    """Bad input to a supervision service (zh-CN message)."""


class NotFound(LookupError):
    pass


class ConflictError(RuntimeError):
    """Someone saved the same occurrence first. Nothing was written; ``unsaved`` is the payload
    the caller tried to save, so a form can show it again."""

    def __init__(self, occurrence_id: int, expected: int, actual: int, unsaved: dict[str, Any]):
        self.occurrence_id = occurrence_id
        self.expected_version = expected
        self.actual_version = actual
        self.unsaved = unsaved
        super().__init__(
            f"保存冲突：任务第 {occurrence_id} 号记录已被他人更新（您基于版本 {expected}，"
            f"当前版本 {actual}）。您的内容未保存也未丢失，请刷新后核对再提交。"
        )


# --- loading the registry ---------------------------------------------------------------------


def _plan_source_hash(plan: Plan) -> str:
    return hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()


def _categories(plan: Plan) -> dict[tuple[str, str], str]:
    categories: dict[tuple[str, str], str] = {}
    for sub in plan.subplans:
        for measure in sub.measures:
            categories[(sub.key, measure.id)] = measure.section
        for key_task in sub.key_tasks:
            categories[(sub.key, key_task.id)] = key_task.category
        for project in sub.projects:
            categories[(sub.key, project.id)] = "重点工程"
    return categories


def ensure_units(session: Session, plan: Plan) -> None:
    """Create the plan's units (county stored by name, e.g. 泽州县) and the county-group unit."""
    county_names = {county.id: county.name for county in plan.counties}
    existing = set(session.scalars(select(Unit.id)))
    for unit in plan.units:
        if unit.id not in existing:
            session.add(
                Unit(
                    id=unit.id,
                    name=unit.name,
                    kind=unit.kind,
                    county=county_names.get(unit.county) if unit.county else None,
                )
            )
    if COUNTY_GROUP_UNIT_ID not in existing:
        session.add(Unit(id=COUNTY_GROUP_UNIT_ID, name=COUNTY_GROUP_UNIT_NAME, kind="group"))
    session.flush()


def reporting_unit_id(lead_units: Sequence[str], co_units: Sequence[str]) -> str:
    """The unit that reports on a task: the first lead unit, else the first co-responsible unit,
    else the county group (items whose only responsible party is 各县（市、区）人民政府)."""
    if lead_units:
        return lead_units[0]
    if co_units:
        return co_units[0]
    return COUNTY_GROUP_UNIT_ID


def load_plan_into_db(
    session: Session,
    plan: Plan,
    *,
    rules: SupervisionRules = DEFAULT_RULES,
    label: str | None = None,
    actor: Principal = SYSTEM,
) -> list[PlanVersion]:
    """Load every supervised item of ``plan`` as tasks with occurrences for the plan year.

    One ``PlanVersion`` per sub-plan (air, water, soil). Idempotent: a version with the same
    label already loaded is returned unchanged. Earlier versions of the same plan stop being
    current (their records stay).
    """
    require(actor, Action.MANAGE_USERS)
    label = label or plan.version
    ensure_units(session, plan)
    categories = _categories(plan)
    versions: list[PlanVersion] = []
    items_by_plan: dict[str, list[Any]] = defaultdict(list)
    for item in plan.supervised_items():
        items_by_plan[item.plan].append(item)
    for sub in plan.subplans:
        version = session.scalar(
            select(PlanVersion).where(
                PlanVersion.plan_key == sub.key,
                PlanVersion.year == plan.plan_year,
                PlanVersion.label == label,
            )
        )
        if version is not None:
            versions.append(version)
            continue
        session.execute(
            update(PlanVersion)
            .where(PlanVersion.plan_key == sub.key, PlanVersion.year == plan.plan_year)
            .values(is_current=False)
        )
        version = PlanVersion(
            plan_key=sub.key,
            title=sub.title,
            year=plan.plan_year,
            label=label,
            source_sha256=_plan_source_hash(plan),
            is_current=True,
        )
        session.add(version)
        session.flush()
        for ordinal, item in enumerate(items_by_plan[sub.key], start=1):
            task = Task(
                plan_version_id=version.id,
                task_key=item.id,
                kind=item.kind,
                ordinal=ordinal,
                category=categories.get((sub.key, item.id), ""),
                text=item.text,
                deadline_raw=item.deadline.raw or "",
                deadline_kind=item.deadline.kind,
                lead_unit_ids=list(item.lead_units),
                co_unit_ids=list(item.co_units),
                all_counties=item.all_counties,
            )
            session.add(task)
            session.flush()
            unit_id = reporting_unit_id(item.lead_units, item.co_units)
            for spec in expand_deadline(
                item.deadline,
                plan.plan_year,
                calendar=_calendar,
                non_working=rules.non_working_deadline,
            ):
                session.add(
                    Occurrence(
                        task_id=task.id,
                        seq=spec.seq,
                        unit_id=unit_id,
                        kind=spec.kind,
                        label=spec.label,
                        period_start=spec.period_start,
                        nominal_due=spec.nominal_due,
                        due_date=spec.due_date,
                        version=1,
                    )
                )
        session.flush()
        audit.append(
            session,
            actor=actor.username,
            action="plan.load",
            entity="plan_version",
            entity_id=version.id,
            after={
                "plan_key": sub.key,
                "year": plan.plan_year,
                "label": label,
                "tasks": len(items_by_plan[sub.key]),
                "source_sha256": version.source_sha256,
            },
        )
        versions.append(version)
    return versions


# --- occurrence state -----------------------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceState:
    """The state of one occurrence as of a date (what lists, dashboards and ledgers show)."""

    occurrence_id: int
    task_id: int
    task_key: str
    plan_key: str
    task_kind: str
    category: str
    task_text: str
    deadline_raw: str
    seq: int
    label: str
    occurrence_kind: str
    unit_id: str
    unit_name: str
    county: str | None
    period_start: dt.date
    nominal_due: dt.date
    due_date: dt.date
    as_of: dt.date
    status: str  # not_started | in_progress | done | overdue | at_risk
    light: str  # green | yellow | red
    percent: int
    narrative: str
    last_reported_on: dt.date | None
    awaiting_approval: bool
    completed_on: dt.date | None
    on_time: bool | None  # None while not decidable (open and not yet due)
    working_days_overdue: int
    notice_level: str | None  # highest notice issued by as_of
    version: int
    lead_unit_ids: tuple[str, ...] = field(default_factory=tuple)
    all_counties: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings) — the ``envplan tasks list --json`` contract."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        data["lead_unit_ids"] = list(self.lead_unit_ids)
        data["status_label"] = self.status_label
        data["light_label"] = self.light_label
        return data


def _approved_done(report: ProgressReport, as_of: dt.date) -> ReportReview | None:
    if report.state != "done" or report.reported_on > as_of:
        return None
    reviews = [r for r in report.reviews if r.reviewed_on <= as_of]
    if reviews and reviews[-1].decision == "approved":
        return reviews[-1]
    return None


def compute_state(
    occurrence: Occurrence,
    as_of: dt.date,
    rules: SupervisionRules = DEFAULT_RULES,
) -> OccurrenceState:
    """State of ``occurrence`` as of the end of ``as_of`` (records dated later are ignored)."""
    reports = sorted(
        (r for r in occurrence.reports if r.reported_on <= as_of),
        key=lambda r: (r.reported_on, r.id),
    )
    completed_on: dt.date | None = None
    for report in reports:
        if _approved_done(report, as_of) is not None:
            completed_on = report.reported_on
            break
    latest = reports[-1] if reports else None
    percent = 100 if completed_on else (latest.percent if latest else 0)
    awaiting = bool(
        latest is not None
        and completed_on is None
        and latest.state == "done"
        and not [r for r in latest.reviews if r.reviewed_on <= as_of]
    )
    due = occurrence.due_date
    overdue_days = 0
    if completed_on is not None:
        status, light = "done", "green"
        on_time: bool | None = completed_on <= due
    elif as_of > due:
        status, light, on_time = "overdue", "red", False
        overdue_days = _calendar.working_days_between(due, as_of)
    else:
        on_time = None
        status = "in_progress" if latest is not None else "not_started"
        light = "green"
        if (
            _calendar.working_days_between(as_of, due) <= rules.at_risk_working_days
            and percent < rules.at_risk_percent
        ):
            status, light = "at_risk", "yellow"
    levels = [n.level for n in occurrence.notices if n.issued_on <= as_of]
    notice_level = max(levels, key=NOTICE_LEVELS.index) if levels else None
    task = occurrence.task
    return OccurrenceState(
        occurrence_id=occurrence.id,
        task_id=task.id,
        task_key=task.task_key,
        plan_key=task.plan_version.plan_key,
        task_kind=task.kind,
        category=task.category,
        task_text=task.text,
        deadline_raw=task.deadline_raw,
        seq=occurrence.seq,
        label=occurrence.label,
        occurrence_kind=occurrence.kind,
        unit_id=occurrence.unit_id,
        unit_name=occurrence.unit.name,
        county=occurrence.unit.county,
        period_start=occurrence.period_start,
        nominal_due=occurrence.nominal_due,
        due_date=due,
        as_of=as_of,
        status=status,
        light=light,
        percent=percent,
        narrative=(latest.narrative if latest else ""),
        last_reported_on=(latest.reported_on if latest else None),
        awaiting_approval=awaiting,
        completed_on=completed_on,
        on_time=on_time,
        working_days_overdue=overdue_days,
        notice_level=notice_level,
        version=occurrence.version,
        lead_unit_ids=tuple(task.lead_unit_ids or ()),
        all_counties=task.all_counties,
    )


def parse_month(month: str) -> tuple[dt.date, dt.date]:
    """ "2021-06" → (2021-06-01, 2021-06-30); zh-CN error otherwise."""
    try:
        year_text, month_text = month.split("-")
        year, number = int(year_text), int(month_text)
        first = dt.date(year, number, 1)
    except ValueError:
        raise SupervisionError(f"月份格式应为 YYYY-MM（如 2021-06），收到：{month!r}") from None
    return first, month_end(year, number)


def _occurrence_query() -> Select[Occurrence]:
    return (
        select(Occurrence)
        .join(Occurrence.task)
        .join(Task.plan_version)
        .join(Occurrence.unit)
        .where(PlanVersion.is_current.is_(True))
        .options(
            selectinload(Occurrence.reports).selectinload(ProgressReport.reviews),
            selectinload(Occurrence.notices),
            selectinload(Occurrence.task).selectinload(Task.plan_version),
            selectinload(Occurrence.unit),
        )
        .order_by(PlanVersion.plan_key, Task.ordinal, Occurrence.seq)
        # Always reload reports/reviews/notices: rows added in this session by id (not through
        # the collections) must be seen, or a state would be computed from stale collections.
        .execution_options(populate_existing=True)
    )


def list_occurrences(
    session: Session,
    *,
    as_of: dt.date,
    principal: Principal | None = None,
    plan_key: str | None = None,
    unit_id: str | None = None,
    county: str | None = None,
    month: str | None = None,
    status: str | Iterable[str] | None = None,
    task_key: str | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> list[OccurrenceState]:
    """Occurrences of the current plan versions with their state as of ``as_of``.

    month: only occurrences due in that month ("2021-06"). county: units of that county (name,
    e.g. 泽州县; "市本级" for city-level units). status: one or several status codes.
    principal: only what that user may read (None: no filtering, for trusted callers).
    """
    query = _occurrence_query()
    if plan_key:
        query = query.where(PlanVersion.plan_key == plan_key)
    if unit_id:
        query = query.where(Occurrence.unit_id == unit_id)
    if county:
        if county == CITY_LEVEL:
            query = query.where(Unit.county.is_(None))
        else:
            query = query.where(Unit.county == county)
    if month:
        first, last = parse_month(month)
        query = query.where(Occurrence.due_date >= first, Occurrence.due_date <= last)
    if task_key:
        query = query.where(Task.task_key == task_key)
    wanted: set[str] | None = None
    if status is not None:
        wanted = {status} if isinstance(status, str) else set(status)
        unknown = wanted - set(STATUS_LABELS)
        if unknown:
            raise SupervisionError(
                f"未知状态：{'、'.join(sorted(unknown))}（可选：{'、'.join(STATUS_LABELS)}）"
            )
    states = []
    for occurrence in session.scalars(query):
        if principal is not None and not _can(principal, Action.READ, occurrence):
            continue
        state = compute_state(occurrence, as_of, rules)
        if wanted is None or state.status in wanted:
            states.append(state)
    return states


def _load_occurrence(session: Session, occurrence_id: int) -> Occurrence:
    occurrence = session.scalar(_occurrence_query().where(Occurrence.id == occurrence_id))
    if occurrence is None:
        occurrence = session.get(Occurrence, occurrence_id)  # e.g. a superseded plan version
    if occurrence is None:
        raise NotFound(f"任务记录不存在：{occurrence_id}")
    return occurrence


def load_occurrence(session: Session, occurrence_id: int) -> Occurrence:
    """The occurrence with its task, unit, reports, reviews and notices loaded (NotFound if none)."""
    return _load_occurrence(session, occurrence_id)


def find_occurrence(session: Session, task_key: str, seq: int = 1) -> Occurrence:
    """The occurrence ``seq`` of task ``task_key`` in the current plan versions."""
    occurrence = session.scalar(
        _occurrence_query().where(Task.task_key == task_key, Occurrence.seq == seq)
    )
    if occurrence is None:
        raise NotFound(f"任务不存在：{task_key} 第{seq}期")
    return occurrence


def get_occurrence_state(
    session: Session,
    occurrence_id: int,
    *,
    as_of: dt.date,
    principal: Principal | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> OccurrenceState:
    occurrence = _load_occurrence(session, occurrence_id)
    if principal is not None:
        require(principal, Action.READ, occurrence)
    return compute_state(occurrence, as_of, rules)


@dataclass(frozen=True)
class HistoryEntry:
    kind: str  # report | review | comment | notice | reply
    on: dt.date
    who: str | None
    text: str
    detail: dict[str, Any]


def occurrence_history(
    session: Session, occurrence_id: int, *, principal: Principal | None = None
) -> list[HistoryEntry]:
    """Everything recorded on an occurrence, in business-date order."""
    occurrence = _load_occurrence(session, occurrence_id)
    if principal is not None:
        require(principal, Action.READ, occurrence)
    entries: list[HistoryEntry] = []
    for report in occurrence.reports:
        entries.append(
            HistoryEntry(
                "report",
                report.reported_on,
                report.author.username if report.author else None,
                report.narrative,
                {
                    "report_id": report.id,
                    "state": report.state,
                    "percent": report.percent,
                    "evidence": [
                        {"sha256": e.sha256, "filename": e.filename} for e in report.evidence
                    ],
                },
            )
        )
        for review in report.reviews:
            entries.append(
                HistoryEntry(
                    "review",
                    review.reviewed_on,
                    review.reviewer.username if review.reviewer else None,
                    review.comment,
                    {"report_id": report.id, "decision": review.decision},
                )
            )
    for comment in session.scalars(
        select(Comment).where(Comment.occurrence_id == occurrence_id).order_by(Comment.id)
    ):
        entries.append(
            HistoryEntry(
                "comment",
                comment.created_at.date(),
                comment.author.username if comment.author else None,
                comment.body,
                {},
            )
        )
    for notice in occurrence.notices:
        entries.append(
            HistoryEntry("notice", notice.issued_on, None, notice.body, {"number": notice.number})
        )
        if notice.replied_on:
            entries.append(
                HistoryEntry(
                    "reply",
                    notice.replied_on,
                    None,
                    notice.reply_text or "",
                    {"number": notice.number},
                )
            )
    entries.sort(key=lambda e: e.on)
    return entries


# --- writing: reports, reviews, comments --------------------------------------------------------


def _bump_version(
    session: Session, occurrence: Occurrence, expected: int, unsaved: dict[str, Any]
) -> None:
    """Compare-and-swap the optimistic-lock token; raise ConflictError when someone was first."""
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.id == occurrence.id, Occurrence.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # Nothing of this call was written yet (the CAS is its first write).
        actual = session.scalar(select(Occurrence.version).where(Occurrence.id == occurrence.id))
        raise ConflictError(occurrence.id, expected, int(actual or 0), unsaved)
    session.refresh(occurrence, attribute_names=["version"])


@dataclass(frozen=True)
class EvidenceUpload:
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def submit_report(
    session: Session,
    principal: Principal,
    occurrence_id: int,
    *,
    expected_version: int,
    reported_on: dt.date,
    state: str,
    percent: int,
    narrative: str,
    evidence: Sequence[EvidenceUpload] = (),
    evidence_store: EvidenceStore | None = None,
    is_demo: bool = False,
) -> ProgressReport:
    """Record a progress report. ``state`` "in_progress" or "done" (done counts once approved).

    Raises AccessDenied, SupervisionError (bad field, zh-CN), ConflictError (stale version).
    """
    occurrence = _load_occurrence(session, occurrence_id)
    require(principal, Action.REPORT, occurrence)
    if state not in ("in_progress", "done"):
        raise SupervisionError(
            f"字段 状态：应为 in_progress（推进中）或 done（已完成），收到 {state!r}"
        )
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise SupervisionError(f"字段 完成进度：应为 0–100 的整数，收到 {percent!r}")
    if state == "done":
        percent = 100
    if not narrative.strip():
        raise SupervisionError("字段 进展情况：不能为空")
    if evidence and evidence_store is None:
        raise SupervisionError("未配置证明材料存储目录，无法保存附件")
    if any(_approved_done(r, dt.date.max) for r in occurrence.reports):
        raise SupervisionError(
            f"{occurrence.task.task_key} 第{occurrence.seq}期已审核完成，不能再填报（如需更正请联系局管理员）"
        )
    for upload in evidence:
        if len(upload.data) > MAX_EVIDENCE_BYTES:
            raise SupervisionError(f"附件 {upload.filename} 超过 50 MB")
        if not upload.filename.strip():
            raise SupervisionError("附件文件名不能为空")
    unsaved = {
        "reported_on": reported_on.isoformat(),
        "state": state,
        "percent": percent,
        "narrative": narrative,
        "evidence": [u.filename for u in evidence],
    }
    _bump_version(session, occurrence, expected_version, unsaved)
    report = ProgressReport(
        occurrence_id=occurrence.id,
        reported_on=reported_on,
        state=state,
        percent=percent,
        narrative=narrative.strip(),
        author_id=principal.user_id,
        is_demo=is_demo,
    )
    session.add(report)
    session.flush()
    stored = []
    for upload in evidence:
        assert evidence_store is not None
        sha = evidence_store.put(upload.data)
        if session.get(EvidenceFile, sha) is None:
            session.add(EvidenceFile(sha256=sha, size=len(upload.data)))
            session.flush()
        session.add(
            ReportEvidence(
                report_id=report.id,
                sha256=sha,
                filename=upload.filename,
                content_type=upload.content_type,
            )
        )
        stored.append({"sha256": sha, "filename": upload.filename})
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="report.submit",
        entity="occurrence",
        entity_id=occurrence.id,
        before={"version": expected_version},
        after={
            **unsaved,
            "report_id": report.id,
            "evidence": stored,
            "version": expected_version + 1,
        },
    )
    return report


def review_report(
    session: Session,
    principal: Principal,
    report_id: int,
    *,
    expected_version: int,
    reviewed_on: dt.date,
    decision: str = "approved",
    comment: str = "",
    is_demo: bool = False,
) -> ReportReview:
    """Approve (``decision="approved"``) or return (``"returned"``) a report."""
    report = session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"进展报告不存在：{report_id}")
    occurrence = _load_occurrence(session, report.occurrence_id)
    require(principal, Action.APPROVE, occurrence)
    if decision not in ("approved", "returned"):
        raise SupervisionError(
            f"字段 审核结果：应为 approved（通过）或 returned（退回），收到 {decision!r}"
        )
    if decision == "returned" and not comment.strip():
        raise SupervisionError("字段 审核意见：退回时必须填写意见")
    if reviewed_on < report.reported_on:
        raise SupervisionError(
            f"字段 审核日期：{reviewed_on.isoformat()} 早于报告日期 {report.reported_on.isoformat()}"
        )
    if report.reviews:
        raise SupervisionError(
            f"报告 {report_id} 已审核（{report.reviews[-1].decision}），不能重复审核"
        )
    unsaved = {"report_id": report_id, "decision": decision, "comment": comment}
    _bump_version(session, occurrence, expected_version, unsaved)
    review = ReportReview(
        report_id=report_id,
        decision=decision,
        reviewed_on=reviewed_on,
        reviewer_id=principal.user_id,
        comment=comment.strip(),
        is_demo=is_demo,
    )
    session.add(review)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action=f"report.{decision}",
        entity="progress_report",
        entity_id=report_id,
        before={"version": expected_version},
        after={**unsaved, "reviewed_on": reviewed_on.isoformat(), "version": expected_version + 1},
    )
    return review


def approve_report(
    session: Session,
    principal: Principal,
    report_id: int,
    *,
    expected_version: int,
    reviewed_on: dt.date,
    comment: str = "",
) -> ReportReview:
    return review_report(
        session,
        principal,
        report_id,
        expected_version=expected_version,
        reviewed_on=reviewed_on,
        decision="approved",
        comment=comment,
    )


def latest_report(session: Session, occurrence_id: int) -> ProgressReport | None:
    return session.scalar(
        select(ProgressReport)
        .where(ProgressReport.occurrence_id == occurrence_id)
        .order_by(ProgressReport.reported_on.desc(), ProgressReport.id.desc())
        .limit(1)
    )


def add_comment(
    session: Session, principal: Principal, occurrence_id: int, body: str, *, is_demo: bool = False
) -> Comment:
    occurrence = _load_occurrence(session, occurrence_id)
    require(principal, Action.COMMENT, occurrence)
    if not body.strip():
        raise SupervisionError("字段 评论：不能为空")
    comment = Comment(
        occurrence_id=occurrence_id, author_id=principal.user_id, body=body.strip(), is_demo=is_demo
    )
    session.add(comment)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="comment.add",
        entity="occurrence",
        entity_id=occurrence_id,
        after={"comment_id": comment.id, "body": comment.body},
    )
    return comment


# --- notices (督办单) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeState:
    notice_id: int
    number: str
    level: str
    level_label: str
    occurrence_id: int
    task_key: str
    unit_id: str
    unit_name: str
    issued_on: dt.date
    reply_due: dt.date
    replied_on: dt.date | None
    state: str  # awaiting_reply | replied | reply_overdue
    body: str
    reply_text: str | None


NOTICE_STATE_LABELS = {
    "awaiting_reply": "待回复",
    "replied": "已回复",
    "reply_overdue": "逾期未回复",
}


def _notice_state(notice: Notice, as_of: dt.date) -> NoticeState:
    if notice.replied_on is not None and notice.replied_on <= as_of:
        state = "replied"
    elif as_of > notice.reply_due:
        state = "reply_overdue"
    else:
        state = "awaiting_reply"
    return NoticeState(
        notice_id=notice.id,
        number=notice.number,
        level=notice.level,
        level_label=NOTICE_LEVEL_LABELS[notice.level],
        occurrence_id=notice.occurrence_id,
        task_key=notice.occurrence.task.task_key,
        unit_id=notice.unit_id,
        unit_name=notice.unit.name,
        issued_on=notice.issued_on,
        reply_due=notice.reply_due,
        replied_on=notice.replied_on if state == "replied" else None,
        state=state,
        body=notice.body,
        reply_text=notice.reply_text if state == "replied" else None,
    )


def _notice_dates(occurrence: Occurrence, rules: SupervisionRules) -> list[tuple[str, dt.date]]:
    """When each level would be issued if escalation ran every working day."""
    first = _calendar.add_working_days(occurrence.due_date, rules.notice_after_working_days)
    dates = [("blue", first)]
    for level in NOTICE_LEVELS[1:]:
        dates.append(
            (level, _calendar.add_working_days(dates[-1][1], rules.escalate_every_working_days))
        )
    return dates


def escalate(
    session: Session,
    *,
    as_of: dt.date,
    rules: SupervisionRules = DEFAULT_RULES,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> list[Notice]:
    """Issue the notices due by ``as_of``: blue after ``notice_after_working_days`` overdue, then
    orange and red every ``escalate_every_working_days`` while the occurrence is still not done.

    Each notice carries the date it fell due (as if escalation ran daily), so the result does not
    depend on how often this runs; running it again issues nothing new. Numbers 督〔年〕N号 follow
    the issue date.
    """
    require(actor, Action.ISSUE_NOTICE)
    to_issue: list[tuple[dt.date, int, str, Occurrence]] = []
    candidates = session.scalars(_occurrence_query().where(Occurrence.due_date < as_of)).all()
    for occurrence in candidates:
        have = {n.level for n in occurrence.notices}
        for level, issue_on in _notice_dates(occurrence, rules):
            if issue_on > as_of:
                break
            if compute_state(occurrence, issue_on, rules).status != "overdue":
                break  # done (approved) before this step: escalation stops
            if level not in have:
                to_issue.append((issue_on, occurrence.id, level, occurrence))
    to_issue.sort(key=lambda row: (row[0], row[1], NOTICE_LEVELS.index(row[2])))
    next_number: dict[int, int] = {}
    notices: list[Notice] = []
    for issue_on, _, level, occurrence in to_issue:
        year = issue_on.year
        if year not in next_number:
            next_number[year] = _last_notice_number(session, year) + 1
        notice = _new_notice(occurrence, level, issue_on, next_number[year], rules, actor, is_demo)
        next_number[year] += 1
        notices.append(notice)
    session.add_all(notices)
    session.flush()
    audit.append_many(
        session,
        [
            audit.Change(
                actor=actor.username,
                action="notice.issue",
                entity="notice",
                entity_id=n.id,
                after={
                    "number": n.number,
                    "occurrence_id": n.occurrence_id,
                    "unit_id": n.unit_id,
                    "level": n.level,
                    "issued_on": n.issued_on.isoformat(),
                    "reply_due": n.reply_due.isoformat(),
                },
            )
            for n in notices
        ],
    )
    return notices


def _last_notice_number(session: Session, year: int) -> int:
    prefix = f"督〔{year}〕"
    numbers = session.scalars(select(Notice.number).where(Notice.number.like(f"{prefix}%")))
    return max((int(n[len(prefix) : -1]) for n in numbers), default=0)


def _new_notice(
    occurrence: Occurrence,
    level: str,
    issue_on: dt.date,
    number: int,
    rules: SupervisionRules,
    actor: Principal,
    is_demo: bool,
) -> Notice:
    reply_due = _calendar.add_working_days(issue_on, rules.notice_reply_working_days)
    overdue = _calendar.working_days_between(occurrence.due_date, issue_on)
    task = occurrence.task
    demo_tag = "【示例】" if is_demo else ""
    body = (
        f"{demo_tag}{occurrence.unit.name}：你单位牵头的“{task.text[:80]}”"
        f"（{occurrence.label}，完成时限 {occurrence.due_date.isoformat()}）已逾期 {overdue} 个工作日，"
        f"现予{NOTICE_LEVEL_LABELS[level]}督办，请于 {reply_due.isoformat()} 前书面回复办理情况及完成时间。"
    )
    return Notice(
        number=f"督〔{issue_on.year}〕{number}号",
        occurrence_id=occurrence.id,
        unit_id=occurrence.unit_id,
        level=level,
        issued_on=issue_on,
        reply_due=reply_due,
        body=body,
        issued_by_id=actor.user_id,
        is_demo=is_demo,
    )


def list_notices(
    session: Session,
    *,
    as_of: dt.date,
    principal: Principal | None = None,
    unit_id: str | None = None,
    state: str | None = None,
) -> list[NoticeState]:
    """Notices issued by ``as_of`` with their reply state then."""
    query = (
        select(Notice)
        .where(Notice.issued_on <= as_of)
        .options(
            selectinload(Notice.occurrence).selectinload(Occurrence.task),
            selectinload(Notice.occurrence).selectinload(Occurrence.unit),
            selectinload(Notice.unit),
        )
        .order_by(Notice.issued_on, Notice.id)
    )
    if unit_id:
        query = query.where(Notice.unit_id == unit_id)
    result = []
    for notice in session.scalars(query):
        if principal is not None and not _can(principal, Action.READ, notice.occurrence):
            continue
        notice_state = _notice_state(notice, as_of)
        if state is None or notice_state.state == state:
            result.append(notice_state)
    return result


def reply_notice(
    session: Session,
    principal: Principal,
    notice_id: int,
    *,
    replied_on: dt.date,
    text: str,
    is_demo: bool = False,
) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(f"督办单不存在：{notice_id}")
    occurrence = _load_occurrence(session, notice.occurrence_id)
    require(principal, Action.REPLY_NOTICE, occurrence)
    if notice.replied_on is not None:
        raise SupervisionError(f"督办单 {notice.number} 已于 {notice.replied_on.isoformat()} 回复")
    if not text.strip():
        raise SupervisionError("字段 回复内容：不能为空")
    if replied_on < notice.issued_on:
        raise SupervisionError(
            f"字段 回复日期：{replied_on.isoformat()} 早于签发日期 {notice.issued_on.isoformat()}"
        )
    notice.replied_on = replied_on
    notice.reply_text = ("【示例】" if is_demo else "") + text.strip()
    notice.replied_by_id = principal.user_id
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="notice.reply",
        entity="notice",
        entity_id=notice.id,
        before={"replied_on": None},
        after={"replied_on": replied_on.isoformat(), "reply_text": notice.reply_text},
    )
    return notice


# --- monthly dispatch (月调度) --------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """On-time completion of occurrences due by the evaluation date."""

    key: str
    label: str
    due: int  # occurrences due by as_of
    done_on_time: int
    done_late: int
    overdue: int  # due, still not done
    rate: float | None  # done_on_time / due, None when nothing was due
    due_in_month: int = 0
    done_on_time_in_month: int = 0
    rate_in_month: float | None = None


def completion_rates(
    states: Sequence[OccurrenceState], *, by: str, month: str | None = None
) -> list[Rate]:
    """On-time completion rates grouped ``by`` "unit", "county" or "plan".

    Counted over occurrences due on or before each state's ``as_of`` (year to date); with
    ``month``, also over those due within that month.
    """
    first_last = parse_month(month) if month else None
    groups: dict[str, list[OccurrenceState]] = defaultdict(list)
    labels: dict[str, str] = {}
    for state in states:
        if by == "unit":
            key, label = state.unit_id, state.unit_name
        elif by == "county":
            key = label = state.county or CITY_LEVEL
        elif by == "plan":
            key = label = state.plan_key
        else:
            raise SupervisionError(f"未知分组：{by}（可选 unit、county、plan）")
        groups[key].append(state)
        labels[key] = label
    rates = []
    for key in sorted(groups):
        due = [s for s in groups[key] if s.due_date <= s.as_of]
        on_time = sum(1 for s in due if s.on_time is True)
        late = sum(1 for s in due if s.status == "done" and s.on_time is False)
        overdue = sum(1 for s in due if s.status == "overdue")
        in_month = (
            [s for s in due if first_last[0] <= s.due_date <= first_last[1]] if first_last else []
        )
        on_time_month = sum(1 for s in in_month if s.on_time is True)
        rates.append(
            Rate(
                key=key,
                label=labels[key],
                due=len(due),
                done_on_time=on_time,
                done_late=late,
                overdue=overdue,
                rate=round(on_time / len(due), 4) if due else None,
                due_in_month=len(in_month),
                done_on_time_in_month=on_time_month,
                rate_in_month=round(on_time_month / len(in_month), 4) if in_month else None,
            )
        )
    return rates


SNAPSHOT_ROW_FIELDS = (
    "occurrence_id",
    "task_key",
    "plan_key",
    "seq",
    "label",
    "unit_id",
    "unit_name",
    "county",
    "due_date",
    "status",
    "light",
    "percent",
    "completed_on",
    "on_time",
    "working_days_overdue",
    "notice_level",
    "last_reported_on",
)


def compute_dispatch(
    session: Session, month: str, *, rules: SupervisionRules = DEFAULT_RULES
) -> dict[str, Any]:
    """The month-end dispatch content (what :func:`take_snapshot` freezes), recomputed now."""
    _, as_of = parse_month(month)
    states = list_occurrences(session, as_of=as_of, rules=rules)
    rows = []
    for state in states:
        data = state.to_json()
        rows.append({name: data[name] for name in SNAPSHOT_ROW_FIELDS})
    return {
        "month": month,
        "as_of": as_of.isoformat(),
        "rules": rules.as_dict(),
        "occurrences": rows,
        "rates": {
            by: [asdict(rate) for rate in completion_rates(states, by=by, month=month)]
            for by in ("plan", "county", "unit")
        },
    }


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SnapshotResult:
    snapshot: DispatchSnapshot
    created: bool  # False: the month was already frozen, the stored one is returned
    reproducible: bool  # recomputing now gives the same content hash


def take_snapshot(
    session: Session,
    month: str,
    *,
    actor: Principal = SYSTEM,
    rules: SupervisionRules = DEFAULT_RULES,
) -> SnapshotResult:
    """Freeze the month-end state (immutable). A second call returns the frozen snapshot and says
    whether recomputing from the records still gives the same content."""
    require(actor, Action.SNAPSHOT)
    content = compute_dispatch(session, month, rules=rules)
    text = _canonical(content)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = get_snapshot(session, month)
    if existing is not None:
        return SnapshotResult(
            existing, created=False, reproducible=existing.content_sha256 == digest
        )
    snapshot = DispatchSnapshot(
        month=month,
        as_of=dt.date.fromisoformat(content["as_of"]),
        content=text,
        content_sha256=digest,
        created_by_id=actor.user_id,
    )
    session.add(snapshot)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="dispatch.snapshot",
        entity="dispatch_snapshot",
        entity_id=snapshot.id,
        after={
            "month": month,
            "content_sha256": digest,
            "occurrences": len(content["occurrences"]),
        },
    )
    return SnapshotResult(snapshot, created=True, reproducible=True)


def get_snapshot(session: Session, month: str) -> DispatchSnapshot | None:
    parse_month(month)
    return session.scalar(select(DispatchSnapshot).where(DispatchSnapshot.month == month))


def snapshot_content(snapshot: DispatchSnapshot) -> dict[str, Any]:
    """The frozen content, after checking it still matches its stored hash."""
    if hashlib.sha256(snapshot.content.encode("utf-8")).hexdigest() != snapshot.content_sha256:
        raise SupervisionError(f"{snapshot.month} 月调度快照内容与哈希不符（被改动）")
    content: dict[str, Any] = json.loads(snapshot.content)
    return content


def list_snapshots(session: Session) -> list[DispatchSnapshot]:
    return list(session.scalars(select(DispatchSnapshot).order_by(DispatchSnapshot.month)))


__all__ = [
    "CITY_LEVEL",
    "DEFAULT_RULES",
    "LIGHT_LABELS",
    "NOTICE_LEVELS",
    "STATUS_LABELS",
    "AccessDenied",
    "ConflictError",
    "EvidenceUpload",
    "HistoryEntry",
    "NotFound",
    "NoticeState",
    "OccurrenceState",
    "Rate",
    "SnapshotResult",
    "SupervisionError",
    "SupervisionRules",
    "add_comment",
    "approve_report",
    "completion_rates",
    "compute_dispatch",
    "compute_state",
    "escalate",
    "find_occurrence",
    "get_occurrence_state",
    "get_snapshot",
    "latest_report",
    "list_notices",
    "list_occurrences",
    "list_snapshots",
    "load_occurrence",
    "load_plan_into_db",
    "occurrence_history",
    "parse_month",
    "reply_notice",
    "review_report",
    "snapshot_content",
    "submit_report",
    "take_snapshot",
]

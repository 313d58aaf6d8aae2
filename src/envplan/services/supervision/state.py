"""Occurrence state as of a date (status, light, on-time) and the occurrence queries.

Everything that depends on "today" takes an explicit ``as_of`` date: a report counts from its
``reported_on`` date, an approval from its ``reviewed_on`` date, so any month can be evaluated as it
stood at its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, selectinload

from envplan.services.access import Action, Principal, require
from envplan.services.access import can_on_occurrence as _can
from envplan.services.supervision.listing import listed_occurrences, listing_query
from envplan.services.supervision.occurrences import month_end
from envplan.services.supervision.rules import (
    CITY_LEVEL,
    DEFAULT_RULES,
    LIGHT_LABELS,
    NOTICE_LEVELS,
    OCCURRENCE_ROLE_LABELS,
    ROLE_ORDER,
    STATUS_LABELS,
    NotFound,
    SupervisionError,
    SupervisionRules,
    _calendar,
)
from envplan.store.models import (
    Comment,
    Occurrence,
    PlanVersion,
    ProgressReport,
    ReportReview,
    Task,
    Unit,
)

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
    role: str = "lead"  # lead | county | co (see ROLE_LABELS)
    clause: int = 0
    parent_id: int | None = None
    co_unit_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def duty_key(self) -> str:
        """The duty reported on: the item key, with "#n" for one clause of a multi-clause measure."""
        return f"{self.task_key}#{self.clause}" if self.clause else self.task_key

    @property
    def role_label(self) -> str:
        """The zh-CN label of the unit's role."""
        return OCCURRENCE_ROLE_LABELS[self.role]

    @property
    def status_label(self) -> str:
        """The zh-CN label of the status."""
        return STATUS_LABELS[self.status]

    @property
    def light_label(self) -> str:
        """The zh-CN label of the light."""
        return LIGHT_LABELS[self.light]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings) — the ``envplan tasks list --json`` contract."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        data["lead_unit_ids"] = list(self.lead_unit_ids)
        data["co_unit_ids"] = list(self.co_unit_ids)
        data["duty_key"] = self.duty_key
        data["role_label"] = self.role_label
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
        role=occurrence.role,
        clause=occurrence.clause,
        parent_id=occurrence.parent_id,
        co_unit_ids=tuple(task.co_unit_ids or ()),
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
        .order_by(
            PlanVersion.plan_key,
            Task.ordinal,
            Occurrence.seq,
            case(ROLE_ORDER, value=Occurrence.role, else_=9),
            Occurrence.clause,
            Occurrence.unit_id,
        )
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
    role: str | Iterable[str] | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> list[OccurrenceState]:
    """Occurrences of the current plan versions with their state as of ``as_of``.

    month: only occurrences due in that month ("2021-06"). county: units of that county (name,
    e.g. 泽州县; "市本级" for city-level units). status: one or several status codes. role: lead,
    county, co (default all: the lead's duty, each county's own duty, each co-unit's contribution).
    principal: only what that user may read (None: no filtering, for trusted callers).
    """
    query = listing_query()
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
    if role is not None:
        roles = {role} if isinstance(role, str) else set(role)
        unknown_roles = roles - set(OCCURRENCE_ROLE_LABELS)
        if unknown_roles:
            raise SupervisionError(
                f"未知职责类型：{'、'.join(sorted(unknown_roles))}"
                f"（可选：{'、'.join(OCCURRENCE_ROLE_LABELS)}）"
            )
        query = query.where(Occurrence.role.in_(sorted(roles)))
    wanted: set[str] | None = None
    if status is not None:
        wanted = {status} if isinstance(status, str) else set(status)
        unknown = wanted - set(STATUS_LABELS)
        if unknown:
            raise SupervisionError(
                f"未知状态：{'、'.join(sorted(unknown))}（可选：{'、'.join(STATUS_LABELS)}）"
            )
    states = []
    for record in listed_occurrences(session, query):
        occurrence = cast(Occurrence, record)  # the attributes compute_state and _can read
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


def find_occurrence(
    session: Session,
    task_key: str,
    seq: int = 1,
    *,
    unit_id: str | None = None,
    clause: int | None = None,
    principal: Principal | None = None,
) -> Occurrence:
    """The occurrence ``seq`` of task ``task_key`` in the current plan versions.

    Several parties report on one period (lead, counties, co-units): ``unit_id`` (and ``clause``)
    pick one; without them, the one ``principal`` may report on, else the lead's.
    """
    query = _occurrence_query().where(Task.task_key == task_key, Occurrence.seq == seq)
    if unit_id:
        query = query.where(Occurrence.unit_id == unit_id)
    if clause is not None:
        query = query.where(Occurrence.clause == clause)
    found = list(session.scalars(query))
    if not found:
        where = f"（单位 {unit_id}）" if unit_id else ""
        raise NotFound(f"任务不存在：{task_key} 第{seq}期{where}")
    if len(found) == 1:
        return found[0]
    if principal is not None and principal.role.value != "admin":
        mine = [o for o in found if _can(principal, Action.REPORT, o)]
        if len(mine) == 1:
            return mine[0]
        if len(mine) > 1:
            options = "、".join(f"第{o.clause}款" for o in mine)
            raise SupervisionError(
                f"{task_key} 第{seq}期 您单位有多项职责（{options}），请用 --clause 指定"
            )
    leads = [o for o in found if o.role == "lead"]
    if unit_id is None and leads:
        return leads[0]
    options = "、".join(f"{o.unit.name}第{o.clause}款" if o.clause else o.unit.name for o in found)
    raise SupervisionError(f"{task_key} 第{seq}期有多项职责（{options}），请指定单位或条款")


def get_occurrence_state(
    session: Session,
    occurrence_id: int,
    *,
    as_of: dt.date,
    principal: Principal | None = None,
    rules: SupervisionRules = DEFAULT_RULES,
) -> OccurrenceState:
    """The occurrence's state as of ``as_of`` under ``rules``; AccessDenied when ``principal`` may not
    read it.
    """
    occurrence = _load_occurrence(session, occurrence_id)
    if principal is not None:
        require(principal, Action.READ, occurrence)
    return compute_state(occurrence, as_of, rules)


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an occurrence's history (``report``, ``review``, ``comment``, ``notice``,
    ``reply``): date, who and the zh-CN text.
    """

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

"""The Shanxi "13710" clock for matters assigned at meetings or by leaders.

Official definition (山西省人民政府办公厅《关于建立"13710"工作制度的通知》, 2016; see
docs/supervision.md): "1" deploy the same day; "3" report handling status within 3 days; "7"
ordinary matters resolved within 7 days; "1" major or complex matters resolved within 1 month, or a
timetable and plan submitted; "0" every item tracked to closure (销号). Day counts are official
working days (the issue's rule for 13710); the month is a calendar month, moved to the next working
day when it ends on a non-working day.

Each step has a due date and a state as of a date: pending, done (on time), done_late, overdue.
"""

from __future__ import annotations

import calendar as _month_calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Action, Principal, require
from envplan.services.access import is_own as _is_own
from envplan.services.calendar import WorkingCalendar
from envplan.services.supervision.rules import ConflictError, NotFound, SupervisionError
from envplan.store import audit
from envplan.store.models import ClockItem, Unit

PROGRESS_WORKING_DAYS = 3
ORDINARY_WORKING_DAYS = 7

STEP_LABELS = {
    "deploy": "1：当天研究部署",
    "progress": "3：3个工作日内报告办理情况",
    "resolve": "7：一般事项7个工作日内办结",
    "resolve_major": "1：重大事项1个月内办结或报送时间表",
    "close": "0：跟踪问效、销号清零",
}
STEP_STATE_LABELS = {
    "pending": "进行中",
    "done": "按时完成",
    "done_late": "逾期完成",
    "overdue": "已逾期",
}
_calendar = WorkingCalendar()


def add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, _month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ClockStep:
    name: str
    label: str
    due: dt.date | None  # None: no due date (closure follows the resolution)
    done_on: dt.date | None
    state: str  # pending | done | done_late | overdue


@dataclass(frozen=True)
class ClockState:
    item_id: int
    title: str
    unit_id: str
    major: bool
    assigned_on: dt.date
    steps: tuple[ClockStep, ...]
    closed: bool
    light: str  # green | yellow | red
    version: int


def _step(name: str, due: dt.date | None, done_on: dt.date | None, as_of: dt.date) -> ClockStep:
    if done_on is not None and done_on <= as_of:
        state = "done" if due is None or done_on <= due else "done_late"
        return ClockStep(name, STEP_LABELS[name], due, done_on, state)
    state = "overdue" if due is not None and as_of > due else "pending"
    return ClockStep(name, STEP_LABELS[name], due, None, state)


def clock_state(item: ClockItem, as_of: dt.date) -> ClockState:
    """The 13710 steps of ``item`` with due dates and states as of ``as_of``."""
    assigned = item.assigned_on
    steps = [
        _step("deploy", assigned, item.deployed_on, as_of),
        _step(
            "progress",
            _calendar.add_working_days(assigned, PROGRESS_WORKING_DAYS),
            item.progress_reported_on,
            as_of,
        ),
    ]
    if item.major:
        month_due = _calendar.next_working_day(add_month(assigned))
        # Either resolved within the month, or a timetable submitted within it.
        satisfied = [d for d in (item.resolved_on, item.timetable_submitted_on) if d is not None]
        steps.append(
            _step("resolve_major", month_due, min(satisfied) if satisfied else None, as_of)
        )
        resolve_due = (
            item.timetable_due if item.resolved_on is None and item.timetable_due else None
        )
    else:
        steps.append(
            _step(
                "resolve",
                _calendar.add_working_days(assigned, ORDINARY_WORKING_DAYS),
                item.resolved_on,
                as_of,
            )
        )
        resolve_due = None
    close_due = resolve_due
    steps.append(_step("close", close_due, item.closed_on, as_of))
    states = {s.state for s in steps}
    closed = item.closed_on is not None and item.closed_on <= as_of
    light = "red" if "overdue" in states else ("yellow" if "done_late" in states else "green")
    return ClockState(
        item_id=item.id,
        title=item.title,
        unit_id=item.unit_id,
        major=item.major,
        assigned_on=assigned,
        steps=tuple(steps),
        closed=closed,
        light=light,
        version=item.version,
    )


def register_item(
    session: Session,
    *,
    title: str,
    source: str,
    unit_id: str,
    assigned_on: dt.date,
    major: bool = False,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> ClockItem:
    """立项: register a matter assigned at a meeting or by a leader (bureau admin only)."""
    require(actor, Action.ISSUE_NOTICE)
    if not title.strip():
        raise SupervisionError("字段 事项：不能为空")
    if session.get(Unit, unit_id) is None:
        raise SupervisionError(f"字段 责任单位：单位不存在 {unit_id}")
    item = ClockItem(
        title=("【示例】" if is_demo else "") + title.strip(),
        source=source,
        unit_id=unit_id,
        major=major,
        assigned_on=assigned_on,
        is_demo=is_demo,
    )
    session.add(item)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="clock.register",
        entity="clock_item",
        entity_id=item.id,
        after={
            "title": item.title,
            "unit_id": unit_id,
            "major": major,
            "assigned_on": assigned_on.isoformat(),
        },
    )
    return item


_STEP_FIELDS = {
    "deploy": "deployed_on",
    "progress": "progress_reported_on",
    "resolve": "resolved_on",
    "timetable": "timetable_submitted_on",
    "close": "closed_on",
}


def record_step(
    session: Session,
    principal: Principal,
    item_id: int,
    step: str,
    *,
    on: dt.date,
    expected_version: int,
    timetable_due: dt.date | None = None,
) -> ClockItem:
    """Mark a step done on ``on``: deploy | progress | resolve | timetable | close (销号).

    The responsible unit records deploy/progress/resolve/timetable; closing (销号) is the bureau's.
    """
    item = session.get(ClockItem, item_id)
    if item is None:
        raise NotFound(f"13710 事项不存在：{item_id}")
    if step not in _STEP_FIELDS:
        raise SupervisionError(f"未知步骤：{step}（可选：{'、'.join(_STEP_FIELDS)}）")
    unit = session.get(Unit, item.unit_id)
    assert unit is not None
    if step == "close":
        require(principal, Action.ISSUE_NOTICE)
        if item.resolved_on is None:
            raise SupervisionError("尚未办结，不能销号")
    elif not (principal.role.value == "admin" or _is_own(principal, unit)):
        require(principal, Action.ISSUE_NOTICE)  # raises with the standard zh-CN message
    if on < item.assigned_on:
        raise SupervisionError(f"日期 {on.isoformat()} 早于交办日期 {item.assigned_on.isoformat()}")
    if step == "timetable":
        if not item.major:
            raise SupervisionError("一般事项无需报送时间表")
        if timetable_due is None:
            raise SupervisionError("报送时间表时必须给出计划办结日期")
    field_name = _STEP_FIELDS[step]
    before = getattr(item, field_name)
    values: dict[str, object] = {field_name: on, "version": expected_version + 1}
    if step == "timetable":
        values["timetable_due"] = timetable_due
    result = session.execute(
        update(ClockItem)
        .where(ClockItem.id == item_id, ClockItem.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        actual = session.scalar(select(ClockItem.version).where(ClockItem.id == item_id))
        raise ConflictError(item_id, expected_version, int(actual or 0), {"step": step})
    session.refresh(item)
    audit.append(
        session,
        actor=principal.username,
        action=f"clock.{step}",
        entity="clock_item",
        entity_id=item_id,
        before={field_name: before.isoformat() if before else None},
        after={
            field_name: on.isoformat(),
            "timetable_due": timetable_due.isoformat() if timetable_due else None,
        },
    )
    return item


def list_clock_items(
    session: Session, *, as_of: dt.date, unit_id: str | None = None, open_only: bool = False
) -> list[ClockState]:
    query = select(ClockItem).where(ClockItem.assigned_on <= as_of).order_by(ClockItem.id)
    if unit_id:
        query = query.where(ClockItem.unit_id == unit_id)
    states = [clock_state(item, as_of) for item in session.scalars(query)]
    return [s for s in states if not (open_only and s.closed)]

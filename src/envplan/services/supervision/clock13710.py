"""The Shanxi "13710" clock for matters assigned at meetings or by leaders.

Official definition (山西省人民政府办公厅《关于建立"13710"工作制度的通知》, 2016; see
docs/supervision.md): "1" deploy the same day; "3" report handling status within 3 days; "7"
ordinary matters resolved within 7 days; "1" major or complex matters resolved within 1 month, or a
timetable and plan submitted; "0" every item tracked to closure (销号). Day counts are official
working days (the issue's rule for 13710); the month is a calendar month, moved to the next working
day when it ends on a non-working day.

Each step has a due date and a state as of a date: pending, done (on time), done_late, overdue.
The day counts are data (:mod:`.clock_rules`, one dated, cited rule set per document); an item
keeps the rule set it was registered under. The bureau may extend the settlement date (延期, with
a reason); an item with an overdue step is escalated (催办) blue → orange → red, one level per
``escalate_every_working_days`` while it stays overdue.
"""

from __future__ import annotations

import calendar as _month_calendar
import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, AccessDenied, Action, Principal, require
from envplan.services.access import is_own as _is_own
from envplan.services.calendar import WorkingCalendar
from envplan.services.supervision.clock_rules import (
    DEFAULT_CLOCK_RULES,
    ClockRuleSet,
    clock_rule_set,
)
from envplan.services.supervision.rules import (
    DEFAULT_RULES,
    NOTICE_LEVEL_LABELS,
    NOTICE_LEVELS,
    ConflictError,
    NotFound,
    SupervisionError,
    SupervisionRules,
)
from envplan.store import audit
from envplan.store.models import ClockItem, Unit

#: zh-CN label of each 13710 step.
STEP_LABELS = {
    "deploy": "1：当天研究部署",
    "progress": "3：3个工作日内报告办理情况（答复）",
    "resolve": "7：一般事项7个工作日内办结",
    "resolve_major": "1：重大事项1个月内办结或报送时间表",
    "close": "0：跟踪问效、销号清零",
}
#: zh-CN label of each 13710 step state.
STEP_STATE_LABELS = {
    "pending": "进行中",
    "done": "按时完成",
    "done_late": "逾期完成",
    "overdue": "已逾期",
}
_calendar = WorkingCalendar()


def add_month(day: dt.date) -> dt.date:
    """The same day one month later, clipped to the month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, _month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ClockStep:
    """One step of a 13710 item: its due date (None = none), completion date and state (``pending``,
    ``done``, ``done_late``, ``overdue``).
    """

    name: str
    label: str
    due: dt.date | None  # None: no due date (closure follows the resolution)
    done_on: dt.date | None
    state: str  # pending | done | done_late | overdue


@dataclass(frozen=True)
class ClockState:
    """A 13710 item as of a date: its steps with their due dates and states, closure and light."""

    item_id: int
    title: str
    unit_id: str
    major: bool
    assigned_on: dt.date
    steps: tuple[ClockStep, ...]
    closed: bool
    light: str  # green | yellow | red
    version: int
    source: str = ""
    content: str = ""
    rule_set: str = DEFAULT_CLOCK_RULES.key
    extended_to: dt.date | None = None
    extension_reason: str | None = None
    answer_text: str | None = None
    settlement_text: str | None = None
    escalation_level: str | None = None  # blue | orange | red: the 催办 level reached
    escalated_on: dt.date | None = None

    @property
    def overdue(self) -> bool:
        """Whether any step is overdue."""
        return any(step.state == "overdue" for step in self.steps)

    def to_json(self) -> dict[str, object]:
        """The item as a JSON-ready dict (ISO dates, steps with their zh-CN state labels)."""
        data = asdict(self)
        for key, value in list(data.items()):
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        data["steps"] = [
            {
                "name": s.name,
                "label": s.label,
                "due": s.due.isoformat() if s.due else None,
                "done_on": s.done_on.isoformat() if s.done_on else None,
                "state": s.state,
                "state_label": STEP_STATE_LABELS[s.state],
            }
            for s in self.steps
        ]
        return data


def _step(name: str, due: dt.date | None, done_on: dt.date | None, as_of: dt.date) -> ClockStep:
    if done_on is not None and done_on <= as_of:
        state = "done" if due is None or done_on <= due else "done_late"
        return ClockStep(name, STEP_LABELS[name], due, done_on, state)
    state = "overdue" if due is not None and as_of > due else "pending"
    return ClockStep(name, STEP_LABELS[name], due, None, state)


def due_dates(rules: ClockRuleSet, assigned_on: dt.date, *, major: bool) -> dict[str, dt.date]:
    """The due date of each step for an item assigned on ``assigned_on`` under ``rules``."""
    dues = {
        "deploy": _calendar.add_working_days(assigned_on, rules.deploy_working_days),
        "progress": _calendar.add_working_days(assigned_on, rules.answer_working_days),
    }
    if major:
        month_due = assigned_on
        for _ in range(rules.major_settle_months):
            month_due = add_month(month_due)
        dues["resolve_major"] = _calendar.next_working_day(month_due)
    else:
        dues["resolve"] = _calendar.add_working_days(assigned_on, rules.settle_working_days)
    return dues


def clock_state(item: ClockItem, as_of: dt.date) -> ClockState:
    """The 13710 steps of ``item`` with due dates and states as of ``as_of``."""
    assigned = item.assigned_on
    rules = clock_rule_set(item.rule_set or DEFAULT_CLOCK_RULES.key)
    dues = due_dates(rules, assigned, major=item.major)
    extended = item.extended_to
    steps = [
        _step("deploy", dues["deploy"], item.deployed_on, as_of),
        _step("progress", dues["progress"], item.progress_reported_on, as_of),
    ]
    if item.major:
        # Either resolved within the month, or a timetable submitted within it.
        satisfied = [d for d in (item.resolved_on, item.timetable_submitted_on) if d is not None]
        steps.append(
            _step(
                "resolve_major",
                max(dues["resolve_major"], extended) if extended else dues["resolve_major"],
                min(satisfied) if satisfied else None,
                as_of,
            )
        )
        resolve_due = (
            item.timetable_due if item.resolved_on is None and item.timetable_due else None
        )
    else:
        steps.append(
            _step(
                "resolve",
                max(dues["resolve"], extended) if extended else dues["resolve"],
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
    level = (
        NOTICE_LEVELS[min(item.escalations, len(NOTICE_LEVELS)) - 1]
        if item.escalations and item.escalated_on and item.escalated_on <= as_of
        else None
    )
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
        source=item.source,
        content=item.content or "",
        rule_set=rules.key,
        extended_to=extended,
        extension_reason=item.extension_reason,
        answer_text=item.answer_text,
        settlement_text=item.settlement_text,
        escalation_level=level,
        escalated_on=item.escalated_on if level else None,
    )


def register_item(
    session: Session,
    *,
    title: str,
    source: str,
    unit_id: str,
    assigned_on: dt.date,
    major: bool = False,
    content: str = "",
    rule_set: str | None = None,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> ClockItem:
    """立项: register a matter (交办事项) assigned at a meeting or by a leader (bureau only).

    ``source``: the meeting or leader that assigned it; ``content``: what was assigned;
    ``unit_id``: the assignee; ``rule_set``: the clock's rule set (default: the provincial one).
    """
    require(actor, Action.ISSUE_NOTICE)
    if not title.strip():
        raise SupervisionError("字段 事项：不能为空")
    if not source.strip():
        raise SupervisionError("字段 交办来源：不能为空（会议或交办领导）")
    if len(title) > 500 or len(source) > 200 or len(content) > 20000:
        raise SupervisionError("字段 事项/交办来源/交办内容：过长（上限 500/200/20000 字）")
    if session.get(Unit, unit_id) is None:
        raise SupervisionError(f"字段 责任单位：单位不存在 {unit_id}")
    rules = clock_rule_set(rule_set or DEFAULT_CLOCK_RULES.key)
    if assigned_on < rules.effective_from:
        raise SupervisionError(
            f"字段 交办日期：{assigned_on.isoformat()} 早于规则“{rules.title}”的施行日期 "
            f"{rules.effective_from.isoformat()}"
        )
    item = ClockItem(
        title=("【示例】" if is_demo else "") + title.strip(),
        source=source.strip(),
        content=content.strip(),
        rule_set=rules.key,
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
            "source": item.source,
            "content": item.content,
            "unit_id": unit_id,
            "major": major,
            "assigned_on": assigned_on.isoformat(),
            "rule_set": rules.key,
        },
    )
    return item


def _cas(
    session: Session, item: ClockItem, expected_version: int, values: dict[str, object]
) -> None:
    result = session.execute(
        update(ClockItem)
        .where(ClockItem.id == item.id, ClockItem.version == expected_version)
        .values(**values, version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        actual = session.scalar(select(ClockItem.version).where(ClockItem.id == item.id))
        raise ConflictError(item.id, expected_version, int(actual or 0), dict(values))
    session.refresh(item)


def extend_item(
    session: Session,
    principal: Principal,
    item_id: int,
    *,
    to: dt.date,
    reason: str,
    expected_version: int,
) -> ClockItem:
    """延期: the bureau moves the settlement date to ``to`` (later than the current one)."""
    require(principal, Action.ISSUE_NOTICE)
    item = _item(session, item_id)
    if item.closed_on is not None:
        raise SupervisionError("事项已销号，不能延期")
    if not reason.strip():
        raise SupervisionError("字段 延期理由：不能为空")
    dues = due_dates(clock_rule_set(item.rule_set), item.assigned_on, major=item.major)
    current = item.extended_to or dues.get("resolve") or dues["resolve_major"]
    if to <= current:
        raise SupervisionError(
            f"字段 延期至：{to.isoformat()} 须晚于当前办结时限 {current.isoformat()}"
        )
    before = item.extended_to
    _cas(session, item, expected_version, {"extended_to": to, "extension_reason": reason.strip()})
    audit.append(
        session,
        actor=principal.username,
        action="clock.extend",
        entity="clock_item",
        entity_id=item_id,
        before={"extended_to": before.isoformat() if before else None},
        after={"extended_to": to.isoformat(), "reason": reason.strip()},
    )
    return item


def escalate_clock_items(
    session: Session,
    *,
    as_of: dt.date,
    actor: Principal = SYSTEM,
    rules: SupervisionRules = DEFAULT_RULES,
) -> list[ClockState]:
    """催办: raise the level of every open item with an overdue step (blue first, then orange
    and red every ``escalate_every_working_days`` working days while it stays overdue).
    Running it again the same day changes nothing."""
    require(actor, Action.ISSUE_NOTICE)
    raised = []
    items = session.scalars(
        select(ClockItem)
        .where(ClockItem.assigned_on <= as_of, ClockItem.closed_on.is_(None))
        .order_by(ClockItem.id)
    ).all()
    for item in items:
        state = clock_state(item, as_of)
        if not state.overdue or item.escalations >= len(NOTICE_LEVELS):
            continue
        if item.escalated_on is not None and (
            _calendar.working_days_between(item.escalated_on, as_of)
            < rules.escalate_every_working_days
        ):
            continue
        level = NOTICE_LEVELS[item.escalations]
        _cas(
            session,
            item,
            item.version,
            {"escalations": item.escalations + 1, "escalated_on": as_of},
        )
        audit.append(
            session,
            actor=actor.username,
            action="clock.escalate",
            entity="clock_item",
            entity_id=item.id,
            after={"level": level, "label": NOTICE_LEVEL_LABELS[level], "on": as_of.isoformat()},
        )
        raised.append(clock_state(item, as_of))
    return raised


def _item(session: Session, item_id: int) -> ClockItem:
    item = session.get(ClockItem, item_id, populate_existing=True)
    if item is None:
        raise NotFound(f"13710 事项不存在：{item_id}")
    return item


def get_clock_item(
    session: Session, item_id: int, *, as_of: dt.date, principal: Principal | None = None
) -> ClockState:
    """The 13710 item ``item_id`` as of ``as_of``; AccessDenied when ``principal`` may not read it."""
    item = _item(session, item_id)
    if principal is not None and not _may_read(principal, item):
        raise AccessDenied(f"无权查看 13710 事项 {item_id}：用户 {principal.username}")
    return clock_state(item, as_of)


def _may_read(principal: Principal, item: ClockItem) -> bool:
    if principal.role.value in ("admin", "viewer"):
        return True
    unit = item.unit
    return unit is not None and _is_own(principal, unit)


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
    text: str | None = None,
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
    if text is not None and text.strip():
        if step == "progress":
            values["answer_text"] = text.strip()
        elif step == "resolve":
            values["settlement_text"] = text.strip()
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
            "text": (text or "").strip() or None,
        },
    )
    return item


def list_clock_items(
    session: Session,
    *,
    as_of: dt.date,
    unit_id: str | None = None,
    open_only: bool = False,
    principal: Principal | None = None,
) -> list[ClockState]:
    """The 13710 items assigned by ``as_of`` that ``principal`` may read, optionally of one unit or
    open only.
    """
    query = select(ClockItem).where(ClockItem.assigned_on <= as_of).order_by(ClockItem.id)
    if unit_id:
        query = query.where(ClockItem.unit_id == unit_id)
    items = [
        item for item in session.scalars(query) if principal is None or _may_read(principal, item)
    ]
    states = [clock_state(item, as_of) for item in items]
    return [s for s in states if not (open_only and s.closed)]

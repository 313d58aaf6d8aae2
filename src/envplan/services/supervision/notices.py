"""Supervision notices (督办单): escalation blue → orange → red, listing and replies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from envplan.services.access import SYSTEM, Action, Principal, require
from envplan.services.access import can_on_occurrence as _can
from envplan.services.supervision.rules import (
    DEFAULT_RULES,
    NOTICE_LEVEL_LABELS,
    NOTICE_LEVELS,
    ConflictError,
    NotFound,
    SupervisionError,
    SupervisionRules,
    _calendar,
)
from envplan.services.supervision.state import (
    _load_occurrence,
    _occurrence_query,
    compute_state,
)
from envplan.store import audit
from envplan.store.models import (
    Notice,
    NoticeComment,
    Occurrence,
)

# --- notices (督办单) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeState:
    """A supervision notice (督办单) as of a date: level, occurrence, unit, dates and its reply state."""

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
    state: str  # awaiting_reply | replied | reply_overdue | closed
    body: str
    reply_text: str | None
    closed_on: dt.date | None = None
    close_note: str | None = None
    version: int = 1
    comments: tuple[tuple[str, str, str], ...] = ()  # (author, ISO time, body)

    @property
    def state_label(self) -> str:
        """The zh-CN label of the reply state."""
        return NOTICE_STATE_LABELS[self.state]


#: zh-CN label of each notice reply state.
NOTICE_STATE_LABELS = {
    "awaiting_reply": "待回复",
    "replied": "已回复",
    "reply_overdue": "逾期未回复",
    "closed": "已办结销号",
}


def _notice_state(notice: Notice, as_of: dt.date) -> NoticeState:
    if notice.closed_on is not None and notice.closed_on <= as_of:
        state = "closed"
    elif notice.replied_on is not None and notice.replied_on <= as_of:
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
        replied_on=notice.replied_on if state in ("replied", "closed") else None,
        state=state,
        body=notice.body,
        reply_text=notice.reply_text if state in ("replied", "closed") else None,
        closed_on=notice.closed_on if state == "closed" else None,
        close_note=notice.close_note if state == "closed" else None,
        version=notice.version,
        comments=tuple(
            (c.author_name, c.created_at.isoformat(timespec="seconds"), c.body)
            for c in notice.comments
        ),
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
    candidates = session.scalars(
        _occurrence_query().where(Occurrence.due_date < as_of, Occurrence.role != "co")
    ).all()
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


_DUTY_WORDS = {"lead": "牵头", "county": "负责落实"}


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
        f"{demo_tag}{occurrence.unit.name}：你单位{_DUTY_WORDS.get(occurrence.role, '牵头')}的"
        f"“{task.text[:80]}”"
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
            selectinload(Notice.comments),
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


def _notice_for(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id, populate_existing=True)
    if notice is None:
        raise NotFound(f"督办单不存在：{notice_id}")
    return notice


def _notice_cas(
    session: Session, notice: Notice, expected_version: int | None, values: dict[str, object]
) -> None:
    """Write ``values`` only if nobody changed the notice since it was read (one reply wins).

    The UPDATE also requires the notice still unreplied (for a reply) or replied and open (for a
    close), so two simultaneous replies cannot both succeed even without a version: the database
    row lock serialises them and the second matches no row.
    """
    version = notice.version if expected_version is None else expected_version
    condition = [Notice.id == notice.id, Notice.version == version, Notice.closed_on.is_(None)]
    if "reply_text" in values:
        condition.append(Notice.replied_on.is_(None))
    else:
        condition.append(Notice.replied_on.is_not(None))
    result = session.execute(
        update(Notice)
        .where(*condition)
        .values(**values, version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(notice)
        current = session.get(Notice, notice.id, populate_existing=True)
        assert current is not None
        if "reply_text" in values and current.replied_on is not None:
            raise SupervisionError(
                f"督办单 {current.number} 已于 {current.replied_on.isoformat()} 回复"
                "（可能刚被他人提交），您的回复未保存"
            )
        if current.closed_on is not None:
            raise SupervisionError(f"督办单 {current.number} 已于 {current.closed_on} 办结销号")
        raise ConflictError(current.id, version, current.version, dict(values))
    session.refresh(notice)


def reply_notice(
    session: Session,
    principal: Principal,
    notice_id: int,
    *,
    replied_on: dt.date,
    text: str,
    expected_version: int | None = None,
    is_demo: bool = False,
) -> Notice:
    """The unit's written reply (one per notice; a second, even a simultaneous one, is refused)."""
    notice = _notice_for(session, notice_id)
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
    reply_text = ("【示例】" if is_demo else "") + text.strip()
    _notice_cas(
        session,
        notice,
        expected_version,
        {"replied_on": replied_on, "reply_text": reply_text, "replied_by_id": principal.user_id},
    )
    audit.append(
        session,
        actor=principal.username,
        action="notice.reply",
        entity="notice",
        entity_id=notice.id,
        before={"replied_on": None},
        after={"replied_on": replied_on.isoformat(), "reply_text": reply_text},
    )
    return notice


def close_notice(
    session: Session,
    principal: Principal,
    notice_id: int,
    *,
    closed_on: dt.date,
    note: str = "",
    expected_version: int | None = None,
) -> Notice:
    """The bureau closes (办结销号) a replied notice after checking the reply."""
    require(principal, Action.ISSUE_NOTICE)
    notice = _notice_for(session, notice_id)
    if notice.replied_on is None:
        raise SupervisionError(f"督办单 {notice.number} 尚未回复，不能销号")
    if closed_on < notice.replied_on:
        raise SupervisionError(
            f"字段 销号日期：{closed_on.isoformat()} 早于回复日期 {notice.replied_on.isoformat()}"
        )
    _notice_cas(
        session,
        notice,
        expected_version,
        {"closed_on": closed_on, "close_note": note.strip(), "closed_by_id": principal.user_id},
    )
    audit.append(
        session,
        actor=principal.username,
        action="notice.close",
        entity="notice",
        entity_id=notice.id,
        before={"closed_on": None},
        after={"closed_on": closed_on.isoformat(), "close_note": note.strip()},
    )
    return notice


def comment_notice(
    session: Session, principal: Principal, notice_id: int, body: str, *, is_demo: bool = False
) -> NoticeComment:
    """A comment on a notice by anyone who may comment on its occurrence (append-only)."""
    notice = _notice_for(session, notice_id)
    occurrence = _load_occurrence(session, notice.occurrence_id)
    require(principal, Action.COMMENT, occurrence)
    if not body.strip():
        raise SupervisionError("字段 评论：不能为空")
    if len(body) > 5000:
        raise SupervisionError("字段 评论：不能超过 5000 字")
    comment = NoticeComment(
        notice_id=notice.id,
        author_id=principal.user_id,
        author_name=principal.username,
        body=body.strip(),
        is_demo=is_demo,
    )
    session.add(comment)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="notice.comment",
        entity="notice",
        entity_id=notice.id,
        after={"comment_id": comment.id, "body": comment.body},
    )
    return comment


def get_notice(
    session: Session, notice_id: int, *, as_of: dt.date, principal: Principal | None = None
) -> NoticeState:
    """The notice ``notice_id`` as of ``as_of``; AccessDenied when ``principal`` may not read it."""
    notice = _notice_for(session, notice_id)
    if principal is not None:
        require(principal, Action.READ, _load_occurrence(session, notice.occurrence_id))
    return _notice_state(notice, as_of)


def find_notice(session: Session, key: str) -> Notice:
    """A notice by id ("12") or number ("督〔2021〕3号")."""
    key = key.strip()
    notice = (
        session.get(Notice, int(key))
        if key.isdigit()
        else session.scalar(select(Notice).where(Notice.number == key))
    )
    if notice is None:
        raise NotFound(f"督办单不存在：{key}")
    return notice

"""The land-supply gate and its query record (土壤 7, 9).

Every gate call is one query of the plot system: it is answered by the cited rules of
``standards.land.gate`` and stored append-only (who, unit, date, purpose, parcel, status returned,
answer, rule) with an audit entry carrying the same facts. The bureau's written reply attaches to
a query as a new row; nothing of a query is ever edited. :func:`verify_queries` compares every
stored query with its audit entry, so a row rewritten behind the database guard is found.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.services.access import SYSTEM, Action, Principal, allowed
from envplan.services.land.common import LandError, LandNotFound, iso, store_evidence
from envplan.standards.land.gate import Purpose, decide
from envplan.standards.land.key_units import DUTY_LABELS, DutyKind
from envplan.standards.land.lifecycle import PlannedUse, Stage, parse_planned_use
from envplan.store import EvidenceStore, audit
from envplan.store.land import LandDuty, LandPlot, LandQuery, LandQueryReply
from envplan.store.models import AuditEntry


@dataclass(frozen=True)
class GateRequest:
    """A land-supply query (供地查询) to the gate: may this plot enter this procedure?

    Parameters
    ----------
    parcel_id : str
        地块编号 of the plot asked about.
    purpose : str
        The procedure asked for (a ``Purpose`` value: 供地, 征收, 收回 or 收购).
    asked_by : str
        The person asking (a username or a name).
    unit : str
        The asking unit (default: the user's unit).
    on : datetime.date or None
        Day of the query (None = today).
    intended_use : str or None
        Intended use (拟用途: 第一类用地 or 第二类用地) the plot is asked for; None = not given.
    """

    parcel_id: str
    purpose: str
    asked_by: str  # the person asking (a username or a name)
    unit: str = ""  # the asking unit (default: the user's unit)
    on: dt.date | None = None
    intended_use: str | None = None


def parse_purpose(text: str) -> Purpose:
    try:
        return Purpose(text.strip())
    except ValueError:
        raise LandError(
            f"--purpose「{text}」无效（可选：{'、'.join(p.value for p in Purpose)}）"
        ) from None


def query_payload(row: LandQuery) -> dict[str, Any]:
    """The facts of a query as recorded (and as hashed into the audit chain)."""
    return {
        "id": row.id,
        "parcel_id": row.parcel_id,
        "purpose": row.purpose,
        "asked_by": row.asked_by,
        "unit": row.unit,
        "date": iso(row.asked_on),
        "status": row.status,
        "allowed": row.allowed,
        "reason": row.reason,
        "rule": row.rule,
        "intended_use": row.intended_use,
        "needs_written_reply": row.needs_written_reply,
    }


def gate(
    session: Session,
    request: GateRequest,
    *,
    today: dt.date,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> LandQuery:
    """Answer 可以 / 不可以 for a parcel and record the query (append-only, audited).

    A suspected plot answers 需开展调查 and opens the survey duty of the plot (once).

    Parameters
    ----------
    session : Session
        Open database session.
    request : GateRequest
        The query: plot, procedure, who asks.
    today : datetime.date
        Day of the query when ``request.on`` is None.
    actor : Principal
        The acting user (any user who may read; default ``SYSTEM``).
    is_demo : bool
        Mark the recorded query as 示例 data.

    Returns
    -------
    LandQuery
        The recorded query with its answer (``allowed``, ``status``, ``reason``, ``rule``).

    Raises
    ------
    LandError
        Empty plot number or asker, an unknown purpose or intended use, or no read right.
    """
    if not allowed(actor, Action.READ, own=True):
        raise LandError(f"用户 {actor.username} 无权查询污染地块信息系统")
    purpose = parse_purpose(request.purpose)
    parcel = request.parcel_id.strip()
    if not parcel:
        raise LandError("--parcel 地块编号不能为空")
    if not request.asked_by.strip():
        raise LandError("--user 查询人不能为空")
    intended: PlannedUse | None = None
    if request.intended_use:
        intended = parse_planned_use(request.intended_use)
        if intended is None:
            raise LandError(f"拟用途应为 第一类用地 或 第二类用地，收到：{request.intended_use}")
    plot = session.scalar(select(LandPlot).where(LandPlot.parcel_id == parcel))
    stage = Stage(plot.stage) if plot is not None else None
    fit_for = parse_planned_use(plot.planned_use or "") if plot is not None else None
    answer = decide(stage, purpose, fit_for=fit_for, intended_use=intended)
    on = request.on or today
    row = LandQuery(
        plot_id=plot.id if plot is not None else None,
        parcel_id=parcel,
        purpose=purpose.value,
        asked_by=request.asked_by.strip(),
        unit=request.unit.strip(),
        asked_on=on,
        status=answer.status,
        allowed=answer.allowed,
        reason=answer.reason,
        rule=answer.rule,
        intended_use=intended.value if intended else None,
        needs_written_reply=answer.needs_written_reply,
        is_demo=is_demo,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.query",
        entity="land_query",
        entity_id=row.id,
        after=query_payload(row),
    )
    if answer.opens_survey and plot is not None:
        _open_survey(session, plot, row, actor, is_demo)
    return row


def _open_survey(
    session: Session, plot: LandPlot, query: LandQuery, actor: Principal, is_demo: bool
) -> None:
    exists = session.scalar(
        select(LandDuty.id).where(
            LandDuty.plot_id == plot.id,
            LandDuty.kind == DutyKind.SURVEY.value,
            LandDuty.done_on.is_(None),
        )
    )
    if exists is not None:
        return
    duty = LandDuty(
        kind=DutyKind.SURVEY.value,
        plot_id=plot.id,
        label=f"{DUTY_LABELS[DutyKind.SURVEY]}（地块 {plot.parcel_id}，{query.purpose}查询第 {query.id} 号）",
        due_on=None,
        note="查询结果为疑似污染地块：委托第三方开展土壤污染状况调查评估，征求生态环境部门意见",
        source="《晋城市2021年土壤污染防治行动计划》二（四）9",
        is_demo=is_demo,
    )
    session.add(duty)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.duty.open",
        entity="land_duty",
        entity_id=duty.id,
        after={"kind": duty.kind, "plot": plot.parcel_id, "query": query.id},
    )


def list_queries(session: Session, parcel_id: str | None = None) -> list[LandQuery]:
    """The recorded land-supply queries, in record order.

    Parameters
    ----------
    session : Session
        Open database session.
    parcel_id : str or None
        Only the queries about this plot (None = every query).

    Returns
    -------
    list of LandQuery
        The append-only query records, oldest first.
    """
    query = select(LandQuery).order_by(LandQuery.id)
    if parcel_id is not None:
        query = query.where(LandQuery.parcel_id == parcel_id.strip())
    return list(session.scalars(query))


def query_json(row: LandQuery) -> dict[str, Any]:
    """The stable JSON of a recorded query (``envplan land queries --json``).

    Parameters
    ----------
    row : LandQuery
        The recorded query, its replies loaded.

    Returns
    -------
    dict
        The recorded facts, ``answer`` (可以/不可以), ``recorded_at`` and ``replies``.
    """
    return {
        **query_payload(row),
        "answer": "可以" if row.allowed else "不可以",
        "recorded_at": row.created_at.isoformat() if row.created_at else None,
        "replies": [
            {
                "replied_on": iso(r.replied_on),
                "replied_by": r.replied_by,
                "text": r.text,
                "file": r.filename,
                "sha256": r.sha256,
            }
            for r in row.replies
        ],
    }


def attach_reply(
    session: Session,
    query_id: int,
    *,
    replied_on: dt.date,
    text: str,
    upload: tuple[str, bytes] | None,
    store: EvidenceStore | None,
    actor: Principal = SYSTEM,
    is_demo: bool = False,
) -> LandQueryReply:
    """Attach the ecology bureau's written reply (text and/or the signed file) to a query.

    Parameters
    ----------
    session : Session
        Open database session.
    query_id : int
        Id of the recorded query.
    replied_on : datetime.date
        Day of the reply (not before the query).
    text : str
        Text of the reply.
    upload : tuple of (str, bytes) or None
        The signed reply file as (file name, content).
    store : EvidenceStore or None
        Where the file is kept (required with ``upload``).
    actor : Principal
        The bureau admin (others are refused).
    is_demo : bool
        Mark the reply as 示例 data.

    Returns
    -------
    LandQueryReply
        The stored reply.

    Raises
    ------
    LandError
        Not the bureau, neither text nor file, or a reply dated before the query.
    LandNotFound
        No query has this id.
    """
    if not allowed(actor, Action.APPROVE, own=actor.role.value == "admin"):
        raise LandError(f"只有生态环境局（局管理员）可以登记书面回复：用户 {actor.username}")
    row = session.get(LandQuery, query_id)
    if row is None:
        raise LandNotFound(f"查询记录不存在：第 {query_id} 号")
    if not text.strip() and upload is None:
        raise LandError("书面回复须有回复内容或回复文件")
    if replied_on < row.asked_on:
        raise LandError("回复日期不能早于查询日期")
    sha = store_evidence(session, store, upload[1]) if upload is not None else None
    reply = LandQueryReply(
        query_id=row.id,
        replied_on=replied_on,
        replied_by=actor.username,
        text=text.strip(),
        sha256=sha,
        filename=upload[0] if upload is not None else None,
        is_demo=is_demo,
    )
    session.add(reply)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="land.query.reply",
        entity="land_query_reply",
        entity_id=reply.id,
        after={
            "query": row.id,
            "replied_on": replied_on.isoformat(),
            "text": reply.text,
            "sha256": sha,
        },
    )
    return reply


@dataclass(frozen=True)
class QueryProblem:
    query_id: int
    reason: str


def verify_queries(session: Session) -> tuple[int, list[QueryProblem]]:
    """Compare every stored query with the facts its audit entry recorded.

    Together with ``envplan audit verify`` (which proves the audit entries themselves unchanged)
    this finds a query row rewritten or removed behind the database's append-only guard.

    Parameters
    ----------
    session : Session
        Open database session.

    Returns
    -------
    tuple of (int, list of QueryProblem)
        How many query rows were checked, and each query found rewritten, inserted without an
        audit entry or removed (``query_id``, zh-CN ``reason``).
    """

    recorded: dict[str, str | None] = {
        entity_id: after
        for entity_id, after in session.execute(
            select(AuditEntry.entity_id, AuditEntry.after).where(AuditEntry.action == "land.query")
        )
    }
    problems: list[QueryProblem] = []
    count = 0
    seen: set[str] = set()
    for row in session.scalars(select(LandQuery).order_by(LandQuery.id)):
        count += 1
        key = str(row.id)
        seen.add(key)
        after = recorded.get(key)
        if after is None:
            problems.append(
                QueryProblem(row.id, "审计日志中没有该查询的记录（记录被插入或审计被删除）")
            )
            continue
        expected = json.loads(after)
        actual = json.loads(audit.canonical_json(query_payload(row)) or "{}")
        if expected != actual:
            fields = sorted(
                k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)
            )
            problems.append(QueryProblem(row.id, f"查询记录被改动（字段：{'、'.join(fields)}）"))
    for key in sorted(set(recorded) - seen, key=int):
        problems.append(QueryProblem(int(key), "查询记录被删除（审计日志中有记录）"))
    return count, problems

"""`envplan 13710` command group: matters assigned at meetings or by leaders, on the 13710 clock.

register (立项) → deploy / answer (3) / settle (7 or 1 month, or a timetable) → close (销号),
with extension (延期) and overdue escalation (催办). Runs as ``system`` unless ``--user`` is given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from envplan.services.access import Principal
    from envplan.store.models import ClockItem

#: One versioned change of an item: (session, acting principal, expected version) → the item.
Change = Callable[["Session", "Principal", int], "ClockItem"]

app = typer.Typer(
    help="“13710”交办事项：立项、答复、办结、延期、催办、销号 / 13710 assigned matters.",
    no_args_is_help=True,
)
UserOption = typer.Option(
    None, "--user", help="以该用户身份操作（默认 system）/ Act as this user (default: system)."
)
AsOfOption = typer.Option(None, "--as-of", help="评估日期（默认今天）/ Evaluation date.")
VersionOption = typer.Option(
    None, "--version", help="基于的版本号（防止覆盖他人操作）/ Expected version."
)


def _print(state) -> None:  # type: ignore[no-untyped-def]
    from envplan.services.supervision import NOTICE_LEVEL_LABELS, STEP_STATE_LABELS

    kind = "重大事项" if state.major else "一般事项"
    flags = "（已销号）" if state.closed else ""
    if state.escalation_level:
        flags += f"（已催办：{NOTICE_LEVEL_LABELS[state.escalation_level]}）"
    typer.echo(
        f"[{state.item_id}] {state.title}（{kind}，{state.source}，交办 {state.assigned_on}，"
        f"版本 {state.version}）{flags}"
    )
    if state.extended_to:
        typer.echo(f"    已延期至 {state.extended_to}：{state.extension_reason}")
    for step in state.steps:
        due = step.due.isoformat() if step.due else "—"
        done = f"，{step.done_on} 完成" if step.done_on else ""
        typer.echo(f"    {step.label}：时限 {due}{done}，{STEP_STATE_LABELS[step.state]}")


@app.command("register")
def register(
    title: str = typer.Option(..., "--title", help="事项名称 / Title."),
    source: str = typer.Option(..., "--source", help="交办来源（会议或领导）/ Assigned by."),
    unit: str = typer.Option(..., "--unit", help="责任单位编号 / Assignee unit id."),
    on: str | None = typer.Option(None, "--date", help="交办日期（默认今天）/ Assigned on."),
    content: str = typer.Option("", "--content", help="交办内容 / Content."),
    major: bool = typer.Option(False, "--major", help="重大复杂事项（1个月）/ Major matter."),
    rule_set: str | None = typer.Option(None, "--rules", help="13710 规则（默认省规定）"),
    user: str | None = UserOption,
) -> None:
    """立项：登记交办事项并起算时钟 / Register an assigned matter."""
    from envplan.services.supervision import (
        AccessDenied,
        SupervisionError,
        clock_state,
        register_item,
    )

    day = parse_date(on, "--date")
    with records_session() as session:
        try:
            item = register_item(
                session,
                title=title,
                source=source,
                unit_id=unit,
                assigned_on=day,
                major=major,
                content=content,
                rule_set=rule_set,
                actor=acting_user(session, user),
            )
        except (AccessDenied, SupervisionError) as exc:
            raise fail(str(exc)) from exc
        session.commit()
        _print(clock_state(item, day))


@app.command("list")
def list_cmd(
    as_of: str | None = AsOfOption,
    unit: str | None = typer.Option(None, "--unit", help="责任单位编号 / Unit id."),
    open_only: bool = typer.Option(False, "--open", help="只列未销号 / Open items only."),
    user: str | None = UserOption,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """列出事项及各环节时限 / List items and their steps."""
    from envplan.services.supervision import list_clock_items

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        states = list_clock_items(
            session,
            as_of=day,
            unit_id=unit,
            open_only=open_only,
            principal=acting_user(session, user),
        )
    if as_json:
        typer.echo(json.dumps([s.to_json() for s in states], ensure_ascii=False, indent=1))
        return
    for state in states:
        _print(state)
    typer.echo(f"共 {len(states)} 项。")


def _apply(
    item_id: int, day: dt.date, user: str | None, version: int | None, change: Change
) -> None:
    """Apply one change to an item against ``version`` (default: the item's current version),
    commit it and print the item's clock on ``day``; refusals become the command's error."""
    from envplan.services.supervision import (
        AccessDenied,
        ConflictError,
        NotFound,
        SupervisionError,
        clock_state,
        get_clock_item,
    )

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            current = get_clock_item(session, item_id, as_of=day, principal=principal)
            expected = version if version is not None else current.version
            item = change(session, principal, expected)
        except (AccessDenied, ConflictError, NotFound, SupervisionError) as exc:
            raise fail(str(exc)) from exc
        session.commit()
        _print(clock_state(item, day))


def _step(
    item_id: int,
    step: str,
    on: str | None,
    user: str | None,
    version: int | None,
    **kwargs: object,
) -> None:
    from envplan.services.supervision import record_step

    day = parse_date(on, "--date")
    _apply(
        item_id,
        day,
        user,
        version,
        lambda session, principal, expected: record_step(
            session,
            principal,
            item_id,
            step,
            on=day,
            expected_version=expected,
            **kwargs,  # type: ignore[arg-type]
        ),
    )


ItemArgument = typer.Argument(..., help="事项记录号 / Item id.")
DateOption = typer.Option(None, "--date", help="日期（默认今天）/ Date.")


@app.command("deploy")
def deploy(
    item_id: int = ItemArgument,
    on: str | None = DateOption,
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """“1”：研究部署 / Record the deployment."""
    _step(item_id, "deploy", on, user, version)


@app.command("answer")
def answer(
    item_id: int = ItemArgument,
    text: str = typer.Option(..., "--text", help="办理情况 / Handling status."),
    on: str | None = DateOption,
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """“3”：报告办理情况（答复）/ Answer: report the handling status."""
    _step(item_id, "progress", on, user, version, text=text)


@app.command("settle")
def settle(
    item_id: int = ItemArgument,
    text: str = typer.Option(..., "--text", help="办结情况 / Settlement."),
    on: str | None = DateOption,
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """“7”/“1”：办结 / Settle the matter."""
    _step(item_id, "resolve", on, user, version, text=text)


@app.command("timetable")
def timetable(
    item_id: int = ItemArgument,
    due: str = typer.Option(..., "--due", help="计划办结日期 / Planned settlement date."),
    on: str | None = DateOption,
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """重大事项报送时间表 / Submit the timetable of a major matter."""
    _step(item_id, "timetable", on, user, version, timetable_due=parse_date(due, "--due"))


@app.command("close")
def close(
    item_id: int = ItemArgument,
    on: str | None = DateOption,
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """“0”：销号（局管理员）/ Close out (bureau)."""
    _step(item_id, "close", on, user, version)


@app.command("extend")
def extend(
    item_id: int = ItemArgument,
    to: str = typer.Option(..., "--to", help="延期至 YYYY-MM-DD / New settlement date."),
    reason: str = typer.Option(..., "--reason", help="延期理由 / Reason."),
    user: str | None = UserOption,
    version: int | None = VersionOption,
) -> None:
    """延期办结（局管理员）/ Extend the settlement date (bureau)."""
    from envplan.services.supervision import extend_item

    new_due = parse_date(to, "--to")
    _apply(
        item_id,
        new_due,
        user,
        version,
        lambda session, principal, expected: extend_item(
            session, principal, item_id, to=new_due, reason=reason, expected_version=expected
        ),
    )


@app.command("escalate")
def escalate(as_of: str | None = AsOfOption, user: str | None = UserOption) -> None:
    """催办逾期事项（蓝→橙→红）/ Escalate overdue items."""
    from envplan.services.supervision import AccessDenied, escalate_clock_items

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        try:
            raised = escalate_clock_items(session, as_of=day, actor=acting_user(session, user))
        except AccessDenied as exc:
            raise fail(str(exc)) from exc
        session.commit()
    for state in raised:
        _print(state)
    typer.echo(f"共催办 {len(raised)} 项。")

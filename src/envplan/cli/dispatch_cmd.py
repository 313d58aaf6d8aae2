"""`envplan dispatch` command group: monthly snapshots (月调度), notices (督办单), 13710 items."""

from __future__ import annotations

import json

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

app = typer.Typer(
    help="月调度：冻结月末快照 / Monthly dispatch: freeze month-end snapshots.",
    no_args_is_help=True,
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@app.command("snapshot")
def snapshot(
    month: str = typer.Option(..., "--month", help="月份 YYYY-MM / Month."),
    user: str | None = typer.Option(None, "--user", help="操作人 / Acting user."),
    as_json: bool = typer.Option(False, "--json", help="输出快照内容 JSON / Print the content."),
) -> None:
    """冻结月末状态并给出按期完成率（按单位、县区、计划）/ Freeze the month-end state."""
    from envplan.services.access import AccessDenied
    from envplan.services.supervision import SupervisionError, snapshot_content, take_snapshot

    with records_session() as session:
        try:
            result = take_snapshot(session, month, actor=acting_user(session, user))
        except (SupervisionError, AccessDenied) as exc:
            raise fail(str(exc)) from exc
        session.commit()
        content = snapshot_content(result.snapshot)
    if as_json:
        typer.echo(json.dumps(content, ensure_ascii=False, indent=1))
        return
    if result.created:
        typer.echo(
            f"已冻结 {month} 月调度快照（截至 {content['as_of']}），哈希 {result.snapshot.content_sha256[:16]}…"
        )
    else:
        same = (
            "与现有记录重算一致"
            if result.reproducible
            else "注意：按现有记录重算结果已不同（有补录的历史数据）"
        )
        typer.echo(
            f"{month} 月调度快照已于 {result.snapshot.created_at:%Y-%m-%d} 冻结，不可更改；{same}。"
        )
    labels = {"plan": "按计划", "county": "按县（市、区）", "unit": "按责任单位"}
    for by, title in labels.items():
        typer.echo(f"\n{title}：应完成 / 按期完成 / 逾期完成 / 逾期未完成 / 按期完成率（本月）")
        for rate in content["rates"][by]:
            typer.echo(
                f"  {rate['label']}：{rate['due']} / {rate['done_on_time']} / {rate['done_late']} / "
                f"{rate['overdue']} / {_pct(rate['rate'])}（{_pct(rate['rate_in_month'])}）"
            )


@app.command("escalate")
def escalate_cmd(
    as_of: str | None = typer.Option(
        None, "--as-of", help="评估日期（默认今天）/ Evaluation date."
    ),
    user: str | None = typer.Option(None, "--user", help="签发人 / Issuing user."),
) -> None:
    """签发到期的督办单（蓝→橙→红）/ Issue due supervision notices."""
    from envplan.services.access import AccessDenied
    from envplan.services.supervision import NOTICE_LEVEL_LABELS, escalate

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        try:
            notices = escalate(session, as_of=day, actor=acting_user(session, user))
        except AccessDenied as exc:
            raise fail(str(exc)) from exc
        session.commit()
        for notice in notices:
            typer.echo(
                f"{notice.number} {NOTICE_LEVEL_LABELS[notice.level]} → {notice.unit.name}（签发 {notice.issued_on}）"
            )
    typer.echo(f"共签发 {len(notices)} 份督办单。")


@app.command("notices")
def notices_cmd(
    as_of: str | None = typer.Option(
        None, "--as-of", help="评估日期（默认今天）/ Evaluation date."
    ),
    unit: str | None = typer.Option(None, "--unit", help="责任单位编号 / Unit id."),
) -> None:
    """列出督办单及回复情况 / List notices and their replies."""
    from envplan.services.supervision import NOTICE_STATE_LABELS, list_notices

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        rows = list_notices(session, as_of=day, unit_id=unit)
    for n in rows:
        typer.echo(
            f"{n.number}\t{n.level_label}\t{n.unit_name}\t{n.task_key}\t签发 {n.issued_on}\t回复期限 {n.reply_due}\t{NOTICE_STATE_LABELS[n.state]}"
        )
    typer.echo(f"共 {len(rows)} 份。")


@app.command("clock")
def clock_cmd(
    as_of: str | None = typer.Option(
        None, "--as-of", help="评估日期（默认今天）/ Evaluation date."
    ),
) -> None:
    """列出“13710”事项及各环节时限 / List 13710 items and their steps."""
    from envplan.services.supervision import STEP_STATE_LABELS, list_clock_items

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        items = list_clock_items(session, as_of=day)
    for item in items:
        kind = "重大事项" if item.major else "一般事项"
        typer.echo(
            f"[{item.item_id}] {item.title}（{kind}，交办 {item.assigned_on}）{'已销号' if item.closed else ''}"
        )
        for step in item.steps:
            due = step.due.isoformat() if step.due else "—"
            typer.echo(f"    {step.label}：时限 {due}，{STEP_STATE_LABELS[step.state]}")

"""`envplan notices` command group: supervision notices (督办单) — list, show, reply, comment, close.

Every command runs as the ``system`` account unless ``--user`` is given. A reply is one per
notice: a second one (even a simultaneous one) is refused and nothing is overwritten.
"""

from __future__ import annotations

import json

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

app = typer.Typer(
    help="督办单：查看、回复、评论、销号 / Notices: list, show, reply, comment, close.",
    no_args_is_help=True,
)
UserOption = typer.Option(
    None, "--user", help="以该用户身份操作（默认 system）/ Act as this user (default: system)."
)
KeyArgument = typer.Argument(..., help="督办单编号（如 督〔2021〕3号）或记录号 / Notice.")


@app.command("list")
def list_cmd(
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期（默认今天）/ Date."),
    unit: str | None = typer.Option(None, "--unit", help="责任单位编号 / Unit id."),
    state: str | None = typer.Option(
        None, "--state", help="awaiting_reply | replied | reply_overdue | closed"
    ),
    user: str | None = UserOption,
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / JSON output."),
) -> None:
    """列出督办单及回复情况 / List notices and their replies."""
    from dataclasses import asdict

    from envplan.services.supervision import NOTICE_STATE_LABELS, list_notices

    if state is not None and state not in NOTICE_STATE_LABELS:
        raise fail(f"--state：应为 {'、'.join(NOTICE_STATE_LABELS)} 之一，收到 {state}")
    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        principal = acting_user(session, user)
        rows = list_notices(session, as_of=day, unit_id=unit, state=state, principal=principal)
    if as_json:
        typer.echo(json.dumps([asdict(n) for n in rows], ensure_ascii=False, default=str, indent=1))
        return
    for n in rows:
        typer.echo(
            f"{n.number}\t{n.level_label}\t{n.unit_name}\t{n.task_key}\t签发 {n.issued_on}"
            f"\t回复期限 {n.reply_due}\t{n.state_label}"
        )
    typer.echo(f"共 {len(rows)} 份。")


@app.command("show")
def show(
    key: str = KeyArgument,
    as_of: str | None = typer.Option(None, "--as-of", help="评估日期（默认今天）/ Date."),
    user: str | None = UserOption,
) -> None:
    """查看一份督办单：正文、回复、评论、销号 / Show one notice with its history."""
    from envplan.services.supervision import AccessDenied, NotFound, find_notice, get_notice

    day = parse_date(as_of, "--as-of")
    with records_session() as session:
        principal = acting_user(session, user)
        try:
            notice = find_notice(session, key)
            state = get_notice(session, notice.id, as_of=day, principal=principal)
        except (NotFound, AccessDenied) as exc:
            raise fail(str(exc)) from exc
    typer.echo(
        f"{state.number}（记录号 {state.notice_id}，版本 {state.version}）{state.level_label}"
    )
    typer.echo(f"发往：{state.unit_name}；任务 {state.task_key}；签发 {state.issued_on}")
    typer.echo(f"回复期限：{state.reply_due}；状态：{state.state_label}")
    typer.echo(state.body)
    if state.replied_on:
        typer.echo(f"回复（{state.replied_on}）：{state.reply_text}")
    for author, at, body in state.comments:
        typer.echo(f"  评论 {at} {author}：{body}")
    if state.closed_on:
        typer.echo(f"销号（{state.closed_on}）：{state.close_note or ''}")


def _write(key: str, user: str | None, action: str, **kwargs: object) -> str:
    from envplan.services.supervision import (
        AccessDenied,
        ConflictError,
        NotFound,
        SupervisionError,
        close_notice,
        comment_notice,
        find_notice,
        reply_notice,
    )

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            notice = find_notice(session, key)
            number = notice.number
            if action == "reply":
                reply_notice(session, principal, notice.id, **kwargs)  # type: ignore[arg-type]
            elif action == "close":
                close_notice(session, principal, notice.id, **kwargs)  # type: ignore[arg-type]
            else:
                comment_notice(session, principal, notice.id, **kwargs)  # type: ignore[arg-type]
        except (NotFound, AccessDenied, SupervisionError, ConflictError) as exc:
            raise fail(str(exc)) from exc
        session.commit()
    return number


@app.command("reply")
def reply(
    key: str = KeyArgument,
    text: str = typer.Option(..., "--text", help="回复内容 / Reply text."),
    on: str | None = typer.Option(None, "--date", help="回复日期（默认今天）/ Reply date."),
    user: str | None = UserOption,
) -> None:
    """书面回复督办单（每份一次）/ Reply to a notice (once)."""
    number = _write(key, user, "reply", replied_on=parse_date(on, "--date"), text=text)
    typer.echo(f"已回复：{number}")


@app.command("comment")
def comment(
    key: str = KeyArgument,
    text: str = typer.Option(..., "--text", help="评论内容 / Comment."),
    user: str | None = UserOption,
) -> None:
    """评论督办单 / Comment on a notice."""
    number = _write(key, user, "comment", body=text)
    typer.echo(f"已评论：{number}")


@app.command("close")
def close(
    key: str = KeyArgument,
    note: str = typer.Option("", "--note", help="销号意见 / Closing note."),
    on: str | None = typer.Option(None, "--date", help="销号日期（默认今天）/ Close date."),
    user: str | None = UserOption,
) -> None:
    """核实回复后办结销号（局管理员）/ Close a replied notice (bureau)."""
    number = _write(key, user, "close", closed_on=parse_date(on, "--date"), note=note)
    typer.echo(f"已销号：{number}")
